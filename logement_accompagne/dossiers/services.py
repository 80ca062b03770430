"""Every write that matters on a dossier: one function each, in one transaction.

Each service checks who may act and from which state (permissions.require),
locks the dossier row, writes, and logs a Transition. A status field is never
changed anywhere else. Concurrency: the row lock serialises writers on
PostgreSQL, and the status change is a compare-and-swap UPDATE, so of two
concurrent transitions exactly one wins and the other gets TransitionConflict.
"""

import hashlib
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.utils import timezone

from logement_accompagne.audit import services as audit
from logement_accompagne.calls.models import Call
from logement_accompagne.organisations.enums import CARRIER_KINDS, LANDLORD_KINDS, OrganisationKind, Role
from logement_accompagne.organisations.models import Membership, Organisation

from . import checks, notifications
from .enums import CarrierRole, Status
from .fields import EDITABLE_COLUMNS
from .models import (
    ATTESTATION_TEXT,
    Attachment,
    CarrierInvitation,
    CofundingLine,
    CommitteeDecision,
    CostLine,
    DepartmentalOpinion,
    Dossier,
    DossierCarrier,
    Message,
    RegionalOpinion,
    Submission,
    Transition,
)
from .permissions import Action, InvalidTransition, require
from .sections import Section, fingerprint

logger = logging.getLogger(__name__)


class TransitionConflict(InvalidTransition):
    """Someone else changed the dossier's state first."""


class StaleDossier(Exception):
    """The dossier was saved by someone else since the form was opened."""

    def __init__(self, changed_fields: dict[str, tuple[object, object]], by=None, current=None):
        self.changed_fields = changed_fields
        self.by = by
        self.current = current  # the dossier as saved now, when the caller needs to show it
        super().__init__(
            f"Ce dossier a été modifié par {by or 'une autre personne'} depuis que vous l'avez ouvert. "
            "Vos modifications n'ont pas été enregistrées."
        )


def carrier_role_for(organisation: Organisation) -> str:
    if organisation.kind in LANDLORD_KINDS:
        return CarrierRole.LANDLORD
    if organisation.kind == OrganisationKind.ASSOCIATION:
        return CarrierRole.ASSOCIATION
    return CarrierRole.OTHER


def _lock(dossier: Dossier) -> Dossier:
    """Re-read the dossier under a row lock (a no-op on SQLite, whose writers are serialised anyway)."""
    return Dossier.objects.select_for_update().select_related("call").get(pk=dossier.pk)


def _move(dossier: Dossier, *, actor, to: str, comment: str = "", **extra) -> Transition:
    """Compare-and-swap the status, then log the transition."""
    from_status = dossier.status
    updated = Dossier.objects.filter(pk=dossier.pk, status=from_status).update(
        status=to, version=F("version") + 1, updated_at=timezone.now(), updated_by=actor, **extra
    )
    if updated != 1:
        raise TransitionConflict(
            "Le dossier vient de changer d'état (action faite par une autre personne). "
            "Rechargez la page pour voir son état actuel."
        )
    dossier.refresh_from_db()
    entry = Transition.objects.create(
        dossier=dossier, actor=actor, from_status=from_status, to_status=to, comment=comment
    )
    transaction.on_commit(lambda: notifications.transition_made(entry.pk))
    logger.info("dossier %s: %s → %s by %s", dossier.pk, from_status, to, getattr(actor, "pk", None))
    return entry


# --- creation and editing -------------------------------------------------------------------


def require_may_create(*, user, call: Call, organisation: Organisation) -> None:
    """The one rule for every way a dossier comes in (web form, import, command): a carrier of the
    organisation, on a call that accepts dossiers today."""
    if (
        user is None
        or not Membership.objects.filter(user=user, organisation=organisation, role=Role.CARRIER).exists()
    ):
        raise PermissionDenied(
            f"Vous ne pouvez créer un dossier qu'au nom de votre organisation ({organisation})."
        )
    if refusal := checks.closing_breach(call):
        raise InvalidTransition(refusal + " Il n'accepte pas de nouveau dossier.")


@transaction.atomic
def create_dossier(*, user, call: Call, organisation: Organisation, name: str = "") -> Dossier:
    require_may_create(user=user, call=call, organisation=organisation)
    dossier = Dossier.objects.create(
        call=call, name=name.strip(), created_by=user, carriers_text=organisation.name
    )
    if organisation.department_id:
        dossier.departments.add(organisation.department_id)
    DossierCarrier.objects.create(
        dossier=dossier, organisation=organisation, role=carrier_role_for(organisation)
    )
    Transition.objects.create(dossier=dossier, actor=user, from_status=Status.DRAFT, to_status=Status.DRAFT,
                              comment="Création du dossier")  # fmt: skip
    return dossier


@transaction.atomic
def update_dossier(
    *,
    user,
    dossier: Dossier,
    expected_version: int,
    values: dict,
    department_codes: list[str] | None = None,
    cost_lines: list[dict] | None = None,
    cofunding_lines: list[dict] | None = None,
) -> Dossier:
    """Save part of the form. Refused (StaleDossier) if someone saved since `expected_version`."""
    current = _lock(dossier)
    require(user, Action.EDIT, current)
    unknown = set(values) - EDITABLE_COLUMNS
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    if current.version != expected_version:
        changed = {
            name: (getattr(dossier, name), getattr(current, name))
            for name in values
            if getattr(dossier, name) != getattr(current, name)
        }
        raise StaleDossier(changed, by=current.updated_by)
    journal = {"fields": list(values), "departments": department_codes is not None,
               "cost_lines": cost_lines is not None, "cofunding_lines": cofunding_lines is not None}  # fmt: skip
    before = _snapshot(current, **journal)
    for name, value in clean_values(values).items():
        setattr(current, name, value)
    if department_codes is not None and current.submitted_at is not None:
        if set(department_codes) != set(current.departments.values_list("code", flat=True)):
            # The department decides who reviews the dossier: once filed, it cannot move elsewhere.
            raise ValidationError(
                {"department_codes": "Le département d'un dossier déposé ne peut plus changer. "
                 "Retirez ce dossier et déposez-en un nouveau si le projet change de territoire."}
            )  # fmt: skip
    current.updated_by = user
    current.version = F("version") + 1
    current.full_clean(exclude=["version", "call", "created_by", "departments"], validate_unique=False)
    current.save()
    if department_codes is not None:
        current.departments.set(department_codes)
    if cost_lines is not None:
        replace_cost_lines(current, cost_lines)
    if cofunding_lines is not None:
        replace_cofunding_lines(current, cofunding_lines)
    current.refresh_from_db()
    audit.record_changes(user, current, before, _snapshot(current, **journal))
    return current


@transaction.atomic
def save_section(
    *,
    user,
    dossier: Dossier,
    section: Section,
    opened_version: int,
    opened_fingerprint: str,
    values: dict,
    department_codes: list[str] | None = None,
    cost_lines: list[dict] | None = None,
    cofunding_lines: list[dict] | None = None,
) -> Dossier:
    """Save one section of the form, opened on `opened_version` when the section held `opened_fingerprint`.

    Someone else saving another section changes the dossier's version without touching what this
    person edited: that is no conflict, the section is saved over the new version. Any change to
    this very section since it was opened is one: StaleDossier, with each column's value typed
    against the one saved, and the dossier as saved now.
    """
    current = _lock(dossier)
    require(user, Action.EDIT, current)
    if current.version != opened_version:
        if not opened_fingerprint or opened_fingerprint != fingerprint(current, section):
            changed = {
                name: (value, getattr(current, name))
                for name, value in values.items()
                if value != getattr(current, name)
            }
            raise StaleDossier(changed, by=current.updated_by, current=current)
        opened_version = current.version
    return update_dossier(
        user=user, dossier=current, expected_version=opened_version, values=values,
        department_codes=department_codes, cost_lines=cost_lines, cofunding_lines=cofunding_lines,
    )  # fmt: skip


# What the back office may never change on a filed dossier: its state, where it is reviewed,
# who carries it and the money it asks for (the committee decided on them).
FILED_LOCKED_FIELDS = ("status", "returned_from_status", "submitted_at", "call", "requested_amount_eur")


def _require_operator(user) -> None:
    if user is None or not (user.is_active and user.is_staff):
        raise PermissionDenied("Seule l'équipe d'exploitation de la plateforme peut faire cela.")


def back_office_refusal(dossier: Dossier, changed_fields) -> str:
    """Why the back office may not make this change ('' when it may)."""
    filed = dossier.submitted_at is not None
    locked = set(FILED_LOCKED_FIELDS if filed else ("status", "returned_from_status", "submitted_at"))
    refused = sorted(locked & set(changed_fields))
    if filed and "departments" in changed_fields:
        refused.append("departments")
    if not refused:
        return ""
    return (
        "Ces champs ne se modifient pas depuis l'administration"
        + (" sur un dossier déposé" if filed else "")
        + " : "
        + ", ".join(str(Dossier._meta.get_field(name).verbose_name) for name in refused)
        + "."
    )


@transaction.atomic
def save_from_back_office(*, user, dossier: Dossier, changed_fields: list[str]) -> Dossier:
    """The operator's correction of a dossier in the admin: never its state, departments, carriers
    or amounts once filed; the version moves on (an open form elsewhere gets a conflict) and the
    change is logged with who made it."""
    _require_operator(user)
    current = _lock(dossier)
    if refusal := back_office_refusal(current, changed_fields):
        raise ValidationError(refusal)
    if current.version != dossier.version:
        raise StaleDossier({}, by=current.updated_by)
    columns = {field.name for field in Dossier._meta.concrete_fields}
    # Only what the operator changed is written: never a state read before someone else's transition.
    written = [name for name in changed_fields if name in columns]
    dossier.updated_by = user
    dossier.version = F("version") + 1
    dossier.save(update_fields=[*written, "version", "updated_by", "updated_at"])
    dossier.refresh_from_db()
    logger.info(
        "dossier %s changed in the back office by %s: %s", dossier.pk, user.pk, ", ".join(changed_fields)
    )
    return dossier


@transaction.atomic
def delete_draft(*, user, dossier: Dossier) -> None:
    """Only a draft that was never filed may be deleted; its creation log goes with it. Anything
    filed keeps its history: transitions, opinions and decisions are protected from cascades."""
    _require_operator(user)
    current = _lock(dossier)
    if current.status != Status.DRAFT or current.submitted_at is not None:
        raise InvalidTransition(
            f"Seul un brouillon peut être supprimé : ce dossier est à l'état « {Status(current.status).label} »."
        )
    current.transitions.all().delete()
    logger.info("draft dossier %s deleted by %s", current.pk, user.pk)
    current.delete()


def _snapshot(
    dossier: Dossier, *, fields, departments: bool, cost_lines: bool, cofunding_lines: bool
) -> dict:
    """What the audit journal compares before and after a save: the columns the form sent, and the
    departments and financial lines when the save replaces them."""
    snapshot = {name: getattr(dossier, name) for name in fields}
    if departments:
        snapshot["departments"] = sorted(dossier.departments.values_list("code", flat=True))
    if cost_lines:
        snapshot["cost_lines"] = [
            {key: str(value) if value is not None else None for key, value in row.items()}
            for row in dossier.cost_lines.order_by("kind").values("kind", "amount_eur", "basis", "period")
        ]
    if cofunding_lines:
        snapshot["cofunding_lines"] = [
            {key: str(value) if value is not None else None for key, value in row.items()}
            for row in dossier.cofunding_lines.order_by("position").values("funder", "amount_eur", "status")
        ]
    return snapshot


def clean_values(values: dict) -> dict:
    """Values as the columns hold them: no None in a text column, no line break in the name
    (it becomes an e-mail subject)."""
    cleaned = {}
    for name, value in values.items():
        field = Dossier._meta.get_field(name)
        if value is None and not field.null and isinstance(field, (models.CharField, models.TextField)):
            value = ""
        if name == "name" and isinstance(value, str):
            value = " ".join(value.split())
        cleaned[name] = value
    return cleaned


def _checked(rows: list) -> list:
    for row in rows:
        row.full_clean(exclude=["dossier"], validate_unique=False)
    return rows


def replace_cost_lines(dossier: Dossier, lines: list[dict]) -> None:
    rows = _checked([CostLine(dossier=dossier, **line) for line in lines])
    dossier.cost_lines.all().delete()
    CostLine.objects.bulk_create(rows)


def replace_cofunding_lines(dossier: Dossier, lines: list[dict]) -> None:
    rows = _checked(
        [CofundingLine(dossier=dossier, position=index, **line) for index, line in enumerate(lines)]
    )
    dossier.cofunding_lines.all().delete()
    CofundingLine.objects.bulk_create(rows)


def _require_may_carry(organisation: Organisation) -> None:
    if organisation.kind not in CARRIER_KINDS:
        raise ValidationError("Un service de l'État ne peut pas porter un projet.")


@transaction.atomic
def invite_carrier(*, user, dossier: Dossier, organisation: Organisation,
                   from_import: bool = False) -> CarrierInvitation:  # fmt: skip
    """Ask a partner organisation to co-carry the dossier. It becomes a carrier (its members see and
    edit the dossier) only once one of its administrators accepts (`answer_invitation`)."""
    current = _lock(dossier)
    require(user, Action.EDIT, current)
    _require_may_carry(organisation)
    if current.carrier_links.filter(organisation=organisation).exists():
        raise ValidationError("Cette organisation porte déjà ce dossier.")
    if current.carrier_invitations.filter(
        organisation=organisation, state=CarrierInvitation.State.PENDING
    ).exists():
        raise ValidationError("Cette organisation est déjà invitée : elle n'a pas encore répondu.")
    invitation = CarrierInvitation.objects.create(
        dossier=current, organisation=organisation, invited_by=user, from_import=from_import
    )
    transaction.on_commit(lambda: notifications.carrier_invited(invitation.pk))
    logger.info("dossier %s: organisation %s invited by %s", current.pk, organisation.pk, user.pk)
    return invitation


@transaction.atomic
def answer_invitation(*, user, invitation: CarrierInvitation, accept: bool) -> CarrierInvitation:
    """An administrator of the invited organisation accepts (the organisation becomes co-carrier)
    or declines (nothing of the dossier is shared). Answered once."""
    from logement_accompagne.organisations.selectors import administered_organisations

    current = (
        CarrierInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not administered_organisations(user).filter(pk=current.organisation_id).exists():
        raise PermissionDenied(f"Seul un administrateur de « {current.organisation} » peut répondre.")
    if current.state != CarrierInvitation.State.PENDING:
        raise InvalidTransition(
            f"Cette invitation a déjà reçu une réponse ({current.get_state_display().lower()})."
        )
    dossier = _lock(current.dossier)
    current.state = CarrierInvitation.State.ACCEPTED if accept else CarrierInvitation.State.DECLINED
    current.answered_by = user
    current.answered_at = timezone.now()
    current.save(update_fields=["state", "answered_by", "answered_at"])
    if accept:
        _attach_carrier(dossier, current.organisation)
    transaction.on_commit(lambda: notifications.invitation_answered(current.pk))
    logger.info("invitation %s %s by %s", current.pk, current.state, user.pk)
    return current


def _attach_carrier(dossier: Dossier, organisation: Organisation) -> DossierCarrier:
    link, created = DossierCarrier.objects.get_or_create(
        dossier=dossier,
        organisation=organisation,
        defaults={"role": carrier_role_for(organisation), "position": dossier.carrier_links.count()},
    )
    if not created:
        raise ValidationError("Cette organisation porte déjà ce dossier.")
    _touch(dossier)
    return link


# Files stored inside a ``files_removed_if_failed`` block, as (storage, name).
_stored_files: ContextVar[list | None] = ContextVar("stored_files", default=None)


@contextmanager
def files_removed_if_failed():
    """Files written to storage inside the block are deleted again if the block raises.

    A transaction rolls back the attachment rows but not the files they pointed to: a write that
    fails half-way (an import interrupted after its original document was stored) would leave
    orphans behind. Put it outside the transaction (``@files_removed_if_failed`` above
    ``@transaction.atomic``); nested blocks leave the cleanup to the outermost one.
    """
    if _stored_files.get() is not None:
        yield
        return
    token = _stored_files.set([])
    try:
        yield
    except BaseException:
        for storage, name in _stored_files.get():
            try:
                storage.delete(name)
            except OSError:  # the original error matters more; prune_files removes what is left
                logger.exception("stored file %s not removed after a failed write", name)
        raise
    finally:
        _stored_files.reset(token)


@transaction.atomic
def add_attachment(*, user, dossier: Dossier, name: str, content: bytes, content_type: str,
                   description: str = "", required_document=None) -> Attachment:  # fmt: skip
    from django.core.files.base import ContentFile

    current = _lock(dossier)
    if user is not None:
        require(user, Action.EDIT, current)
    if required_document is not None and required_document.call_id != current.call_id:
        raise ValidationError("Cette pièce obligatoire n'est pas celle de l'appel du dossier.")
    attachment = Attachment(
        dossier=current,
        required_document=required_document,
        original_name=name[:255],
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        description=description,
        uploaded_by=user,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    if (stored := _stored_files.get()) is not None:
        stored.append((attachment.file.storage, attachment.file.name))
    # If the row cannot be written, the stored file must not stay behind.
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


# --- carriers' transitions ------------------------------------------------------------------


class AttestationMissing(ValidationError):
    """Filing without the attestation sur l'honneur."""


def _refuse_unless_fileable(dossier: Dossier) -> None:
    """Incomplete fields and the call's rules, each named, in one French refusal."""
    missing = checks.completeness(dossier)
    fields = [item.label for item in missing if not item.rule]
    rules = [item.label for item in missing if item.rule]
    parts = []
    if fields:
        parts.append("Le dossier est incomplet : " + ", ".join(fields) + ".")
    if rules:
        parts.append("Le dossier ne respecte pas les règles de l'appel. " + " ".join(rules))
    if parts:
        raise InvalidTransition(" ".join(parts))


def _record_submission(dossier: Dossier, user, attestation_text: str) -> Submission:
    from .changes import snapshot

    number = (dossier.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
    return Submission.objects.create(
        dossier=dossier, number=number, attested_by=user, attestation_text=attestation_text,
        snapshot=snapshot(dossier),
    )  # fmt: skip


def _require_attestation(attested: bool) -> None:
    if not attested:
        raise AttestationMissing(
            "Cochez l'attestation sur l'honneur pour déposer le dossier.", code="attestation"
        )


@transaction.atomic
def submit(*, user, dossier: Dossier, attested: bool = False, comment: str = "") -> Dossier:
    """File the dossier: the call open (its closing date), its rules respected, every required
    field and document there, and the attestation sur l'honneur recorded with who and when."""
    current = _lock(dossier)
    require(user, Action.SUBMIT, current)
    if refusal := checks.closing_breach(current.call):
        raise InvalidTransition(refusal + " Le dossier ne peut plus être déposé.")
    _refuse_unless_fileable(current)
    _require_attestation(attested)
    _move(current, actor=user, to=Status.SUBMITTED, comment=comment, submitted_at=timezone.now())
    _record_submission(current, user, ATTESTATION_TEXT)
    return current


@transaction.atomic
def resubmit(*, user, dossier: Dossier, attested: bool = False, comment: str = "") -> Dossier:
    current = _lock(dossier)
    require(user, Action.RESUBMIT, current)
    _refuse_unless_fileable(current)
    _require_attestation(attested)
    _move(current, actor=user, to=current.returned_from_status, comment=comment, returned_from_status="",
          completion_due_on=None)  # fmt: skip
    _record_submission(current, user, ATTESTATION_TEXT)
    return current


@transaction.atomic
def withdraw(*, user, dossier: Dossier, comment: str = "") -> Dossier:
    current = _lock(dossier)
    require(user, Action.WITHDRAW, current)
    _move(current, actor=user, to=Status.WITHDRAWN, comment=comment)
    return current


# --- review -----------------------------------------------------------------------------------


@transaction.atomic
def start_departmental_review(*, user, dossier: Dossier, comment: str = "") -> Dossier:
    current = _lock(dossier)
    require(user, Action.START_REVIEW, current)
    _move(current, actor=user, to=Status.DEPARTMENTAL_REVIEW, comment=comment)
    return current


def _next_version(model, dossier: Dossier) -> int:
    return (model.objects.filter(dossier=dossier).aggregate(v=Max("version"))["v"] or 0) + 1


def _state_organisation(user, role: str) -> Organisation | None:
    """The State service on whose behalf an opinion is signed."""
    return Organisation.objects.filter(memberships__user=user, memberships__role=role).order_by("pk").first()


def _touch(dossier: Dossier) -> None:
    """A change shown by the lists but kept outside the dossier's row (an opinion, a carrier): its
    ``updated_at`` moves in the same transaction, so the lists kept per version of the filed dossiers
    (``listing.filed_version``: the committee's page and agenda, the queue) are rebuilt."""
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=timezone.now())


def _create_version(model, dossier: Dossier, **fields):
    try:
        with transaction.atomic():
            return model.objects.create(dossier=dossier, version=_next_version(model, dossier), **fields)
    except IntegrityError as error:
        if "version" in str(error).lower():
            raise TransitionConflict("Un autre avis vient d'être enregistré : rechargez la page.") from error
        raise


@transaction.atomic
def record_departmental_opinion(*, user, dossier: Dossier, relevance: str, reproducibility: str,
                                conditions: str = "") -> DepartmentalOpinion:  # fmt: skip
    current = _lock(dossier)
    require(user, Action.DEPARTMENTAL_OPINION, current)
    opinion = DepartmentalOpinion(
        dossier=current, version=0, author=user, relevance=relevance.strip(),
        reproducibility=reproducibility, conditions=conditions.strip(),
        organisation=_state_organisation(user, Role.DEPARTMENTAL_INSTRUCTOR),
    )  # fmt: skip
    opinion.full_clean(exclude=["version", "dossier"])
    if not opinion.relevance or not opinion.reproducibility:
        raise ValidationError("L'avis départemental doit dire la pertinence et le caractère reproductible.")
    _touch(current)
    return _create_version(
        DepartmentalOpinion, current, author=user, organisation=opinion.organisation,
        relevance=opinion.relevance, reproducibility=opinion.reproducibility, conditions=opinion.conditions,
    )  # fmt: skip


@transaction.atomic
def forward_to_region(*, user, dossier: Dossier, comment: str = "") -> Dossier:
    current = _lock(dossier)
    require(user, Action.FORWARD_TO_REGION, current)
    if not checks.opinion_given(current, "departmental"):
        raise InvalidTransition("Donnez l'avis départemental avant de transmettre le dossier à la région.")
    _move(current, actor=user, to=Status.REGIONAL_REVIEW, comment=comment)
    return current


@transaction.atomic
def record_regional_opinion(*, user, dossier: Dossier, verdict: str, comment: str = "") -> RegionalOpinion:
    current = _lock(dossier)
    require(user, Action.REGIONAL_OPINION, current)
    opinion = RegionalOpinion(
        dossier=current, version=0, author=user, verdict=verdict, comment=comment.strip()
    )
    opinion.full_clean(exclude=["version", "dossier"])
    if not opinion.verdict:
        raise ValidationError("L'avis régional doit être favorable ou défavorable.")
    _touch(current)
    return _create_version(
        RegionalOpinion, current, author=user, verdict=verdict, comment=opinion.comment,
        organisation=_state_organisation(user, Role.REGIONAL_INSTRUCTOR),
    )  # fmt: skip


@transaction.atomic
def forward_to_committee(*, user, dossier: Dossier, comment: str = "") -> Dossier:
    current = _lock(dossier)
    require(user, Action.FORWARD_TO_COMMITTEE, current)
    if not checks.opinion_given(current, "regional"):
        raise InvalidTransition("Donnez l'avis régional avant de transmettre le dossier au comité.")
    _move(current, actor=user, to=Status.COMMITTEE, comment=comment)
    return current


french_eur = checks.french_eur  # « 1 440,00 € » in messages: one format (checks.french_eur)


class EnvelopeExceeded(ValidationError):
    """A grant that would overspend the call: carries the remainder read under the call's lock."""

    def __init__(self, *, amount: Decimal, remaining: Decimal, envelope: Decimal, granted: Decimal):
        self.remaining = remaining
        self.granted = granted
        super().__init__(
            f"Ce montant ({french_eur(amount)}) dépasse ce qui reste de l'enveloppe de l'appel : "
            f"{french_eur(remaining)} à cet instant (enveloppe {french_eur(envelope)}, "
            f"déjà accordé {french_eur(granted)}).",
            code="envelope",
        )


@transaction.atomic
def give_departmental_opinion(*, user, dossier: Dossier, relevance: str, reproducibility: str,
                              conditions: str = "", forward: bool = False) -> DepartmentalOpinion:  # fmt: skip
    """Record the departmental opinion and, when asked, forward the dossier to the region: both or neither."""
    opinion = record_departmental_opinion(user=user, dossier=dossier, relevance=relevance,
                                          reproducibility=reproducibility, conditions=conditions)  # fmt: skip
    if forward:
        forward_to_region(user=user, dossier=dossier)
    return opinion


@transaction.atomic
def give_regional_opinion(*, user, dossier: Dossier, verdict: str, comment: str = "",
                          forward: bool = False) -> RegionalOpinion:  # fmt: skip
    """Record the regional opinion and, when asked, forward the dossier to the committee: both or neither."""
    opinion = record_regional_opinion(user=user, dossier=dossier, verdict=verdict, comment=comment)
    if forward:
        forward_to_committee(user=user, dossier=dossier)
    return opinion


@transaction.atomic
def decide(*, user, dossier: Dossier, selected: bool, amount_granted_eur: Decimal | None = None,
           conditions: str = "", refusal_reason: str = "", above_request_confirmed: bool = False,
           above_request_reason: str = "") -> CommitteeDecision:  # fmt: skip
    """The committee's decision. The call row is locked before what is already granted is read,
    so that two decisions on two dossiers of one call are taken one after the other: together
    they can never exceed the envelope, even at the same instant."""
    current = _lock(dossier)
    require(user, Action.DECIDE, current)
    # Lock order everywhere: the dossier, then its call.
    call = Call.objects.select_for_update().get(pk=current.call_id)
    cap = call.project_cap_eur
    refusal_reason = refusal_reason.strip()
    above_request_reason = above_request_reason.strip()
    if selected:
        if amount_granted_eur is None or amount_granted_eur <= 0:
            raise ValidationError("Indiquez le montant accordé au projet retenu.", code="amount_missing")
        if amount_granted_eur > cap:
            raise ValidationError(
                f"Le montant accordé ({french_eur(amount_granted_eur)}) dépasse le plafond par projet "
                f"de l'appel ({french_eur(cap)}).",
                code="cap",
            )
        breaches = [b for b in checks.call_rule_breaches(current, call=call) if b.at_decision]
        if breaches:
            raise ValidationError(
                "Ce dossier ne respecte pas les règles de l'appel : "
                + " ".join(breach.message for breach in breaches),
                code="call_rules",
            )
        granted_so_far = granted_total(call)
        remaining = call.envelope_eur - granted_so_far
        if amount_granted_eur > remaining:
            raise EnvelopeExceeded(
                amount=amount_granted_eur,
                remaining=remaining,
                envelope=call.envelope_eur,
                granted=granted_so_far,
            )
        requested = current.requested_amount_eur or Decimal("0")
        if amount_granted_eur > requested:
            if not above_request_confirmed or not above_request_reason:
                raise ValidationError(
                    f"Le montant accordé ({french_eur(amount_granted_eur)}) dépasse le montant demandé "
                    f"({french_eur(requested)}) : cochez la confirmation et donnez-en le motif.",
                    code="above_request",
                )
        else:
            above_request_reason = ""
        refusal_reason = ""
    else:
        if amount_granted_eur:
            raise ValidationError(
                "Un projet non retenu ne reçoit pas de financement : retirez le montant accordé "
                "ou choisissez « Projet retenu ».",
                code="amount_on_refusal",
            )
        if not refusal_reason:
            raise ValidationError(
                "Donnez le motif du refus : il est communiqué aux porteurs.", code="no_reason"
            )
        amount_granted_eur = None
        above_request_reason = ""
    _move(current, actor=user, to=Status.SELECTED if selected else Status.NOT_SELECTED,
          comment=conditions.strip() if selected else refusal_reason)  # fmt: skip
    decision = _create_version(
        CommitteeDecision, current, author=user, selected=selected, amount_granted_eur=amount_granted_eur,
        cap_eur=cap, conditions=conditions.strip(), refusal_reason=refusal_reason,
        above_request_reason=above_request_reason,
        organisation=_state_organisation(user, Role.COMMITTEE),
    )  # fmt: skip
    # The decision is also said in the dossier's thread, where carriers and services talk (the
    # transition's e-mail already tells everyone: no second e-mail for this message).
    Message.objects.create(dossier=current, author=user, body=notifications.decision_text(decision))
    return decision


@transaction.atomic
def reopen_decision(*, user, dossier: Dossier, reason: str) -> Dossier:
    """The committee takes a decided dossier back to correct its decision.

    The dossier returns to the committee's queue; the decision taken stays in its history
    and the next one is a new version. What it granted no longer counts in the envelope
    (only selected dossiers' latest decisions do) until the committee decides again.
    """
    current = _lock(dossier)
    require(user, Action.REOPEN_DECISION, current)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Expliquez pourquoi la décision est corrigée.", code="no_reason")
    Call.objects.select_for_update().filter(pk=current.call_id).first()
    _move(current, actor=user, to=Status.COMMITTEE, comment=f"Décision rouverte : {reason}")
    logger.info("dossier %s: decision reopened by %s", current.pk, getattr(user, "pk", None))
    return current


def manage_call(*, user, values: dict, required_documents: list[str], call: Call | None = None,
                slug: str = "") -> Call:  # fmt: skip
    """The national level creates or changes a call and its rules (see calls.services.save_call)."""
    from logement_accompagne.calls.services import save_call

    from .permissions import may_manage_calls

    if not may_manage_calls(user):
        raise PermissionDenied("Seul le niveau national gère les appels à projets.")
    return save_call(user=user, values=values, required_documents=required_documents, call=call, slug=slug)


def granted_total(call: Call) -> Decimal:
    """Amount granted on a call: the latest decision of each selected dossier (one SQL aggregate)."""
    from django.db.models import OuterRef, Subquery, Sum

    latest = (
        CommitteeDecision.objects.filter(dossier=OuterRef("dossier")).order_by("-version").values("pk")[:1]
    )
    total = CommitteeDecision.objects.filter(
        dossier__call=call, dossier__status=Status.SELECTED, pk=Subquery(latest)
    ).aggregate(total=Sum("amount_granted_eur"))["total"]
    return total or Decimal("0")


@transaction.atomic
def return_for_completion(*, user, dossier: Dossier, message: str, due_on=None) -> Dossier:
    """The instructor asks the carriers for more, by a date (``due_on``, shown to both sides)."""
    current = _lock(dossier)
    require(user, Action.RETURN_FOR_COMPLETION, current)
    if not message.strip():
        raise ValidationError("Expliquez aux porteurs ce qu'ils doivent compléter.")
    if due_on is not None and due_on <= timezone.localdate():
        raise ValidationError(
            {"due_on": "L'échéance doit être postérieure à aujourd'hui."}, code="due_on_past"
        )
    _move(
        current, actor=user, to=Status.RETURNED, comment=message.strip(), returned_from_status=current.status,
        completion_due_on=due_on, completion_reminded_on=None,
    )  # fmt: skip
    body = message.strip()
    if due_on is not None:
        body += f"\n\nCompléments attendus au plus tard le {due_on:%d/%m/%Y}."
    Message.objects.create(dossier=current, author=user, body=body)
    return current


@transaction.atomic
def post_message(*, user, dossier: Dossier, body: str) -> Message:
    require(user, Action.MESSAGE, dossier)
    if not body.strip():
        raise ValidationError("Le message est vide.")
    message = Message.objects.create(dossier=dossier, author=user, body=body.strip())
    transaction.on_commit(lambda: notifications.message_posted(message.pk))
    return message


# Completion deadlines: one reminder a few days before, then one when late and every week after.
COMPLETION_REMIND_BEFORE_DAYS = 3
COMPLETION_REMIND_LATE_EVERY_DAYS = 7


def remind_completion_deadlines(today=None) -> dict:
    """E-mail the carriers whose completion is due within a few days (once), and those who are late (then
    weekly, the instructors in copy). Safe to run daily: each dossier is claimed by a compare-and-swap update
    of its reminder date in the same transaction as its e-mail, so a second run the same day sends nothing
    and a failed e-mail leaves the reminder to the next run."""
    import datetime

    today = today or timezone.localdate()
    waiting = Dossier.objects.filter(status=Status.RETURNED, completion_due_on__isnull=False).select_related(
        "call"
    )
    soon = waiting.filter(
        completion_due_on__gte=today,
        completion_due_on__lte=today + datetime.timedelta(days=COMPLETION_REMIND_BEFORE_DAYS),
        completion_reminded_on__isnull=True,
    )
    late = waiting.filter(completion_due_on__lt=today).filter(
        models.Q(completion_reminded_on__isnull=True)
        | models.Q(completion_reminded_on__lte=F("completion_due_on"))
        | models.Q(
            completion_reminded_on__lte=today - datetime.timedelta(days=COMPLETION_REMIND_LATE_EVERY_DAYS)
        )
    )
    sent = {"before": 0, "late": 0}
    for key, dossiers in (("before", soon), ("late", late)):
        for dossier in dossiers:
            with transaction.atomic():
                claimed = Dossier.objects.filter(
                    pk=dossier.pk,
                    status=Status.RETURNED,
                    completion_reminded_on=dossier.completion_reminded_on,
                ).update(completion_reminded_on=today)
                if claimed:
                    notifications.send_completion_reminder(dossier, late=key == "late")
                    sent[key] += 1
    return sent
