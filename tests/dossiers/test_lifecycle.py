"""The life of a dossier, driven through the services as users would."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from logement_accompagne.dossiers.models import CommitteeDecision, DepartmentalOpinion, Transition
from logement_accompagne.dossiers.permissions import InvalidTransition
from tests import factories

from .conftest import advance

pytestmark = pytest.mark.django_db


def history(dossier):
    return list(dossier.transitions.values_list("from_status", "to_status"))


def test_full_path_to_selection_is_logged_step_by_step(cast):
    dossier = advance(cast, Status.SELECTED)
    assert dossier.status == Status.SELECTED
    assert history(dossier) == [
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW),
        (Status.DEPARTMENTAL_REVIEW, Status.REGIONAL_REVIEW),
        (Status.REGIONAL_REVIEW, Status.COMMITTEE),
        (Status.COMMITTEE, Status.SELECTED),
    ]
    actors = list(dossier.transitions.values_list("actor", flat=True))
    assert actors == [cast.carrier.pk, cast.dept.pk, cast.dept.pk, cast.region.pk, cast.committee.pk]
    decision = dossier.committee_decisions.get()
    assert (
        decision.amount_granted_eur == Decimal("25000") and decision.cap_eur == dossier.call.project_cap_eur
    )
    assert dossier.submitted_at is not None


def test_not_selected_grants_nothing(cast):
    dossier = advance(cast, Status.NOT_SELECTED)
    assert dossier.status == Status.NOT_SELECTED
    assert dossier.committee_decisions.get().amount_granted_eur is None


@pytest.mark.parametrize("from_state", [Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW, Status.REGIONAL_REVIEW,
                                        Status.COMMITTEE])  # fmt: skip
def test_returned_for_completion_then_resubmitted_to_the_state_it_came_from(cast, from_state):
    dossier = advance(cast, from_state)
    reviewer = {Status.SUBMITTED: cast.dept, Status.DEPARTMENTAL_REVIEW: cast.dept,
                Status.REGIONAL_REVIEW: cast.region, Status.COMMITTEE: cast.committee}[from_state]  # fmt: skip
    services.return_for_completion(user=reviewer, dossier=dossier, message="Précisez les cofinancements.")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_from_status == from_state
    assert dossier.messages.get().body == "Précisez les cofinancements."
    # The carriers may edit again while the dossier is returned.
    services.update_dossier(user=cast.carrier, dossier=dossier, expected_version=dossier.version,
                            values={"cofunding_text": "CD = 6 000 € (obtenu)"})  # fmt: skip
    dossier.refresh_from_db()
    services.resubmit(user=cast.carrier, dossier=dossier, attested=True, comment="Complété")
    dossier.refresh_from_db()
    assert dossier.status == from_state and dossier.returned_from_status == ""
    assert history(dossier)[-2:] == [(from_state, Status.RETURNED), (Status.RETURNED, from_state)]


def test_return_needs_a_message(cast):
    dossier = advance(cast, Status.DEPARTMENTAL_REVIEW)
    with pytest.raises(ValidationError):
        services.return_for_completion(user=cast.dept, dossier=dossier, message="  ")
    dossier.refresh_from_db()
    assert dossier.status == Status.DEPARTMENTAL_REVIEW


@pytest.mark.parametrize("state", [Status.DRAFT, Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW,
                                   Status.REGIONAL_REVIEW, Status.COMMITTEE, Status.RETURNED])  # fmt: skip
def test_withdrawn_by_a_carrier_any_time_before_the_decision(cast, state):
    dossier = advance(cast, state)
    services.withdraw(user=cast.carrier, dossier=dossier, comment="Projet abandonné")
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.transitions.last().comment == "Projet abandonné"


@pytest.mark.parametrize("state", [Status.SELECTED, Status.NOT_SELECTED, Status.WITHDRAWN])
def test_no_withdrawal_after_the_decision(cast, state):
    dossier = advance(cast, state)
    count = Transition.objects.count()
    with pytest.raises(InvalidTransition):
        services.withdraw(user=cast.carrier, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == state and Transition.objects.count() == count


ILLEGAL = [
    (Status.SUBMITTED, "forward_to_region", "dept"),
    (Status.RETURNED, "start_departmental_review", "dept"),
    (Status.SUBMITTED, "submit", "carrier"),
    (Status.SUBMITTED, "forward_to_committee", "region"),
    (Status.DEPARTMENTAL_REVIEW, "forward_to_committee", "region"),
    (Status.REGIONAL_REVIEW, "start_departmental_review", "dept"),
    (Status.COMMITTEE, "resubmit", "carrier"),
    (Status.SELECTED, "submit", "carrier"),
    (Status.SELECTED, "return_for_completion", "committee"),
]


@pytest.mark.parametrize(("state", "service", "who"), ILLEGAL)
def test_an_illegal_transition_raises_a_clear_error_and_changes_nothing(cast, state, service, who):
    dossier = advance(cast, state)
    version, transitions = dossier.version, Transition.objects.count()
    kwargs = {"message": "x"} if service == "return_for_completion" else {}
    with pytest.raises(InvalidTransition) as error:
        getattr(services, service)(user=cast[who], dossier=dossier, **kwargs)
    assert "état" in str(error.value)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, Transition.objects.count()) == (state, version, transitions)


def test_forwarding_needs_the_opinion_of_the_level(cast):
    dossier = advance(cast, Status.DEPARTMENTAL_REVIEW)
    with pytest.raises(InvalidTransition, match="avis départemental"):
        services.forward_to_region(user=cast.dept, dossier=dossier)
    dossier = advance_from_departmental(cast)
    with pytest.raises(InvalidTransition, match="avis régional"):
        services.forward_to_committee(user=cast.region, dossier=dossier)


def advance_from_departmental(cast):
    services.record_departmental_opinion(
        user=cast.dept, dossier=cast.dossier, relevance="ok", reproducibility="low"
    )
    services.forward_to_region(user=cast.dept, dossier=cast.dossier)
    cast.dossier.refresh_from_db()
    return cast.dossier


def test_submission_requires_completeness(cast):
    dossier = cast.dossier
    services.update_dossier(user=cast.carrier, dossier=dossier, expected_version=dossier.version,
                            values={"summary": "", "households": None})  # fmt: skip
    dossier.refresh_from_db()
    with pytest.raises(InvalidTransition) as error:
        services.submit(user=cast.carrier, dossier=dossier)
    assert "descriptif sommaire" in str(error.value) and "nombre de ménages" in str(error.value)
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT


def test_only_an_open_call_accepts_submissions(cast):
    dossier = cast.dossier
    call = dossier.call
    call.closes_on = call.opens_on
    call.opens_on = call.opens_on.replace(year=call.opens_on.year - 1)
    call.closes_on = call.opens_on
    call.save()
    with pytest.raises(InvalidTransition, match="clos"):
        services.submit(user=cast.carrier, dossier=dossier)
    with pytest.raises(InvalidTransition, match="date de clôture"):
        services.create_dossier(user=cast.carrier, call=call, organisation=cast.landlord)


def test_a_changed_opinion_is_a_new_version_and_the_old_one_stays(cast):
    dossier = advance(cast, Status.DEPARTMENTAL_REVIEW)
    services.record_departmental_opinion(user=cast.dept, dossier=dossier, relevance="Première lecture",
                                         reproducibility=Reproducibility.LOW)  # fmt: skip
    services.record_departmental_opinion(user=cast.dept, dossier=dossier, relevance="Après échange",
                                         reproducibility=Reproducibility.HIGH, conditions="Bilan à 6 mois")  # fmt: skip
    opinions = list(DepartmentalOpinion.objects.filter(dossier=dossier).order_by("version"))
    assert [(o.version, o.relevance, o.reproducibility) for o in opinions] == [
        (1, "Première lecture", "low"),
        (2, "Après échange", "high"),
    ]
    assert all(o.author == cast.dept and o.organisation.department_id == "45" for o in opinions)


def test_regional_verdict_is_typed(cast):
    dossier = advance(cast, Status.REGIONAL_REVIEW)
    with pytest.raises(ValidationError):
        services.record_regional_opinion(user=cast.region, dossier=dossier, verdict="peut-être")
    services.record_regional_opinion(
        user=cast.region, dossier=dossier, verdict=Verdict.UNFAVOURABLE, comment="Non"
    )
    assert dossier.regional_opinions.get().verdict == "unfavourable"


def test_granted_amount_cannot_exceed_the_cap_nor_the_envelope(cast):
    dossier = advance(cast, Status.COMMITTEE)
    with pytest.raises(ValidationError, match="plafond"):
        services.decide(
            user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=Decimal("200001")
        )
    call = dossier.call
    call.envelope_eur = Decimal("200000")
    call.save()
    other = factories.DossierFactory(call=call, carrier=cast.landlord)
    cast2 = dict(cast, dossier=other)
    from tests.lifecycle import Cast

    advance(Cast(cast2), Status.SELECTED)  # grants 25 000
    with pytest.raises(ValidationError, match="enveloppe"):
        services.decide(
            user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=Decimal("180000")
        )
    dossier.refresh_from_db()
    assert (
        dossier.status == Status.COMMITTEE and not CommitteeDecision.objects.filter(dossier=dossier).exists()
    )
    assert services.granted_total(call) == Decimal("25000")


def test_wrong_person_gets_permission_denied_and_nothing_changes(cast):
    dossier = advance(cast, Status.SUBMITTED)
    for person in (cast.carrier, cast.dept_other, cast.region, cast.committee, cast.support_worker):
        with pytest.raises(PermissionDenied):
            services.start_departmental_review(user=person, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_stale_edit_is_refused_and_says_what_changed(cast):
    dossier = cast.dossier
    first_view = type(dossier).objects.get(pk=dossier.pk)
    second_view = type(dossier).objects.get(pk=dossier.pk)
    services.update_dossier(user=cast.carrier, dossier=first_view, expected_version=first_view.version,
                            values={"name": "Nom choisi par Alice"})  # fmt: skip
    with pytest.raises(services.StaleDossier) as error:
        services.update_dossier(user=cast.carrier, dossier=second_view, expected_version=second_view.version,
                                values={"name": "Nom choisi par Bob"})  # fmt: skip
    assert error.value.changed_fields["name"][1] == "Nom choisi par Alice"
    assert error.value.by == cast.carrier and str(cast.carrier) in str(error.value)
    dossier.refresh_from_db()
    assert dossier.name == "Nom choisi par Alice"


def test_co_carrier_invited_can_edit_once_accepted(cast):
    association = factories.OrganisationFactory(kind="association", name="Association partenaire")
    partner = factories.carrier_user(association)
    invitation = services.invite_carrier(user=cast.carrier, dossier=cast.dossier, organisation=association)
    services.answer_invitation(user=partner, invitation=invitation, accept=True)
    services.update_dossier(user=partner, dossier=cast.dossier, expected_version=cast.dossier.version,
                            values={"partners": "SIAO"})  # fmt: skip
    cast.dossier.refresh_from_db()
    assert cast.dossier.partners == "SIAO"
    with pytest.raises(ValidationError):
        services.invite_carrier(user=cast.carrier, dossier=cast.dossier, organisation=association)
    with pytest.raises(ValidationError):
        services.invite_carrier(
            user=cast.carrier, dossier=cast.dossier, organisation=factories.departmental_service("45")
        )


def test_transition_notifies_people_concerned(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        advance(cast, Status.SUBMITTED)
    status_mail = [message for message in mailoutbox if "Déposé" in message.subject]
    recipients = {address for message in status_mail for address in message.to}
    # The departmental instructor of 45 must act; the carrier who submitted gets his acknowledgement instead.
    assert cast.dept.email in recipients
    assert cast.dept_other.email not in recipients and cast.carrier.email not in recipients
    acknowledgement = [message for message in mailoutbox if message.to == [cast.carrier.email]]
    assert len(acknowledgement) == 1 and "Accusé de réception" in acknowledgement[0].subject
