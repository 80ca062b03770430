"""Running an import: parse the stored file (inline for small files, in a background task for
large ones). The draft is created by ``services.confirm`` once the person has reviewed it.

A worker can die during an analysis (killed, machine restarted): its job would stay "en cours"
forever. ``sweep_stale`` (run by ``manage.py sweep_stale_jobs`` and whenever the person looks at
the job) hands such a job to the parser once more, then marks it failed with a French message.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from logement_accompagne.importer import OCR_SOURCES_KEY, DocumentImportError, parse_document

from .models import ImportJob

# Files above this size are parsed by the background worker, with a progress bar.
INLINE_LIMIT_BYTES = getattr(settings, "IMPORT_INLINE_LIMIT_BYTES", 256 * 1024)


def _set(job_id, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


# A job neither finished nor moved for this long has lost its worker.
STALE_AFTER = timedelta(minutes=getattr(settings, "BACKGROUND_JOB_TIMEOUT_MINUTES", 30))
MAX_ATTEMPTS = 2  # the first analysis and one retry
INTERRUPTED = (
    "L'analyse du document a été interrompue deux fois (arrêt du traitement en arrière-plan). "
    "Importez-le à nouveau ; si cela se reproduit, signalez-le à l'équipe de la plateforme."
)


def run(job_id) -> ImportJob:
    """Parse the job's file and store what was understood; never raises for a bad document."""
    # Claimed by one worker only: a job handed out twice (a retry racing a slow worker) is parsed once.
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.PENDING).update(
        state=ImportJob.State.RUNNING, progress=10, updated_at=timezone.now()
    )
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    with job.file.open("rb") as handle:
        data = handle.read(settings.MAX_UPLOAD_BYTES + 1)
    _set(job_id, progress=30)
    try:
        result = parse_document(data, filename=job.original_name)
    except DocumentImportError as error:
        _set(job_id, state=ImportJob.State.FAILED, progress=100, error=str(error))
    except Exception:  # a parser bug must not leave the job spinning forever
        import logging

        logging.getLogger(__name__).exception("import %s", job_id)
        _set(job_id, state=ImportJob.State.FAILED, progress=100,
             error="Le document n'a pas pu être analysé (erreur interne signalée à l'équipe).")  # fmt: skip
    else:
        sources = dict(result.sources)
        if result.ocr_keys:  # values read from scanned pages, flagged on the review page
            sources[OCR_SOURCES_KEY] = list(result.ocr_keys)
        _set(job_id, state=ImportJob.State.DONE, progress=100, canonical=result.canonical,
             sources=sources, warnings=list(result.warnings))  # fmt: skip
    job.refresh_from_db()
    return job


@task()
def parse_in_background(job_id: str) -> None:
    run(job_id)


def start(job: ImportJob) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
    if job.size_bytes <= INLINE_LIMIT_BYTES:
        return run(job.pk)
    transaction.on_commit(lambda: parse_in_background.enqueue(str(job.pk)))
    return job


def sweep_stale(jobs=None, *, now=None) -> tuple[int, int]:
    """Jobs left "en attente" or "en cours" longer than STALE_AFTER: handed to the parser again
    if they have attempts left, failed with a French message otherwise. Returns (retried, failed)."""
    now = now or timezone.now()
    stale = (ImportJob.objects if jobs is None else jobs).filter(
        state__in=[ImportJob.State.PENDING, ImportJob.State.RUNNING], updated_at__lt=now - STALE_AFTER
    )
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=ImportJob.State.FAILED, progress=100, error=INTERRUPTED, updated_at=now
    )
    retried = 0
    for pk in list(stale.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)):
        # Only if nobody moved it meanwhile (compare-and-swap on the state and the date).
        moved = stale.filter(pk=pk).update(
            state=ImportJob.State.PENDING, progress=0, attempts=F("attempts") + 1, updated_at=now
        )
        if moved:
            retried += 1
            transaction.on_commit(lambda pk=pk: parse_in_background.enqueue(str(pk)))
    return retried, failed
