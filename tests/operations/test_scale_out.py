"""Scale-out on existing engines: the read-replica router, background tasks on Redis (RQ)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections

from config.routers import ReplicaRouter, reading_from_replica
from logement_accompagne.calls.models import Call
from tests import factories

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reporting_reads_go_to_the_replica_and_writes_stay_on_the_primary():
    call = factories.CallFactory(title="Appel lu sur la réplique")
    router = ReplicaRouter()
    assert router.db_for_read(Call) is None  # outside a reporting read: the primary
    with reading_from_replica() as alias:
        assert alias == "replica"
        assert router.db_for_read(Call) == "replica"
        assert router.db_for_write(Call) == "default"
        assert Call.objects.all().db == "replica"
        assert Call.objects.get(pk=call.pk).title == "Appel lu sur la réplique"
        # A write inside a reporting block still goes to the primary.
        assert Call.objects.filter(pk=call.pk).update(title="Modifié") == 1
    assert Call.objects.all().db == "default"
    assert router.allow_migrate("replica", "calls") is False
    assert "replica" in connections.settings


def redis_url() -> str | None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
    host, port = "127.0.0.1", 6379
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return None
    return url


def run_with_redis(code: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "REDIS_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "0"}
    env.pop("TASKS_BACKEND", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


TASK_ROUND_TRIP = r"""
import django, uuid
django.setup()
from django.conf import settings
from django.core import mail
from django_tasks import task_backends
from django_rq import get_queue
from rq import SimpleWorker
from logement_accompagne.operations.tasks import echo

assert type(task_backends["default"]).__name__ == "RQBackend", type(task_backends["default"])
assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
token = uuid.uuid4().hex
queue = get_queue("default")
queue.empty()
result = echo.enqueue(token)
assert result.status == "READY", result.status
from django_tasks_rq.backend import Job
# What production runs: manage.py rqworker default --job-class django_tasks_rq.backend.Job
SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
result.refresh()
assert result.status == "SUCCESSFUL", (result.status, result.errors)
assert result.return_value == token.upper(), result.return_value
print("OK", result.id)
"""


def test_background_tasks_run_on_redis_when_configured():
    url = redis_url()
    if url is None:
        pytest.skip("Redis absent sur 127.0.0.1:6379 : tâches sur Redis non testées")
    done = run_with_redis(TASK_ROUND_TRIP, url)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[-1].startswith("OK ")
