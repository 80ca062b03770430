"""The whole life of a dossier in a real Chromium (Playwright, Debian's /usr/bin/chromium).

A carrier creates, fills and submits a dossier (the confirmation by keyboard
only); the departmental instructor gives an opinion; the regional instructor
a verdict; the committee selects it with an amount; the carrier sees the
decision. Every page on the way is checked with axe-core (no serious or
critical violation) and has no horizontal scrolling at 375 px; screenshots
at 1280 and 375 px wide are saved under var/screenshots/.
"""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CommitteeDecision, Dossier
from logement_accompagne.www.site import ensure_site_config
from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 375, "height": 812}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium introuvable ({CHROMIUM}) : tests navigateur sautés (apt-get install chromium)."
        print(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread; the test's own
    # database calls are synchronous and safe, so Django is told not to refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, transactional_db):
    # A transactional test starts from an emptied database: reference data comes back first.
    call_command("load_territories", verbosity=0)
    ensure_site_config()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    landlord = factories.OrganisationFactory(name="Office public de l'habitat du Loiret", kind="oph")
    call = factories.CallFactory(title="Appel à projets 2026 — logements accompagnés")
    return {
        "url": live_server.url,
        "call": call,
        "carrier": factories.carrier_user(landlord, email="porteur@oph45.fr", first_name="Camille",
                                          last_name="Martin"),  # fmt: skip
        "dept": factories.departmental_instructor("45", email="instructeur@loiret.gouv.fr", first_name="Dominique",
                                                  last_name="Bernard"),  # fmt: skip
        "region": factories.regional_instructor("24", email="instructeur@centre.gouv.fr", first_name="Régis",
                                                last_name="Petit"),  # fmt: skip
        "committee": factories.committee_member(email="comite@dhup.gouv.fr", first_name="Claude",
                                                last_name="Durand"),  # fmt: skip
    }


class Journey:
    """One person's browser session, with the checks run on every page."""

    counter = 0

    def __init__(self, browser, site, who: str):
        self.site = site
        self.context = browser.new_context(viewport=WIDE, locale="fr-FR")
        self.page = self.context.new_page()
        self.who = who

    def goto(self, path: str):
        self.page.goto(self.site["url"] + path)
        self.page.wait_for_load_state("load")

    def submit(self, selector: str):
        with self.page.expect_navigation():
            self.page.click(selector)
        self.page.wait_for_load_state("load")

    def login(self):
        user = self.site[self.who]
        self.goto("/connexion/")
        self.check("connexion")
        self.page.fill("#id_username", user.email)
        self.page.fill("#id_password", factories.PASSWORD)
        self.submit("main button[type=submit]")
        assert "Bonjour" in self.page.inner_text("main")

    def check(self, name: str):
        """axe-core, then screenshots at 1280 and 375 px (and no sideways scrolling at 375 px)."""
        from axe_playwright_python.sync_playwright import Axe

        page = self.page
        results = Axe().run(page)
        blocking = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert not blocking, f"{name} ({page.url}) :\n" + "\n".join(blocking)
        Journey.counter += 1
        stem = f"{Journey.counter:02d}-{self.who}-{name}"
        page.screenshot(path=str(SCREENSHOTS / f"{stem}-1280.png"), full_page=True)
        page.set_viewport_size(NARROW)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=str(SCREENSHOTS / f"{stem}-375.png"), full_page=True)
        page.set_viewport_size(WIDE)
        assert overflow <= 0, f"{name} : la page déborde de {overflow} px à 375 px de large"

    def close(self):
        self.context.close()


def tab_to(page, selector: str, limit: int = 150):
    """Press Tab until the element is focused: proves it is reachable with the keyboard alone."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} n'est pas atteignable au clavier")


def test_a_dossier_from_draft_to_committee_decision(browser, site):
    # --- the carrier creates, fills and submits the dossier ----------------------------------------
    carrier = Journey(browser, site, "carrier")
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
    page.fill("#id_target_characteristics", "Personnes isolées et familles monoparentales sortant d'hébergement.")
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

    assert "Toutes les rubriques obligatoires sont remplies." in page.inner_text("main"), page.inner_text("main")
    carrier.check("dossier-brouillon")
    page.click("main a:has-text('Déposer le dossier')")
    page.wait_for_load_state("load")
    carrier.check("confirmation-depot")
    # Keyboard only: reach the comment, type it, reach the button, press Enter.
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
    dept = Journey(browser, site, "dept")
    page = dept.page
    dept.login()
    page.click("#fr-navigation >> text=À instruire")
    page.wait_for_load_state("load")
    dept.check("file-instruction")
    page.click(f"text={dossier.name}")
    page.wait_for_load_state("load")
    dept.check("dossier-instructeur")
    dept.submit("button:has-text(\"Prendre en charge l'instruction\")")
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
    region = Journey(browser, site, "region")
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
    committee = Journey(browser, site, "committee")
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
    assert re.search(r"20\s000\s€", page.inner_text("main"))
    committee.check("comite-apres-decision")
    committee.close()

    # --- the carrier sees the decision ------------------------------------------------------------
    carrier = Journey(browser, site, "carrier")
    page = carrier.page
    carrier.login()
    page.click(f"text={dossier.name}")
    page.wait_for_load_state("load")
    main = page.inner_text("main")
    assert "projet retenu" in main and re.search(r"20\s000\s€", main)
    carrier.check("decision-vue-par-le-porteur")
    # Sign out from the header.
    carrier.submit("header .fr-header__tools button:has-text('Se déconnecter')")
    assert "/connexion/" in page.url
    carrier.close()
