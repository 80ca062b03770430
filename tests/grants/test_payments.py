"""Money paid never exceeds the amount granted: the service says so in French under a row lock, the
database refuses it anyway, and two agents paying at the same moment on two PostgreSQL connections
cannot pay twice nor above the grant. A tranche waiting for a report is paid only once it is validated."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.grants import services
from logement_accompagne.grants.models import Agreement, Tranche, TrancheStatus
from tests.concurrency import require_postgresql, run_together

from .conftest import START, in_force, prepared


def test_a_payment_within_the_grant_is_recorded(cast, agreement):
    tranche = agreement.tranches.get(position=1)
    with pytest.raises(PermissionDenied):
        services.record_payment(user=cast.carrier, tranche=tranche)
    services.request_payment(user=cast.carrier, tranche=tranche)
    tranche.refresh_from_db()
    assert (tranche.status, tranche.requested_by) == (TrancheStatus.REQUESTED, cast.carrier)
    services.record_payment(user=cast.dept, tranche=tranche, paid_on=START)
    tranche.refresh_from_db()
    agreement.refresh_from_db()
    assert (tranche.status, tranche.paid_on, tranche.paid_by) == (TrancheStatus.PAID, START, cast.dept)
    assert agreement.paid_eur == Decimal("15000")
    with pytest.raises(InvalidTransition, match="déjà versée"):
        services.record_payment(user=cast.dept, tranche=tranche)
    agreement.refresh_from_db()
    assert agreement.paid_eur == Decimal("15000")


def test_nothing_is_paid_before_the_agreement_is_signed(cast):
    agreement = prepared(cast)
    with pytest.raises(InvalidTransition, match="pas encore signée"):
        services.record_payment(user=cast.dept, tranche=agreement.tranches.first())


def test_the_service_refuses_a_payment_above_the_grant(cast):
    agreement = in_force(cast, tranches=[("Avance", START, "15000", None), ("Solde", START, "10000", None)])
    # A tranche written outside the planning service (as a bad import or an old schedule would).
    extra = Tranche.objects.create(agreement=agreement, position=3, label="Rallonge", due_on=START,
                                   amount_eur=Decimal("5000"))  # fmt: skip
    services.record_payment(user=cast.dept, tranche=agreement.tranches.get(position=1))
    services.record_payment(user=cast.dept, tranche=extra)  # 15 000 + 5 000 fits in 25 000
    agreement.refresh_from_db()
    assert agreement.paid_eur == Decimal("20000")
    # The balance of 10 000 would now exceed the grant: refused, nothing written.
    with pytest.raises(ValidationError) as refused:
        services.record_payment(user=cast.dept, tranche=agreement.tranches.get(position=2))
    assert refused.value.messages == [
        "Ce versement (10\u202f000,00\u00a0€) porterait le total versé à 30\u202f000,00\u00a0€, au-delà du montant "
        "accordé (25\u202f000,00\u00a0€)."
    ]
    agreement.refresh_from_db()
    assert agreement.paid_eur == Decimal("20000")
    assert agreement.tranches.get(position=2).status == TrancheStatus.PLANNED


def test_the_database_refuses_paid_above_the_amount(cast, agreement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(paid_eur=Decimal("25000.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(paid_eur=Decimal("-1"))
    Agreement.objects.filter(pk=agreement.pk).update(paid_eur=Decimal("25000"))


def test_a_tranche_waits_for_its_report_to_be_validated(cast, agreement):
    balance = agreement.tranches.get(position=2)
    assert balance.after_report == 0
    with pytest.raises(ValidationError, match="après validation du bilan à six mois"):
        services.record_payment(user=cast.dept, tranche=balance)
    report = agreement.reports.get(number=0)
    services.file_report(user=cast.carrier, report=report, households_accompanied=0, diagnostics=0, dwellings=0,
                         narrative="Démarrage.", variance_explanation="Recrutement de l'équipe en cours.")  # fmt: skip
    with pytest.raises(ValidationError, match="après validation"):
        services.record_payment(user=cast.dept, tranche=balance)
    services.review_report(user=cast.dept, report=report, validated=True)
    services.record_payment(user=cast.dept, tranche=balance)
    balance.refresh_from_db()
    assert balance.status == TrancheStatus.PAID


# --- two agents at once, on two real PostgreSQL connections ---------------------------------------


@pytest.fixture
def postgres_only(transactional_db):
    require_postgresql("paiements simultanés")


@pytest.mark.postgres
def test_the_same_tranche_paid_twice_at_once_is_paid_once(postgres_only, cast):
    agreement = in_force(cast)
    tranche = agreement.tranches.get(position=1)
    outcomes = run_together(
        lambda: services.record_payment(user=cast.dept, tranche=Tranche.objects.get(pk=tranche.pk)),
        lambda: services.record_payment(user=cast.dept, tranche=Tranche.objects.get(pk=tranche.pk)),
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, InvalidTransition) and "déjà versée" in str(error)
    agreement.refresh_from_db()
    assert agreement.paid_eur == Decimal("15000")


@pytest.mark.postgres
def test_two_payments_at_once_never_exceed_the_grant(postgres_only, cast):
    agreement = in_force(cast)
    # Two tranches of 15 000 on a 25 000 € grant (the second written outside the planning service).
    extra = Tranche.objects.create(agreement=agreement, position=3, label="Rallonge", due_on=START,
                                   amount_eur=Decimal("15000"))  # fmt: skip
    first = agreement.tranches.get(position=1)
    outcomes = run_together(
        lambda: services.record_payment(user=cast.dept, tranche=Tranche.objects.get(pk=first.pk)),
        lambda: services.record_payment(user=cast.dept, tranche=Tranche.objects.get(pk=extra.pk)),
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ValidationError) and "au-delà du montant accordé" in error.messages[0]
    agreement.refresh_from_db()
    assert agreement.paid_eur == Decimal("15000")
    assert Tranche.objects.filter(agreement=agreement, status=TrancheStatus.PAID).count() == 1


def test_the_dashboards_show_the_money_paid(cast, agreement):
    from logement_accompagne.dossiers.models import Dossier
    from logement_accompagne.reporting import households

    services.record_payment(user=cast.dept, tranche=agreement.tranches.get(position=1))
    assert households.paid(Dossier.objects.all()) == Decimal("15000")
    assert households.paid(Dossier.objects.exclude(pk=agreement.dossier_id)) == Decimal("0")
