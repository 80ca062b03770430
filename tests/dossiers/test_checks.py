"""Completeness, financial coherence and consistency as instructors read them."""

from decimal import Decimal

import pytest

from logement_accompagne.dossiers import checks
from logement_accompagne.dossiers.enums import CostBasis, CostKind, CostPeriod
from logement_accompagne.dossiers.models import CofundingLine, CostLine
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_complete_dossier_has_nothing_missing():
    assert checks.completeness(factories.DossierFactory()) == []


def test_missing_fields_are_listed_with_their_section():
    dossier = factories.DossierFactory(
        name="", summary="", households=None, mobilisation_existing_unadapted=False, support_method="",
        partners="", duration_months=None, costs=False, department_codes=[],
    )  # fmt: skip
    missing = {item.field: item.section for item in checks.completeness(dossier)}
    assert missing == {
        "name": "localisation",
        "location_text": "localisation",
        "summary": "localisation",
        "households": "publics",
        "mobilisation_new_supply": "logements",
        "support_method": "accompagnement",
        "partners": "partenariat",
        "finance_overview": "financement",
        "duration_months": "duree",
    }


def test_selon_les_besoins_counts_as_a_stated_reason_for_no_mobilisation_box():
    dossier = factories.DossierFactory(
        mobilisation_existing_unadapted=False, dwellings_text="selon les besoins"
    )
    assert checks.completeness(dossier) == []


def test_costs_per_household_and_dwelling_and_funding_balance():
    # 25 households × 1 440 €/year × 1 year = 36 000 €; co-funding 6 000; requested 30 000 → balanced.
    dossier = factories.DossierFactory(households=25, dwellings=20, requested_amount_eur=Decimal("30000"))
    summary = checks.financial_summary(dossier)
    assert summary.global_cost_eur == Decimal("36000")
    assert summary.cost_per_household_eur == Decimal("1440")
    assert summary.cost_per_dwelling_eur == Decimal("1800")
    assert summary.cofunding_eur == Decimal("6000")
    assert summary.balance_eur == 0 and summary.coherent


def test_unbalanced_plan_and_request_above_cap_are_flagged():
    dossier = factories.DossierFactory(requested_amount_eur=Decimal("250000"), duration_months=36)
    CostLine.objects.filter(dossier=dossier).delete()
    CostLine.objects.create(dossier=dossier, kind=CostKind.GLOBAL, amount_eur=Decimal("47000"),
                            basis=CostBasis.PROJECT, period=CostPeriod.YEAR)  # fmt: skip
    CofundingLine.objects.create(dossier=dossier, funder="ETAT - AVDL", amount_eur=Decimal("7000"))
    summary = checks.financial_summary(dossier)
    assert summary.global_cost_eur == Decimal("141000")  # 47 000 a year over 3 years
    assert summary.cofunding_eur == Decimal("13000")
    assert summary.balance_eur == Decimal("-122000")
    assert any("dépassent le coût global" in flag for flag in summary.flags)
    assert any("dépasse le plafond" in flag for flag in summary.flags)


def test_unstated_period_is_noted_not_hidden():
    dossier = factories.DossierFactory(costs=False)
    CostLine.objects.create(dossier=dossier, kind=CostKind.DIAGNOSTIC, amount_eur=Decimal("400"),
                            basis=CostBasis.HOUSEHOLD, period=CostPeriod.UNKNOWN)  # fmt: skip
    summary = checks.financial_summary(dossier)
    assert summary.global_cost_eur == Decimal("10000")
    assert any("période non précisée" in note for note in summary.notes)


def test_no_cost_means_no_global_cost_and_a_flag():
    summary = checks.financial_summary(factories.DossierFactory(costs=False))
    assert summary.global_cost_eur is None and summary.cost_per_household_eur is None
    assert not summary.coherent


def test_consistency_households_dwellings_and_duration():
    assert checks.consistency(factories.DossierFactory(households=25, dwellings=20)) == []
    problems = checks.consistency(factories.DossierFactory(households=10, dwellings=12, duration_months=48))
    assert len(problems) == 2
    assert "Plus de logements" in problems[0] and "hors des limites" in problems[1]
