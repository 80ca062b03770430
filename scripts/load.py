#!/usr/bin/env python3
"""make load: gunicorn on 127.0.0.1 against PostgreSQL with the reference dataset, locust from a
second process, then throughput, p50/p95/p99, errors, and a check that every acknowledged write
was stored exactly once.

The reference dataset (scale 1, seed 42) is built once as ``<DATABASE_URL name>_s1`` (as for
``make bench``) and copied for each run into ``<name>_load`` (CREATE DATABASE ... TEMPLATE), so
every run starts from the same data. Bounded: LOAD_USERS (50), LOAD_SECONDS (60), port LOAD_PORT,
LOAD_WORKERS (4) gthread workers of LOAD_THREADS (4) threads.

Before the mixed traffic, the floor: the page with no data (accessibility statement) under 50
connections without pause, measured by wrk (apt-get install wrk) anonymously and signed in, and
its CPU time per request in this process (test client, 5 rounds, the least disturbed kept), which
says what 2 cores allow whatever else the machine is doing. The mixed traffic (scripts/locustfile.py)
writes drafts, opinions and contacts; the run fails if any acknowledged write is lost, doubled or
unknown, or if no write was acknowledged at all. The server is stopped gracefully once locust is done.

Usage: ``DATABASE_URL=postgres://... python scripts/load.py [--users 50] [--seconds 60]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
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
KINDS = ("carriers", "instructors", "supports", "committee")


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
        departments = dict(
            connection.execute("""
            SELECT u.email, min(o.department_id) FROM organisations_user u
            JOIN organisations_membership m ON m.user_id = u.id AND m.role = 'departmental_instructor'
            JOIN organisations_organisation o ON o.id = m.organisation_id GROUP BY u.email""").fetchall()
        )
        supports = connection.execute("""
            SELECT u.email, (array_agg(DISTINCT h.reference))[1:20], (array_agg(DISTINCT d.reference::text))[1:3]
            FROM organisations_user u
            JOIN organisations_membership m ON m.user_id = u.id AND m.role = 'support_worker'
            JOIN dossiers_dossiercarrier c ON c.organisation_id = m.organisation_id
            JOIN dossiers_dossier d ON d.id = c.dossier_id AND d.status = 'selected'
            JOIN households_supportepisode e ON e.dossier_id = d.id AND e.ended_on IS NULL
            JOIN households_household h ON h.id = e.household_id AND h.purged_at IS NULL
            GROUP BY u.email ORDER BY u.email LIMIT 200""").fetchall()
        committee = connection.execute("""
            SELECT u.email FROM organisations_user u JOIN organisations_membership m ON m.user_id = u.id
            WHERE m.role = 'committee' AND NOT u.is_superuser ORDER BY u.email""").fetchall()
        waiting = [row[0] for row in connection.execute(
            "SELECT reference::text FROM dossiers_dossier WHERE status = 'committee' ORDER BY id LIMIT 50")]  # fmt: skip
    from logement_accompagne.operations.reference_data.common import PASSWORD

    # Each draft is edited by one simulated person only (the first who may): the last edit of a
    # draft is then the last one acknowledged, and the check below can say which text must be stored.
    taken: set[str] = set()
    carrier_rows = []
    for email, drafts, dossiers in carriers:
        if not dossiers:
            continue
        own = [d for d in drafts or [] if d not in taken]
        taken.update(own)
        carrier_rows.append({"email": email, "drafts": own, "dossiers": dossiers})
    return {
        "password": PASSWORD,
        "carriers": carrier_rows,
        "instructors": [{"email": e, "in_review": r or [], "dossiers": a, "department": departments.get(e)}
                        for e, r, a in instructors if a],
        "supports": [{"email": e, "households": h, "projects": p} for e, h, p in supports if h],
        "committee": [{"email": e, "dossiers": waiting} for (e,) in committee],
    }  # fmt: skip


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
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from logement_accompagne.organisations.models import User
    from logement_accompagne.reporting.exports import DEFAULT_COLUMNS
    from logement_accompagne.www.second_factor import APP_DEVICE, is_concerned

    emails = [account["email"] for kind in KINDS for account in people[kind]]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    for kind in KINDS:
        for account in people[kind]:
            user = users[account["email"]]
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            if is_concerned(user):
                # A State agent who typed their app's code at sign-in, as in production: the
                # second-factor middleware then reads the device on each request.
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                device = device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=True)
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.create()
            account["session"] = session.session_key
    people["session_cookie"] = settings.SESSION_COOKIE_NAME
    from django.core.cache import caches

    caches["shared"].clear()  # dashboard figures of an earlier run: this one computes its own
    people["export_columns"] = list(DEFAULT_COLUMNS)


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    """The production server as make load runs it: threaded workers (a thread waiting on PostgreSQL
    leaves the core to another), and idle keep-alive connections kept longer than a person's pause
    between two pages (gunicorn's 2 s default closed them under the clients' feet: the reset
    connections of earlier runs)."""
    return [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "75",
            "--graceful-timeout", "30", "--max-requests", "0"]  # fmt: skip


def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench",
           "CONN_MAX_AGE": "600"}  # fmt: skip
    log = (BENCH / "gunicorn.log").open("w")
    server = subprocess.Popen(gunicorn_command(port, workers, threads), cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)  # fmt: skip
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


def worker_cpu_seconds(server: subprocess.Popen) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each gunicorn worker (Linux /proc): shows whether
    the work is spread over the workers (a kept-alive connection stays with the worker that took it)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server.pid:  # ppid
            seconds[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def database_cpu_seconds(database: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends connected to ``database`` (when the server runs on this
    machine and /proc shows it): the database's share of each request, which the test client's
    process time does not include."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for process in Path("/proc").glob("[0-9]*"):
        try:
            command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not command.startswith("postgres:") or f" {database} " not in command:
                continue
            fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[int(process.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def stop_server(server: subprocess.Popen) -> None:
    """Graceful stop (SIGTERM): the workers finish the requests in hand before leaving. Called
    once every client has stopped, so no request is cut off by the stop itself."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_locust(port: int, users: int, seconds: int, prefix: str, env: dict) -> dict:
    csv_prefix = BENCH / prefix
    command = [str(BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(min(users, 25)), "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
               "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30"]  # fmt: skip
    # locust returns only once every simulated person has finished the task in hand (stop-timeout).
    subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    failures = []
    if Path(f"{csv_prefix}_failures.csv").exists():
        with open(f"{csv_prefix}_failures.csv", newline="") as handle:
            failures = list(csv.DictReader(handle))
    return {"rows": rows, "total": next(r for r in rows if r["Name"] == "Aggregated"), "failures": failures}


WRK_LINE = re.compile(r"Requests/sec:\s+([\d.]+)")


def floor_run(port: int, seconds: int, cookie: str | None) -> dict | None:
    """The page with no data under 50 connections without pause, measured by wrk (a C client that
    leaves the cores to the server), anonymous or with a signed-in person's session."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    command = [wrk, "-t2", "-c50", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    load_before = os.getloadavg()[0]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}/accessibilite/"], capture_output=True,
                            text=True, check=False).stdout  # fmt: skip
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    match = WRK_LINE.search(output)
    return {"rps": float(match.group(1)) if match else 0.0, "p50": latency.get("50", "?"),
            "p99": latency.get("99", "?"), "non_2xx": int(errors.group(1)) if errors else 0,
            "timeouts": int(timeouts.group(1)) if timeouts else 0,
            "load": [round(load_before, 2), round(os.getloadavg()[0], 2)]}  # fmt: skip


def cpu_per_request(url: str, session_key: str, cookie_name: str, repeat: int = 300) -> dict:
    """CPU time of this process per page with no data (test client, whole middleware stack, PostgreSQL;
    the database's own CPU not included): less disturbed by other work on the machine than
    requests per second."""
    from django.db import connection
    from django.test import Client

    result = {}
    counted = []

    def count(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    for who, key in (("anonyme", None), ("connecté", session_key)):
        client = Client()
        if key:
            client.cookies[cookie_name] = key
        for _ in range(20):
            client.get("/accessibilite/")
        counted.clear()
        with connection.execute_wrapper(count):
            client.get("/accessibilite/")
        rounds = []
        for _ in range(5):  # the least disturbed of 5 rounds: other work on the machine only adds
            started = time.process_time()
            for _ in range(repeat // 5):
                client.get("/accessibilite/")
            rounds.append((time.process_time() - started) / (repeat // 5) * 1000)
        ms = min(rounds)
        result[who] = {"cpu_ms": round(ms, 2), "queries": len(counted),
                       "rps_2_cores": round(2000 / ms)}  # fmt: skip
    return result


WRITE_KINDS = ("summary", "opinion", "contact")


def compare(acknowledged: list[dict], stored: dict[str, list[tuple[str, str]]]) -> dict:
    """Each acknowledged write against what the database holds (pure: tests/operations test it).

    ``acknowledged``: {"kind", "token", "target"} in the order the server acknowledged them;
    ``stored``: kind → (target, token) pairs found in the database.
    Opinions and contacts accumulate: each acknowledged token exactly once, nothing unknown.
    A summary replaces the previous one: for each draft, the last acknowledged token is the one
    stored (each draft has one editor, see plan()); an acknowledged edit not found at all, whose
    draft holds something else, is lost.
    """
    report = {}
    for kind in WRITE_KINDS:
        mine = [item for item in acknowledged if item["kind"] == kind]
        found = stored.get(kind, [])
        tokens = [token for _, token in found]
        counts = {item["token"]: tokens.count(item["token"]) for item in mine}
        duplicated = sum(1 for n in counts.values() if n > 1)
        unknown = sum(1 for token in tokens if token not in counts)
        if kind == "summary":
            last = {item["target"]: item["token"] for item in mine}
            held = {target: token for target, token in found}
            lost = sum(1 for target, token in last.items() if held.get(target) != token)
        else:
            lost = sum(1 for n in counts.values() if n == 0)
        report[kind] = {"acknowledged": len(mine), "stored": len(found), "lost": lost,
                        "duplicated": duplicated, "unknown": unknown}  # fmt: skip
    return report


def check_writes(url: str, writes: Path) -> dict:
    import psycopg

    acknowledged = [json.loads(line) for line in writes.read_text().splitlines()] if writes.exists() else []
    with psycopg.connect(url) as connection:
        stored = {
            kind: [(str(target), token) for target, text in connection.execute(query)
                   for token in TOKEN.findall(text)]
            for kind, query in (
                ("summary", "SELECT reference, summary FROM dossiers_dossier WHERE summary LIKE '%%charge-%%'"),
                ("opinion", "SELECT d.reference, o.relevance FROM dossiers_departmentalopinion o "
                            "JOIN dossiers_dossier d ON d.id = o.dossier_id WHERE o.relevance LIKE '%%charge-%%'"),
                ("contact", "SELECT h.reference, c.note FROM households_contact c "
                            "JOIN households_supportepisode e ON e.id = c.episode_id "
                            "JOIN households_household h ON h.id = e.household_id WHERE c.note LIKE '%%charge-%%'"),
            )
        }  # fmt: skip
    return compare(acknowledged, stored)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", "50")))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", "60")))
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8160")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", "4")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("LOAD_THREADS", "4")))
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
    signed_in = people["carriers"][-1]  # a carrier the mixed traffic does not use
    cookie = f"{people['session_cookie']}={signed_in['session']}"
    cpu = cpu_per_request(url, signed_in["session"], people["session_cookie"])
    server = start_server(url, options.port, options.workers, options.threads)
    try:
        print(f"== plancher : page sans données, 50 connexions sans pause, {options.floor_seconds} s (wrk)",
              flush=True)  # fmt: skip
        floors = {who: floor_run(options.port, options.floor_seconds, c)
                  for who, c in (("anonyme", None), ("connecté", cookie))}  # fmt: skip
        print(f"== trafic mixte : {options.users} utilisateurs, {options.seconds} s", flush=True)
        before, database_before = (
            worker_cpu_seconds(server),
            database_cpu_seconds(urlsplit(url).path.lstrip("/")),
        )
        mixed = run_locust(options.port, options.users, options.seconds, "load", env)
        after, database_after = (
            worker_cpu_seconds(server),
            database_cpu_seconds(urlsplit(url).path.lstrip("/")),
        )
        database_cpu = round(
            sum(database_after[pid] - database_before.get(pid, 0) for pid in database_after), 1
        )
        workers_cpu = sorted((round(after[pid] - before.get(pid, 0), 1) for pid in after), reverse=True)
    finally:
        stop_server(server)  # after locust has returned: nobody is still talking to it
    checked = check_writes(url, writes)
    total = mixed["total"]
    errors = int(total["Failure Count"])
    print()
    print(f"{'requête':<40} {'nb':>6} {'err.':>5} {'p50':>6} {'p95':>6} {'p99':>6}")
    for row in mixed["rows"]:
        print(f"{row['Name'][:40]:<40} {row['Request Count']:>6} {row['Failure Count']:>5} "
              f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}")  # fmt: skip
    for failure in mixed["failures"]:
        print(
            f"  erreur : {failure['Method']} {failure['Name']} × {failure['Occurrences']} : {failure['Error'][:120]}"
        )
    print()
    print(f"Débit : {float(total['Requests/s']):.1f} req/s ; p50 {total['50%']} ms, p95 {total['95%']} ms, "
          f"p99 {total['99%']} ms ; erreurs : {errors} sur {total['Request Count']} "
          f"(charge moyenne de la machine : {os.getloadavg()[0]:.1f})")  # fmt: skip
    requests = max(1, int(total["Request Count"]))
    print(f"CPU de chaque worker pendant le trafic mixte : {workers_cpu} s (sur {options.seconds} s) ; "
          f"PostgreSQL : {database_cpu} s ; par requête : {1000 * sum(workers_cpu) / requests:.1f} ms Python "
          f"+ {1000 * database_cpu / requests:.1f} ms PostgreSQL → au plus "
          f"{2 * requests / max(0.001, sum(workers_cpu) + database_cpu):.0f} req/s de ce mélange sur 2 cœurs")  # fmt: skip
    for who, floor in floors.items():
        if floor is None:
            print("Plancher : wrk absent (apt-get install wrk), non mesuré")
            break
        print(f"Plancher (page sans données, {who}) : {floor['rps']:.0f} req/s, p50 {floor['p50']}, "
              f"p99 {floor['p99']}, non-2xx {floor['non_2xx']}, délais dépassés {floor['timeouts']} "
              f"(charge moyenne {floor['load'][0]} → {floor['load'][1]})")  # fmt: skip
    for who, row in cpu.items():
        print(f"CPU par page sans données ({who}, client de test) : {row['cpu_ms']} ms, {row['queries']} requêtes SQL "
              f"→ au plus {row['rps_2_cores']} req/s sur 2 cœurs")  # fmt: skip
    for kind, row in checked.items():
        print(f"Écritures « {kind} » : {row['acknowledged']} acquittées, {row['stored']} trouvées, "
              f"{row['lost']} perdues, {row['duplicated']} en double, {row['unknown']} inconnues")  # fmt: skip
    nothing_written = sum(row["acknowledged"] for row in checked.values()) == 0
    if nothing_written:
        print("Aucune écriture acquittée : la vérification « exactement une fois » n'a rien vérifié (échec).")
    result = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "users": options.users, "seconds": options.seconds,
        "workers": options.workers, "threads": options.threads, "rps": float(total["Requests/s"]),
        "p50_ms": float(total["50%"]), "p95_ms": float(total["95%"]), "p99_ms": float(total["99%"]),
        "requests": int(total["Request Count"]), "errors": errors, "failures": mixed["failures"],
        "floor": floors, "cpu_per_request": cpu, "workers_cpu_s": workers_cpu, "database_cpu_s": database_cpu, "load_average": os.getloadavg(),
        "writes": checked, "rows": mixed["rows"],
    }  # fmt: skip
    (BENCH / "load-latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    bad_writes = any(row["lost"] or row["duplicated"] or row["unknown"] for row in checked.values())
    return 1 if errors or bad_writes or nothing_written else 0


if __name__ == "__main__":
    sys.exit(main())
