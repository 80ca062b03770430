"""A cast of people around one dossier in department 45 (region 24), and a way to
bring the dossier to any state through the lifecycle services."""

from decimal import Decimal

import pytest

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from logement_accompagne.organisations.enums import Role
from tests import factories

# The path of the review, in order; every state is reached through the previous ones.
PATH = [Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW, Status.REGIONAL_REVIEW, Status.COMMITTEE]


class Cast(dict):
    def __getattr__(self, name):
        return self[name]


@pytest.fixture
def cast(db):
    landlord = factories.OrganisationFactory(name="Logem Test", department=factories.department("45"))
    other_landlord = factories.OrganisationFactory(
        name="Autre bailleur", department=factories.department("45")
    )
    people = Cast(
        carrier=factories.carrier_user(landlord),
        carrier_other=factories.carrier_user(other_landlord),
        support_worker=factories.member(landlord, Role.SUPPORT_WORKER),
        dept=factories.departmental_instructor("45"),
        dept_other=factories.departmental_instructor("18"),  # same region, other department
        dept_other_region=factories.departmental_instructor("40"),
        region=factories.regional_instructor("24"),
        region_other=factories.regional_instructor("75"),
        committee=factories.committee_member(),
        admin=factories.UserFactory(is_staff=True, is_superuser=True),
    )
    people["landlord"] = landlord
    people["dossier"] = factories.DossierFactory(carrier=landlord)
    return people


def advance(cast, to: str):
    """Move cast.dossier from draft to `to` with the right person at each step."""
    dossier = cast.dossier
    if to == Status.DRAFT:
        return dossier
    if to == Status.WITHDRAWN:
        return services.withdraw(user=cast.carrier, dossier=dossier)
    services.submit(user=cast.carrier, dossier=dossier)
    if to == Status.SUBMITTED:
        return _refresh(dossier)
    services.start_departmental_review(user=cast.dept, dossier=dossier)
    if to == Status.RETURNED:
        return services.return_for_completion(user=cast.dept, dossier=dossier, message="Compléter le budget.")
    if to == Status.DEPARTMENTAL_REVIEW:
        return _refresh(dossier)
    services.record_departmental_opinion(
        user=cast.dept, dossier=dossier, relevance="Pertinent", reproducibility=Reproducibility.HIGH
    )
    services.forward_to_region(user=cast.dept, dossier=dossier)
    if to == Status.REGIONAL_REVIEW:
        return _refresh(dossier)
    services.record_regional_opinion(user=cast.region, dossier=dossier, verdict=Verdict.FAVOURABLE)
    services.forward_to_committee(user=cast.region, dossier=dossier)
    if to == Status.COMMITTEE:
        return _refresh(dossier)
    services.decide(
        user=cast.committee,
        dossier=dossier,
        selected=to == Status.SELECTED,
        amount_granted_eur=Decimal("50000") if to == Status.SELECTED else None,
    )
    return _refresh(dossier)


def _refresh(dossier):
    dossier.refresh_from_db()
    return dossier
