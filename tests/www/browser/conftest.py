"""Browser fixtures: Debian's Chromium through Playwright, a live server, screenshots and axe-core."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from logement_accompagne.www.site import ensure_site_config
from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--lang=fr-FR"]  # fmt: skip
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium introuvable ({CHROMIUM}) : tests navigateur sautés (apt-get install chromium)."
        print(reason)
        pytest.skip(reason)
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    pytest.importorskip("axe_playwright_python")

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
    Journey.counter = 0
    landlord = factories.OrganisationFactory(name="Office public de l'habitat du Loiret", kind="oph")
    call = factories.CallFactory(title="Appel à projets 2026 — logements accompagnés")
    return {
        "url": live_server.url,
        "call": call,
        "landlord": landlord,
        "carrier": factories.carrier_user(
            landlord, email="porteur@oph45.fr", first_name="Camille", last_name="Martin"
        ),  # fmt: skip
        "dept": factories.departmental_instructor(
            "45", email="instructeur@loiret.gouv.fr", first_name="Dominique", last_name="Bernard"
        ),  # fmt: skip
        "region": factories.regional_instructor(
            "24", email="instructeur@centre.gouv.fr", first_name="Régis", last_name="Petit"
        ),  # fmt: skip
        "committee": factories.committee_member(
            email="comite@dhup.gouv.fr", first_name="Claude", last_name="Durand"
        ),  # fmt: skip
    }


class Journey:
    """One person's browser session, with the checks run on every page."""

    counter = 0

    def __init__(self, browser, site, who: str, prefix: str = ""):
        self.site = site
        self.context = browser.new_context(viewport=WIDE, locale="fr-FR")
        self.page = self.context.new_page()
        self.who = who
        self.prefix = prefix

    def goto(self, path: str):
        response = self.page.goto(self.site["url"] + path)
        self.page.wait_for_load_state("load")
        return response

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
        stem = f"{self.prefix}{Journey.counter:02d}-{self.who}-{name}"
        page.screenshot(path=str(SCREENSHOTS / f"{stem}-1280.png"), full_page=True)
        page.set_viewport_size(NARROW)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
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
