"""The technical administrator's admin pages pass axe-core (no serious or critical violation)."""

import pytest

from tests import factories

from .conftest import Journey

pytestmark = pytest.mark.browser


def test_admin_pages_pass_axe(browser, site):
    dossier = factories.DossierFactory(carrier=site["landlord"], call=site["call"], name="Bail glissant")
    site["admin"] = factories.UserFactory(
        email="admin@dhup.gouv.fr", first_name="Alex", last_name="Technique", is_staff=True, is_superuser=True
    )
    admin = Journey(browser, site, "admin", prefix="admin-")
    admin.login()
    for path, name in (
        ("/admin/", "index"),
        ("/admin/dossiers/dossier/", "dossiers"),
        (f"/admin/dossiers/dossier/{dossier.pk}/change/", "dossier"),
        ("/admin/organisations/organisation/", "organisations"),
        ("/admin/calls/call/add/", "nouvel-appel"),
        (f"/admin/organisations/user/{site['carrier'].pk}/change/", "personne"),
    ):
        response = admin.goto(path)
        assert response.status == 200, path
        admin.check(name)
    admin.close()
