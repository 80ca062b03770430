"""Steering pages in a real Chromium: national dashboard, map and charts; axe, 1280/375 px screenshots."""

import pytest

from logement_accompagne.dossiers.enums import Status
from tests import factories
from tests.lifecycle import Cast, advance

from .conftest import Journey

pytestmark = pytest.mark.browser


def _programme(site):
    people = Cast(
        carrier=site["carrier"], dept=site["dept"], region=site["region"], committee=site["committee"]
    )
    for index, (households, to) in enumerate(((25, Status.SELECTED), (12, Status.SELECTED), (3, Status.SELECTED),
                                              (30, Status.REGIONAL_REVIEW), (8, Status.SUBMITTED))):  # fmt: skip
        dossier = factories.DossierFactory(
            carrier=site["landlord"], call=site["call"], households=households, dwellings=households,
            name=f"Projet accompagné n° {index + 1}",
        )  # fmt: skip
        advance(people, to, dossier)


def test_national_dashboard_and_map(browser, site):
    _programme(site)
    committee = Journey(browser, site, "committee", prefix="pilotage-")
    page = committee.page
    committee.login()
    committee.goto("/pilotage/")
    assert "Pilotage — France entière" in page.inner_text("h1")
    assert "40 ménages" in page.inner_text("main")
    committee.check("national")
    committee.goto("/pilotage/carte/")
    page.wait_for_selector("map-chart svg", timeout=10_000)
    assert "Loiret (45)" in page.inner_text("main table")
    assert page.get_attribute("map-chart .FR-45", "fill") != page.get_attribute("map-chart .FR-40", "fill")
    committee.check("carte")
    committee.goto("/pilotage/carte/?region=24&indicateur=dwellings")
    page.wait_for_selector("map-chart-reg svg", timeout=10_000)
    # The region's map is drawn: Loiret coloured by its figure, the sidebar gives the total.
    assert page.get_attribute("map-chart-reg .FR-45", "fill").startswith(("#", "rgb"))
    assert "40" in page.inner_text("map-chart-reg")  # the region's total in the sidebar
    committee.check("carte-region")
    committee.close()
