"""People around one dossier in department 45 (region 24), and helpers to bring it to any state."""

from decimal import Decimal

import pytest

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from tests import factories


class Cast(dict):
    def __getattr__(self, name):
        return self[name]


@pytest.fixture
def cast(db):
    landlord = factories.OrganisationFactory(
        name="Logem Test", kind="oph", department=factories.department("45")
    )
    other = factories.OrganisationFactory(name="Autre bailleur", department=factories.department("45"))
    people = Cast(
        landlord=landlord,
        other_organisation=other,
        carrier=factories.carrier_user(landlord, first_name="Camille", last_name="Porteur"),
        carrier_other=factories.carrier_user(other),
        dept=factories.departmental_instructor("45", first_name="Dominique", last_name="Ddets"),
        dept_other=factories.departmental_instructor("40"),
        region=factories.regional_instructor("24", first_name="Régis", last_name="Dreal"),
        region_other=factories.regional_instructor("75"),
        committee=factories.committee_member(first_name="Claude", last_name="Comité"),
        admin=factories.UserFactory(is_staff=True, is_superuser=True),
    )
    people["dossier"] = factories.DossierFactory(carrier=landlord, name="Bail glissant Orléans")
    return people


def advance(cast, to: str, dossier=None):
    """Move a dossier from draft to `to`, with the right person at each step (through the services)."""
    dossier = dossier or cast.dossier
    if to == Status.DRAFT:
        return dossier
    if to == Status.WITHDRAWN:
        services.withdraw(user=cast.carrier, dossier=dossier)
        return _refresh(dossier)
    services.submit(user=cast.carrier, dossier=dossier)
    if to == Status.SUBMITTED:
        return _refresh(dossier)
    services.start_departmental_review(user=cast.dept, dossier=dossier)
    if to == Status.RETURNED:
        services.return_for_completion(user=cast.dept, dossier=dossier, message="Compléter le budget.")
        return _refresh(dossier)
    if to == Status.DEPARTMENTAL_REVIEW:
        return _refresh(dossier)
    services.record_departmental_opinion(
        user=cast.dept, dossier=dossier, relevance="Projet pertinent", reproducibility=Reproducibility.HIGH
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


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
