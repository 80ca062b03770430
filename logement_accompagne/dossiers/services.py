"""Every write that matters on a dossier: one function each, in one transaction.

Each service checks who may act and from which state (permissions.require),
locks the dossier row, writes, and logs a Transition. A status field is never
changed anywhere else. Concurrency: the row lock serialises writers on
PostgreSQL, and the status change is a compare-and-swap UPDATE, so of two
concurrent transitions exactly one wins and the other gets TransitionConflict.
"""

import hashlib
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.utils import timezone

from logement_accompagne.calls.models import Call
from logement_accompagne.organisations.enums import CARRIER_KINDS, LANDLORD_KINDS, OrganisationKind, Role
from logement_accompagne.organisations.models import Membership, Organisation

from . import checks, notifications
from .enums import CarrierRole, Status
from .models import (
    Attachment,
    CofundingLine,
    CommitteeDecision,
    CostLine,
    DepartmentalOpinion,
    Dossier,
    DossierCarrier,
    Message,
    RegionalOpinion,
    Transition,
)
from .permissions import Action, InvalidTransition, require

logger = logging.getLogger(__name__)


class TransitionConflict(InvalidTransition):
    """Someone else changed the dossier's state first."""


class StaleDossier(Exception):
    """The dossier was saved by someone else since the form was opened."""

    def __init__(self, changed_fields: dict[str, tuple[object, object]], by=None):
        self.changed_fields = changed_fields
        self.by = by
        super().__init__(
            f"Ce dossier a été modifié par {by or 'une autre personne'} depuis que vous l'avez ouvert. "
            "Vos modifications n'ont pas été enregistrées."
        )


# Columns a carrier edits through the form (everything but workflow and identity).
EDITABLE_FIELDS = (
    "location_text", "name", "carriers_text", "summary",
    "households", "households_approximate", "dalo_eligible", "collective_agreements", "pdalpd",
    "target_characteristics",
    "mobilisation_new_supply", "mobilisation_adapted_existing", "mobilisation_existing_unadapted",
    "mobilisation_low_rent_reclassification", "mobilisation_known",
    "dwellings", "dwellings_approximate", "dwellings_text", "housing_typology", "housing_allocation",
    "housing_location",
    "support_method", "support_rental_management", "support_adhesion", "support_offer",
    "support_landlord_relation", "support_needs_fit",
    "partners",
    "finance_overview", "cofunding_text", "requested_amount_eur", "fndollts_funded", "fndollts_applied",
    "duration_text", "duration_months", "duration_renewable", "schedule",
)  # fmt: skip


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


@transaction.atomic
def create_dossier(*, user, call: Call, organisation: Organisation, name: str = "") -> Dossier:
    if not Membership.objects.filter(user=user, organisation=organisation, role=Role.CARRIER).exists():
        raise PermissionDenied("Vous ne pouvez déposer un dossier qu'au nom de votre organisation.")
    if not call.is_open():
        raise InvalidTransition("Cet appel à projets n'est pas ouvert : il n'accepte pas de nouveau dossier.")
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
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    if current.version != expected_version:
        changed = {
            name: (getattr(dossier, name), getattr(current, name))
            for name in values
            if getattr(dossier, name) != getattr(current, name)
        }
        raise StaleDossier(changed, by=current.updated_by)
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
    return current


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


@transaction.atomic
def add_carrier(*, user, dossier: Dossier, organisation: Organisation) -> DossierCarrier:
    """Invite a partner organisation as co-carrier: its members then see and edit the dossier."""
    current = _lock(dossier)
    require(user, Action.EDIT, current)
    if organisation.kind not in CARRIER_KINDS:
        raise ValidationError("Un service de l'État ne peut pas porter un projet.")
    link, created = DossierCarrier.objects.get_or_create(
        dossier=current,
        organisation=organisation,
        defaults={"role": carrier_role_for(organisation), "position": current.carrier_links.count()},
    )
    if not created:
        raise ValidationError("Cette organisation porte déjà ce dossier.")
    return link


@transaction.atomic
def add_attachment(*, user, dossier: Dossier, name: str, content: bytes, content_type: str,
                   description: str = "") -> Attachment:  # fmt: skip
    from django.core.files.base import ContentFile

    current = _lock(dossier)
    if user is not None:
        require(user, Action.EDIT, current)
    attachment = Attachment(
        dossier=current,
        original_name=name[:255],
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        description=description,
        uploaded_by=user,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    # If the row cannot be written, the stored file must not stay behind.
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


# --- carriers' transitions ------------------------------------------------------------------


@transaction.atomic
def submit(*, user, dossier: Dossier, comment: str = "") -> Dossier:
    current = _lock(dossier)
    require(user, Action.SUBMIT, current)
    if not current.call.is_open():
        raise InvalidTransition("L'appel à projets est clos : le dossier ne peut plus être déposé.")
    missing = checks.completeness(current)
    if missing:
        raise InvalidTransition(
            "Le dossier est incomplet : " + ", ".join(item.label for item in missing) + "."
        )
    _move(current, actor=user, to=Status.SUBMITTED, comment=comment, submitted_at=timezone.now())
    return current


@transaction.atomic
def resubmit(*, user, dossier: Dossier, comment: str = "") -> Dossier:
    current = _lock(dossier)
    require(user, Action.RESUBMIT, current)
    missing = checks.completeness(current)
    if missing:
        raise InvalidTransition(
            "Le dossier est incomplet : " + ", ".join(item.label for item in missing) + "."
        )
    _move(current, actor=user, to=current.returned_from_status, comment=comment, returned_from_status="")
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


@transaction.atomic
def decide(*, user, dossier: Dossier, selected: bool, amount_granted_eur: Decimal | None = None,
           conditions: str = "") -> CommitteeDecision:  # fmt: skip
    current = _lock(dossier)
    require(user, Action.DECIDE, current)
    cap = current.call.project_cap_eur
    if selected:
        if amount_granted_eur is None or amount_granted_eur <= 0:
            raise ValidationError("Indiquez le montant accordé au projet retenu.")
        if amount_granted_eur > cap:
            raise ValidationError(
                f"Le montant accordé dépasse le plafond de l'appel ({cap:,.0f} €).".replace(",", " ")
            )
        granted_so_far = granted_total(current.call)
        if granted_so_far + amount_granted_eur > current.call.envelope_eur:
            raise ValidationError("Ce montant dépasse ce qui reste de l'enveloppe de l'appel.")
    else:
        amount_granted_eur = None
    _move(current, actor=user, to=Status.SELECTED if selected else Status.NOT_SELECTED, comment=conditions)
    return _create_version(
        CommitteeDecision, current, author=user, selected=selected, amount_granted_eur=amount_granted_eur,
        cap_eur=cap, conditions=conditions.strip(),
        organisation=_state_organisation(user, Role.COMMITTEE),
    )  # fmt: skip


def granted_total(call: Call) -> Decimal:
    """Amount granted on a call: the latest decision of each selected dossier."""
    from django.db.models import OuterRef, Subquery, Sum

    latest = (
        CommitteeDecision.objects.filter(dossier=OuterRef("dossier")).order_by("-version").values("pk")[:1]
    )
    total = CommitteeDecision.objects.filter(
        dossier__call=call, dossier__status=Status.SELECTED, pk=Subquery(latest)
    ).aggregate(total=Sum("amount_granted_eur"))["total"]
    return total or Decimal("0")


@transaction.atomic
def return_for_completion(*, user, dossier: Dossier, message: str) -> Dossier:
    current = _lock(dossier)
    require(user, Action.RETURN_FOR_COMPLETION, current)
    if not message.strip():
        raise ValidationError("Expliquez aux porteurs ce qu'ils doivent compléter.")
    _move(
        current, actor=user, to=Status.RETURNED, comment=message.strip(), returned_from_status=current.status
    )
    Message.objects.create(dossier=current, author=user, body=message.strip())
    return current


@transaction.atomic
def post_message(*, user, dossier: Dossier, body: str) -> Message:
    require(user, Action.MESSAGE, dossier)
    if not body.strip():
        raise ValidationError("Le message est vide.")
    message = Message.objects.create(dossier=dossier, author=user, body=body.strip())
    transaction.on_commit(lambda: notifications.message_posted(message.pk))
    return message
