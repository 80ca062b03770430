"""The load test's traffic (run by scripts/load.py, ``make load``): carriers editing their drafts,
instructors browsing their queue and giving opinions, the committee browsing its page.

Accounts and dossiers come from var/bench/load-plan.json (written by scripts/load.py from the
reference dataset). Every write carries a unique token; the tokens of writes the server
acknowledged (redirect after POST) are appended to var/bench/load-writes.jsonl so that the run
can check afterwards that each was stored exactly once.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import uuid
from pathlib import Path

import lxml.html
from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
WRITES = Path(os.environ["LOAD_WRITES"])
_lock = threading.Lock()
_counters = {kind: itertools.count() for kind in ("carriers", "instructors", "committee")}


def record(kind: str, token: str) -> None:
    with _lock, WRITES.open("a") as out:
        out.write(json.dumps({"kind": kind, "token": token}) + "\n")


def form_fields(html: str, action_part: str = "") -> tuple[dict, str | None]:
    """The fields of the page's first POST form (whose action contains action_part) and its action."""
    document = lxml.html.fromstring(html)
    for form in document.forms:
        if (form.method or "").upper() == "POST" and action_part in (form.action or ""):
            return dict(form.form_values()), form.action
    return {}, None


class Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    kind = ""

    def on_start(self):
        accounts = PLAN[self.kind]
        self.account = accounts[next(_counters[self.kind]) % len(accounts)]
        # Already signed in (scripts/load.py opened the session): see open_sessions() there.
        self.client.cookies.set(PLAN["session_cookie"], self.account["session"], domain="127.0.0.1")

    def dossier_url(self) -> str:
        return f"/dossiers/{random.choice(self.account['dossiers'])}/"


class Carrier(Person):
    weight = 5
    kind = "carriers"

    @task(3)
    def my_dossiers(self):
        self.client.get("/dossiers/", name="mes dossiers")

    @task(3)
    def dossier(self):
        self.client.get(self.dossier_url(), name="page dossier (porteur)")

    @task(2)
    def edit_draft(self):
        if not self.account["drafts"]:
            return
        url = f"/dossiers/{random.choice(self.account['drafts'])}/sections/localisation/"
        page = self.client.get(url, name="section (page)")
        fields, _ = form_fields(page.text)
        if "summary" not in fields:
            return
        token = f"charge-{uuid.uuid4().hex}"
        fields["summary"] = f"Descriptif mis à jour ({token})."
        with self.client.post(url, data=fields, name="section (enregistrer)", allow_redirects=False,
                              catch_response=True) as response:  # fmt: skip
            if response.status_code == 302:
                record("summary", token)
                response.success()
            elif response.status_code == 200 and "modifié" in response.text:
                response.success()  # an edit conflict with a colleague: refused cleanly, not an error
            else:
                response.failure(f"enregistrement refusé ({response.status_code})")


class Instructor(Person):
    weight = 4
    kind = "instructors"

    @task(4)
    def queue(self):
        self.client.get("/instruction/", name="file d'instruction")

    @task(2)
    def queue_page(self):
        self.client.get(f"/instruction/?page={random.randint(1, 3)}", name="file d'instruction (page n)")

    @task(3)
    def dossier(self):
        self.client.get(self.dossier_url(), name="page dossier (instructeur)")

    @task(1)
    def opinion(self):
        if not self.account["in_review"]:
            return
        url = f"/instruction/{random.choice(self.account['in_review'])}/avis-departemental/"
        page = self.client.get(url, name="avis départemental (page)")
        fields, _ = form_fields(page.text)
        if "relevance" not in fields:
            return
        token = f"charge-{uuid.uuid4().hex}"
        fields.update(relevance=f"Avis donné pendant l'essai de charge ({token}).", reproducibility="medium")
        fields.pop("forward", None)  # keep the dossier in departmental review for the others
        with self.client.post(url, data=fields, name="avis départemental (enregistrer)", allow_redirects=False,
                              catch_response=True) as response:  # fmt: skip
            if response.status_code == 302:
                record("opinion", token)
                response.success()
            else:
                response.failure(f"avis refusé ({response.status_code})")


class Committee(Person):
    weight = 1
    kind = "committee"

    @task(2)
    def committee(self):
        self.client.get("/comite/", name="page comité")

    @task(1)
    def queue(self):
        self.client.get("/instruction/?status=committee", name="file d'instruction (comité)")

    @task(1)
    def dossier(self):
        self.client.get(self.dossier_url(), name="page dossier (comité)")


try:  # the floor: the page with no data, as fast as the server can answer (scripts/load.py --floor)
    from locust import FastHttpUser

    class Floor(FastHttpUser):
        abstract = os.environ.get("LOAD_FLOOR") != "1"
        wait_time = between(0, 0)

        @task
        def accessibility(self):
            self.client.get("/accessibilite/", name="plancher : page accessibilité (anonyme)")

except ImportError:  # pragma: no cover - geventhttpclient ships with locust
    pass
