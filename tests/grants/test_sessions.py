"""Committee sessions: decisions proposed, recorded one by one or confirmed all at once, never beyond
the envelope (issue #12, items 1 and 5)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from logement_accompagne.dossiers import services as dossier_services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CommitteeDecision, Dossier
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.grants import agenda, session_services
from logement_accompagne.grants.session_services import EnvelopeShortfall
from tests.concurrency import require_postgresql, run_together

from .conftest import open_session, waiting_dossiers


def propose_all(cast, session, dossiers, amount):
    for dossier in dossiers:
        session_services.propose(user=cast.committee, session=session, dossier=dossier, selected=True,
                                 amount_eur=Decimal(amount), conditions="Rapport à six mois")  # fmt: skip


def test_a_session_confirms_every_proposed_decision_in_one_go(cast, small_call):
    dossiers = waiting_dossiers(cast, small_call, ["20000", "20000", "30000"])
    session = open_session(cast)
    propose_all(cast, session, dossiers[:2], "20000")
    session_services.propose(user=cast.committee, session=session, dossier=dossiers[2], selected=False,
                             refusal_reason="Budget incomplet")  # fmt: skip
    assert agenda.envelopes(cast.committee, session, call=small_call)[0]["remaining"] == Decimal("20000")
    decisions = session_services.confirm(user=cast.committee, session=session)
    assert len(decisions) == 3
    statuses = sorted(Dossier.objects.filter(call=small_call).values_list("status", flat=True))
    assert statuses == sorted([Status.SELECTED, Status.SELECTED, Status.NOT_SELECTED])
    assert dossier_services.granted_total(small_call) == Decimal("40000")
    assert session.proposals.filter(decision__isnull=False).count() == 3
    assert CommitteeDecision.objects.get(dossier=dossiers[0]).conditions == "Rapport à six mois"


def test_a_batch_beyond_the_envelope_records_nothing_and_names_the_shortfall(cast, small_call):
    first, second, third = waiting_dossiers(cast, small_call, ["30000", "30000", "30000"])
    session = open_session(cast)
    propose_all(cast, session, [first, second], "30000")
    # Someone decides a third dossier outside the session: the envelope no longer holds both.
    dossier_services.decide(
        user=cast.committee, dossier=third, selected=True, amount_granted_eur=Decimal("10000")
    )
    with pytest.raises(EnvelopeShortfall) as refused:
        session_services.confirm(user=cast.committee, session=session)
    message = str(refused.value.messages[0])
    assert "Aucune décision n'a été enregistrée" in message
    assert "il manque 10\u202f000,00\u00a0€" in message and "Appel 2026 — logement accompagné" in message
    assert Dossier.objects.filter(pk__in=[first.pk, second.pk], status=Status.COMMITTEE).count() == 2
    assert dossier_services.granted_total(small_call) == Decimal("10000")
    assert not session.proposals.filter(decision__isnull=False).exists()


def test_a_proposal_on_a_dossier_decided_elsewhere_is_left_out_of_the_batch(cast, small_call):
    first, second = waiting_dossiers(cast, small_call, ["10000", "10000"])
    session = open_session(cast)
    propose_all(cast, session, [first, second], "10000")
    dossier_services.decide(user=cast.committee, dossier=second, selected=False, refusal_reason="Hors cible")
    assert session_services.pending_proposals(session).count() == 1
    (decision,) = session_services.confirm(user=cast.committee, session=session)
    assert decision.dossier_id == first.pk and decision.selected
    second.refresh_from_db()
    assert second.status == Status.NOT_SELECTED
    assert session.proposals.get(dossier=second).decision is None


def test_a_proposal_is_recorded_alone_through_decide(cast, small_call):
    (dossier,) = waiting_dossiers(cast, small_call, ["25000"])
    session = open_session(cast)
    propose_all(cast, session, [dossier], "25000")
    decision = session_services.record(user=cast.committee, proposal=session.proposals.get())
    assert decision.amount_granted_eur == Decimal("25000") and decision.session_proposal.session == session
    with pytest.raises(InvalidTransition):
        session_services.record(user=cast.committee, proposal=session.proposals.get())
    with pytest.raises(ValidationError):  # nothing left to confirm
        session_services.confirm(user=cast.committee, session=session)


def test_proposals_consume_the_envelope_as_they_are_made(cast, small_call):
    dossiers = waiting_dossiers(cast, small_call, ["40000", "40000"])
    session = open_session(cast)
    propose_all(cast, session, dossiers[:1], "40000")
    with pytest.raises(ValidationError) as refused:
        propose_all(cast, session, dossiers[1:], "40000")
    assert "propositions de la séance : 20\u202f000,00\u00a0€" in refused.value.messages[0]
    # Changing a proposal frees its own amount first.
    propose_all(cast, session, dossiers[:1], "35000")
    assert agenda.envelopes(cast.committee, session, call=small_call)[0]["proposed"] == Decimal("35000")


def test_proposals_check_cap_and_reasons(cast, small_call):
    (dossier,) = waiting_dossiers(cast, small_call, ["20000"])
    session = open_session(cast)
    with pytest.raises(ValidationError, match="plafond"):
        propose_all(cast, session, [dossier], "45000")
    with pytest.raises(ValidationError, match="motif"):
        propose_all(cast, session, [dossier], "25000")
    with pytest.raises(ValidationError, match="motif du refus"):
        session_services.propose(user=cast.committee, session=session, dossier=dossier, selected=False)


def test_only_committee_members_hold_sessions(cast, small_call):
    (dossier,) = waiting_dossiers(cast, small_call, ["20000"])
    session = open_session(cast)
    for person in (cast.admin, cast.region, cast.carrier):
        with pytest.raises(PermissionDenied):
            session_services.open_session(user=person, held_on=session.held_on, members_present="X")
        with pytest.raises(PermissionDenied):
            session_services.propose(user=person, session=session, dossier=dossier, selected=True,
                                     amount_eur=Decimal("10000"))  # fmt: skip
        with pytest.raises(PermissionDenied):
            session_services.confirm(user=person, session=session)
    with pytest.raises(ValidationError):
        session_services.open_session(user=cast.committee, held_on=session.held_on, members_present="  \n ")


# --- two sessions at once, on two real PostgreSQL connections --------------------------------


@pytest.fixture
def postgres_only(transactional_db):
    require_postgresql("concurrence de deux séances")


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(3))
def test_two_sessions_confirming_at_once_never_overspend(postgres_only, cast, small_call, round_):
    """Each session's batch fits the envelope alone (2 × 20 000 of 60 000), both together do not:
    exactly one batch is recorded, whole, and the other records nothing."""
    dossiers = waiting_dossiers(cast, small_call, ["20000"] * 4)
    morning, evening = open_session(cast), open_session(cast)
    propose_all(cast, morning, dossiers[:2], "20000")
    propose_all(cast, evening, dossiers[2:], "20000")
    outcomes = run_together(
        lambda: session_services.confirm(user=cast.committee, session=morning),
        lambda: session_services.confirm(user=cast.committee, session=evening),
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, EnvelopeShortfall) and error.shortfalls[0]["missing"] == Decimal("20000")
    assert dossier_services.granted_total(small_call) == Decimal("40000") <= small_call.envelope_eur
    statuses = sorted(Dossier.objects.filter(call=small_call).values_list("status", flat=True))
    assert statuses == sorted([Status.SELECTED] * 2 + [Status.COMMITTEE] * 2)


@pytest.mark.postgres
def test_a_batch_and_a_single_decision_at_once_never_overspend(postgres_only, cast, small_call):
    """A session's batch and a decision from the committee page at the same instant: one lock order."""
    dossiers = waiting_dossiers(cast, small_call, ["30000", "30000", "30000"])
    session = open_session(cast)
    propose_all(cast, session, dossiers[:2], "30000")
    outcomes = run_together(
        lambda: session_services.confirm(user=cast.committee, session=session),
        lambda: dossier_services.decide(user=cast.committee, dossier=Dossier.objects.get(pk=dossiers[2].pk),
                                        selected=True, amount_granted_eur=Decimal("30000")),
    )  # fmt: skip
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    assert dossier_services.granted_total(small_call) <= small_call.envelope_eur
