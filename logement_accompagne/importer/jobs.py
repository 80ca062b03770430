"""Running an import: parse the stored file (inline for small files, in a
background task for large ones), then create the draft once confirmed."""

from django.conf import settings
from django.db import transaction
from django_tasks import task

from .models import ImportJob

# Files above this size are parsed by the background worker, with a progress bar.
INLINE_LIMIT_BYTES = getattr(settings, "IMPORT_INLINE_LIMIT_BYTES", 256 * 1024)


def _set(job_id, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def run(job_id) -> ImportJob:
    """Parse the job's file and store what was understood; never raises for a bad document."""
    from . import DocumentImportError, parse_document

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
        _set(job_id, state=ImportJob.State.DONE, progress=100, canonical=result.canonical,
             sources=dict(result.sources), warnings=list(result.warnings))  # fmt: skip
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


@transaction.atomic
def confirm(job: ImportJob, canonical: dict):
    """Create the draft from the reviewed document; the uploader's organisation is always a carrier."""
    from logement_accompagne.dossiers.canonical import create_draft_from_canonical
    from logement_accompagne.dossiers.models import DossierCarrier
    from logement_accompagne.dossiers.services import carrier_role_for

    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.state == ImportJob.State.CONFIRMED:
        return locked.dossier
    with locked.file.open("rb") as handle:
        content = handle.read()
    dossier = create_draft_from_canonical(
        canonical,
        call=locked.call,
        created_by=locked.uploaded_by,
        original_file=(locked.original_name, content),
    )
    if not dossier.carrier_links.filter(organisation=locked.organisation).exists():
        DossierCarrier.objects.create(
            dossier=dossier, organisation=locked.organisation, role=carrier_role_for(locked.organisation),
            position=dossier.carrier_links.count(),
        )  # fmt: skip
    if not dossier.departments.exists() and locked.organisation.department_id:
        dossier.departments.add(locked.organisation.department_id)
    locked.state = ImportJob.State.CONFIRMED
    locked.dossier = dossier
    locked.canonical = canonical
    locked.save(update_fields=["state", "dossier", "canonical", "updated_at"])
    return dossier
