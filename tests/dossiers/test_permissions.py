"""Permission matrix: every role × every action × own / other organisation /
other department / other region, at the state where the action makes sense,
and visibility through the selector for every state."""

import pytest

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.permissions import Action, allowed
from logement_accompagne.dossiers.selectors import dossiers_visible_to

from .conftest import advance

pytestmark = pytest.mark.django_db

ROLES = ["carrier", "carrier_other", "support_worker", "dept", "dept_other", "dept_other_region", "region",
         "region_other", "committee", "admin"]  # fmt: skip

# action → (state in which it is tried, roles that may do it)
MATRIX = {
    Action.EDIT: (Status.DRAFT, {"carrier"}),
    Action.SUBMIT: (Status.DRAFT, {"carrier"}),
    Action.RESUBMIT: (Status.RETURNED, {"carrier"}),
    Action.WITHDRAW: (Status.REGIONAL_REVIEW, {"carrier"}),
    Action.START_REVIEW: (Status.SUBMITTED, {"dept"}),
    Action.DEPARTMENTAL_OPINION: (Status.DEPARTMENTAL_REVIEW, {"dept"}),
    Action.FORWARD_TO_REGION: (Status.DEPARTMENTAL_REVIEW, {"dept"}),
    Action.REGIONAL_OPINION: (Status.REGIONAL_REVIEW, {"region"}),
    Action.FORWARD_TO_COMMITTEE: (Status.REGIONAL_REVIEW, {"region"}),
    Action.DECIDE: (Status.COMMITTEE, {"committee"}),
    Action.REOPEN_DECISION: (Status.SELECTED, {"committee"}),
    Action.ASSIGN: (Status.DEPARTMENTAL_REVIEW, {"dept"}),
    Action.PRIVATE_NOTE: (Status.SUBMITTED, {"dept", "region", "committee"}),
    Action.MESSAGE: (Status.SUBMITTED, {"carrier", "dept", "region", "committee"}),
    Action.VIEW: (Status.SUBMITTED, {"carrier", "dept", "region", "committee", "admin"}),
}


def test_matrix_covers_every_action():
    assert set(MATRIX) | {Action.RETURN_FOR_COMPLETION} == set(Action)


@pytest.mark.parametrize("action", list(MATRIX), ids=str)
def test_who_may_act(cast, action):
    state, expected = MATRIX[action]
    dossier = advance(cast, state)
    granted = {role for role in ROLES if allowed(cast[role], action, dossier)}
    assert granted == expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (Status.SUBMITTED, {"dept"}),
        (Status.DEPARTMENTAL_REVIEW, {"dept"}),
        (Status.REGIONAL_REVIEW, {"region"}),
        (Status.COMMITTEE, {"committee"}),
        (Status.RETURNED, set()),
        (Status.SELECTED, set()),
    ],
)
def test_only_the_level_in_charge_may_return_for_completion(cast, state, expected):
    dossier = advance(cast, state)
    granted = {role for role in ROLES if allowed(cast[role], Action.RETURN_FOR_COMPLETION, dossier)}
    assert granted == expected


@pytest.mark.parametrize(
    "action",
    [
        a
        for a in MATRIX
        if a
        not in (Action.VIEW, Action.MESSAGE, Action.WITHDRAW, Action.REOPEN_DECISION, Action.PRIVATE_NOTE)
    ],
)
def test_nobody_may_act_in_a_final_state(cast, action):
    dossier = advance(cast, Status.SELECTED)
    assert not any(allowed(cast[role], action, dossier) for role in ROLES)


@pytest.mark.parametrize(
    ("state", "who_sees"),
    [
        (Status.DRAFT, {"carrier", "admin"}),
        (Status.SUBMITTED, {"carrier", "dept", "region", "committee", "admin"}),
        (Status.COMMITTEE, {"carrier", "dept", "region", "committee", "admin"}),
        (Status.SELECTED, {"carrier", "dept", "region", "committee", "admin"}),
    ],
)
def test_scoping_in_the_selector(cast, state, who_sees):
    dossier = advance(cast, state)
    seen_by = {role for role in ROLES if dossiers_visible_to(cast[role]).filter(pk=dossier.pk).exists()}
    assert seen_by == who_sees
    # The selector and the permission agree.
    assert {role for role in ROLES if allowed(cast[role], Action.VIEW, dossier)} == who_sees


def test_selector_returns_each_dossier_once_even_with_several_departments(cast):
    dossier = advance(cast, Status.SUBMITTED)
    dossier.departments.add("18", "28")  # 18 and 28 are both in region 24
    assert dossiers_visible_to(cast.region).filter(pk=dossier.pk).count() == 1
    assert dossiers_visible_to(cast.dept_other).filter(pk=dossier.pk).count() == 1


def test_former_region_reaches_historical_dossiers(cast):
    from tests import factories

    # Landes (40) was in Aquitaine (72) before 2016: the old regional service sees its dossiers.
    dossier = advance(cast, Status.SUBMITTED)
    dossier.departments.set(["40"])
    old_region_instructor = factories.regional_instructor("72")
    assert dossiers_visible_to(old_region_instructor).filter(pk=dossier.pk).exists()
    assert not dossiers_visible_to(cast.region).filter(pk=dossier.pk).exists()


def test_anonymous_sees_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    advance(cast, Status.SUBMITTED)
    assert not dossiers_visible_to(AnonymousUser()).exists()


def test_carried_dossiers_are_the_visible_ones_the_person_carries(cast):
    """« Mes dossiers » reads dossiers_carried_by: exactly the visible dossiers of the carrier's
    organisations, drafts and filed ones, and nothing of another organisation."""
    from logement_accompagne.dossiers.models import Dossier
    from logement_accompagne.dossiers.selectors import dossiers_carried_by
    from tests import factories

    other = factories.DossierFactory(carrier=cast.other_landlord)
    filed = advance(cast, Status.SUBMITTED, dossier=factories.DossierFactory(carrier=cast.landlord))
    draft = factories.DossierFactory(carrier=cast.landlord)
    carried = set(dossiers_carried_by(cast.carrier).values_list("pk", flat=True))
    visible = dossiers_visible_to(cast.carrier).filter(carrier_links__organisation=cast.landlord)
    assert carried == set(visible.values_list("pk", flat=True))
    assert {filed.pk, draft.pk, cast.dossier.pk} <= carried and other.pk not in carried
    assert not dossiers_carried_by(cast.dept).exists()  # an instructor carries nothing
    assert Dossier.objects.filter(pk__in=carried).count() == len(carried)
