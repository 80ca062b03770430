"""Reports: pre-filled with what the agreement committed next to what the household records show (a
small project whose figures are computed by hand below), variances flagged and explained, validated or
sent back by the departmental service; reminders before the due date and when late, sent once."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.grants import selectors, services
from logement_accompagne.grants.models import ReportStatus
from logement_accompagne.households.models import Household, SupportEpisode
from tests import factories

D = datetime.date


def episode(dossier, household=None, *, kind="access", referred_on, diagnostic_on=None, moved_in_on=None,
            **ended):  # fmt: skip
    household = household or Household.objects.create(department=factories.department("45"))
    return SupportEpisode.objects.create(
        household=household, dossier=dossier, kind=kind, referral_source="siao", referred_on=referred_on,
        diagnostic_on=diagnostic_on, moved_in_on=moved_in_on, **ended,
    )  # fmt: skip


@pytest.fixture
def records(cast, agreement):
    """Six-month review: period 15 January → 15 July 2026. By hand, at 15 July:
    households accompanied = A, B, D (F is A's second episode after the first ended, C a diagnostic alone, E referred later) = 3;
    diagnostics made by then = A, B, C (D's is in August) = 3; dwellings moved into by then = A = 1.
    The other project's episode counts nowhere. Money: the 15 000 € advance was due on 15 January and
    paid on 20 January; the 10 000 € balance is due on 31 July (after the period)."""
    dossier = agreement.dossier
    a = episode(dossier, referred_on=D(2026, 2, 1), diagnostic_on=D(2026, 2, 10), moved_in_on=D(2026, 3, 1),
                ended_on=D(2026, 5, 15), end_reason="other", destination="social_housing")  # fmt: skip
    episode(dossier, kind="keeping", referred_on=D(2026, 3, 1), diagnostic_on=D(2026, 3, 15))
    episode(dossier, kind="diagnostic", referred_on=D(2026, 4, 1), diagnostic_on=D(2026, 4, 5))
    episode(dossier, referred_on=D(2026, 5, 1), diagnostic_on=D(2026, 8, 1), moved_in_on=D(2026, 9, 1))
    episode(dossier, referred_on=D(2026, 8, 1))
    episode(dossier, a.household, kind="both", referred_on=D(2026, 6, 1))
    other = factories.DossierFactory(carrier=cast.other_landlord)
    episode(other, referred_on=D(2026, 2, 1), diagnostic_on=D(2026, 2, 2), moved_in_on=D(2026, 2, 3))
    services.record_payment(
        user=cast.dept, tranche=agreement.tranches.get(position=1), paid_on=D(2026, 1, 20)
    )
    return agreement


def rows_by_key(rows):
    return {row["key"]: row for row in rows}


def test_the_six_month_review_is_prefilled_with_the_records(records):
    report = records.reports.get(number=0)
    assert (report.period_start, report.period_end, report.due_on) == (
        D(2026, 1, 15),
        D(2026, 7, 15),
        D(2026, 7, 15),
    )
    rows = rows_by_key(selectors.report_comparison(report))
    # Committed by the dossier (25 households, 20 dwellings over 12 months); half of it due at 6 months.
    assert {key: (row["committed"], row["expected"], row["recorded"]) for key, row in rows.items()} == {
        "households_accompanied": (25, 12, 3),
        "diagnostics": (None, None, 3),
        "dwellings": (20, 10, 1),
        "paid": (Decimal("25000"), Decimal("15000"), Decimal("15000")),
    }
    assert {key for key, row in rows.items() if row["variance"]} == {"households_accompanied", "dwellings"}


def test_the_yearly_report_counts_the_whole_year(records):
    rows = rows_by_key(selectors.report_comparison(records.reports.get(number=1)))
    # At 15 January 2027: A, B, D, plus E (referred in August) = 4 households; D's diagnostic and
    # move-in now count; the balance was due on 31 July and is not paid.
    assert rows["households_accompanied"]["recorded"] == 4
    assert (rows["diagnostics"]["recorded"], rows["dwellings"]["recorded"]) == (4, 2)
    assert (rows["households_accompanied"]["expected"], rows["dwellings"]["expected"]) == (25, 20)
    assert (rows["paid"]["expected"], rows["paid"]["recorded"], rows["paid"]["variance"]) == (
        Decimal("25000"), Decimal("15000"), True,
    )  # fmt: skip


def test_filing_keeps_the_comparison_and_asks_to_explain_variances(cast, records):
    report = records.reports.get(number=0)
    with pytest.raises(PermissionDenied):
        services.file_report(user=cast.dept, report=report, households_accompanied=3, diagnostics=3,
                             dwellings=1, narrative="x")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.file_report(user=cast.carrier, report=report, households_accompanied=3, diagnostics=3,
                             dwellings=1, narrative="Six mois d'action.")  # fmt: skip
    assert refused.value.message_dict["variance_explanation"] == [
        "Expliquez les écarts signalés : ménages accompagnés, logements mobilisés."
    ]
    services.file_report(user=cast.carrier, report=report, households_accompanied=3, diagnostics=3, dwellings=1,
                         narrative="Six mois d'action.", variance_explanation="Démarrage lent.")  # fmt: skip
    report.refresh_from_db()
    assert (report.status, report.filed_by, report.households_accompanied) == (
        ReportStatus.FILED,
        cast.carrier,
        3,
    )
    kept = {row["key"]: row for row in report.comparison["rows"]}
    assert kept["households_accompanied"]["recorded"] == 3 and kept["paid"]["recorded"] == "15000.00"
    with pytest.raises(InvalidTransition):
        services.file_report(user=cast.carrier, report=report, households_accompanied=3, diagnostics=3,
                             dwellings=1, narrative="Encore")  # fmt: skip


def test_a_declaration_that_differs_from_the_records_is_flagged(cast, records):
    report = records.reports.get(number=0)
    rows = rows_by_key(selectors.report_comparison(report, {"households_accompanied": 12, "diagnostics": 3,
                                                            "dwellings": 10}))  # fmt: skip
    assert (
        rows["households_accompanied"]["differs_from_records"]
        and not rows["households_accompanied"]["variance"]
    )
    assert not rows["diagnostics"]["differs_from_records"]


def test_the_departmental_service_validates_or_asks_for_more(cast, records):
    report = records.reports.get(number=0)
    args = {"households_accompanied": 3, "diagnostics": 3, "dwellings": 1, "narrative": "Bilan",
            "variance_explanation": "Démarrage."}  # fmt: skip
    services.file_report(user=cast.carrier, report=report, **args)
    with pytest.raises(PermissionDenied):
        services.review_report(user=cast.carrier, report=report, validated=True)
    with pytest.raises(ValidationError, match="ce qu'il doit compléter"):
        services.review_report(user=cast.dept, report=report, validated=False)
    services.review_report(user=cast.dept, report=report, validated=False, comment="Joindre le détail.")
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.MORE_REQUESTED, "Joindre le détail.")
    services.file_report(user=cast.carrier, report=report, **args)
    services.review_report(user=cast.dept, report=report, validated=True)
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == (ReportStatus.VALIDATED, cast.dept)


def reminders(day):
    mail.outbox.clear()
    call_command("send_report_reminders", "--date", day.isoformat(), stdout=io.StringIO())
    return sorted((message.subject.split(" : ")[0], tuple(message.to)) for message in mail.outbox)


def test_reminders_go_before_the_due_date_and_when_late_once_each_time(cast, agreement):
    # The six-month review is due on 15 July 2026.
    carrier, dept = (cast.carrier.email,), (cast.dept.email,)
    assert reminders(D(2026, 6, 30)) == []
    before = [("[Logement accompagné] Bilan à six mois à déposer avant le 15/07/2026", carrier)]
    assert reminders(D(2026, 7, 1)) == before
    assert reminders(D(2026, 7, 1)) == []  # the same day again: nothing more
    assert reminders(D(2026, 7, 10)) == []
    late = sorted([("[Logement accompagné] Bilan à six mois en retard", carrier),
                   ("[Logement accompagné] Bilan à six mois en retard", dept)])  # fmt: skip
    assert reminders(D(2026, 7, 16)) == late
    assert reminders(D(2026, 7, 16)) == []
    assert reminders(D(2026, 7, 22)) == []
    assert reminders(D(2026, 7, 23)) == late  # a week later
    services.file_report(user=cast.carrier, report=agreement.reports.get(number=0), households_accompanied=0,
                         diagnostics=0, dwellings=0, narrative="Bilan", variance_explanation="Retard.")  # fmt: skip
    assert reminders(D(2026, 7, 30)) == []
