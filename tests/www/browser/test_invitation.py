"""An invitation to co-carry a dossier, accepted in a real Chromium (axe-core, 1280/375 px screenshots).

The carrier invites an association; the association's administrator sees the notification badge,
opens the notification centre and the invitations page, accepts, and lands on the dossier, which
its members could not open before. The administrator's members page is checked on the way.
"""

import pytest
from django.urls import reverse

from logement_accompagne.organisations.enums import Role
from tests import factories

from .conftest import Journey

pytestmark = pytest.mark.browser


def test_an_invitation_is_accepted(browser, site):
    dossier = factories.DossierFactory(
        carrier=site["landlord"], call=site["call"], name="Bail glissant à Gien"
    )
    association = factories.OrganisationFactory(name="Association Habitat Solidaire", kind="association")
    site["partner_admin"] = factories.member(
        association,
        Role.ORGANISATION_ADMIN,
        email="admin@habitat-solidaire.fr",
        first_name="Sacha",
        last_name="Roux",
    )
    factories.carrier_user(association, email="membre@habitat-solidaire.fr")
    detail = reverse("dossiers:detail", args=[dossier.reference])

    # The carrier invites the association.
    carrier = Journey(browser, site, "carrier", prefix="invitation-")
    carrier.login()
    carrier.goto(f"{detail}porteurs/")
    carrier.page.select_option(
        "#id_organisation", label="Association Habitat Solidaire — Association (Loiret)"
    )
    carrier.submit("main form button[type=submit]")
    main = carrier.page.inner_text("main")
    assert "est invitée à co-porter le dossier" in main and "en attente de réponse" in main.lower()
    assert "Association Habitat Solidaire —" not in carrier.page.inner_text("#id_organisation")
    carrier.check("invitation-envoyee")
    carrier.close()

    # Its administrator cannot open the dossier yet, is told in the header, and accepts.
    partner = Journey(browser, site, "partner_admin", prefix="invitation-")
    page = partner.page
    partner.login()
    assert partner.goto(detail).status == 404
    partner.goto("/")
    assert page.inner_text("#www-notifications").startswith("Notifications")
    assert page.locator("#www-notifications .www-count").inner_text() == "1"
    partner.check("badge-notification")
    partner.submit("#www-notifications")
    assert "Bail glissant à Gien" in page.inner_text("main")
    partner.check("centre-notifications")
    partner.goto(reverse("organisations:invitations"))
    assert "Bail glissant à Gien" in page.inner_text("main")
    partner.check("invitations")
    partner.submit("main button[value=accept]")
    assert page.url.endswith(detail)
    assert "co-porte désormais le dossier" in page.inner_text("main")
    partner.check("dossier-accepte")
    partner.goto(reverse("organisations:members"))
    assert "membre@habitat-solidaire.fr" in page.inner_text("main")
    partner.check("membres")
    partner.close()
