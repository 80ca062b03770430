"""The other pages, in a real Chromium: axe-core, 1280/375 px screenshots, keyboard.

Messages, attachments (with a refused file), co-carriers, the edit conflict,
a request for completion and the resubmission, the withdrawal, the error
pages and the password reset.
"""

import pytest

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status
from tests import factories

from .conftest import Journey, tab_to

pytestmark = pytest.mark.browser


def test_exchanges_conflict_and_error_pages(browser, site):
    dossier = factories.DossierFactory(
        carrier=site["landlord"], call=site["call"], name="Prévenir l'impayé à Montargis"
    )
    factories.OrganisationFactory(name="Association Habitat Solidaire", kind="association")
    carrier = Journey(browser, site, "carrier", prefix="pages-")
    page = carrier.page
    carrier.login()
    base = f"/dossiers/{dossier.reference}"

    # Co-carrier invitation.
    carrier.goto(f"{base}/porteurs/")
    page.select_option("#id_organisation", label="Association Habitat Solidaire — Association (Loiret)")
    carrier.submit("main form button[type=submit]")
    assert "est invitée à co-porter" in page.inner_text("main")
    carrier.check("porteurs")

    # A refused attachment: the error is in French and tied to the field.
    carrier.goto(f"{base}/pieces-jointes/")
    page.set_input_files("#id_file", files=[{"name": "budget.pdf", "mimeType": "application/pdf",
                                             "buffer": b"MZ\x90\x00" + b"\x00" * 64}])  # fmt: skip
    carrier.submit("main form button[type=submit]")
    assert "Ce type de fichier n'est pas accepté" in page.inner_text("main")
    assert page.get_attribute("#id_file", "aria-invalid") == "true"
    carrier.check("piece-jointe-refusee")
    page.set_input_files("#id_file", files=[{"name": "budget.pdf", "mimeType": "application/pdf",
                                             "buffer": b"%PDF-1.4\n%%EOF\n"}])  # fmt: skip
    carrier.submit("main form button[type=submit]")
    assert "budget.pdf" in page.inner_text("main table")
    carrier.check("pieces-jointes")

    # Two people on the same section: the second save is refused, the input kept.
    carrier.goto(f"{base}/sections/publics/")
    services.update_dossier(user=site["carrier"], dossier=dossier, expected_version=dossier.version,
                            values={"households": 31})  # fmt: skip
    page.fill("#id_households", "40")
    carrier.submit("button[name=suivant]")
    main = page.inner_text("main")
    assert f"a été modifié par {site['carrier']}" in main and "31" in main
    assert page.input_value("#id_households") == "40"
    assert page.evaluate("document.activeElement.id") == "conflit"  # the message takes the focus
    carrier.check("conflit-edition")

    # Submit, then the department asks for more.
    services.submit(user=site["carrier"], dossier=dossier, attested=True)
    carrier.goto(f"{base}/messages/")
    page.fill("#id_body", "Bonjour, le budget prévisionnel est en pièce jointe.")
    carrier.submit("main form button[type=submit]")
    carrier.check("messages")

    # A carrier on an instructors' page: the French 403; an unknown page: the French 404.
    response = carrier.goto("/instruction/")
    assert response.status == 403 and "Accès refusé" in page.inner_text("main")
    carrier.check("erreur-403")
    response = carrier.goto("/dossiers/00000000-0000-0000-0000-000000000000/")
    assert response.status == 404 and "Page non trouvée" in page.inner_text("main")
    carrier.check("erreur-404")
    carrier.close()

    dept = Journey(browser, site, "dept", prefix="pages-")
    page = dept.page
    dept.login()
    dept.goto(f"/instruction/?status={Status.SUBMITTED}")
    dept.check("file-filtree")
    dept.goto(base + "/")
    dept.submit('button:has-text("Prendre en charge l\'instruction")')
    page.click("main a:has-text('Demander des compléments')")
    page.wait_for_load_state("load")
    dept.check("demande-complements")
    page.fill("#id_message", "Merci de préciser le nombre de logements en bail glissant.")
    dept.submit("main form button[type=submit]")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    dept.close()

    carrier = Journey(browser, site, "carrier", prefix="pages-")
    page = carrier.page
    carrier.login()
    carrier.goto(base + "/")
    assert "Des compléments vous sont demandés" in page.inner_text("main")
    carrier.check("dossier-a-completer")
    page.click("main a:has-text('Redéposer le dossier')")
    page.wait_for_load_state("load")
    carrier.check("confirmation-redepot")
    # The attestation sur l'honneur is required again at each filing, ticked with the keyboard.
    tab_to(page, "#id_attested")
    page.keyboard.press("Space")
    tab_to(page, "#confirm-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    dossier.refresh_from_db()
    assert dossier.status == Status.DEPARTMENTAL_REVIEW
    carrier.goto(f"{base}/retirer/")
    carrier.check("confirmation-retrait")
    carrier.close()

    anonymous = Journey(browser, site, "anonyme", prefix="pages-")
    anonymous.goto("/mot-de-passe/oubli/")
    anonymous.check("mot-de-passe-oublie")
    anonymous.page.fill("#id_email", "porteur@oph45.fr")
    anonymous.submit("main form button[type=submit]")
    anonymous.check("lien-envoye")
    anonymous.goto("/accessibilite/")
    anonymous.check("accessibilite")
    anonymous.close()


def test_double_click_on_submit_sends_one_request(browser, site):
    """The submit button locks its form: a double click submits once, then the button is disabled."""
    dossier = factories.DossierFactory(carrier=site["landlord"], call=site["call"])
    carrier = Journey(browser, site, "carrier", prefix="double-")
    carrier.login()
    carrier.goto(f"/dossiers/{dossier.reference}/deposer/")
    page = carrier.page
    # Count the submissions that would leave the page, and keep the page here to look at it.
    page.evaluate(
        """window.submissions = 0;
        window.addEventListener("submit", (event) => {
            if (!event.defaultPrevented) { window.submissions += 1; }
            event.preventDefault();
        });"""
    )
    page.dblclick("#confirm-button")
    page.wait_for_function("document.querySelector('#confirm-button').disabled", timeout=5000)
    page.click("#confirm-button", force=True)
    assert page.evaluate("window.submissions") == 1
    assert page.get_attribute("#confirm-button", "aria-disabled") == "true"
    assert "Envoi en cours" in page.inner_text("#confirm-button")
    carrier.close()


def test_login_page_shows_the_proconnect_button(browser, site, settings):
    """The button ProConnect prescribes on the DSFR (the FranceConnect button, branded ProConnect),
    accessible (axe-core) and usable at 375 px, when ProConnect is configured."""
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "logement-accompagne"
    visitor = Journey(browser, site, "carrier")
    visitor.goto("/connexion/")
    button = visitor.page.locator("#proconnect a.fr-connect")
    assert " ".join(button.inner_text().split()) == "S’identifier avec ProConnect"
    assert button.get_attribute("href") == "/connexion/proconnect/"
    visitor.check("connexion-proconnect")
    visitor.close()
