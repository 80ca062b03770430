"""The agenda of a committee session: every dossier waiting for the committee, across regions,
with what the committee sorts on computed by the database (latest regional verdict, latest
reproducibility, amount requested per household), and what the session proposes for it.

One query for a page of rows, whatever the number of dossiers waiting (plus two for carriers
and departments, see ``dossiers.listing.rows``); the envelopes in three aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers import listing
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from logement_accompagne.dossiers.models import DepartmentalOpinion, Dossier, RegionalOpinion
from logement_accompagne.dossiers.selectors import dossiers_visible_to

from .session_services import pending_proposals, proposed_by_call
from .sessions import CommitteeSession, ProposedDecision


@dataclass(frozen=True)
class Sort:
    key: str
    label: str
    expression: str
    descending_first: bool


# ?tri=<key> (ascending) or ?tri=-<key> (descending).
SORTS = {
    sort.key: sort
    for sort in (
        Sort("avis", "Avis régional", "verdict_rank", True),
        Sort("reproductibilite", "Caractère reproductible", "reproducibility_rank", True),
        Sort("cout", "Montant demandé par ménage", "cost_per_household_eur", False),
        Sort("montant", "Montant demandé", "requested_amount_eur", False),
    )
}
DEFAULT_SORT = "-avis"
ROW_EXTRA = ("regional_verdict", "reproducibility", "cost_per_household_eur", "region_name",
             "proposal_selected", "proposal_amount_eur", "proposal_recorded")  # fmt: skip


def _latest(model, column: str):
    return Subquery(model.objects.filter(dossier=OuterRef("pk")).order_by("-version").values(column)[:1])


def waiting(user, *, call: Call | None = None) -> QuerySet[Dossier]:
    dossiers = dossiers_visible_to(user).filter(status=Status.COMMITTEE)
    return dossiers.filter(call=call) if call else dossiers


def agenda(user, session: CommitteeSession, *, sort: str = DEFAULT_SORT, call: Call | None = None):
    """The dossiers waiting for the committee, annotated and ordered (a queryset: page it)."""
    proposal = ProposedDecision.objects.filter(session=session, dossier=OuterRef("pk"))
    first_department = Dossier.departments.through.objects.filter(dossier_id=OuterRef("pk")).order_by(
        "department_id"
    )
    rows = waiting(user, call=call).annotate(
        regional_verdict=_latest(RegionalOpinion, "verdict"),
        reproducibility=_latest(DepartmentalOpinion, "reproducibility"),
        verdict_rank=Case(
            When(regional_verdict=Verdict.FAVOURABLE, then=Value(2)),
            When(regional_verdict=Verdict.UNFAVOURABLE, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        reproducibility_rank=Case(
            When(reproducibility=Reproducibility.HIGH, then=Value(3)),
            When(reproducibility=Reproducibility.MEDIUM, then=Value(2)),
            When(reproducibility=Reproducibility.LOW, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        cost_per_household_eur=ExpressionWrapper(
            F("requested_amount_eur") / NullIf(F("households"), 0),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        region_name=Subquery(first_department.values("department__region__name")[:1]),
        proposal_selected=Subquery(proposal.values("selected")[:1]),
        proposal_amount_eur=Subquery(proposal.values("amount_eur")[:1]),
        proposal_recorded=Subquery(proposal.values("decision_id")[:1]),
    )
    descending = sort.startswith("-")
    chosen = SORTS.get(sort.lstrip("-")) or SORTS[DEFAULT_SORT.lstrip("-")]
    field = F(chosen.expression)
    order = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return rows.order_by(order, "name", "pk")


def page_rows(page_queryset) -> list[listing.Row]:
    return listing.rows(page_queryset, fields=ROW_EXTRA)


def envelopes(user, session: CommitteeSession, *, call: Call | None = None) -> list[dict]:
    """Per call: envelope, granted, proposed by the session, left once the proposals are recorded."""
    calls = [(item, item.pk, item.envelope_eur, item.waiting) for item in calls_with_waiting(user, call=call)]
    return envelope_rows(calls, proposed_by_call(session))


def agenda_figures(user, session: CommitteeSession, *, call: Call | None = None,
                   version: str | None = None) -> tuple[list[dict], int]:  # fmt: skip
    """The agenda's envelopes (``envelopes``, each call as its title: plain values, for the cache)
    and the number of proposals the session may confirm, every call included: one aggregate gives
    both (the proposals not yet recorded whose dossier still waits)."""
    pending = (
        pending_proposals(session)
        .order_by()
        .values("dossier__call")
        .annotate(total=Sum("amount_eur", filter=Q(selected=True)), n=Count("pk"))
    )
    proposed, pending_count = {}, 0
    for row in pending:
        proposed[row["dossier__call"]] = row["total"] or Decimal("0")
        pending_count += row["n"]
    rows = calls_with_waiting(user, call=call).values_list("title", "pk", "envelope_eur", "waiting")
    return envelope_rows(list(rows), proposed, version=version), pending_count


def calls_with_waiting(user, *, call: Call | None = None) -> QuerySet[Call]:
    """The calls (``call`` alone when given) with the number of dossiers waiting for the committee
    that ``user`` sees on each (``waiting``): one query, the count a subquery per call."""
    calls = Call.objects.order_by("-year", "title")
    if call:
        calls = calls.filter(pk=call.pk)
    per_call = (
        waiting(user)
        .filter(call=OuterRef("pk"))
        .order_by()
        .values("call")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return calls.annotate(waiting=Coalesce(Subquery(per_call), 0))


def envelope_rows(calls, proposed, *, version=None) -> list[dict]:
    """Per call: envelope, granted, ``proposed`` (by call key), what remains, dossiers waiting.
    ``calls``: (what the row shows as its call, pk, envelope, dossiers waiting) each."""
    granted = listing.granted_by_call(version=version)
    result = []
    for item, pk, envelope, waiting_here in calls:
        done = granted.get(pk, Decimal("0"))
        planned = proposed.get(pk, Decimal("0"))
        result.append({"call": item, "call_id": pk, "envelope": envelope, "granted": done, "proposed": planned,
                       "remaining": envelope - done - planned, "waiting": waiting_here,
                       "overspent": envelope - done - planned < 0})  # fmt: skip
    return result


def session_decisions(session: CommitteeSession) -> QuerySet[ProposedDecision]:
    """What the session decided (recorded proposals), for its minutes."""
    return (
        session.proposals.filter(decision__isnull=False)
        .select_related("dossier__call", "decision")
        .prefetch_related("dossier__carrier_links__organisation", "dossier__departments__region")
        .order_by("dossier__call__year", "dossier__name", "pk")
    )


def sessions_for(user) -> QuerySet[CommitteeSession]:
    return CommitteeSession.objects.annotate(
        proposed=Count("proposals"), recorded=Count("proposals", filter=Q(proposals__decision__isnull=False))
    ).order_by("-held_on", "-pk")
