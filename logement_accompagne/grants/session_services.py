"""Writes of committee sessions: open a session, propose a decision, record it alone, or confirm
every proposal of the session at once.

The decision itself is always ``dossiers.services.decide`` (dossier row lock, then the call's row
lock, envelope read under it). The batch confirmation first takes the same locks in the same
order for every dossier and call of the batch (dossiers by pk, then calls by pk), checks each
call's envelope against the sum proposed, and only then decides: all or nothing, in one
transaction. Two sessions confirming at the same instant are serialised by the call locks, and the
second one reads what the first granted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers import services as dossier_services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.dossiers.services import french_eur
from logement_accompagne.organisations.selectors import scope_of

from .sessions import CommitteeSession, ProposedDecision

REFUSED = "Seuls les membres du comité national tiennent les séances et proposent les décisions."


def require_committee(user) -> None:
    if not scope_of(user).committee:
        raise PermissionDenied(REFUSED)


@transaction.atomic
def open_session(*, user, held_on: datetime.date, members_present: str) -> CommitteeSession:
    require_committee(user)
    members = "\n".join(line.strip() for line in members_present.splitlines() if line.strip())
    if not members:
        raise ValidationError("Indiquez les membres présents, un par ligne.", code="no_members")
    return CommitteeSession.objects.create(held_on=held_on, members_present=members, created_by=user)


def pending_proposals(session: CommitteeSession):
    """Proposals not yet recorded whose dossier still waits for the committee."""
    return session.proposals.filter(decision__isnull=True, dossier__status=Status.COMMITTEE)


def proposed_by_call(session: CommitteeSession) -> dict[int, Decimal]:
    """Amount the session proposes to grant, per call, not yet recorded (one aggregate)."""
    rows = (
        pending_proposals(session)
        .filter(selected=True)
        .order_by()
        .values("dossier__call")
        .annotate(total=Sum("amount_eur"))
    )
    return {row["dossier__call"]: row["total"] or Decimal("0") for row in rows}


@transaction.atomic
def propose(*, user, session: CommitteeSession, dossier: Dossier, selected: bool,
            amount_eur: Decimal | None = None, conditions: str = "", refusal_reason: str = "",
            above_request_reason: str = "") -> ProposedDecision:  # fmt: skip
    """Propose (or change the proposal of) a decision on a dossier of the agenda.

    Checks what can be checked now (the call's cap, a reason for a refusal or a grant above the
    request, the envelope less what the session already proposes); the envelope is checked again,
    under lock, when the decision is recorded.
    """
    require_committee(user)
    current = Dossier.objects.select_related("call").get(pk=dossier.pk)
    if current.status != Status.COMMITTEE:
        raise InvalidTransition(
            f"Le dossier « {current} » n'attend plus de décision du comité (état « {Status(current.status).label} »)."
        )
    existing = session.proposals.filter(dossier=current).first()
    if existing and existing.decision_id:
        raise InvalidTransition(f"La décision sur « {current} » est déjà enregistrée pour cette séance.")
    call = current.call
    refusal_reason, conditions = refusal_reason.strip(), conditions.strip()
    above_request_reason = above_request_reason.strip()
    if selected:
        if not amount_eur or amount_eur <= 0:
            raise ValidationError("Indiquez le montant accordé au projet retenu.", code="amount_missing")
        if amount_eur > call.project_cap_eur:
            raise ValidationError(
                f"Le montant proposé ({french_eur(amount_eur)}) dépasse le plafond par projet de l'appel "
                f"({french_eur(call.project_cap_eur)}).",
                code="cap",
            )
        requested = current.requested_amount_eur or Decimal("0")
        if amount_eur > requested and not above_request_reason:
            raise ValidationError(
                f"Le montant proposé ({french_eur(amount_eur)}) dépasse le montant demandé "
                f"({french_eur(requested)}) : donnez-en le motif.",
                code="above_request",
            )
        others = proposed_by_call(session).get(call.pk, Decimal("0"))
        if existing and existing.selected:
            others -= existing.amount_eur or Decimal("0")
        remaining = call.envelope_eur - dossier_services.granted_total(call) - others
        if amount_eur > remaining:
            raise ValidationError(
                f"Ce montant ({french_eur(amount_eur)}) dépasse ce qui reste de l'enveloppe de l'appel "
                f"« {call} » une fois comptées les propositions de la séance : {french_eur(remaining)}.",
                code="envelope",
            )
        refusal_reason = ""
    else:
        if amount_eur:
            raise ValidationError(
                "Un projet non retenu ne reçoit pas de financement : effacez le montant.",
                code="amount_on_refusal",
            )
        if not refusal_reason:
            raise ValidationError(
                "Donnez le motif du refus : il est communiqué aux porteurs.", code="no_reason"
            )
        amount_eur, above_request_reason = None, ""
    values = dict(selected=selected, amount_eur=amount_eur, conditions=conditions, refusal_reason=refusal_reason,
                  above_request_reason=above_request_reason, proposed_by=user)  # fmt: skip
    proposal, _ = ProposedDecision.objects.update_or_create(session=session, dossier=current, defaults=values)
    return proposal


def _decide(user, proposal: ProposedDecision):
    decision = dossier_services.decide(
        user=user,
        dossier=proposal.dossier,
        selected=proposal.selected,
        amount_granted_eur=proposal.amount_eur,
        conditions=proposal.conditions,
        refusal_reason=proposal.refusal_reason,
        above_request_confirmed=bool(proposal.above_request_reason),
        above_request_reason=proposal.above_request_reason,
    )
    ProposedDecision.objects.filter(pk=proposal.pk, decision__isnull=True).update(decision=decision)
    proposal.decision = decision
    return decision


@transaction.atomic
def record(*, user, proposal: ProposedDecision):
    """Record one proposal as the committee's decision (``decide`` locks the dossier, then its call)."""
    require_committee(user)
    if proposal.decision_id:
        raise InvalidTransition("Cette décision est déjà enregistrée.")
    return _decide(user, proposal)


class EnvelopeShortfall(ValidationError):
    """The session proposes more than what is left of a call's envelope: nothing is recorded."""

    def __init__(self, shortfalls: list[dict]):
        self.shortfalls = shortfalls
        parts = [
            f"l'enveloppe de l'appel « {item['call']} » n'a plus que {french_eur(item['remaining'])} "
            f"et la séance propose {french_eur(item['proposed'])} : il manque {french_eur(item['missing'])}"
            for item in shortfalls
        ]
        super().__init__(
            "Aucune décision n'a été enregistrée : "
            + " ; ".join(parts)
            + ". Réduisez ou retirez des montants.",
            code="envelope",
        )


@transaction.atomic
def confirm(*, user, session: CommitteeSession) -> list:
    """Record every pending proposal of the session: all of them or none (one transaction)."""
    require_committee(user)
    # A proposal whose dossier was decided elsewhere since (the committee page, another session) is
    # no longer on the agenda and is left out; one decided between this read and the locks below
    # fails the whole batch.
    proposals = list(pending_proposals(session).select_related("dossier").order_by("dossier_id"))
    if not proposals:
        raise ValidationError("Aucune décision proposée n'attend d'être enregistrée.", code="empty")
    # Same lock order as decide(): the dossiers (by pk), then their calls (by pk).
    locked = {
        dossier.pk: dossier
        for dossier in Dossier.objects.select_for_update()
        .filter(pk__in=[p.dossier_id for p in proposals])
        .order_by("pk")
    }
    not_waiting = [str(d) for d in locked.values() if d.status != Status.COMMITTEE]
    if not_waiting:
        raise InvalidTransition(
            "Aucune décision n'a été enregistrée : ces dossiers n'attendent plus de décision du comité : "
            + ", ".join(f"« {name} »" for name in not_waiting)
            + ". Confirmez à nouveau : ils seront laissés de côté."
        )
    calls = list(
        Call.objects.select_for_update().filter(pk__in={d.call_id for d in locked.values()}).order_by("pk")
    )
    proposed: dict[int, Decimal] = defaultdict(Decimal)
    for proposal in proposals:
        if proposal.selected:
            proposed[locked[proposal.dossier_id].call_id] += proposal.amount_eur
    shortfalls = []
    for call in calls:
        remaining = call.envelope_eur - dossier_services.granted_total(call)
        if proposed[call.pk] > remaining:
            shortfalls.append({"call": call, "remaining": remaining, "proposed": proposed[call.pk],
                               "missing": proposed[call.pk] - remaining})  # fmt: skip
    if shortfalls:
        raise EnvelopeShortfall(shortfalls)
    decisions = []
    for proposal in proposals:
        proposal.dossier = locked[proposal.dossier_id]
        decisions.append(_decide(user, proposal))
    return decisions
