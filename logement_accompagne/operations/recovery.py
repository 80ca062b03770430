"""Background work whose worker died (killed, out of memory, machine restarted) is never left
"en cours" forever: imports are handed to the parser once more then failed, exports failed, and
the database task queue's own rows closed as failed (``manage.py sweep_stale_jobs``)."""

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from logement_accompagne.imports import jobs as import_jobs
from logement_accompagne.reporting import tasks as export_tasks

WORKER_LOST = "Le traitement en arrière-plan s'est arrêté pendant cette tâche (processus interrompu)."


@dataclass
class Swept:
    imports_retried: int
    imports_failed: int
    exports_failed: int
    tasks_failed: int


def sweep_stale_jobs(*, now=None) -> Swept:
    now = now or timezone.now()
    retried, failed = import_jobs.sweep_stale(now=now)
    return Swept(
        imports_retried=retried,
        imports_failed=failed,
        exports_failed=export_tasks.fail_stale(now=now),
        tasks_failed=_fail_orphaned_task_results(now),
    )


def _fail_orphaned_task_results(now) -> int:
    """The database backend's rows claimed by a worker that is gone (RQ has its own registry)."""
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = now - timedelta(minutes=getattr(settings, "BACKGROUND_JOB_TIMEOUT_MINUTES", 30))
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="logement_accompagne.operations.recovery.WorkerLost",
        traceback=WORKER_LOST,
    )


class WorkerLost(Exception):
    """Named on a task result whose worker disappeared (no traceback exists for it)."""
