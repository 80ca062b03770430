"""Running an import: parse the stored file (inline for small files, in a
background task for large ones), then create the draft once confirmed."""

import copy

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


READABLE = {"low": "faible", "medium": "moyen", "high": "fort", "favourable": "favorable",
            "unfavourable": "défavorable"}  # fmt: skip


def opinions_as_text(canonical: dict) -> dict:
    """A carrier's document may carry what looks like the State services' opinions: they are kept,
    word for word, among the unmapped passages, never stored as opinions."""
    document = copy.deepcopy(canonical)
    departmental = document.get("department_opinion") or {}
    regional = document.get("regional_opinion") or {}
    kept = [
        f"{label} (repris du document) : {value}"
        for label, value in (
            ("Pertinence du projet selon le service départemental", departmental.get("relevance")),
            ("Caractère reproductible selon le service départemental",
             READABLE.get(departmental.get("reproducibility"))),
            ("Conditions jugées nécessaires", departmental.get("conditions")),
            ("Avis global du niveau régional", READABLE.get(regional.get("verdict"))),
            ("Commentaire du niveau régional", regional.get("comment")),
        )
        if value
    ]  # fmt: skip
    document["department_opinion"] = {"relevance": "", "reproducibility": None, "conditions": ""}
    document["regional_opinion"] = {"verdict": None, "comment": ""}
    document["unmapped"] = [*document.get("unmapped", []), *kept]
    return document


@transaction.atomic
def confirm(job: ImportJob, canonical: dict):
    """Create the draft from the reviewed document, for the uploader's organisation only.

    The uploader must still be a carrier of that organisation and the call still open; the other
    carriers the document names stay as text, to be invited like any co-carrier.
    """
    from django.core.exceptions import ValidationError

    from logement_accompagne.dossiers.canonical import create_draft_from_canonical
    from logement_accompagne.dossiers.models import DossierCarrier
    from logement_accompagne.dossiers.services import carrier_role_for
    from logement_accompagne.organisations.enums import Role
    from logement_accompagne.organisations.models import Membership

    locked = ImportJob.objects.select_for_update().select_related("call", "organisation").get(pk=job.pk)
    if locked.state == ImportJob.State.CONFIRMED:
        return locked.dossier
    if not Membership.objects.filter(
        user_id=locked.uploaded_by_id, organisation=locked.organisation, role=Role.CARRIER
    ).exists():
        raise ValidationError(f"Vous ne portez plus de projet au nom de « {locked.organisation} ».")
    if not locked.call.is_open():
        raise ValidationError(f"L'appel « {locked.call} » est clos : il n'accepte plus de nouveau dossier.")
    with locked.file.open("rb") as handle:
        content = handle.read()
    dossier = create_draft_from_canonical(
        opinions_as_text(canonical), call=locked.call, created_by=locked.uploaded_by,
        original_file=(locked.original_name, content), attach_carriers=False,
    )  # fmt: skip
    DossierCarrier.objects.create(
        dossier=dossier, organisation=locked.organisation, role=carrier_role_for(locked.organisation)
    )
    if not dossier.departments.exists() and locked.organisation.department_id:
        dossier.departments.add(locked.organisation.department_id)
    locked.state = ImportJob.State.CONFIRMED
    locked.dossier = dossier
    locked.canonical = canonical
    locked.save(update_fields=["state", "dossier", "canonical", "updated_at"])
    return dossier
