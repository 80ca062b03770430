"""The public catalogue of practices in a real Chromium: consent by the carrier, search, project page."""

import pytest

from logement_accompagne.dossiers.enums import Status
from tests import factories
from tests.lifecycle import Cast, advance

from .conftest import Journey

pytestmark = pytest.mark.browser


def test_carrier_publishes_and_anyone_finds_the_project(browser, site):
    people = Cast(
        carrier=site["carrier"], dept=site["dept"], region=site["region"], committee=site["committee"]
    )
    dossier = factories.DossierFactory(
        carrier=site["landlord"], call=site["call"], name="Bail glissant à Orléans",
        summary="Prévenir les expulsions des ménages en sous-location avec bail glissant.",
    )  # fmt: skip
    advance(people, Status.SELECTED, dossier)

    carrier = Journey(browser, site, "carrier", prefix="catalogue-")
    carrier.login()
    carrier.goto(f"/catalogue/publication/{dossier.reference}/")
    carrier.check("accord")
    carrier.submit("main button[type=submit]")
    assert "Retirer mon accord" in carrier.page.inner_text("main")
    carrier.close()

    public = Journey(browser, site, "anonymous", prefix="catalogue-")
    public.goto("/catalogue/?q=menages")
    assert "Bail glissant à Orléans" in public.page.inner_text("main")
    public.check("recherche")
    public.goto(f"/catalogue/{dossier.reference}/")
    main = public.page.inner_text("main")
    assert "caractère reproductible : fort" in main.lower()  # a DSFR badge is shown in capitals
    assert "Camille" not in main and "porteur@oph45.fr" not in main
    public.check("projet")
    public.close()
