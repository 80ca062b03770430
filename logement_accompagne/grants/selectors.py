"""Scoped reads of agreements, payments and reports, and who may do what on them.

An agreement is visible to whoever may see its dossier (``dossiers.selectors.dossiers_visible_to``):
its carriers, the State services of its territory, the national committee, the administrator. A
dossier one may not see answers 404, as everywhere else.

Roles on an agreement (``roles_on``): the carriers request payments and file reports; the carrier's
organisation administrator signs for the carrier; the departmental instructors of the dossier's
department prepare the agreement, plan and pay the tranches and review the reports; the head of the
departmental State service signs for the State.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from logement_accompagne.dossiers.models import CommitteeDecision, Dossier
from logement_accompagne.dossiers.permissions import relation_to
from logement_accompagne.dossiers.selectors import dossier_for, dossiers_visible_to
from logement_accompagne.households.enums import SupportKind
from logement_accompagne.households.models import SupportEpisode
from logement_accompagne.organisations.enums import OrganisationKind, Role
from logement_accompagne.organisations.models import Membership, Organisation
from logement_accompagne.organisations.selectors import scope_of

from .agreements import Agreement, AgreementVersion, Report, ReportStatus, Tranche, TrancheStatus

# A recorded figure more than this share away from what was committed (pro rata of the time elapsed)
# is flagged as a variance.
VARIANCE_TOLERANCE = Decimal("0.20")


@dataclass(frozen=True)
class GrantRoles:
    carrier: bool = False
    departmental: bool = False
    carrier_signatory: Organisation | None = None
    state_signatory: Organisation | None = None
    viewer: bool = False


def roles_on(user, dossier: Dossier) -> GrantRoles:
    relation = relation_to(scope_of(user), dossier)
    carrier_signatory = state_signatory = None
    if user is not None and user.is_authenticated and user.is_active:
        memberships = Membership.objects.filter(user=user).select_related("organisation")
        carrier_signatory = next(
            (
                m.organisation
                for m in memberships.filter(
                    role=Role.ORGANISATION_ADMIN, organisation__carrier_links__dossier=dossier
                )
            ),
            None,
        )
        state_signatory = next(
            (
                m.organisation
                for m in memberships.filter(
                    role=Role.SERVICE_HEAD,
                    organisation__kind=OrganisationKind.STATE_DEPARTMENT,
                    organisation__department__in=dossier.departments.all(),
                )
            ),
            None,
        )
    return GrantRoles(
        carrier=relation.carrier,
        departmental=relation.departmental,
        carrier_signatory=carrier_signatory,
        state_signatory=state_signatory,
        viewer=relation.carrier or relation.reviewer or relation.administrator,
    )


def carrier_signatories_of(dossier: Dossier):
    """The administrators of the dossier's carrier organisations (they sign for the carrier)."""
    from logement_accompagne.organisations.models import User

    return User.objects.filter(
        is_active=True,
        memberships__role=Role.ORGANISATION_ADMIN,
        memberships__organisation__carrier_links__dossier=dossier,
    )


def state_signatories_of(dossier: Dossier):
    """The heads of the departmental State services of the dossier's department (they sign for the State)."""
    from logement_accompagne.organisations.models import User

    return User.objects.filter(
        is_active=True,
        memberships__role=Role.SERVICE_HEAD,
        memberships__organisation__kind=OrganisationKind.STATE_DEPARTMENT,
        memberships__organisation__department__in=dossier.departments.all(),
    )


def latest_decision(dossier: Dossier) -> CommitteeDecision | None:
    return dossier.committee_decisions.order_by("-version").first()


def agreements_visible_to(user) -> QuerySet[Agreement]:
    return Agreement.objects.filter(dossier__in=dossiers_visible_to(user).values("pk"))


def dossier_with_agreement_for(user, reference) -> tuple[Dossier, Agreement | None]:
    """The visible dossier (Dossier.DoesNotExist otherwise) and its agreement if one was prepared."""
    dossier = dossier_for(user, reference=reference)
    agreement = Agreement.objects.filter(dossier=dossier).first()
    return dossier, agreement


def agreement_list_for(user) -> QuerySet[Agreement]:
    """The agreements a person may see, with what the list shows, in one query."""
    return (
        agreements_visible_to(user)
        .select_related("dossier", "dossier__call")
        .annotate(
            reports_due=Count(
                "reports", filter=Q(reports__status__in=(ReportStatus.DUE, ReportStatus.MORE_REQUESTED))
            ),
            reports_to_review=Count("reports", filter=Q(reports__status=ReportStatus.FILED)),
        )
        .order_by("dossier__name", "pk")
    )


def pending_version(agreement: Agreement) -> AgreementVersion | None:
    """The version waiting for signatures (the convention itself, or an amendment), if any."""
    return (
        agreement.versions.filter(Q(carrier_signed_at__isnull=True) | Q(state_signed_at__isnull=True))
        .select_related("carrier_signed_by", "state_signed_by")
        .first()
    )


def planned_total(agreement: Agreement) -> Decimal:
    return agreement.tranches.aggregate(total=Sum("amount_eur"))["total"] or Decimal("0")


def tranches_of(agreement: Agreement) -> list[Tranche]:
    return list(agreement.tranches.select_related("requested_by", "paid_by"))


def report_for(agreement: Agreement, number: int) -> Report:
    return agreement.reports.select_related("filed_by", "reviewed_by").get(number=number)


# --- what a report is pre-filled with -------------------------------------------------------------


def recorded_figures(dossier: Dossier, period_end: datetime.date) -> dict:
    """What the household records show at the end of a report's period, one SQL aggregate.

    Same definitions as ``households.indicators.households_accompanied``, counted up to the period's
    end: accompanied = distinct households of episodes other than a diagnostic alone, referred by
    then; diagnostics = episodes with a diagnostic made by then; dwellings = accompanied episodes with
    a move-in by then.
    """
    counts = SupportEpisode.objects.filter(dossier=dossier, referred_on__lte=period_end).aggregate(
        households=Count("household", distinct=True, filter=~Q(kind=SupportKind.DIAGNOSTIC)),
        diagnostics=Count("pk", filter=Q(diagnostic_on__lte=period_end)),
        dwellings=Count("pk", filter=~Q(kind=SupportKind.DIAGNOSTIC) & Q(moved_in_on__lte=period_end)),
    )
    return counts


def money_figures(agreement: Agreement, period_end: datetime.date) -> dict:
    values = agreement.tranches.aggregate(
        due=Sum("amount_eur", filter=Q(due_on__lte=period_end)),
        paid=Sum("amount_eur", filter=Q(status=TrancheStatus.PAID, paid_on__lte=period_end)),
    )
    return {key: value or Decimal("0") for key, value in values.items()}


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def _flag(recorded, expected) -> bool:
    if expected is None or recorded is None:
        return False
    expected = Decimal(expected)
    if expected == 0:
        return Decimal(recorded) != 0
    return abs(Decimal(recorded) - expected) > expected * VARIANCE_TOLERANCE


def report_comparison(report: Report, declared: dict | None = None) -> list[dict]:
    """One row per figure: what the agreement committed (and its share due by the period's end, pro rata
    of the months elapsed), what the records show, what the carrier declares, and whether it is a
    variance (more than 20 % away from the share due, or a declaration that differs from the records)."""
    agreement = report.agreement
    version = agreement.versions.filter(number=agreement.in_force_version).first()
    months = max(_months_between(agreement.starts_on, report.period_end), 0)
    share = min(Decimal(months) / Decimal(agreement.duration_months), Decimal("1"))
    recorded = recorded_figures(agreement.dossier, report.period_end)
    money = money_figures(agreement, report.period_end)
    declared = declared or {}
    rows = []
    for key, label, committed in (
        ("households_accompanied", "Ménages accompagnés", version.households if version else None),
        ("diagnostics", "Diagnostics réalisés", None),
        ("dwellings", "Logements mobilisés", version.dwellings if version else None),
    ):
        figure = {"households_accompanied": "households"}.get(key, key)
        expected = (Decimal(committed) * share).quantize(Decimal("1")) if committed is not None else None
        value = declared.get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "committed": committed,
                "expected": int(expected) if expected is not None else None,
                "recorded": recorded[figure],
                "declared": value,
                "variance": _flag(recorded[figure] if value is None else value, expected),
                "differs_from_records": value is not None and value != recorded[figure],
                "money": False,
            }
        )
    rows.append(
        {
            "key": "paid",
            "label": "Sommes versées par l'État",
            "committed": agreement.amount_eur,
            "expected": money["due"],
            "recorded": money["paid"],
            "declared": None,
            "variance": money["paid"] != money["due"],
            "differs_from_records": False,
            "money": True,
        }
    )
    return rows


def reports_needing_reminder(today: datetime.date, *, before_days: int, late_every_days: int):
    """(reports due soon never reminded, late reports not reminded for `late_every_days`)."""
    open_reports = Report.objects.filter(
        status__in=(ReportStatus.DUE, ReportStatus.MORE_REQUESTED), agreement__in_force_version__isnull=False
    ).select_related("agreement__dossier")
    soon = open_reports.filter(
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=before_days), reminded_on__isnull=True
    )
    late = open_reports.filter(due_on__lt=today).filter(
        Q(late_reminded_on__isnull=True)
        | Q(late_reminded_on__lte=today - datetime.timedelta(days=late_every_days))
    )
    return soon, late
