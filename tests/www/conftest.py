"""People around one dossier in department 45 (region 24), and helpers to bring it to any state."""

import pytest

from tests import factories
from tests.lifecycle import Cast, advance  # noqa: F401 (advance is imported from here by the tests)


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


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
