"""The agreement (convention) after selection: terms copied from the decision and the dossier, signed on
the platform by both sides, amended by new versions; report due dates derived from it."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.grants import services
from logement_accompagne.grants.models import AgreementVersion, ReportKind
from tests.lifecycle import advance

from .conftest import START, in_force, prepared, signatories

D = datetime.date


def test_the_agreement_copies_the_decision_and_the_dossier_commitments(cast):
    agreement = prepared(cast)
    version = agreement.versions.get()
    assert (agreement.amount_eur, agreement.duration_months, agreement.starts_on) == (
        Decimal("25000"),
        12,
        START,
    )
    assert agreement.decision == cast.dossier.committee_decisions.get()
    assert (version.number, version.households, version.dwellings) == (1, 25, 20)
    assert version.partners == "SIAO, CCAS, conseil départemental"
    assert version.costs == [{"kind": "support", "label": "Coût de l'accompagnement par ménage",
                              "amount_eur": "1440.00", "basis": "par ménage", "period": "par an"}]  # fmt: skip
    assert version.cofunding[0]["funder"] == "Conseil départemental"
    assert agreement.in_force_version is None and not version.signed
    assert [(t.position, t.amount_eur, t.status) for t in agreement.tranches.all()] == [
        (1, Decimal("15000"), "planned"), (2, Decimal("10000"), "planned")
    ]  # fmt: skip


def test_only_the_departmental_service_prepares_and_only_for_a_selected_dossier(cast):
    dossier = advance(cast, Status.COMMITTEE)
    with pytest.raises(InvalidTransition):
        services.prepare_agreement(user=cast.dept, dossier=dossier, starts_on=START)
    services_decide = __import__("logement_accompagne.dossiers.services", fromlist=["decide"]).decide
    services_decide(user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=Decimal("25000"))
    for person in ("carrier", "region", "committee", "dept_other"):
        with pytest.raises(PermissionDenied):
            services.prepare_agreement(user=cast[person], dossier=dossier, starts_on=START)
    with pytest.raises(ValidationError, match="ne peut pas dépasser le montant accordé"):
        services.prepare_agreement(
            user=cast.dept, dossier=dossier, starts_on=START, amount_eur=Decimal("25001")
        )
    services.prepare_agreement(user=cast.dept, dossier=dossier, starts_on=START)
    with pytest.raises(InvalidTransition, match="déjà préparée"):
        services.prepare_agreement(user=cast.dept, dossier=dossier, starts_on=START)


def test_tranches_never_plan_more_than_the_agreement(cast):
    agreement = prepared(cast, tranches=[("Avance", START, "20000", None)])
    with pytest.raises(ValidationError, match="dépasseraient le montant de la convention"):
        services.add_tranche(
            user=cast.dept, agreement=agreement, label="Solde", due_on=START, amount_eur=Decimal("5001")
        )
    assert agreement.tranches.count() == 1


def test_both_sides_sign_then_the_agreement_is_in_force(cast, django_capture_on_commit_callbacks):
    agreement = prepared(cast)
    mail.outbox.clear()
    # A carrier who is not the organisation's administrator, an instructor who is not the head of service.
    from tests import factories

    plain_carrier = factories.carrier_user(cast.landlord)
    for person in (plain_carrier, cast.region, cast.committee, cast.dept_other):
        with pytest.raises(PermissionDenied):
            services.sign(user=person, agreement=agreement)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.sign(user=cast.carrier, agreement=agreement)
    assert version.carrier_signed_by == cast.carrier and version.carrier_signed_at is not None
    assert version.carrier_organisation == cast.landlord and version.state_signed_at is None
    agreement.refresh_from_db()
    assert agreement.in_force_version is None and not agreement.reports.exists()
    with pytest.raises(InvalidTransition, match="déjà signé"):
        services.sign(user=cast.carrier, agreement=agreement)
    assert [m.to for m in mail.outbox] == [[cast.dept.email]]
    version = services.sign(user=cast.dept, agreement=agreement)
    assert version.signed and version.state_signed_by == cast.dept
    assert version.state_organisation.department_id == "45"
    assert [t["amount_eur"] for t in version.schedule] == ["15000.00", "10000.00"]
    agreement.refresh_from_db()
    assert agreement.in_force_version == 1
    assert list(agreement.reports.values_list("number", "kind", "due_on")) == [
        (0, ReportKind.SIX_MONTH, D(2026, 7, 15)), (1, ReportKind.YEARLY, D(2027, 1, 15))
    ]  # fmt: skip
    with pytest.raises(InvalidTransition, match="Aucune version"):
        services.sign(user=cast.dept, agreement=agreement)


def test_a_schedule_that_does_not_cover_the_amount_cannot_be_signed(cast):
    agreement = prepared(cast, tranches=[("Avance", START, "15000", None)])
    with pytest.raises(ValidationError, match="doit couvrir exactement"):
        services.sign(user=cast.carrier, agreement=agreement)
    assert not AgreementVersion.objects.filter(carrier_signed_at__isnull=False).exists()


def test_an_amendment_is_a_new_version_in_force_only_once_signed(cast):
    agreement = in_force(cast)
    with pytest.raises(ValidationError, match="objet de l'avenant"):
        services.save_terms(user=cast.dept, agreement=agreement, starts_on=START, duration_months=30,
                            amount_eur=Decimal("25000"))  # fmt: skip
    amendment = services.save_terms(user=cast.dept, agreement=agreement, starts_on=START, duration_months=30,
                                    amount_eur=Decimal("25000"), reason="Prolongation de 18 mois")  # fmt: skip
    assert (amendment.number, str(amendment), amendment.households) == (2, "Avenant n° 1", 25)
    agreement.refresh_from_db()
    # Version 1 stays in force until both sides sign the amendment.
    assert (agreement.in_force_version, agreement.duration_months) == (1, 12)
    assert agreement.reports.count() == 2
    services.sign(user=cast.carrier, agreement=agreement)
    with pytest.raises(InvalidTransition, match="ouvrez un avenant"):
        services.add_tranche(
            user=cast.dept, agreement=agreement, label="x", due_on=START, amount_eur=Decimal("1")
        )
    services.sign(user=cast.dept, agreement=agreement)
    agreement.refresh_from_db()
    assert (agreement.in_force_version, agreement.duration_months) == (2, 30)
    assert list(agreement.reports.values_list("number", "due_on")) == [
        (0, D(2026, 7, 15)), (1, D(2027, 1, 15)), (2, D(2028, 1, 15)), (3, D(2028, 7, 15))
    ]  # fmt: skip
    assert list(agreement.versions.values_list("number", flat=True)) == [1, 2]


def test_an_amendment_never_goes_above_the_grant_nor_below_what_was_paid(cast):
    agreement = in_force(cast)
    services.record_payment(user=cast.dept, tranche=agreement.tranches.get(position=1), paid_on=START)
    with pytest.raises(ValidationError, match="dépasser le montant accordé par le comité"):
        services.save_terms(user=cast.dept, agreement=agreement, starts_on=START, duration_months=12,
                            amount_eur=Decimal("30000"), reason="Hausse")  # fmt: skip
    with pytest.raises(ValidationError, match="inférieur aux sommes déjà versées"):
        services.save_terms(user=cast.dept, agreement=agreement, starts_on=START, duration_months=12,
                            amount_eur=Decimal("14999"), reason="Baisse")  # fmt: skip
    assert agreement.versions.count() == 1


def test_only_an_unsigned_version_changes(cast):
    agreement = prepared(cast)
    services.save_terms(user=cast.dept, agreement=agreement, starts_on=D(2026, 2, 1), duration_months=24,
                        amount_eur=Decimal("25000"))  # fmt: skip
    agreement.refresh_from_db()
    assert (agreement.starts_on, agreement.duration_months, agreement.versions.count()) == (
        D(2026, 2, 1),
        24,
        1,
    )
    services.sign(user=cast.carrier, agreement=agreement)
    with pytest.raises(InvalidTransition, match="déjà signée par une partie"):
        services.save_terms(user=cast.dept, agreement=agreement, starts_on=START, duration_months=12,
                            amount_eur=Decimal("25000"))  # fmt: skip


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 15), 12, [(0, "six_month", D(2026, 7, 15)), (1, "yearly", D(2027, 1, 15))]),
        # 31 August + 6 months is the last day of February; the last report closes the agreement.
        (D(2025, 8, 31), 18, [(0, "six_month", D(2026, 2, 28)), (1, "yearly", D(2026, 8, 31)),
                              (2, "yearly", D(2027, 2, 28))]),
        (D(2027, 3, 1), 6, [(1, "yearly", D(2027, 9, 1))]),
        (D(2026, 1, 31), 36, [(0, "six_month", D(2026, 7, 31)), (1, "yearly", D(2027, 1, 31)),
                              (2, "yearly", D(2028, 1, 31)), (3, "yearly", D(2029, 1, 31))]),
    ],
)  # fmt: skip
def test_report_due_dates_follow_the_start_and_the_duration(start, months, expected):
    schedule = services.report_schedule(start, months)
    assert [(row["number"], row["kind"], row["due_on"]) for row in schedule] == expected
    assert schedule[0]["period_start"] == start


def test_signatories_act_only_on_their_own_dossier(cast):
    agreement = prepared(cast)
    from tests import factories

    other = factories.DossierFactory(carrier=cast.other_landlord)
    signatories(cast)
    assert services.selectors.roles_on(cast.carrier, other).carrier_signatory is None
    assert services.selectors.roles_on(cast.carrier_other, agreement.dossier).carrier_signatory is None
