"""The programme's figures about households, computed from the records by SQL aggregates.

Every function takes *scoped* querysets (the episodes, outcome snapshots and dossiers
a person may see, or those of one project, department, region or call) and returns
figures; nothing is stored, nothing is counted in Python loops over rows. The
"reporting" layer calls them with its own scopes; `all_figures` gathers them for a
page. Above the project level, a figure computed on fewer than 5 households is not
shown (`suppress_small=True`): its value becomes None and `suppressed` is set.

Definitions (the ones the tests compute by hand):
- accompanied: episodes other than a diagnostic alone; diagnostics: episodes with a
  diagnostic date (any kind); new: referred in the 12 months before `today`;
- dwellings mobilised: accompanied episodes with a move-in date;
- median days: from referral to first contact reached, to diagnostic, to move-in;
- reviews on time: reviews held at most the project's rhythm (2 months = 61 days by
  default) after the previous one (or after the plan, the first contact, the referral);
- lease transfer rate: among episodes that had a sub-let or sliding lease, those whose
  lease slid; delay: from the start of the sub-let to the transfer (median days);
- relocation rate: ended access episodes whose destination is a dwelling of one's own;
- arrears at detection vs 6 months: balances of cases detected at least 183 days ago,
  first balance vs the last one recorded within 183 days of detection;
- evictions avoided: ended episodes with a procedure stage reached (formal notice or
  later), no eviction carried out, and the household still in its dwelling at the end;
- still housed at 6/12/24 months and arrears of more than 3 months one year after:
  from the outcome snapshots' follow-up checks (so they survive the purge), on the earliest
  real exit of each household only; an exit followed within 14 days by a new support of the
  same household is a transfer, not an exit (`counted_exits`);
- returns within 6/12/24 months: counted exits followed by a new support episode more than
  14 days (a transfer) and at most 6/12/24 months later (183/365/730 days);
- cost per household: amounts granted to the projects ÷ households accompanied.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    ValueRange,
    Window,
    WindowFrameExclusion,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from logement_accompagne.dossiers.models import CommitteeDecision, Dossier

from .aggregates import DaysBetween, Median
from .enums import (
    PROCEDURE_STAGES,
    RELOCATED_DESTINATIONS,
    STAYED_DESTINATIONS,
    ArrearsStep,
    ContactKind,
    Destination,
    LeaseKind,
    SupportKind,
)
from .models import (
    ArrearsBalance,
    ArrearsCase,
    ArrearsEvent,
    Contact,
    OutcomeSnapshot,
    SupportEpisode,
    TenancyPeriod,
)

SMALL_CELL = 5
PROGRAMME_TARGET = 10_000
DEFAULT_REVIEW_MONTHS = 2
SIX_MONTHS_DAYS = 183


@dataclass
class Figure:
    key: str
    label: str
    value: float | int | Decimal | None
    base: int  # how many households the figure is computed on
    unit: str = ""  # "", "%", "jours", "€"
    committed: int | None = None
    suppressed: bool = False
    group: str = ""
    details: list["Figure"] = field(default_factory=list)

    @property
    def share_of_committed(self) -> float | None:
        if self.committed and self.value is not None:
            return round(100 * float(self.value) / self.committed, 1)
        return None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _accompanied(episodes: QuerySet[SupportEpisode]) -> QuerySet[SupportEpisode]:
    return episodes.exclude(kind=SupportKind.DIAGNOSTIC)


# --- counts ---------------------------------------------------------------------------------------


def households_accompanied(episodes, dossiers, *, today=None) -> list[Figure]:
    today = today or timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    counts = episodes.aggregate(
        accompanied=Count("household", distinct=True, filter=~Q(kind=SupportKind.DIAGNOSTIC)),
        new=Count(
            "pk", filter=~Q(kind=SupportKind.DIAGNOSTIC) & Q(referred_on__gt=year_ago, referred_on__lte=today)
        ),
        ongoing=Count("pk", filter=~Q(kind=SupportKind.DIAGNOSTIC) & Q(ended_on__isnull=True)),
        ended=Count("pk", filter=~Q(kind=SupportKind.DIAGNOSTIC) & Q(ended_on__isnull=False)),
        diagnostics=Count("pk", filter=Q(diagnostic_on__isnull=False)),
        no_measure=Count("pk", filter=Q(end_reason="no_measure")),
        dwellings=Count("pk", filter=~Q(kind=SupportKind.DIAGNOSTIC) & Q(moved_in_on__isnull=False)),
    )
    committed = dossiers.aggregate(households=Sum("households"), dwellings=Sum("dwellings"))
    return [
        Figure("accompanied", "Ménages accompagnés", counts["accompanied"], counts["accompanied"],
               committed=committed["households"], group="Ménages"),
        Figure("new", "dont nouveaux (12 derniers mois)", counts["new"], counts["new"], group="Ménages"),
        Figure("ongoing", "Accompagnements en cours", counts["ongoing"], counts["ongoing"], group="Ménages"),
        Figure("ended", "Accompagnements terminés", counts["ended"], counts["ended"], group="Ménages"),
        Figure("diagnostics", "Diagnostics réalisés", counts["diagnostics"], counts["diagnostics"], group="Ménages"),
        Figure("no_measure", "dont « non lieu à mesure »", counts["no_measure"], counts["diagnostics"], group="Ménages"),
        Figure("dwellings", "Logements mobilisés", counts["dwellings"], counts["dwellings"],
               committed=committed["dwellings"], group="Ménages"),
    ]  # fmt: skip


# --- delays ---------------------------------------------------------------------------------------


def median_delays(episodes) -> list[Figure]:
    episodes = episodes.annotate(
        to_contact=DaysBetween("first_contact_on", "referred_on"),
        to_diagnostic=DaysBetween("diagnostic_on", "referred_on"),
        to_move_in=DaysBetween("moved_in_on", "referred_on"),
    )
    values = episodes.aggregate(
        contact=Median("to_contact"),
        contact_n=Count("pk", filter=Q(first_contact_on__isnull=False)),
        diagnostic=Median("to_diagnostic"),
        diagnostic_n=Count("pk", filter=Q(diagnostic_on__isnull=False)),
        move_in=Median("to_move_in"),
        move_in_n=Count("pk", filter=Q(moved_in_on__isnull=False)),
    )
    return [
        Figure("days_to_contact", "Délai médian orientation → premier contact", values["contact"], values["contact_n"], "jours", group="Délais"),
        Figure("days_to_diagnostic", "Délai médian orientation → diagnostic", values["diagnostic"], values["diagnostic_n"], "jours", group="Délais"),
        Figure("days_to_move_in", "Délai médian orientation → entrée dans le logement", values["move_in"], values["move_in_n"], "jours", group="Délais"),
    ]  # fmt: skip


# --- reviews ---------------------------------------------------------------------------------------


def review_days_expression(prefix: str = ""):
    """The project's review rhythm in days (2 months = 61 days)."""
    months = Coalesce(
        F(f"{prefix}dossier__household_settings__review_every_months"), Value(DEFAULT_REVIEW_MONTHS)
    )
    return ExpressionWrapper(months * Value(61) / Value(2), output_field=IntegerField())


def review_anchor(prefix: str = ""):
    """What the next review counts from when there was no review yet."""
    return Coalesce(F(f"{prefix}plan_signed_on"), F(f"{prefix}first_contact_on"), F(f"{prefix}referred_on"))


def _previous_review():
    """The latest review of the same episode held on an earlier day (a same-day review is not "previous"):
    a window over the episode's reviews with the current day excluded, computed once per episode.

    One expression on both databases: on PostgreSQL it is ~1.6x faster than the former correlated
    subquery (2 000 episodes x 10 reviews); on SQLite ~1.65x slower at that size (120 ms), kept anyway so
    the rule is written once (tests/households/test_indicators.py).
    """
    return Window(
        Max("happened_on"),
        partition_by=F("episode_id"),
        order_by=F("happened_on").asc(),
        frame=ValueRange(start=None, end=0, exclusion=WindowFrameExclusion.GROUP),
    )


def reviews_on_time(episodes) -> Figure:
    previous = _previous_review()
    # No ordering: the contacts' default one (latest first) would sort every review once more for nothing.
    reviews = (
        Contact.objects.filter(episode__in=episodes.values("pk"), kind=ContactKind.REVIEW)
        .order_by()
        .annotate(
            gap=DaysBetween("happened_on", Coalesce(previous, review_anchor("episode__"))),
            allowed=review_days_expression("episode__"),
        )
    )
    values = reviews.aggregate(
        held=Count("pk"),
        on_time=Count("pk", filter=Q(gap__lte=F("allowed"))),
        households=Count("episode__household", distinct=True),
    )
    return Figure("reviews_on_time", "Bilans tenus dans les délais", _share(values["on_time"], values["held"]),
                  values["households"], "%", group="Rythme de l'accompagnement")  # fmt: skip


def with_review_due(episodes, *, today=None):
    """Annotate open episodes with the last review, the days since it (or since the plan), the rhythm."""
    today = today or timezone.localdate()
    last_review = (
        Contact.objects.filter(episode=OuterRef("pk"), kind=ContactKind.REVIEW)
        .values("episode")
        .annotate(last=Max("happened_on"))
        .values("last")[:1]
    )
    return episodes.annotate(
        last_review_on=Subquery(last_review),
        review_from=Coalesce(Subquery(last_review), review_anchor()),
        review_days=review_days_expression(),
        days_since_review=DaysBetween(Value(today), Coalesce(Subquery(last_review), review_anchor())),
    )


def overdue_reviews(episodes, *, today=None):
    return with_review_due(episodes.filter(ended_on__isnull=True), today=today).filter(
        days_since_review__gt=F("review_days")
    )


def overdue_count(episodes, *, today=None) -> Figure:
    count = overdue_reviews(_accompanied(episodes), today=today).count()
    return Figure(
        "reviews_overdue",
        "Bilans en retard (accompagnements en cours)",
        count,
        count,
        group="Rythme de l'accompagnement",
    )


# --- leases ------------------------------------------------------------------------------------------


def lease_transfers(episodes) -> list[Figure]:
    sublet_start = (
        TenancyPeriod.objects.filter(
            episode=OuterRef("pk"), lease_kind__in=[LeaseKind.SUBLET, LeaseKind.SLIDING]
        )
        .values("episode")
        .annotate(start=Min("starts_on"))
        .values("start")[:1]
    )
    was_sublet = Exists(
        TenancyPeriod.objects.filter(
            episode=OuterRef("pk"), lease_kind__in=[LeaseKind.SUBLET, LeaseKind.SLIDING]
        )
    )
    # The delay is computed inside the aggregate (an annotation holding a subquery would be pushed
    # into a derived table that Django builds without it).
    values = episodes.filter(was_sublet).aggregate(
        sublet=Count("pk"),
        transferred=Count("pk", filter=Q(lease_transferred_on__isnull=False)),
        delay=Median(DaysBetween("lease_transferred_on", Subquery(sublet_start))),
    )
    return [
        Figure("lease_transfer_rate", "Taux de glissement des baux (sous-locations)", _share(values["transferred"], values["sublet"]),
               values["sublet"], "%", group="Baux"),
        Figure("lease_transfer_delay", "Délai médian sous-location → glissement", values["delay"], values["transferred"], "jours", group="Baux"),
    ]  # fmt: skip


def relocation_rate(episodes) -> Figure:
    ended = episodes.filter(kind__in=[SupportKind.ACCESS, SupportKind.BOTH], ended_on__isnull=False)
    values = ended.aggregate(
        ended=Count("pk"), relocated=Count("pk", filter=Q(destination__in=RELOCATED_DESTINATIONS))
    )
    return Figure("relocation_rate", "Taux de relogement (accès, sorties)", _share(values["relocated"], values["ended"]),
                  values["ended"], "%", group="Sorties")  # fmt: skip


# --- arrears -----------------------------------------------------------------------------------------


def arrears(episodes, *, today=None) -> list[Figure]:
    today = today or timezone.localdate()
    cases = ArrearsCase.objects.filter(episode__in=episodes.values("pk"))
    first_balance = ArrearsBalance.objects.filter(case=OuterRef("pk")).order_by("on").values("amount_eur")[:1]
    balance_at_6_months = (
        ArrearsBalance.objects.filter(case=OuterRef("pk"))
        .annotate(since=DaysBetween("on", OuterRef("detected_on")))
        .filter(since__lte=SIX_MONTHS_DAYS)
        .order_by("-on")
        .values("amount_eur")[:1]
    )
    old_enough = Q(detected_on__lte=today - datetime.timedelta(days=SIX_MONTHS_DAYS))
    money = DecimalField(max_digits=14, decimal_places=2)
    # One pass over the cases: the households in arrears, and the debts of the cases old enough.
    totals = cases.annotate(
        at_detection=Subquery(first_balance, output_field=money),
        at_six=Subquery(balance_at_6_months, output_field=money),
    ).aggregate(
        households=Count("episode__household", distinct=True),
        n=Count("episode__household", distinct=True, filter=old_enough),
        detection=Sum("at_detection", filter=old_enough),
        six=Sum("at_six", filter=old_enough),
    )
    households = totals["households"]
    figures = [
        Figure("arrears_households", "Ménages en situation d'impayé", households, households, group="Impayés"),
        Figure("arrears_at_detection", "Dette totale au repérage (impayés repérés depuis 6 mois ou plus)", totals["detection"],
               totals["n"], "€", group="Impayés"),
        Figure("arrears_after_6_months", "Dette totale 6 mois après le repérage", totals["six"], totals["n"], "€", group="Impayés"),
    ]  # fmt: skip
    # Episodes that reached each stage: one grouped count over the stages' events (a correlated EXISTS
    # per stage and per episode took PostgreSQL close to a minute on the reference dataset, make bench).
    reached = dict.fromkeys(PROCEDURE_STAGES, 0) | dict(
        ArrearsEvent.objects.filter(case__in=cases, kind__in=PROCEDURE_STAGES)
        .values("kind")
        .annotate(n=Count("case__episode", distinct=True))
        .values_list("kind", "n")
    )
    figures.append(
        Figure(
            "procedure_stages", "Étapes de procédure atteintes (part des ménages en impayé)", None, households, group="Impayés",
            details=[
                Figure(f"stage_{stage}", ArrearsStep(stage).label, _share(reached[stage], households), households, "%")
                for stage in PROCEDURE_STAGES
            ],
        )
    )  # fmt: skip
    in_procedure = Exists(
        ArrearsEvent.objects.filter(case__episode=OuterRef("pk"), kind__in=PROCEDURE_STAGES).exclude(
            kind=ArrearsStep.COHESION_PROTOCOL
        )
    )
    evicted = Exists(ArrearsEvent.objects.filter(case__episode=OuterRef("pk"), kind=ArrearsStep.EVICTED))
    avoided = episodes.filter(in_procedure, ~evicted, ended_on__isnull=False).aggregate(
        ended=Count("pk"), avoided=Count("pk", filter=Q(destination__in=STAYED_DESTINATIONS))
    )
    figures.append(
        Figure("evictions_avoided", "Expulsions évitées (procédure engagée, ménage maintenu à la sortie)", avoided["avoided"],
               avoided["ended"], group="Impayés")
    )  # fmt: skip
    return figures


# --- exits and outcomes -----------------------------------------------------------------------------


def exit_destinations(episodes) -> Figure:
    ended = episodes.filter(ended_on__isnull=False).exclude(destination="")
    counts = ended.aggregate(
        total=Count("pk"), **{d: Count("pk", filter=Q(destination=d)) for d in Destination.values}
    )
    return Figure(
        "destinations", "Situation à la sortie", None, counts["total"], group="Sorties",
        details=[Figure(f"destination_{d}", Destination(d).label, counts[d], counts["total"]) for d in Destination.values],
    )  # fmt: skip


TRANSFER_DAYS = 14
HORIZON_DAYS = {6: 183, 12: 365, 24: 730}


def _household_supports_after_exit(days_from: int):
    """The snapshot's household's other support episodes referred at least ``days_from`` days after its
    exit, each with that number of days (``gap``): the one base of transfers and returns."""
    return (
        SupportEpisode.objects.filter(household=OuterRef("episode__household"))
        .exclude(pk=OuterRef("episode"))
        .annotate(gap=DaysBetween("referred_on", OuterRef("episode__ended_on")))
        .filter(gap__gte=days_from)
    )


def _new_support_after(days_from: int, days_to: int):
    """A support episode of the snapshot's household (another one) referred within that many days of its exit."""
    return Exists(_household_supports_after_exit(days_from).filter(gap__lte=days_to))


def _days_to_next_support(days_from: int):
    """Days from the snapshot's exit to the household's first other support referred at least that many days after it."""
    return Subquery(
        _household_supports_after_exit(days_from).order_by("gap").values("gap")[:1],
        output_field=IntegerField(),
    )


def counted_exits(snapshots: QuerySet[OutcomeSnapshot]) -> QuerySet[OutcomeSnapshot]:
    """The exits the outcomes count: one per household, its earliest real exit in the scope.

    As HUD's System Performance Measure 2: an exit followed by a new support episode of the same
    household within 14 days is a *transfer* (the support went on elsewhere), not an exit; among
    the household's other exits in the scope, only the earliest counts (by exact end date), so a
    household is counted once.
    """
    real = snapshots.annotate(
        end_key=Coalesce(F("episode__ended_on"), F("end_month")),
        transfer=_new_support_after(0, TRANSFER_DAYS),
    ).filter(transfer=False)
    # The real exits of each household numbered by end date (then id): the first one counts. The purge
    # keeps episodes, so every snapshot written by the platform has a household; a snapshot whose
    # episode was deleted counts on its own (its own partition). A window, not a correlated NOT EXISTS
    # over the real exits again (issue #11, make bench).
    return real.annotate(
        exit_rank=Window(
            RowNumber(),
            partition_by=[Coalesce(F("episode__household"), -F("pk"))],
            order_by=[F("end_key").asc(), F("pk").asc()],
        )
    ).filter(exit_rank=1)


def outcomes(snapshots: QuerySet[OutcomeSnapshot], *, today=None) -> list[Figure]:
    """Still housed 6/12/24 months after, and returns; also accepts a queryset of dossiers (the reporting layer's scope).

    Counted on `counted_exits` (earliest real exit per household; transfers within 14 days are not
    exits). A *return* is a new support episode of the household referred more than 14 days and at
    most 6, 12 or 24 months after the exit; its base is the counted exits that far in the past.
    """
    today = today or timezone.localdate()
    if snapshots.model is Dossier:
        snapshots = OutcomeSnapshot.objects.filter(dossier__in=snapshots.values("pk"))
    # A return within 6, 12 or 24 months: one lookup of the household's next support per exit, compared
    # with the three horizons (the same rule as _new_support_after(15, days), read once instead of thrice).
    exits = counted_exits(snapshots).annotate(
        since=DaysBetween(Value(today), "episode__ended_on"),
        back_after=_days_to_next_support(TRANSFER_DAYS + 1),
    )
    values = exits.aggregate(
        **{
            f"checked_{m}": Count("pk", filter=Q(**{f"housed_{m}_months__isnull": False}))
            for m in (6, 12, 24)
        },
        **{f"housed_{m}": Count("pk", filter=Q(**{f"housed_{m}_months": True})) for m in (6, 12, 24)},
        **{f"past_{m}": Count("pk", filter=Q(since__gte=days)) for m, days in HORIZON_DAYS.items()},
        **{
            f"returned_{m}": Count("pk", filter=Q(since__gte=days, back_after__lte=days))
            for m, days in HORIZON_DAYS.items()
        },
        arrears_checked=Count("pk", filter=Q(arrears_over_3_months_at_12__isnull=False)),
        arrears_over=Count("pk", filter=Q(arrears_over_3_months_at_12=True)),
    )
    figures = [
        Figure(f"housed_{m}_months", f"Toujours logés {m} mois après la fin", _share(values[f"housed_{m}"], values[f"checked_{m}"]),
               values[f"checked_{m}"], "%", group="Après l'accompagnement")
        for m in (6, 12, 24)
    ]  # fmt: skip
    figures += [
        Figure(f"returned_{m}_months", f"Revenus en accompagnement dans les {m} mois (hors relais sous 14 jours)",
               _share(values[f"returned_{m}"], values[f"past_{m}"]), values[f"past_{m}"], "%", group="Après l'accompagnement")
        for m in (6, 12, 24)
    ]  # fmt: skip
    figures.append(
        Figure("arrears_over_3_months_after_1_year", "Plus de 3 mois d'impayés un an après la fin",
               _share(values["arrears_over"], values["arrears_checked"]), values["arrears_checked"], "%",
               group="Après l'accompagnement")
    )  # fmt: skip
    return figures


def cost_per_household(episodes, dossiers, *, households: int | None = None) -> Figure:
    """Amounts granted ÷ households accompanied (``households``: that count when already made, as in all_figures)."""
    latest = (
        CommitteeDecision.objects.filter(dossier=OuterRef("dossier")).order_by("-version").values("pk")[:1]
    )
    granted = CommitteeDecision.objects.filter(
        dossier__in=dossiers.values("pk"), selected=True, pk=Subquery(latest)
    ).aggregate(total=Sum("amount_granted_eur"))["total"]
    if households is None:
        households = _accompanied(episodes).aggregate(n=Count("household", distinct=True))["n"]
    value = (granted / households).quantize(Decimal("1")) if granted and households else None
    return Figure("cost_per_household", "Coût par ménage accompagné (montant accordé ÷ ménages)", value, households, "€",
                  group="Coût")  # fmt: skip


def scope_of_dossiers(dossiers) -> tuple[QuerySet[SupportEpisode], QuerySet[OutcomeSnapshot]]:
    """The episodes and snapshots of a scoped queryset of dossiers (per department, region, call...)."""
    return (
        SupportEpisode.objects.filter(dossier__in=dossiers.values("pk")),
        OutcomeSnapshot.objects.filter(dossier__in=dossiers.values("pk")),
    )


def accompanied_households(dossiers) -> int:
    """Households actually accompanied by these projects (a diagnostic alone does not count)."""
    episodes, _ = scope_of_dossiers(dossiers)
    return _accompanied(episodes).aggregate(n=Count("household", distinct=True))["n"]


# --- all together -----------------------------------------------------------------------------------


def _suppress(figure: Figure) -> Figure:
    if figure.base < SMALL_CELL:
        figure.value, figure.suppressed = None, True
        for detail in figure.details:
            detail.value, detail.suppressed = None, True
    else:
        for detail in figure.details:
            if (
                detail.value is not None
                and detail.unit == ""
                and detail.value < SMALL_CELL
                and detail.value > 0
            ):
                detail.value, detail.suppressed = None, True
    return figure


def all_figures(
    episodes: QuerySet[SupportEpisode],
    snapshots: QuerySet[OutcomeSnapshot],
    dossiers,
    *,
    today=None,
    suppress_small: bool = False,
    national: bool = False,
) -> list[Figure]:
    """Every indicator of the issue, for the given scope."""
    counts = households_accompanied(episodes, dossiers, today=today)
    figures = [
        *counts,
        *median_delays(episodes),
        reviews_on_time(episodes),
        overdue_count(episodes, today=today),
        *lease_transfers(episodes),
        relocation_rate(episodes),
        *arrears(episodes, today=today),
        exit_destinations(episodes),
        *outcomes(snapshots, today=today),
        cost_per_household(episodes, dossiers, households=counts[0].value),
    ]
    if national:
        figures[0].committed = PROGRAMME_TARGET
    if suppress_small:
        figures = [_suppress(figure) for figure in figures]
    return figures
