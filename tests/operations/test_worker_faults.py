"""Faults in background work: a worker killed during a job, an export failing half-way.

A killed worker leaves its job as it was ("en cours"): the stale-job sweep (``manage.py
sweep_stale_jobs``, and the job's own page) hands an import to the parser once more, then fails it
with a French message; an export is failed, its page says so and offers to try again; the
database queue's row is closed as failed. The last test kills a real ``db_worker`` process with
SIGKILL in the middle of an analysis (PostgreSQL).
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from logement_accompagne.imports import jobs
from logement_accompagne.imports.models import ImportJob
from logement_accompagne.operations.recovery import WORKER_LOST, sweep_stale_jobs
from logement_accompagne.reporting.models import Export
from tests import factories
from tests.imports.test_import_views import FORM_TEXT
from tests.reporting.conftest import programme  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parent.parent.parent
LONG_AGO = timedelta(minutes=settings.BACKGROUND_JOB_TIMEOUT_MINUTES + 1)


@pytest.fixture
def carrier(db):
    call = factories.CallFactory(slug="aap-ouvert")
    organisation = factories.OrganisationFactory(name="Logem Test", kind="oph")
    return factories.carrier_user(organisation), call, organisation


def abandoned_job(carrier, *, state=ImportJob.State.RUNNING, attempts=1, age=LONG_AGO) -> ImportJob:
    """An import as a killed worker leaves it: claimed, half-way, not moved since ``age``."""
    user, call, organisation = carrier
    job = ImportJob(uploaded_by=user, organisation=organisation, call=call, original_name="projet.txt",
                    size_bytes=len(FORM_TEXT.encode()), attempts=attempts, state=state, progress=30)  # fmt: skip
    job.file.save("projet.txt", ContentFile(FORM_TEXT.encode()), save=False)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - age)
    return job


@pytest.mark.django_db
def test_an_import_whose_worker_died_is_analysed_again_and_reaches_the_review(
    client, carrier, django_capture_on_commit_callbacks
):
    job = abandoned_job(carrier, attempts=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        swept = sweep_stale_jobs()
    assert (swept.imports_retried, swept.imports_failed) == (1, 0)
    assert len(callbacks) == 1  # handed to the queue once (the test backend runs it at once)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.attempts == 2
    assert job.canonical["name"] == "Prévenir l'impayé"
    client.force_login(carrier[0])
    assert (
        "Vérifier ce que la plateforme a compris"
        in client.get(reverse("imports:review", args=[job.pk])).content.decode()
    )


@pytest.mark.django_db
def test_an_import_interrupted_twice_fails_with_a_french_message_on_its_page(client, carrier):
    job = abandoned_job(carrier, attempts=jobs.MAX_ATTEMPTS)
    client.force_login(carrier[0])
    # Nobody ran the sweep: the job's own page notices, instead of "en cours" forever.
    response = client.get(reverse("imports:review", args=[job.pk]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "interrompue deux fois" in page and "Importez-le à nouveau" in page
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.error == jobs.INTERRUPTED
    # Once failed, the sweep leaves it alone.
    assert sweep_stale_jobs().imports_failed == 0


@pytest.mark.django_db
def test_a_running_import_that_still_moves_is_left_alone(client, carrier):
    job = abandoned_job(carrier, attempts=1, age=timedelta(minutes=1))
    assert sweep_stale_jobs().imports_retried == 0
    client.force_login(carrier[0])
    assert (
        "Lecture du document en cours"
        in client.get(reverse("imports:review", args=[job.pk])).content.decode()
    )
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and job.attempts == 1


@pytest.mark.django_db
def test_a_retried_job_is_claimed_by_one_worker_only(carrier):
    job = abandoned_job(carrier, state=ImportJob.State.PENDING, attempts=1)
    assert jobs.run(job.pk).state == ImportJob.State.DONE
    ImportJob.objects.filter(pk=job.pk).update(canonical={"claimed": "par le premier"})
    # A second delivery of the same task (a retry racing a slow worker) changes nothing.
    assert jobs.run(job.pk).canonical == {"claimed": "par le premier"}


@pytest.mark.django_db
def test_an_export_whose_worker_died_says_so_in_french(client):
    user = factories.committee_member()
    export = Export.objects.create(requested_by=user, format="csv", columns=["name"], filters={})
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - LONG_AGO)
    client.force_login(user)
    page = client.get(reverse("reporting:export_status", args=[export.reference])).content.decode()
    assert "L'export n'a pas pu être produit. Réessayez" in page
    export.refresh_from_db()
    assert export.state == Export.State.FAILED and export.finished_at is not None
    recent = Export.objects.create(requested_by=user, format="csv", columns=["name"], filters={})
    assert sweep_stale_jobs().exports_failed == 0
    recent.refresh_from_db()
    assert recent.state == Export.State.PENDING


@pytest.mark.django_db
def test_an_export_failing_half_way_leaves_no_file(
    client,
    programme,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from logement_accompagne.reporting import exports

    user = programme.dept45  # sees two dossiers
    real_rows = exports.rows

    def rows_then_crash(*args, **kwargs):
        for count, row in enumerate(real_rows(*args, **kwargs)):
            if count == 1:
                raise ConnectionError("coupure au milieu de l'écriture")
            yield row

    monkeypatch.setattr(exports, "rows", rows_then_crash)
    client.force_login(user)
    with override_settings(EXPORT_BACKGROUND_THRESHOLD=1), django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reporting:export"), {"format": "xlsx", "columns": ["name", "status"]})
    export = Export.objects.get()
    assert response.status_code == 302
    assert export.state == Export.State.FAILED and not export.file and export.rows == 0
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert not [path for path in root.rglob("*") if path.is_file()]
    assert "n'a pas pu être produit" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_sweep_command_reports_in_french(carrier):
    abandoned_job(carrier, attempts=jobs.MAX_ATTEMPTS)
    from io import StringIO

    out = StringIO()
    call_command("sweep_stale_jobs", stdout=out)
    assert "imports en échec : 1" in out.getvalue()


# --- a real worker process, killed in the middle of an analysis --------------------------------

WORKER = r"""
import json, os, sys, time
import django
django.setup()
from django.core.management import call_command
from django.test.utils import override_settings
from logement_accompagne.imports import jobs

def stuck(*args, **kwargs):  # the analysis takes long enough to be killed in the middle of it
    print("ANALYSE", flush=True)
    time.sleep(300)

jobs.parse_document = stuck
with override_settings(STORAGES=json.loads(os.environ["TEST_STORAGES"])):
    call_command("db_worker", "--queue-name", "*", "--interval", "0.1", "--no-startup-delay")
"""


@pytest.fixture
def postgres_for_a_worker(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("processus de travail réel testé sur PostgreSQL seulement (DATABASE_URL=postgres://...)")
    call_command("load_territories", verbosity=0)  # a transactional test starts from an empty database


@pytest.mark.postgres
def test_a_worker_killed_during_an_analysis_is_noticed_and_the_job_retried(postgres_for_a_worker, carrier):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    job = abandoned_job(carrier, state=ImportJob.State.PENDING, attempts=0, age=timedelta(0))
    database_backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=database_backend):
        ImportJob.objects.filter(pk=job.pk).update(attempts=1)
        jobs.parse_in_background.enqueue(str(job.pk))  # what the upload does for a large file
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "0",
           "TEST_STORAGES": json.dumps(settings.STORAGES)}  # fmt: skip
    env.pop("TASKS_BACKEND", None)
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while ImportJob.objects.get(pk=job.pk).state != ImportJob.State.RUNNING:
            assert worker.poll() is None, worker.communicate()
            assert time.monotonic() < deadline, "le processus n'a pas pris la tâche"
            time.sleep(0.2)
        printed = []
        while "ANALYSE" not in printed:  # the worker is in the middle of the analysis
            printed.append(worker.stdout.readline().strip())
            assert len(printed) < 20 and printed[-1] != "" or "ANALYSE" in printed, printed
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        worker.stderr.close()

    # Killed: nothing will ever move this job or its queue row by itself.
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.RUNNING
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    later = timezone.now() + LONG_AGO
    with override_settings(TASKS=database_backend):
        swept = sweep_stale_jobs(now=later)
    assert (swept.imports_retried, swept.tasks_failed) == (1, 1)
    dead = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert dead.traceback == WORKER_LOST
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)  # handed to the queue again
    assert retry.args_kwargs["args"] == [str(job.pk)]
    job.refresh_from_db()
    assert job.state == ImportJob.State.PENDING and job.attempts == 2
    jobs.run(job.pk)  # what the next worker does with it
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
