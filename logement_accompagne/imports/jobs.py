"""Running an import: parse the stored file (inline for small files, in a background task for
large ones). The draft is created by ``services.confirm`` once the person has reviewed it."""

from django.conf import settings
from django.db import transaction
from django_tasks import task

from logement_accompagne.importer import OCR_SOURCES_KEY, DocumentImportError, parse_document

from .models import ImportJob

# Files above this size are parsed by the background worker, with a progress bar.
INLINE_LIMIT_BYTES = getattr(settings, "IMPORT_INLINE_LIMIT_BYTES", 256 * 1024)


def _set(job_id, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def run(job_id) -> ImportJob:
    """Parse the job's file and store what was understood; never raises for a bad document."""
    job = ImportJob.objects.get(pk=job_id)
    if job.state not in (ImportJob.State.PENDING, ImportJob.State.RUNNING):
        return job
    _set(job_id, state=ImportJob.State.RUNNING, progress=10)
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
    if job.size_bytes <= INLINE_LIMIT_BYTES:
        return run(job.pk)
    transaction.on_commit(lambda: parse_in_background.enqueue(str(job.pk)))
    return job
