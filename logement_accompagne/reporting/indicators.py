"""The programme's figures, each one SQL aggregate over a scoped queryset of dossiers.

Every function takes the dossiers a person may see in a territory (`territories.dossiers_in`)
and lets the database count: conditional Count/Sum, correlated subqueries per territory, a
percentile (PostgreSQL) or a window (SQLite) for the medians. Nothing loops over dossiers in
Python; the few Python lines that remain shape a handful of already-aggregated rows.
"""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Now, RowNumber

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CofundingLine, CommitteeDecision, Dossier, Transition
from logement_accompagne.territories.models import Department, Region

from . import households
from .territories import in_department, in_region

PROGRAMME_TARGET = 10_000
# Statistical secrecy: a figure on fewer households than this is not shown above the project level.
SECRECY_THRESHOLD = 5

SELECTED = Q(status=Status.SELECTED)
ZERO_MONEY = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))

# The stages whose duration the steering follows, in the order a dossier goes through them.
REVIEW_STAGES = (
    Status.SUBMITTED,
    Status.DEPARTMENTAL_REVIEW,
    Status.REGIONAL_REVIEW,
    Status.COMMITTEE,
    Status.RETURNED,
)


def suppressed(value):
    """None for 1 to 4 households (shown as « secret »): 0 and 5+ are shown."""
    if value is not None and 0 < value < SECRECY_THRESHOLD:
        return None
    return value


# --- Counter against the target -------------------------------------------------------------


def counter(dossiers: QuerySet[Dossier]) -> dict:
    """Households and dwellings committed in selected dossiers, and households accompanied."""
    totals = dossiers.aggregate(
        selected=Count("pk", filter=SELECTED),
        households=Coalesce(Sum("households", filter=SELECTED), 0),
        dwellings=Coalesce(Sum("dwellings", filter=SELECTED), 0),
        filed=Count("pk"),
    )
    totals["accompanied"] = households.accompanied(dossiers)
    return totals


def by_call(dossiers: QuerySet[Dossier]) -> list[dict]:
    """Per call: its target, what the selected dossiers commit, its envelope and what is granted."""
    scoped = dossiers.filter(call=OuterRef("pk")).order_by()
    granted = scoped.filter(SELECTED).annotate(granted_amount=latest_amount())
    return list(
        Call.objects.annotate(
            selected=_sub_count(scoped.filter(SELECTED)),
            filed=_sub_count(scoped),
            households=_sub_sum(scoped.filter(SELECTED), "households"),
            dwellings=_sub_sum(scoped.filter(SELECTED), "dwellings"),
            granted=_sub_sum(granted, "granted_amount", money=True),
        )
        .order_by("-year", "title")
        .values(
            "pk",
            "slug",
            "title",
            "year",
            "national_target",
            "envelope_eur",
            "selected",
            "filed",
            "households",
            "dwellings",
            "granted",
        )  # fmt: skip
    )


def _sub_count(queryset) -> Coalesce:
    return Coalesce(
        Subquery(queryset.annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]),
        0,
        output_field=IntegerField(),
    )


def _sub_sum(queryset, field: str, money: bool = False) -> Coalesce:
    output = DecimalField(max_digits=16, decimal_places=2) if money else IntegerField()
    return Coalesce(
        Subquery(queryset.annotate(total=Func(F(field), function="SUM")).values("total")[:1]),
        ZERO_MONEY if money else Value(0),
        output_field=output,
    )


# --- Money ----------------------------------------------------------------------------------


def latest_amount() -> Subquery:
    """For each dossier of the outer query, the amount of its decision in force."""
    return Subquery(
        CommitteeDecision.objects.filter(dossier=OuterRef("pk"))
        .order_by("-version")
        .values("amount_granted_eur")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def latest_decisions(dossiers: QuerySet[Dossier]) -> QuerySet[CommitteeDecision]:
    """The decision in force for each dossier (decisions are versioned, the latest counts)."""
    latest = (
        CommitteeDecision.objects.filter(dossier=OuterRef("dossier")).order_by("-version").values("pk")[:1]
    )
    return CommitteeDecision.objects.filter(dossier__in=dossiers.values("pk"), pk=Subquery(latest))


# Co-funding lines name their funder in free text; the kind is read from it by the database.
FUNDER_KINDS = [
    ("department", "Conseil départemental", ("départ", "depart", "cd ", "fsl")),
    ("region", "Conseil régional", ("région", "region")),
    ("caf", "Caisse d'allocations familiales", ("caf", "allocations familiales")),
    ("municipal", "Communes et intercommunalités", ("commune", "ville", "ccas", "métropole", "metropole",
                                                      "agglo", "communauté", "communaute", "epci")),
    ("state", "État et fonds nationaux", ("état", "etat", "ddets", "dihal", "fnavdl", "fndollts", "dreets")),
    ("landlord", "Bailleurs et organismes HLM", ("bailleur", "hlm", "oph", "habitat", "fonds propres")),
]  # fmt: skip
FUNDER_LABELS = {key: label for key, label, _ in FUNDER_KINDS} | {"other": "Autres financeurs"}


def funder_kind() -> Case:
    return Case(
        *[
            When(Q.create([("funder__icontains", word) for word in words], connector=Q.OR), then=Value(key))
            for key, _, words in FUNDER_KINDS
        ],
        default=Value("other"),
        output_field=CharField(),
    )


def money(dossiers: QuerySet[Dossier], territory_is_national: bool) -> dict:
    granted = latest_decisions(dossiers.filter(SELECTED)).aggregate(
        total=Coalesce(Sum("amount_granted_eur"), ZERO_MONEY)
    )["total"]
    cofunding = list(
        CofundingLine.objects.filter(dossier__in=dossiers.filter(SELECTED).values("pk"))
        .annotate(kind=funder_kind())
        .values("kind")
        .annotate(
            total=Coalesce(Sum("amount_eur"), ZERO_MONEY),
            obtained=Coalesce(Sum("amount_eur", filter=Q(status="obtained")), ZERO_MONEY),
            lines=Count("pk"),
        )
        .order_by("-total", "kind")
    )
    for row in cofunding:
        row["label"] = FUNDER_LABELS[row["kind"]]
    envelope = None
    if territory_is_national:
        envelope = Call.objects.aggregate(total=Coalesce(Sum("envelope_eur"), ZERO_MONEY))["total"]
    return {
        "envelope": envelope,
        "granted": granted,
        "paid": households.paid(dossiers),
        "cofunding": cofunding,
        "cofunding_total": sum((row["total"] for row in cofunding), Decimal("0")),
    }


# --- Dossiers by state ----------------------------------------------------------------------


def states_by_call(dossiers: QuerySet[Dossier]) -> list[dict]:
    """One row per call with the number of its dossiers in each state."""
    counts = {f"n_{status}": Count("pk", filter=Q(status=status)) for status in Status.values}
    rows = list(
        dossiers.values("call_id", "call__title", "call__year")
        .annotate(total=Count("pk"), **counts)
        .order_by("-call__year", "call__title")
    )
    for row in rows:
        row["states"] = [(Status(status).label, row[f"n_{status}"]) for status in Status.values]
    return rows


# --- Time in each review stage --------------------------------------------------------------


def stage_periods(dossiers: QuerySet[Dossier]) -> QuerySet[Transition]:
    """Each entry of a dossier into a review stage, with how long it stayed (until now if still there)."""
    left_at = (
        Transition.objects.filter(dossier=OuterRef("dossier"))
        .filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
        .order_by("at", "pk")
        .values("at")[:1]
    )
    return (
        Transition.objects.filter(dossier__in=dossiers.values("pk"), to_status__in=REVIEW_STAGES)
        .annotate(left_at=Coalesce(Subquery(left_at), Now()))
        .annotate(spent=ExpressionWrapper(F("left_at") - F("at"), output_field=DurationField()))
    )


class Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont(f) WITHIN GROUP (ORDER BY expr)."""

    function = "percentile_cont"
    template = "percentile_cont(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def stage_medians(dossiers: QuerySet[Dossier]) -> dict[str, datetime.timedelta]:
    periods = stage_periods(dossiers)
    if connection.vendor == "postgresql":
        rows = periods.values("to_status").annotate(median=Percentile(F("spent"), fraction=0.5)).order_by()
        return {row["to_status"]: row["median"] for row in rows}
    # SQLite has no percentile: number the periods of each stage by length, keep the middle one
    # (odd count) or two (even count) with a window, and average those at most two rows per stage.
    ranked = periods.annotate(
        rank=Window(RowNumber(), partition_by=[F("to_status")], order_by=[F("spent").asc(), F("pk").asc()]),
        size=Window(Count("pk"), partition_by=[F("to_status")]),
    )
    # Integer division: rows (n+1)/2 .. n/2+1 are the middle one or two (at most two rows per stage).
    middle_rows = ranked.filter(rank__gte=(F("size") + 1) / 2, rank__lte=F("size") / 2 + 1)
    middle: dict[str, list] = {}
    for status, spent in middle_rows.values_list("to_status", "spent"):
        middle.setdefault(status, []).append(spent)
    return {status: sum(values, datetime.timedelta()) / len(values) for status, values in middle.items()}


def review_stages(dossiers: QuerySet[Dossier], slowest: int = 5) -> list[dict]:
    periods = stage_periods(dossiers)
    totals = {
        row["to_status"]: row
        for row in periods.values("to_status").annotate(
            periods=Count("pk"), open=Count("pk", filter=Q(dossier__status=F("to_status")))
        )
    }
    medians = stage_medians(dossiers)
    # The slowest periods of every stage in one query: numbered by length within their stage.
    ranked = (
        periods.annotate(
            place=Window(
                RowNumber(), partition_by=[F("to_status")], order_by=[F("spent").desc(), F("pk").asc()]
            )
        )
        .filter(place__lte=slowest)
        .order_by("to_status", "place")
        .values("to_status", "dossier__reference", "dossier__name", "spent", "at")
    )
    slowest_of: dict[str, list] = {}
    for row in ranked:
        slowest_of.setdefault(row.pop("to_status"), []).append(row)
    rows = []
    for status in REVIEW_STAGES:
        rows.append(
            {
                "status": status,
                "label": Status(status).label,
                "periods": totals.get(status, {}).get("periods", 0),
                "open": totals.get(status, {}).get("open", 0),
                "median": medians.get(status),
                "slowest": slowest_of.get(status, []),
            }
        )
    return rows


# --- Drill-down -----------------------------------------------------------------------------


def _territory_figures(dossiers: QuerySet[Dossier], inside) -> dict:
    # The territory is two levels out: territory → dossiers subquery → link-table Exists.
    scoped = dossiers.filter(inside(OuterRef(OuterRef("code")))).order_by()
    selected = scoped.filter(SELECTED)
    granted = selected.annotate(granted_amount=latest_amount())
    return {
        "filed": _sub_count(scoped),
        "selected": _sub_count(selected),
        "households": _sub_sum(selected, "households"),
        "dwellings": _sub_sum(selected, "dwellings"),
        "granted": _sub_sum(granted, "granted_amount", money=True),
    }


FIGURE_FIELDS = ("code", "name", "filed", "selected", "households", "dwellings", "granted")


def by_region(dossiers: QuerySet[Dossier], raw: bool = False) -> list[dict]:
    rows = Region.objects.filter(is_current=True).annotate(**_territory_figures(dossiers, in_region))
    rows = rows.order_by("name").values(*FIGURE_FIELDS)
    return list(rows) if raw else _with_secrecy(rows)


def by_department(
    dossiers: QuerySet[Dossier], region_code: str | None = None, raw: bool = False
) -> list[dict]:
    departments = Department.objects.all()
    if region_code:
        departments = departments.filter(Q(region_id=region_code) | Q(former_region_id=region_code))
    rows = (
        departments.annotate(**_territory_figures(dossiers, in_department))
        .order_by("code")
        .values(*FIGURE_FIELDS)
    )
    return list(rows) if raw else _with_secrecy(rows)


def _with_secrecy(rows) -> list[dict]:
    result = []
    for row in rows:
        row["households"] = suppressed(row["households"])
        result.append(row)
    return result


def dossier_rows(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The project level: one row per dossier (no secrecy here, a project's own figures)."""
    return (
        dossiers.select_related("call")
        .only("reference", "name", "status", "households", "dwellings", "call__title", "call__year")
        .annotate(granted=latest_amount())
        .order_by("call__year", "name")
    )
