"""A cast of people around one dossier in department 45 (region 24), and a way to
bring the dossier to any state through the lifecycle services."""

import pytest

from logement_accompagne.organisations.enums import Role
from tests import factories
from tests.lifecycle import Cast, advance  # noqa: F401 (advance is imported from here by the tests)


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
