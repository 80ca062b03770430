"""Shared fixtures: reference territories loaded once per test database, and the one cast of people."""

import pytest
from django.core.management import call_command

from logement_accompagne.organisations.enums import Role
from tests import factories
from tests.lifecycle import Cast


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_territories", verbosity=0)


@pytest.fixture(autouse=True)
def _caches_empty():
    """Every test starts with empty caches: the database is rolled back between tests, the caches
    are not, and an entry an earlier test left (a page header kept per session) would make a
    query count depend on the order the tests run in."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    # The process's own memory caches only: a Redis named by REDIS_URL is not the tests' to empty.
    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/interdit/"},
        },
    }


@pytest.fixture
def cast(db):
    """People around one dossier in department 45 (region 24); each name means one thing everywhere.

    ``dept_other`` works in another department of the same region (18), ``dept_other_region`` in
    a department of another region (40); ``region_other`` is another region's service (75).
    """
    landlord = factories.OrganisationFactory(
        name="Logem Test", kind="oph", department=factories.department("45")
    )
    other_landlord = factories.OrganisationFactory(
        name="Autre bailleur", department=factories.department("45")
    )
    people = Cast(
        landlord=landlord,
        other_landlord=other_landlord,
        carrier=factories.carrier_user(landlord, first_name="Camille", last_name="Porteur"),
        carrier_other=factories.carrier_user(other_landlord),
        support_worker=factories.member(landlord, Role.SUPPORT_WORKER),
        dept=factories.departmental_instructor("45", first_name="Dominique", last_name="Ddets"),
        dept_other=factories.departmental_instructor("18"),
        dept_other_region=factories.departmental_instructor("40"),
        region=factories.regional_instructor("24", first_name="Régis", last_name="Dreal"),
        region_other=factories.regional_instructor("75"),
        committee=factories.committee_member(first_name="Claude", last_name="Comité"),
        admin=factories.UserFactory(is_staff=True, is_superuser=True),
    )
    people["dossier"] = factories.DossierFactory(carrier=landlord, name="Bail glissant Orléans")
    return people
