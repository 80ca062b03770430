"""Every write about a household's support: one function each, in one transaction.

Each service checks that the person accompanies the project's households
(support worker or support manager of a carrier organisation of the selected
dossier), checks the state, writes, and logs. Database constraints refuse what
must never be stored; services turn the refusals into French messages.
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.territories import cog
from logement_accompagne.territories.models import Department

from . import selectors
from .enums import (
    PROCEDURE_STAGES,
    ArrearsStep,
    ContactResult,
    EndReason,
    LeaseKind,
    ObjectiveStatus,
    SupportKind,
    TenancyChange,
)
from .models import (
    ArrearsBalance,
    ArrearsCase,
    ArrearsEvent,
    Composition,
    Contact,
    Diagnostic,
    Household,
    Member,
    Objective,
    OutcomeSnapshot,
    PhaseChange,
    PrivateNote,
    ProjectSettings,
    SupportEpisode,
    TenancyPeriod,
    composition_band,
)

logger = logging.getLogger(__name__)

DENIED = "Vous n'accompagnez pas les ménages de ce projet."
MILESTONES = ("first_contact_on", "diagnostic_on", "plan_signed_on", "moved_in_on")


def require_support(user, dossier) -> None:
    if dossier.status != Status.SELECTED or not selectors.is_personal(user, dossier):
        raise PermissionDenied(DENIED)


def require_manager(user, dossier) -> None:
    if not selectors.is_manager(user, dossier):
        raise PermissionDenied("Réservé au responsable de l'accompagnement du projet.")


def _lock(episode: SupportEpisode) -> SupportEpisode:
    return (
        SupportEpisode.objects.select_for_update().select_related("household", "dossier").get(pk=episode.pk)
    )


def _open(episode: SupportEpisode) -> None:
    if episode.ended_on is not None:
        raise ValidationError("Cet accompagnement est terminé : il ne peut plus être modifié.")


def _save(instance, message: str | None = None) -> None:
    """Save inside a savepoint: a refused constraint becomes a French ValidationError, nothing written."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as refused:
        raise ValidationError(message or _message_for(instance, refused)) from refused


def _message_for(instance, error: IntegrityError) -> str:
    text = str(error)
    for constraint in instance._meta.constraints:
        name = constraint.name.replace("%(class)s", instance._meta.model_name).replace(
            "%(app_label)s", "households"
        )
        if name in text and getattr(constraint, "violation_error_message", None):
            message = str(constraint.violation_error_message)
            if "%(name)s" not in message:
                return message
    return "Ces informations sont incohérentes : rien n'a été enregistré."


def _check_constraints(instance) -> None:
    """Run the model's constraints in Python first: the same rules, with their French messages."""
    try:
        instance.validate_constraints()
    except ValidationError as refused:
        messages = [m for m in refused.messages if m]
        raise ValidationError(messages[0] if messages else "Ces informations sont incohérentes.") from refused


def _upsert(model, lookup: dict, values: dict):
    """update_or_create, but the constraints are checked (French message) before anything is written."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    for name, value in values.items():
        setattr(instance, name, value)
    _check_constraints(instance)
    instance.save()
    return instance


def department_of_commune(code: str) -> str:
    record = cog.communes().get(code)
    if record is None:
        raise ValidationError(f"Commune inconnue : « {code} » n'est pas un code INSEE de commune.")
    return record.department_code


def project_department(dossier) -> Department:
    department = dossier.departments.order_by("code").first()
    if department is None:
        raise ValidationError("Le projet n'a pas de département : complétez le dossier.")
    return department


# --- registering a household ------------------------------------------------------------------


@transaction.atomic
def register_household(
    *,
    user,
    dossier,
    members: list[dict],
    adults: int,
    children: int,
    head: str,
    kind: str,
    referral_source: str,
    referred_on: datetime.date,
    resources_category: str = "unknown",
    sne_number: str = "",
    siao_file: str = "",
    dalo_decision: str = "",
    intensity: str = "medium",
) -> SupportEpisode:
    """A new household and its support episode in the project; an identifier already known is refused."""
    require_support(user, dossier)
    if not members:
        raise ValidationError("Indiquez au moins le nom de la personne de référence du ménage.")
    household = Household(
        department=project_department(dossier),
        resources_category=resources_category,
        sne_number=sne_number.strip(),
        siao_file=siao_file.strip(),
        dalo_decision=dalo_decision.strip(),
        created_by=user,
    )
    _check_constraints(household)
    household.save()
    for position, member in enumerate(members):
        Member.objects.create(household=household, is_head=position == 0, **member)
    composition = Composition(
        household=household, valid_from=referred_on, adults=adults, children=children, head=head
    )
    _check_constraints(composition)
    composition.save()
    episode = SupportEpisode(
        household=household, dossier=dossier, kind=kind, referral_source=referral_source, referred_on=referred_on,
        intensity=intensity, created_by=user,
    )  # fmt: skip
    _check_constraints(episode)
    episode.save()
    logger.info("household %s registered in dossier %s by %s", household.reference, dossier.pk, user.pk)
    return episode


@transaction.atomic
def update_composition(*, user, episode, valid_from, adults: int, children: int, head: str) -> Composition:
    require_support(user, episode.dossier)
    return _upsert(
        Composition,
        {"household": episode.household, "valid_from": valid_from},
        {"adults": adults, "children": children, "head": head},
    )


@transaction.atomic
def add_member(*, user, episode, **fields) -> Member:
    require_support(user, episode.dossier)
    member = Member(household=episode.household, **fields)
    _check_constraints(member)
    member.save()
    return member


@transaction.atomic
def set_identifiers(*, user, episode, **identifiers) -> Household:
    """Enter an identifier from another system once: a known one is not retyped, only added when empty."""
    require_support(user, episode.dossier)
    household = Household.objects.select_for_update().get(pk=episode.household_id)
    for field in ("sne_number", "siao_file", "dalo_decision"):
        value = (identifiers.get(field) or "").strip()
        if not value:
            continue
        current = getattr(household, field)
        if current and current != value:
            raise ValidationError(
                f"{Household._meta.get_field(field).verbose_name} est déjà renseigné ({current})."
            )
        setattr(household, field, value)
    _check_constraints(household)
    household.save()
    return household


# --- the support --------------------------------------------------------------------------------


@transaction.atomic
def record_contact(
    *, user, episode, happened_on, kind: str, channel: str, result: str, note: str = ""
) -> Contact:
    """A contact or attempt (aller-vers); the first contact that reaches the household is the milestone."""
    require_support(user, episode.dossier)
    episode = _lock(episode)
    if episode.ended_on is not None and happened_on > episode.ended_on:
        raise ValidationError("Un contact ne peut pas être postérieur à la fin de l'accompagnement.")
    if happened_on > timezone.localdate():
        raise ValidationError("La date du contact est dans le futur.")
    contact = Contact(
        episode=episode, happened_on=happened_on, kind=kind, channel=channel, result=result,
        note=note.strip(), author=user,
    )  # fmt: skip
    _check_constraints(contact)
    contact.save()
    # A new contact restarts the retention clock: a pending deletion notice no longer holds.
    Household.objects.filter(pk=episode.household_id, purge_notice_on__isnull=False).update(
        purge_notice_on=None
    )
    if result == ContactResult.REACHED and (
        episode.first_contact_on is None or happened_on < episode.first_contact_on
    ):
        if happened_on < episode.referred_on:
            raise ValidationError("Un contact avec le ménage ne peut pas précéder son orientation.")
        episode.first_contact_on = happened_on
        _save(episode)
    return contact


@transaction.atomic
def change_phase(*, user, episode, to_phase: int, on, reason: str = "") -> SupportEpisode:
    require_support(user, episode.dossier)
    episode = _lock(episode)
    _open(episode)
    to_phase = int(to_phase)
    if to_phase == episode.phase:
        return episode
    change = PhaseChange(
        episode=episode, from_phase=episode.phase, to_phase=to_phase, on=on, reason=reason.strip(), by=user
    )
    _check_constraints(change)
    change.save()
    episode.phase = to_phase
    _check_constraints(episode)
    episode.save(update_fields=["phase"])
    return episode


@transaction.atomic
def record_milestone(*, user, episode, milestone: str, on) -> SupportEpisode:
    if milestone not in MILESTONES:
        raise ValueError(milestone)
    require_support(user, episode.dossier)
    episode = _lock(episode)
    _open(episode)
    setattr(episode, milestone, on)
    _check_constraints(episode)
    episode.save(update_fields=[milestone])
    return episode


@transaction.atomic
def record_diagnostic(*, user, episode, carried_out_on, summary: str = "", **needs) -> Diagnostic:
    require_support(user, episode.dossier)
    episode = _lock(episode)
    _open(episode)
    diagnostic = _upsert(
        Diagnostic,
        {"episode": episode},
        {"carried_out_on": carried_out_on, "summary": summary.strip(), "author": user, **needs},
    )
    episode.diagnostic_on = carried_out_on
    _check_constraints(episode)
    episode.save(update_fields=["diagnostic_on"])
    return diagnostic


@transaction.atomic
def add_objective(*, user, episode, title: str, is_final: bool = False, due_on=None) -> Objective:
    require_support(user, episode.dossier)
    _open(episode)
    if not title.strip():
        raise ValidationError("Indiquez l'objectif.")
    return Objective.objects.create(
        episode=episode, title=title.strip()[:300], is_final=is_final, due_on=due_on
    )


@transaction.atomic
def set_objective_status(*, user, objective, status: str, on=None) -> Objective:
    require_support(user, objective.episode.dossier)
    _open(objective.episode)
    if status not in ObjectiveStatus.values:
        raise ValidationError("État d'objectif inconnu.")
    objective.status = status
    objective.status_changed_on = on or timezone.localdate()
    objective.save(update_fields=["status", "status_changed_on"])
    return objective


@transaction.atomic
def add_private_note(*, user, episode, body: str) -> PrivateNote:
    require_support(user, episode.dossier)
    if not body.strip():
        raise ValidationError("La note est vide.")
    return PrivateNote.objects.create(episode=episode, author=user, body=body.strip())


@transaction.atomic
def set_review_rhythm(*, user, dossier, months: int) -> ProjectSettings:
    require_manager(user, dossier)
    settings_row, _ = ProjectSettings.objects.get_or_create(dossier=dossier)
    settings_row.review_every_months = months
    _check_constraints(settings_row)
    settings_row.save()
    return settings_row


# --- tenancy -----------------------------------------------------------------------------------


@transaction.atomic
def record_tenancy(
    *, user, episode, change: str, starts_on, commune_code: str, dwelling_type: str, rent_eur, lease_kind: str,
    plai: bool = False, landlord=None, landlord_name: str = "", address: str = "",
) -> TenancyPeriod:  # fmt: skip
    """A dated change of dwelling or lease. A move-in and a lease transfer are also the episode's milestones."""
    require_support(user, episode.dossier)
    episode = _lock(episode)
    _open(episode)
    department_of_commune(commune_code)
    previous = episode.tenancy_periods.filter(starts_on__lt=starts_on).order_by("-starts_on").first()
    if episode.tenancy_periods.filter(starts_on__gt=starts_on).exists():
        raise ValidationError(
            "Une situation plus récente est déjà enregistrée : saisissez les changements dans l'ordre."
        )
    if change == TenancyChange.LEASE_TRANSFER and (
        previous is None or previous.lease_kind == LeaseKind.DIRECT
    ):
        raise ValidationError("Un glissement de bail suppose une sous-location ou un bail glissant en cours.")
    period = TenancyPeriod(
        episode=episode, change=change, starts_on=starts_on, commune_code=commune_code, dwelling_type=dwelling_type,
        rent_eur=Decimal(rent_eur), lease_kind=lease_kind, plai=plai, landlord=landlord,
        landlord_name=landlord_name.strip(), address=address.strip(),
        previous_lease_kind=previous.lease_kind if previous else "",
    )  # fmt: skip
    _check_constraints(period)
    period.save()
    if change in (TenancyChange.MOVE_IN, TenancyChange.NEW_DWELLING) and episode.moved_in_on is None:
        episode.moved_in_on = starts_on
    if change == TenancyChange.LEASE_TRANSFER:
        episode.lease_transferred_on = starts_on
    _check_constraints(episode)
    episode.save(update_fields=["moved_in_on", "lease_transferred_on"])
    return period


# --- arrears -----------------------------------------------------------------------------------


@transaction.atomic
def open_arrears(*, user, episode, detected_on, first_unpaid_rent_on, balance_eur) -> ArrearsCase:
    require_support(user, episode.dossier)
    episode = _lock(episode)
    _open(episode)
    case = ArrearsCase(episode=episode, detected_on=detected_on, first_unpaid_rent_on=first_unpaid_rent_on)
    _check_constraints(case)
    case.save()
    record_arrears_balance(user=user, case=case, on=detected_on, amount_eur=balance_eur)
    return case


@transaction.atomic
def record_arrears_balance(*, user, case, on, amount_eur) -> ArrearsBalance:
    require_support(user, case.episode.dossier)
    if on < case.detected_on:
        raise ValidationError("Le montant est daté d'avant le repérage de l'impayé.")
    return _upsert(ArrearsBalance, {"case": case, "on": on}, {"amount_eur": Decimal(amount_eur)})


@transaction.atomic
def record_arrears_step(*, user, case, kind: str, on, repayment_monthly_eur=None) -> ArrearsEvent:
    """A procedure stage, an FSL or housing-benefit step, a repayment plan or a CCAPEX referral."""
    require_support(user, case.episode.dossier)
    if on < case.first_unpaid_rent_on:
        raise ValidationError("Cette étape est datée d'avant le premier loyer impayé.")
    if kind in PROCEDURE_STAGES and case.events.filter(kind=kind).exists():
        raise ValidationError(f"L'étape « {ArrearsStep(kind).label} » est déjà enregistrée.")
    event = ArrearsEvent(case=case, kind=kind, on=on)
    _check_constraints(event)
    event.save()
    if kind == ArrearsStep.REPAYMENT_PLAN and repayment_monthly_eur is not None:
        case.repayment_plan_monthly_eur = Decimal(repayment_monthly_eur)
        _check_constraints(case)
        case.save(update_fields=["repayment_plan_monthly_eur"])
    return event


@transaction.atomic
def close_arrears(*, user, case, on) -> ArrearsCase:
    require_support(user, case.episode.dossier)
    case.closed_on = on
    _check_constraints(case)
    case.save(update_fields=["closed_on"])
    return case


# --- exit and outcome ----------------------------------------------------------------------------


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


@transaction.atomic
def end_support(*, user, episode, ended_on, end_reason: str, destination: str = "") -> SupportEpisode:
    """The exit: date, reason, destination; writes the pseudonymous outcome snapshot."""
    require_support(user, episode.dossier)
    episode = _lock(episode)
    _open(episode)
    if end_reason == EndReason.NO_MEASURE and episode.kind != SupportKind.DIAGNOSTIC:
        raise ValidationError("« Non lieu à mesure » ne conclut qu'un diagnostic seul.")
    last_contact = episode.contacts.order_by("-happened_on").values_list("happened_on", flat=True).first()
    if last_contact and last_contact > ended_on:
        raise ValidationError(
            f"Un contact est enregistré le {last_contact:%d/%m/%Y}, après la date de sortie indiquée."
        )
    episode.ended_on, episode.end_reason, episode.destination = ended_on, end_reason, destination
    _check_constraints(episode)
    _save(episode)
    composition = (
        episode.household.compositions.filter(valid_from__lte=ended_on).order_by("-valid_from").first()
    )
    OutcomeSnapshot.objects.update_or_create(
        episode=episode,
        defaults={
            "household_reference": episode.household.reference,
            "dossier": episode.dossier,
            "department": episode.household.department,
            "kind": episode.kind,
            "referral_month": _month(episode.referred_on),
            "end_month": _month(ended_on),
            "destination": destination,
            "end_reason": end_reason,
            "composition_band": composition_band(
                composition.head if composition else None, composition.children if composition else None
            ),
        },
    )
    logger.info("episode %s ended (%s, %s) by %s", episode.pk, end_reason, destination, user.pk)
    return episode


OUTCOME_FIELDS = {6: "housed_6_months", 12: "housed_12_months", 24: "housed_24_months"}


@transaction.atomic
def record_outcome_check(
    *, user, episode, months: int, housed: bool, arrears_over_3_months: bool | None = None
) -> OutcomeSnapshot:
    """After the end: still housed 6, 12, 24 months later (and, at 12, more than 3 months of arrears?)."""
    require_support(user, episode.dossier)
    if months not in OUTCOME_FIELDS:
        raise ValidationError("Le suivi après la sortie se fait à 6, 12 ou 24 mois.")
    snapshot = OutcomeSnapshot.objects.select_for_update().filter(episode=episode).first()
    if snapshot is None:
        raise ValidationError("L'accompagnement n'est pas terminé.")
    setattr(snapshot, OUTCOME_FIELDS[months], housed)
    if months == 12 and arrears_over_3_months is not None:
        snapshot.arrears_over_3_months_at_12 = arrears_over_3_months
    snapshot.save()
    return snapshot
