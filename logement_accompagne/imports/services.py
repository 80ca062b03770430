"""The writes of an import: the draft created from a reviewed document, for the web and the command."""

import copy

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.attachments import Refused, detect
from logement_accompagne.dossiers.canonical import apply_canonical
from logement_accompagne.dossiers.models import Dossier, DossierCarrier, Transition
from logement_accompagne.dossiers.services import (
    add_attachment,
    carrier_role_for,
    files_removed_if_failed,
    invite_carrier,
    require_may_create,
)
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership

from .models import ImportJob

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


@files_removed_if_failed()
@transaction.atomic
def confirm(job: ImportJob, canonical: dict, *, co_carriers=()):
    """Create the draft from the reviewed document, for the uploader's organisation only.

    The uploader must still be a carrier of that organisation and the call still open. The other
    carriers the document names are never attached: those the person confirms (`co_carriers`,
    chosen among the proposed known organisations) receive the invitation any co-carrier gets,
    and see the dossier only once they accept. All or nothing: interrupted anywhere, no row is
    written, the stored original is removed, and the job stays ready to be confirmed again.
    """
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
    dossier = import_draft(
        user=locked.uploaded_by, call=locked.call, organisation=locked.organisation, canonical=canonical,
        original_file=(locked.original_name, content),
    )  # fmt: skip
    for organisation in co_carriers:
        invite_carrier(user=locked.uploaded_by, dossier=dossier, organisation=organisation, from_import=True)
    locked.state = ImportJob.State.CONFIRMED
    locked.dossier = dossier
    locked.canonical = canonical
    locked.save(update_fields=["state", "dossier", "canonical", "updated_at"])
    return dossier


@files_removed_if_failed()
@transaction.atomic
def import_draft(*, user, call: Call, organisation, canonical: dict,
                 original_file: tuple[str, bytes] | None = None) -> Dossier:  # fmt: skip
    """The one way an imported document becomes a dossier (web review and ``import_dossier --save``):
    the same checks as a dossier created on the web (a carrier of the organisation, an open call),
    the person recorded as its author, only their organisation attached (the others named in the
    document stay as text, to be invited), opinions found in the document kept as text."""
    require_may_create(user=user, call=call, organisation=organisation)
    dossier = create_draft_from_canonical(
        opinions_as_text(canonical), call=call, created_by=user, attach_carriers=False,
        source_name=original_file[0] if original_file else "",
    )  # fmt: skip
    DossierCarrier.objects.create(
        dossier=dossier, organisation=organisation, role=carrier_role_for(organisation)
    )
    if not dossier.departments.exists() and organisation.department_id:
        dossier.departments.add(organisation.department_id)
    if original_file is not None:
        # Attached by the person, as a carrier now that their organisation carries the dossier.
        _attach_original(dossier, original_file, user=user)
    return dossier


@files_removed_if_failed()
@transaction.atomic
def create_draft_from_canonical(
    canonical: dict,
    *,
    call: Call,
    created_by=None,
    original_file: tuple[str, bytes] | None = None,
    attach_carriers: bool = True,
    source_name: str = "",
) -> Dossier:
    """A draft dossier holding every value of an imported document, and the document itself attached.

    The low-level writer under import_draft (and the round-trip tests): it checks nothing about who.
    """
    dossier = Dossier.objects.create(call=call, created_by=created_by, imported=True)
    apply_canonical(dossier, canonical, attach_carriers=attach_carriers)
    source_name = original_file[0] if original_file else source_name
    Transition.objects.create(
        dossier=dossier, actor=created_by, from_status=dossier.status, to_status=dossier.status,
        comment="Créé par import d'un document" + (f" ({source_name})" if source_name else ""),
    )  # fmt: skip
    if original_file is not None:
        _attach_original(dossier, original_file, user=None)
    return dossier


def _attach_original(dossier: Dossier, original_file: tuple[str, bytes], *, user) -> None:
    name, content = original_file
    add_attachment(
        user=user, dossier=dossier, name=name, content=content,
        content_type=_content_type(content), description="Document d'origine importé",
    )  # fmt: skip


def _content_type(content: bytes) -> str:
    """What the original really is, judged by content like any attachment; unknown → opaque bytes."""
    try:
        return detect(content).content_type
    except Refused:
        return "application/octet-stream"


@transaction.atomic
def discard(*, user, job: ImportJob) -> None:
    """The person cancels an import before a draft is created: the job and the uploaded document
    are removed (nothing of it is kept), nothing is created."""
    current = ImportJob.objects.select_for_update().get(pk=job.pk)
    if current.uploaded_by_id != getattr(user, "pk", None):
        raise PermissionDenied("Seule la personne qui a importé ce document peut annuler l'import.")
    if current.state == ImportJob.State.CONFIRMED:
        raise ValidationError("Le brouillon a déjà été créé : retirez-le depuis le dossier si besoin.")
    name = current.file.name
    current.delete()
    if name:
        transaction.on_commit(lambda: current.file.storage.delete(name))
