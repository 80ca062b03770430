"""A committee session in a real Chromium (issue #12): open a session, read the agenda sorted by
the database, propose decisions, confirm them together; the decision letter PDF rendered to PNG.
axe on every page, screenshots at 1280 and 375 px under var/screenshots/."""

import subprocess
from decimal import Decimal

import pytest

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from tests import factories
from tests.lifecycle import Cast, advance

from .conftest import SCREENSHOTS, Journey

pytestmark = pytest.mark.browser


def _agenda(site):
    people = Cast(
        carrier=site["carrier"], dept=site["dept"], region=site["region"], committee=site["committee"]
    )
    for index, (amount, households) in enumerate(((45000, 30), (18000, 12), (60000, 25), (9000, 6))):
        dossier = factories.DossierFactory(
            carrier=site["landlord"], call=site["call"], households=households, requested_amount_eur=Decimal(amount),
            name=f"Bail glissant et accompagnement renforcé n° {index + 1}",
        )  # fmt: skip
        advance(people, Status.COMMITTEE, dossier)


def test_a_committee_session_from_agenda_to_decision_letter(browser, site):
    _agenda(site)
    committee = Journey(browser, site, "committee", prefix="seance-")
    page = committee.page
    committee.login()
    committee.goto("/comite/seances/")
    committee.check("seances")
    page.fill("#id_held_on", "2026-12-03")
    page.fill("#id_members_present", "Claude Durand, DHUP\nAnne Lefèvre, DIHAL\nPaul Garnier, ANCOLS")
    committee.submit("main form[method=post] button[type=submit]")
    assert "Ordre du jour" in page.inner_text("main")
    page.goto(page.url.split("?")[0] + "?tri=-montant")
    first = page.locator("#ordre-du-jour-table tbody tr").first.inner_text()
    assert "60\u202f000" in first
    committee.check("ordre-du-jour")
    for label, amount in (("n° 3", "55000"), ("n° 1", "40000")):
        page.click(f"#ordre-du-jour-table tr:has-text('{label}') a:has-text('Proposer')")
        page.wait_for_load_state("load")
        page.check("#id_selected_0", force=True)
        page.fill("#id_amount_granted_eur", amount)
        page.fill(
            "#id_conditions",
            "Bilan à six mois transmis au service départemental ; comité de suivi trimestriel.",
        )
        committee.submit("main form[method=post] button[type=submit]")
    assert "95\u202f000\u00a0€" in page.inner_text("main")  # the envelope consumed by the proposals
    committee.check("ordre-du-jour-propositions")
    committee.submit("main form[action$='confirmer/'] button")
    assert "2 décision(s) enregistrée(s)" in page.inner_text("main")
    committee.check("ordre-du-jour-confirme")
    dossier = Dossier.objects.get(name__endswith="n° 3")
    assert dossier.status == Status.SELECTED
    session_url = page.url.split("?")[0]
    for name, url in (("lettre-decision", f"/comite/{dossier.reference}/decision/lettre.pdf"),
                      ("proces-verbal", f"{session_url.removeprefix(site['url'])}proces-verbal.pdf"),
                      ("dossier", f"/dossiers/{dossier.reference}/dossier.pdf")):  # fmt: skip
        response = page.request.get(site["url"] + url)
        assert response.ok and response.headers["content-type"] == "application/pdf", url
        pdf = SCREENSHOTS / f"seance-{name}.pdf"
        pdf.write_bytes(response.body())
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(pdf), str(SCREENSHOTS / f"seance-{name}")],
                       check=True)  # fmt: skip
        assert (SCREENSHOTS / f"seance-{name}-1.png").exists()
    committee.close()
