"""Who may do what to a dossier, and in which state.

`allowed(user, action, dossier)` answers the UI ("show this button?");
`require(...)` is what services call before writing, and says in French why not.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied

from logement_accompagne.compiled import CompiledQuery
from logement_accompagne.organisations.selectors import Scope, covering_regions, scope_of

from .enums import EDITABLE_STATES, FINAL_STATES, REVIEW_STATES, Status
from .models import Dossier, DossierCarrier


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    START_REVIEW = "start_review"
    DEPARTMENTAL_OPINION = "departmental_opinion"
    FORWARD_TO_REGION = "forward_to_region"
    REGIONAL_OPINION = "regional_opinion"
    FORWARD_TO_COMMITTEE = "forward_to_committee"
    DECIDE = "decide"
    REOPEN_DECISION = "reopen_decision"
    ASSIGN = "assign"
    PRIVATE_NOTE = "private_note"
    RETURN_FOR_COMPLETION = "return_for_completion"
    MESSAGE = "message"


class InvalidTransition(Exception):
    """The dossier is not in a state where this can be done (message in French)."""


@dataclass(frozen=True)
class Relation:
    """How one person stands towards one dossier."""

    carrier: bool
    departmental: bool
    regional: bool
    committee: bool
    administrator: bool

    @property
    def reviewer(self) -> bool:
        return self.departmental or self.regional or self.committee


# What relation_to reads of a dossier, on every page about one: compiled once per process
# (logement_accompagne.compiled); -1, the marker, is no dossier's key.
_CARRIERS = CompiledQuery(
    lambda dossier_id: (
        DossierCarrier.objects.filter(dossier_id=dossier_id).order_by().values("organisation_id")
    ),
    dossier_id=-1,
)
_TERRITORY = CompiledQuery(
    lambda dossier_id: (
        Dossier.departments.through.objects.filter(dossier_id=dossier_id)
        .order_by()
        .values("department__code", "department__region_id", "department__former_region_id")
    ),
    dossier_id=-1,
)


def relation_to(scope: Scope, dossier) -> Relation:
    carrier_ids = getattr(dossier, "_carrier_ids", None)
    if carrier_ids is None:
        carrier_ids = {row["organisation_id"] for row in _CARRIERS.rows(dossier_id=dossier.pk)}
        dossier._carrier_ids = carrier_ids
    territory = getattr(dossier, "_territory", None)
    if territory is None:
        territory = [tuple(row.values()) for row in _TERRITORY.rows(dossier_id=dossier.pk)]
        dossier._territory = territory
    department_codes = {code for code, _, _ in territory}
    region_codes = covering_regions((region, former) for _, region, former in territory)
    filed = dossier.submitted_at is not None
    return Relation(
        carrier=bool(carrier_ids & scope.carrier_organisation_ids),
        departmental=filed and bool(department_codes & scope.departmental_codes),
        regional=filed and bool(region_codes & scope.regional_codes),
        committee=filed and scope.committee,
        administrator=scope.administrator,
    )


# action → (who may, in which states). The state part is checked separately so
# that the error says which of the two is missing.
RULES: dict[Action, tuple[str, tuple[str, ...] | None]] = {
    Action.VIEW: ("anyone", None),
    Action.EDIT: ("carrier", EDITABLE_STATES),
    Action.SUBMIT: ("carrier", (Status.DRAFT,)),
    Action.RESUBMIT: ("carrier", (Status.RETURNED,)),
    Action.WITHDRAW: ("carrier", tuple(s for s in Status.values if s not in FINAL_STATES)),
    Action.START_REVIEW: ("departmental", (Status.SUBMITTED,)),
    Action.DEPARTMENTAL_OPINION: ("departmental", (Status.DEPARTMENTAL_REVIEW,)),
    Action.FORWARD_TO_REGION: ("departmental", (Status.DEPARTMENTAL_REVIEW,)),
    Action.REGIONAL_OPINION: ("regional", (Status.REGIONAL_REVIEW,)),
    Action.FORWARD_TO_COMMITTEE: ("regional", (Status.REGIONAL_REVIEW,)),
    Action.DECIDE: ("committee", (Status.COMMITTEE,)),
    Action.REOPEN_DECISION: ("committee", (Status.SELECTED, Status.NOT_SELECTED)),
    # The level in charge gives the dossier to one of its agents (shown in the queue).
    Action.ASSIGN: ("current_reviewer", REVIEW_STATES),
    # Notes between State services: never the carriers, nor the platform's operator.
    Action.PRIVATE_NOTE: ("reviewer", None),
    Action.RETURN_FOR_COMPLETION: ("current_reviewer", REVIEW_STATES),
    Action.MESSAGE: ("participant", None),
}

# Which level is in charge of a dossier in each review state.
REVIEWER_OF_STATE = {
    Status.SUBMITTED: "departmental",
    Status.DEPARTMENTAL_REVIEW: "departmental",
    Status.REGIONAL_REVIEW: "regional",
    Status.COMMITTEE: "committee",
}


def _has_role(relation: Relation, who: str, dossier) -> bool:
    if who == "anyone":
        return relation.carrier or relation.reviewer or relation.administrator
    if who == "participant":
        return relation.carrier or relation.reviewer
    if who == "current_reviewer":
        level = REVIEWER_OF_STATE.get(dossier.status)
        # Outside review states any reviewer "may", so that the state check gives the clearer refusal.
        return getattr(relation, level) if level else relation.reviewer
    return getattr(relation, who)


def may_act(user, action: Action, dossier) -> bool:
    """Whether the person's role towards this dossier allows the action at all (state ignored)."""
    relation = relation_to(scope_of(user), dossier)
    who, _ = RULES[action]
    return _has_role(relation, who, dossier)


def state_allows(action: Action, dossier) -> bool:
    _, states = RULES[action]
    return states is None or dossier.status in states


def allowed(user, action: Action, dossier) -> bool:
    return may_act(user, action, dossier) and state_allows(action, dossier)


def allowed_actions(user, dossier) -> set[Action]:
    relation = relation_to(scope_of(user), dossier)
    return {
        action
        for action, (who, _) in RULES.items()
        if _has_role(relation, who, dossier) and state_allows(action, dossier)
    }


def require(user, action: Action, dossier) -> None:
    if not may_act(user, action, dossier):
        raise PermissionDenied("Vous n'avez pas le droit de faire cela sur ce dossier.")
    if not state_allows(action, dossier):
        raise InvalidTransition(f"Impossible : le dossier est à l'état « {Status(dossier.status).label} ».")


def may_manage_calls(user) -> bool:
    """The national level (committee) manages the calls for projects and their rules."""
    return scope_of(user).committee
