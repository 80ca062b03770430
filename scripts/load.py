#!/usr/bin/env python3
"""make load: gunicorn on 127.0.0.1 against PostgreSQL with the reference dataset, locust from a
second process, then throughput, p50/p95/p99, errors, and a check that every acknowledged write
was stored exactly once.

The reference dataset (scale 1, seed 42) is built once as ``<DATABASE_URL name>_s1`` (as for
``make bench``) and copied for each run into ``<name>_load`` (CREATE DATABASE ... TEMPLATE), so
every run starts from the same data. Bounded: LOAD_USERS (50), LOAD_SECONDS (60), port LOAD_PORT.
Before the mixed traffic, a short "floor" run measures how many requests per second the server
answers on the page with no data (anonymous accessibility page, 50 connections without pause).

Usage: ``DATABASE_URL=postgres://... python scripts/load.py [--users 50] [--seconds 60]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402  (the dataset cache of make bench)

BENCH = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent
TOKEN = re.compile(r"charge-[0-9a-f]{32}")


def clone(template_url: str) -> str:
    import psycopg

    parts = urlsplit(template_url)
    template = parts.path.lstrip("/")
    name = re.sub(r"_s1$", "", template) + "_load"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def plan(url: str) -> dict:
    """Who the simulated people are, and which dossiers each may touch."""
    import psycopg

    with psycopg.connect(url) as connection:
        carriers = connection.execute("""
            SELECT u.email,
                   array_agg(DISTINCT d.reference::text) FILTER (WHERE d.status IN ('draft', 'returned')),
                   (array_agg(DISTINCT d.reference::text))[1:20]
            FROM organisations_user u
            JOIN organisations_membership m ON m.user_id = u.id AND m.role = 'carrier'
            JOIN dossiers_dossiercarrier c ON c.organisation_id = m.organisation_id
            JOIN dossiers_dossier d ON d.id = c.dossier_id AND d.call_id = (SELECT max(id) FROM calls_call)
            GROUP BY u.email ORDER BY u.email LIMIT 400""").fetchall()
        instructors = connection.execute("""
            SELECT u.email,
                   array_agg(DISTINCT d.reference::text) FILTER (WHERE d.status = 'departmental_review'),
                   (array_agg(DISTINCT d.reference::text))[1:20]
            FROM organisations_user u
            JOIN organisations_membership m ON m.user_id = u.id AND m.role = 'departmental_instructor'
            JOIN organisations_organisation o ON o.id = m.organisation_id
            JOIN dossiers_dossier_departments dd ON dd.department_id = o.department_id
            JOIN dossiers_dossier d ON d.id = dd.dossier_id AND d.submitted_at IS NOT NULL
            GROUP BY u.email ORDER BY u.email LIMIT 200""").fetchall()
        committee = connection.execute("""
            SELECT u.email FROM organisations_user u JOIN organisations_membership m ON m.user_id = u.id
            WHERE m.role = 'committee' AND NOT u.is_superuser ORDER BY u.email""").fetchall()
        waiting = [row[0] for row in connection.execute(
            "SELECT reference::text FROM dossiers_dossier WHERE status = 'committee' ORDER BY id LIMIT 50")]  # fmt: skip
    from logement_accompagne.operations.reference_data.common import PASSWORD

    return {
        "password": PASSWORD,
        "carriers": [{"email": e, "drafts": d or [], "dossiers": a} for e, d, a in carriers if a],
        "instructors": [{"email": e, "in_review": r or [], "dossiers": a} for e, r, a in instructors if a],
        "committee": [{"email": e, "dossiers": waiting} for (e,) in committee],
    }


def open_sessions(url: str, people: dict) -> None:
    """A session for each simulated person, as if they had signed in before the run: logging in
    costs a deliberately slow password hash (PBKDF2), which would otherwise dominate the first
    seconds when 50 people sign in at the same instant; the login itself is measured apart."""
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from logement_accompagne.organisations.models import User

    emails = [
        account["email"] for kind in ("carriers", "instructors", "committee") for account in people[kind]
    ]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    for kind in ("carriers", "instructors", "committee"):
        for account in people[kind]:
            user = users[account["email"]]
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            account["session"] = session.session_key
    people["session_cookie"] = settings.SESSION_COOKIE_NAME


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench",
           "CONN_MAX_AGE": "600"}  # fmt: skip
    log = (BENCH / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", "4", "--max-requests", "0"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accessibilite/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn s'est arrêté : voir {BENCH / 'gunicorn.log'}") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn ne répond pas après 60 s")


def run_locust(port: int, users: int, seconds: int, prefix: str, floor: bool, env: dict) -> dict:
    csv_prefix = BENCH / prefix
    command = [str(BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(min(users, 25)), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
               "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"]  # fmt: skip
    if floor:
        command.append("Floor")
    subprocess.run(command, cwd=ROOT, env={**env, "LOAD_FLOOR": "1" if floor else "0"}, check=False,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {"rows": rows, "total": next(r for r in rows if r["Name"] == "Aggregated")}


def check_writes(url: str, writes: Path) -> dict:
    import psycopg

    acknowledged: dict[str, list[str]] = {}
    if writes.exists():
        for line in writes.read_text().splitlines():
            item = json.loads(line)
            acknowledged.setdefault(item["kind"], []).append(item["token"])
    with psycopg.connect(url) as connection:
        stored = {
            "summary": [t for (s,) in connection.execute(
                "SELECT summary FROM dossiers_dossier WHERE summary LIKE '%%charge-%%'") for t in TOKEN.findall(s)],
            "opinion": [t for (s,) in connection.execute(
                "SELECT relevance FROM dossiers_departmentalopinion WHERE relevance LIKE '%%charge-%%'")
                for t in TOKEN.findall(s)],
        }  # fmt: skip
    report = {}
    for kind in ("summary", "opinion"):
        expected, found = acknowledged.get(kind, []), stored[kind]
        counts = {token: found.count(token) for token in expected}
        # A later edit of the same draft replaces the summary: only opinions accumulate.
        if kind == "summary":
            lost = []
            duplicated = [t for t, n in counts.items() if n > 1]
            unknown = [t for t in found if t not in counts]
        else:
            lost = [t for t, n in counts.items() if n == 0]
            duplicated = [t for t, n in counts.items() if n > 1]
            unknown = [t for t in found if t not in counts]
        report[kind] = {"acknowledged": len(expected), "stored": len(found), "lost": len(lost),
                        "duplicated": len(duplicated), "unknown": len(unknown)}  # fmt: skip
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", "50")))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", "60")))
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8160")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", "4")))
    parser.add_argument("--floor-seconds", type=int, default=15)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("make load mesure le serveur de production sur PostgreSQL : définissez "
              "DATABASE_URL=postgres://utilisateur@127.0.0.1:5432/nom (la base <nom>_s1 et <nom>_load seront créées).")  # fmt: skip
        return 2
    options.users = max(1, min(options.users, 500))
    options.seconds = max(5, min(options.seconds, 900))
    BENCH.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    sys.path.insert(0, str(ROOT))
    reference = bench.ensure_dataset("1", rebuild=False)
    url = clone(reference)
    plan_path, writes = BENCH / "load-plan.json", BENCH / "load-writes.jsonl"
    people = plan(url)
    open_sessions(url, people)
    plan_path.write_text(json.dumps(people))
    writes.unlink(missing_ok=True)
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_WRITES": str(writes)}
    server = start_server(url, options.port, options.workers)
    try:
        print(f"== plancher : 50 connexions sans pause, {options.floor_seconds} s", flush=True)
        floor = run_locust(options.port, 50, options.floor_seconds, "load-floor", True, env)["total"]
        print(f"== trafic mixte : {options.users} utilisateurs, {options.seconds} s", flush=True)
        mixed = run_locust(options.port, options.users, options.seconds, "load", False, env)
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown: the run is over
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    checked = check_writes(url, writes)
    total = mixed["total"]
    errors = int(total["Failure Count"])
    print()
    print(f"{'requête':<40} {'nb':>6} {'err.':>5} {'p50':>6} {'p95':>6} {'p99':>6}")
    for row in mixed["rows"]:
        print(f"{row['Name'][:40]:<40} {row['Request Count']:>6} {row['Failure Count']:>5} "
              f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")  # fmt: skip
    print()
    print(f"Débit : {float(total['Requests/s']):.1f} req/s ; p50 {total['50%']} ms, p95 {total['95%']} ms, "
          f"p99 {total['99%']} ms ; erreurs : {errors} sur {total['Request Count']}")  # fmt: skip
    print(f"Plancher (page sans données, anonyme) : {float(floor['Requests/s']):.0f} req/s, "
          f"p50 {floor['50%']} ms, erreurs {floor['Failure Count']}")  # fmt: skip
    for kind, row in checked.items():
        print(f"Écritures « {kind} » : {row['acknowledged']} acquittées, {row['stored']} trouvées, "
              f"{row['lost']} perdues, {row['duplicated']} en double, {row['unknown']} inconnues")  # fmt: skip
    result = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "users": options.users, "seconds": options.seconds,
        "workers": options.workers, "rps": float(total["Requests/s"]), "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]), "p99_ms": float(total["99%"]), "requests": int(total["Request Count"]),
        "errors": errors, "floor_rps": float(floor["Requests/s"]), "floor_p50_ms": float(floor["50%"]),
        "writes": checked, "rows": mixed["rows"],
    }  # fmt: skip
    (BENCH / "load-latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    bad_writes = any(row["lost"] or row["duplicated"] or row["unknown"] for row in checked.values())
    return 1 if errors or bad_writes else 0


if __name__ == "__main__":
    sys.exit(main())
