"""Background production of large exports (django-tasks, like the imports)."""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import exports
from .models import Export

logger = logging.getLogger(__name__)


@task()
def build_export(export_pk: int) -> None:
    from .services import export_queryset

    export = Export.objects.select_related("requested_by").get(pk=export_pk)
    try:
        dossiers = export_queryset(export.requested_by, export.filters)
        counted = dossiers.count()
        with tempfile.TemporaryFile() as spool:
            exports.write(
                export.format, exports.header(export.columns), exports.rows(dossiers, export.columns), spool
            )
            spool.seek(0)
            export.file.save(f"{export.reference}.{export.format}", File(spool), save=False)
        export.rows, export.state, export.finished_at = counted, Export.State.READY, timezone.now()
    except Exception:
        logger.exception("export %s failed", export.pk)
        export.state, export.finished_at = Export.State.FAILED, timezone.now()
    with transaction.atomic():
        export.save()


# An export still "en préparation" after this long has lost its worker (killed, restarted).
STALE_AFTER = timedelta(minutes=getattr(settings, "BACKGROUND_JOB_TIMEOUT_MINUTES", 30))


def fail_stale(exports=None, *, now=None) -> int:
    """Exports whose worker died: marked failed, so that their page says so (in French) and
    offers to try again, instead of "en préparation" forever. Returns how many."""
    now = now or timezone.now()
    return (
        (Export.objects if exports is None else exports)
        .filter(state=Export.State.PENDING, created_at__lt=now - STALE_AFTER)
        .update(state=Export.State.FAILED, finished_at=now)
    )
