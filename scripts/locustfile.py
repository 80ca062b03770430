"""The load test's traffic (run by scripts/load.py, ``make load``): carriers editing their drafts,
instructors browsing their queue, giving opinions, looking at their department's dashboard and
exporting its list, support workers recording contacts with households, the committee browsing.

Accounts and dossiers come from var/bench/load-plan.json (written by scripts/load.py from the
reference dataset). Every write carries a unique token; the writes the server acknowledged
(redirect after POST) are appended to var/bench/load-writes.jsonl with their target, so that the
run can check afterwards that each was stored exactly once.
"""

from __future__ import annotations

import datetime
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
_counters = {kind: itertools.count() for kind in ("carriers", "instructors", "supports", "committee")}


def record(kind: str, token: str, target: str) -> None:
    with _lock, WRITES.open("a") as out:
        out.write(json.dumps({"kind": kind, "token": token, "target": target}) + "\n")


def form_fields(html: str, field: str) -> dict:
    """The fields of the page's POST form that holds ``field`` (the header's sign-out form comes
    first on every page: taking the first form would never find the one to fill)."""
    document = lxml.html.fromstring(html)
    for form in document.forms:
        if (form.method or "").upper() == "POST":
            values = dict(form.form_values())
            if field in values or form.xpath(f".//*[@name='{field}']"):
                return values
    return {}


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

    def form_page(self, url: str, name: str, field: str) -> dict:
        """GET a form page; no form holding ``field`` there is an error (a write that cannot happen)."""
        with self.client.get(url, name=name, catch_response=True) as page:
            fields = form_fields(page.text, field) if page.status_code == 200 else {}
            if not fields:
                page.failure(f"formulaire introuvable ({page.status_code}, {page.url})")
            return fields

    def post_write(self, url: str, fields: dict, name: str, kind: str, token: str, target: str):
        with self.client.post(
            url, data=fields, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                record(kind, token, target)
                response.success()
            elif response.status_code == 200 and "modifié" in response.text:
                response.success()  # an edit conflict: refused cleanly, not an error (and not acknowledged)
            else:
                response.failure(f"écriture refusée ({response.status_code})")


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
        draft = random.choice(self.account["drafts"])
        url = f"/dossiers/{draft}/sections/localisation/"
        fields = self.form_page(url, "section (page)", "summary")
        if not fields:
            return
        token = f"charge-{uuid.uuid4().hex}"
        fields["summary"] = f"Descriptif mis à jour ({token})."
        self.post_write(url, fields, "section (enregistrer)", "summary", token, draft)


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
        reference = random.choice(self.account["in_review"])
        url = f"/instruction/{reference}/avis-departemental/"
        fields = self.form_page(url, "avis départemental (page)", "relevance")
        if not fields:
            return
        token = f"charge-{uuid.uuid4().hex}"
        fields.update(relevance=f"Avis donné pendant l'essai de charge ({token}).", reproducibility="medium")
        fields.pop("forward", None)  # keep the dossier in departmental review for the others
        self.post_write(url, fields, "avis départemental (enregistrer)", "opinion", token, reference)

    @task(1)
    def dashboard(self):
        if self.account.get("department"):
            self.client.get(
                f"/pilotage/departement/{self.account['department']}/", name="tableau de bord (département)"
            )

    @task(1)
    def export(self):
        if not self.account.get("department"):
            return
        query = {"format": "csv", "department": self.account["department"], "columns": PLAN["export_columns"]}
        with self.client.get("/pilotage/exports/", params=query, name="export CSV (département)",
                             stream=True, catch_response=True) as response:  # fmt: skip
            size = sum(len(chunk) for chunk in response.iter_content(65536))
            if response.status_code != 200 or size == 0:
                response.failure(f"export ({response.status_code}, {size} octets)")


class SupportWorker(Person):
    weight = 3
    kind = "supports"

    def household(self) -> str:
        return random.choice(self.account["households"])

    @task(2)
    def project(self):
        self.client.get(
            f"/menages/projet/{random.choice(self.account['projects'])}/", name="ménages d'un projet"
        )

    @task(3)
    def timeline(self):
        self.client.get(f"/menages/{self.household()}/", name="frise d'un ménage")

    @task(2)
    def contact(self):
        household = self.household()
        url = f"/menages/{household}/contact/"
        fields = self.form_page(url, "contact (page)", "note")
        if not fields:
            return
        token = f"charge-{uuid.uuid4().hex}"
        fields.update(result=fields.get("result") or "reached", note=f"Appel pendant l'essai de charge ({token}).",
                      happened_on=fields.get("happened_on") or datetime.date.today().isoformat())  # fmt: skip
        self.post_write(url, fields, "contact (enregistrer)", "contact", token, household)


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

    @task(1)
    def national_dashboard(self):
        self.client.get("/pilotage/national/", name="tableau de bord national")
