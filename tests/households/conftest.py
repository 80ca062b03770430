"""A selected project in department 45 with its support workers, and a helper to register households."""

import datetime

import pytest

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.households import services
from logement_accompagne.organisations.enums import Role
from tests import factories
from tests.lifecycle import Cast, advance

D = datetime.date
JANUARY_6 = D(2025, 1, 6)


def support_people(cast: Cast) -> Cast:
    """Add to a dossier cast: support workers and a manager of its carrier, and of another organisation."""
    cast["worker"] = factories.member(cast.landlord, Role.SUPPORT_WORKER, first_name="Sam", last_name="Suivi")
    cast["worker_two"] = factories.member(cast.landlord, Role.SUPPORT_WORKER)
    cast["manager"] = factories.member(
        cast.landlord, Role.SUPPORT_MANAGER, first_name="Maëlle", last_name="Resp"
    )
    cast["worker_other"] = factories.member(cast.other_organisation, Role.SUPPORT_WORKER)
    return cast


@pytest.fixture
def project(db):
    landlord = factories.OrganisationFactory(
        name="Logem Test", kind="oph", department=factories.department("45")
    )
    other = factories.OrganisationFactory(name="Autre bailleur", department=factories.department("45"))
    cast = Cast(
        landlord=landlord,
        other_organisation=other,
        carrier=factories.carrier_user(landlord),
        dept=factories.departmental_instructor("45"),
        dept_other=factories.departmental_instructor("40"),
        region=factories.regional_instructor("24"),
        region_other=factories.regional_instructor("75"),
        committee=factories.committee_member(),
        admin=factories.UserFactory(is_staff=True, is_superuser=True),
    )
    cast["dossier"] = factories.DossierFactory(carrier=landlord, name="Bail glissant Orléans")
    advance(cast, Status.SELECTED)
    cast.dossier.refresh_from_db()
    return support_people(cast)


def register(cast, *, referred_on=JANUARY_6, kind="access", last_name="Martin", first_name="Awa",
             adults=1, children=2, head="single_woman", source="siao", **extra):  # fmt: skip
    return services.register_household(
        user=cast.worker, dossier=cast.dossier, members=[{"first_name": first_name, "last_name": last_name}],
        adults=adults, children=children, head=head, kind=kind, referral_source=source, referred_on=referred_on,
        **extra,
    )  # fmt: skip
