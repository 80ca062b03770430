"""The committee's decisions: the envelope never overspent, reasons for a refusal and for a grant
above the request, and decisions corrected as new versions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CommitteeDecision
from logement_accompagne.dossiers.permissions import InvalidTransition
from tests import factories
from tests.lifecycle import Cast, advance

pytestmark = pytest.mark.django_db


def test_a_refusal_with_an_amount_is_refused_not_dropped(cast):
    dossier = advance(cast, Status.COMMITTEE)
    with pytest.raises(ValidationError, match="non retenu ne reçoit pas"):
        services.decide(user=cast.committee, dossier=dossier, selected=False,
                        amount_granted_eur=Decimal("1000"), refusal_reason="Trop cher")  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.status == Status.COMMITTEE and not dossier.committee_decisions.exists()


def test_a_refusal_needs_its_own_reason(cast):
    dossier = advance(cast, Status.COMMITTEE)
    with pytest.raises(ValidationError, match="motif du refus"):
        services.decide(user=cast.committee, dossier=dossier, selected=False, conditions="Bilan")
    services.decide(user=cast.committee, dossier=dossier, selected=False, refusal_reason=" Hors cible ")
    decision = dossier.committee_decisions.get()
    assert decision.refusal_reason == "Hors cible" and decision.amount_granted_eur is None
    assert dossier.transitions.last().comment == "Hors cible"


def test_the_database_refuses_an_unmotivated_refusal_or_an_amount_on_it(cast):
    dossier = advance(cast, Status.COMMITTEE)
    common = {"dossier": dossier, "selected": False, "cap_eur": Decimal("1")}
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeDecision.objects.create(version=1, refusal_reason="", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeDecision.objects.create(version=2, refusal_reason="x", amount_granted_eur=0, **common)


def test_a_grant_above_the_request_needs_a_confirmation_and_a_reason(cast):
    dossier = advance(cast, Status.COMMITTEE)  # 30 000 € requested
    amount = Decimal("40000")
    with pytest.raises(ValidationError, match="dépasse le montant demandé"):
        services.decide(user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=amount)
    with pytest.raises(ValidationError, match="motif"):
        services.decide(user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=amount,
                        above_request_confirmed=True)  # fmt: skip
    with pytest.raises(ValidationError, match="confirmation"):
        services.decide(user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=amount,
                        above_request_reason="Public élargi")  # fmt: skip
    assert not dossier.committee_decisions.exists()
    services.decide(user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=amount,
                    above_request_confirmed=True, above_request_reason="Public élargi")  # fmt: skip
    assert dossier.committee_decisions.get().above_request_reason == "Public élargi"


def test_the_refusal_names_the_remainder_as_it_is_now(cast):
    call = factories.CallFactory(envelope_eur=Decimal("60000"), project_cap_eur=Decimal("40000"))
    first = factories.DossierFactory(carrier=cast.landlord, call=call)
    second = factories.DossierFactory(carrier=cast.landlord, call=call)
    advance(cast, Status.COMMITTEE, dossier=second)
    advance(cast, Status.SELECTED, dossier=first)  # 25 000 granted after the page was opened
    with pytest.raises(services.EnvelopeExceeded) as refused:
        services.decide(user=cast.committee, dossier=second, selected=True, amount_granted_eur=Decimal("40000"),
                        above_request_confirmed=True, above_request_reason="x")  # fmt: skip
    assert refused.value.remaining == Decimal("35000")
    assert "35\u202f000,00\u00a0€ à cet instant" in refused.value.messages[0]


def test_a_decision_breaking_the_calls_duration_rule_is_refused(cast):
    dossier = advance(cast, Status.COMMITTEE)  # 12 months
    call = dossier.call
    call.min_duration_months = 24
    call.save()
    with pytest.raises(ValidationError, match="durée des engagements"):
        services.decide(
            user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=Decimal("1000")
        )


# --- correcting a decision -------------------------------------------------------------------


def test_the_committee_reopens_a_decision_and_the_new_one_is_a_new_version(cast):
    dossier = advance(cast, Status.SELECTED)
    call = dossier.call
    assert services.granted_total(call) == Decimal("25000")
    with pytest.raises(ValidationError, match="pourquoi"):
        services.reopen_decision(user=cast.committee, dossier=dossier, reason=" ")
    services.reopen_decision(user=cast.committee, dossier=dossier, reason="Erreur de saisie du montant")
    dossier.refresh_from_db()
    assert dossier.status == Status.COMMITTEE
    reopening = dossier.transitions.last()
    assert (reopening.from_status, reopening.to_status, reopening.actor) == (
        Status.SELECTED, Status.COMMITTEE, cast.committee
    )  # fmt: skip
    assert "Erreur de saisie du montant" in reopening.comment
    # While reopened, the earlier grant no longer counts.
    assert services.granted_total(call) == 0
    services.decide(user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=Decimal("20000"))
    versions = list(
        dossier.committee_decisions.order_by("version").values_list("version", "amount_granted_eur")
    )
    assert versions == [(1, Decimal("25000")), (2, Decimal("20000"))]
    assert services.granted_total(call) == Decimal("20000")


def test_a_selection_corrected_into_a_refusal_frees_the_envelope(cast):
    dossier = advance(cast, Status.SELECTED)
    services.reopen_decision(user=cast.committee, dossier=dossier, reason="Porteur défaillant")
    services.decide(user=cast.committee, dossier=dossier, selected=False, refusal_reason="Porteur défaillant")
    assert services.granted_total(dossier.call) == 0
    assert dossier.committee_decisions.count() == 2


def test_only_the_committee_reopens_and_only_a_decided_dossier(cast):
    dossier = advance(cast, Status.COMMITTEE)
    with pytest.raises(InvalidTransition):
        services.reopen_decision(user=cast.committee, dossier=dossier, reason="x")
    services.decide(user=cast.committee, dossier=dossier, selected=False, refusal_reason="Non")
    for person in (cast.carrier, cast.dept, cast.region, cast.admin):
        with pytest.raises(Exception, match="droit"):
            services.reopen_decision(user=person, dossier=dossier, reason="x")
    dossier.refresh_from_db()
    assert dossier.status == Status.NOT_SELECTED


def test_reopening_a_refusal_and_selecting_checks_the_envelope_again(cast):
    call = factories.CallFactory(envelope_eur=Decimal("40000"), project_cap_eur=Decimal("40000"))
    first = factories.DossierFactory(carrier=cast.landlord, call=call)
    second = factories.DossierFactory(carrier=cast.landlord, call=call)
    advance(Cast(cast), Status.NOT_SELECTED, dossier=first)
    advance(Cast(cast), Status.SELECTED, dossier=second)  # 25 000
    services.reopen_decision(user=cast.committee, dossier=first, reason="Recours gracieux")
    with pytest.raises(services.EnvelopeExceeded):
        services.decide(
            user=cast.committee, dossier=first, selected=True, amount_granted_eur=Decimal("20000")
        )
    services.decide(user=cast.committee, dossier=first, selected=True, amount_granted_eur=Decimal("15000"))
    assert services.granted_total(call) == Decimal("40000")
