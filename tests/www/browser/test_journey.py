"""The whole life of a dossier in a real Chromium (Playwright, Debian's /usr/bin/chromium).

A carrier creates, fills and submits a dossier (the confirmation by keyboard
only); the departmental instructor gives an opinion; the regional instructor
a verdict; the committee selects it with an amount; the carrier sees the
decision. Every page on the way is checked with axe-core (no serious or
critical violation) and has no horizontal scrolling at 375 px; screenshots
at 1280 and 375 px wide are saved under var/screenshots/.
"""

import re
from decimal import Decimal

import pytest

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CommitteeDecision, Dossier

from .conftest import Journey, tab_to

pytestmark = pytest.mark.browser


def test_a_dossier_from_draft_to_committee_decision(browser, site):
    # --- the carrier creates, fills and submits the dossier ----------------------------------------
    carrier = Journey(browser, site, "carrier", prefix="parcours-")
    page = carrier.page
    carrier.login()
    carrier.check("accueil")
    page.click("text=Déposer un nouveau dossier")
    page.wait_for_load_state("load")
    carrier.check("nouveau-dossier")
    page.select_option("#id_call", str(site["call"].pk))
    page.fill("#id_name", "Bail glissant et accompagnement à Orléans")
    carrier.submit("main button[type=submit]")
    dossier = Dossier.objects.get()

    assert "Étape 1 sur 8" in page.inner_text("main")
    carrier.check("section-localisation")
    page.fill("#id_location_text", "Orléans (45), quartiers de l'Argonne et de La Source")
    page.fill("#id_carriers_text", "OPH du Loiret et association Habitat Solidaire")
    page.fill("#id_summary", "Accompagner vers et dans le logement 20 ménages du PDALPD en bail glissant.")
    carrier.submit("button[name=suivant]")

    carrier.check("section-publics")
    page.fill("#id_households", "20")
    page.click("label[for=id_dalo_eligible_0]")
    page.click("label[for=id_pdalpd_0]")
    page.fill(
        "#id_target_characteristics", "Personnes isolées et familles monoparentales sortant d'hébergement."
    )
    carrier.submit("button[name=suivant]")

    page.click("label[for=id_mobilisation_2]")
    page.fill("#id_dwellings", "15")
    carrier.submit("button[name=suivant]")

    page.fill("#id_support_method", "Diagnostic partagé, visites à domicile hebdomadaires, aller vers.")
    carrier.submit("button[name=suivant]")

    page.fill("#id_partners", "SIAO, CCAS d'Orléans, conseil départemental")
    carrier.submit("button[name=suivant]")

    carrier.check("section-financement")
    page.fill("#id_requested_amount_eur", "20000")
    page.select_option("#id_cout-0-kind", "support")
    page.fill("#id_cout-0-amount_eur", "1440")
    page.select_option("#id_cout-0-basis", "household")
    page.select_option("#id_cout-0-period", "year")
    page.fill("#id_cofinancement-0-funder", "Conseil départemental du Loiret")
    page.fill("#id_cofinancement-0-amount_eur", "8800")
    page.select_option("#id_cofinancement-0-status", "obtained")
    carrier.submit("button[name=suivant]")

    page.fill("#id_duration_text", "12 mois renouvelable")
    page.fill("#id_duration_months", "12")
    carrier.submit("button[name=suivant]")

    page.fill("#id_schedule", "Janvier : recrutement ; février : premières entrées dans les logements.")
    carrier.submit("button[name=suivant]")  # last section: back to the dossier page

    assert "Toutes les rubriques obligatoires sont remplies" in page.inner_text("main"), page.inner_text(
        "main"
    )
    carrier.check("dossier-brouillon")
    page.click("main a:has-text('Déposer le dossier')")
    page.wait_for_load_state("load")
    carrier.check("confirmation-depot")
    # Keyboard only: tick the attestation sur l'honneur, reach the comment, type it, reach the
    # button, press Enter.
    tab_to(page, "#id_attested")
    page.keyboard.press("Space")
    tab_to(page, "#id_comment")
    page.keyboard.type("Dossier complet, budget validé par notre conseil d'administration.")
    tab_to(page, "#confirm-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert "Votre dossier a été déposé" in page.inner_text("main")
    carrier.check("dossier-depose")
    carrier.close()

    # --- the departmental instructor gives an opinion --------------------------------------------
    dept = Journey(browser, site, "dept", prefix="parcours-")
    page = dept.page
    dept.login()
    page.click("#fr-navigation >> text=À instruire")
    page.wait_for_load_state("load")
    dept.check("file-instruction")
    page.click(f"text={dossier.name}")
    page.wait_for_load_state("load")
    dept.check("dossier-instructeur")
    dept.submit('button:has-text("Prendre en charge l\'instruction")')
    page.click("text=Donner l'avis départemental")
    page.wait_for_load_state("load")
    page.fill("#id_relevance", "Projet pertinent : il répond aux besoins des ménages du PDALPD du Loiret.")
    page.click("label[for=id_reproducibility_2]")
    page.fill("#id_conditions", "Bilan à six mois transmis au service.")
    dept.check("avis-departemental")
    dept.submit("main form button[type=submit]")
    dossier.refresh_from_db()
    assert dossier.status == Status.REGIONAL_REVIEW
    dept.close()

    # --- the regional instructor gives the verdict ------------------------------------------------
    region = Journey(browser, site, "region", prefix="parcours-")
    page = region.page
    region.login()
    region.goto(f"/dossiers/{dossier.reference}/")
    page.click("text=Donner l'avis régional")
    page.wait_for_load_state("load")
    page.click("label[for=id_verdict_0]")
    page.fill("#id_comment", "Avis favorable, démarche reproductible dans la région.")
    region.check("avis-regional")
    region.submit("main form button[type=submit]")
    dossier.refresh_from_db()
    assert dossier.status == Status.COMMITTEE
    region.close()

    # --- the committee selects it with an amount --------------------------------------------------
    committee = Journey(browser, site, "committee", prefix="parcours-")
    page = committee.page
    committee.login()
    page.click("#fr-navigation >> text=Comité")
    page.wait_for_load_state("load")
    main = page.inner_text("main")
    assert "Projet pertinent" in main and "Favorable" in main
    committee.check("comite")
    page.click("main a:has-text('Décider')")
    page.wait_for_load_state("load")
    page.click("label[for=id_selected_0]")
    page.fill("#id_amount_granted_eur", "20000")
    page.fill("#id_conditions", "Rapport d'étape après six mois.")
    committee.check("decision")
    committee.submit("main form button[type=submit]")
    assert CommitteeDecision.objects.get().amount_granted_eur == Decimal("20000")
    # The envelope table now shows what was granted and what is left.
    assert re.search(r"20\s000(,00)?\s€", page.inner_text("main"))
    committee.check("comite-apres-decision")
    committee.close()

    # --- the carrier sees the decision ------------------------------------------------------------
    carrier = Journey(browser, site, "carrier", prefix="parcours-")
    page = carrier.page
    carrier.login()
    page.click(f"text={dossier.name}")
    page.wait_for_load_state("load")
    main = page.inner_text("main")
    assert "projet retenu" in main and re.search(r"20\s000(,00)?\s€", main)
    carrier.check("decision-vue-par-le-porteur")
    # Sign out from the header.
    carrier.submit("header .fr-header__tools button:has-text('Se déconnecter')")
    assert "/connexion/" in page.url
    carrier.close()
