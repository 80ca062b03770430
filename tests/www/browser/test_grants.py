"""The agreement page and the six-month review form in a browser (axe clean, no sideways scrolling at
375 px); the carrier files the pre-filled report and the departmental service validates it.
Screenshots under var/screenshots/grants-*."""

import datetime

import pytest

from logement_accompagne.grants.models import ReportStatus
from tests import factories
from tests.grants.conftest import in_force
from tests.grants.test_reports import episode
from tests.lifecycle import Cast

from .conftest import Journey

pytestmark = pytest.mark.browser
D = datetime.date


def test_the_carrier_files_the_prefilled_review_and_the_state_validates_it(browser, site):
    dossier = factories.DossierFactory(
        carrier=site["landlord"], call=site["call"], name="Bail glissant et accompagnement à Orléans",
        partners="SIAO du Loiret, CCAS d'Orléans, conseil départemental",
    )  # fmt: skip
    cast = Cast(carrier=site["carrier"], dept=site["dept"], region=site["region"], committee=site["committee"],
                dossier=dossier, landlord=site["landlord"])  # fmt: skip
    agreement = in_force(cast)
    first = episode(
        dossier, referred_on=D(2026, 2, 1), diagnostic_on=D(2026, 2, 10), moved_in_on=D(2026, 3, 1)
    )
    episode(dossier, kind="keeping", referred_on=D(2026, 3, 1), diagnostic_on=D(2026, 3, 15))
    episode(dossier, kind="diagnostic", referred_on=D(2026, 4, 1), diagnostic_on=D(2026, 4, 5))
    assert first.household_id

    carrier = Journey(browser, site, "carrier", prefix="grants-")
    page = carrier.page
    carrier.login()
    carrier.goto(f"/conventions/{dossier.reference}/")
    carrier.check("convention")
    main = page.inner_text("main")
    assert "Convention initiale" in main and "Bilan à six mois" in main and "Demander le versement" in main

    carrier.goto(f"/conventions/{dossier.reference}/rapports/0/")
    carrier.check("bilan-six-mois")
    assert page.input_value("#id_households_accompanied") == "2"
    assert page.input_value("#id_diagnostics") == "3"
    assert page.input_value("#id_dwellings") == "1"
    assert "écart signalé" in page.inner_text("#comparaison").lower()
    page.fill("#id_narrative", "Six mois d'action : équipe recrutée, premiers relogements.")
    page.fill(
        "#id_variance_explanation",
        "Démarrage plus lent que prévu : recrutement de l'accompagnatrice en mars.",
    )
    carrier.submit("main form button[type=submit]")
    assert "Rapport déposé" in page.inner_text("main")
    carrier.close()

    state = Journey(browser, site, "dept", prefix="grants-")
    page = state.page
    state.login()
    state.goto(f"/conventions/{dossier.reference}/rapports/0/")
    state.check("instruction-bilan")
    page.check("input[name=decision][value=validate]", force=True)
    state.submit("form[action$='instruction/'] button[type=submit]")
    assert "Rapport validé" in page.inner_text("main")
    state.close()
    assert agreement.reports.get(number=0).status == ReportStatus.VALIDATED
