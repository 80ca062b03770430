"""The journey extended (issue #7): completion with a deadline and the change summary, no lost
typing on the section pages, and a committee decision corrected.

In a real Chromium, with axe-core and 1280/375 px screenshots on every page (Journey.check):
the departmental instructor asks for completion by a date; the carrier sees that date, edits a
section (the draft saves itself and the page says when; leaving with unsaved typing asks first),
resubmits; the instructor reads what changed without taking the dossier in charge again. Then the
committee decides, reopens its decision with a reason and decides again: a second version, and
the envelope counts the corrected amount.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CommitteeDecision
from tests import factories
from tests.lifecycle import Cast, advance

from .conftest import Journey, tab_to

pytestmark = pytest.mark.browser


def test_completion_with_a_deadline_then_a_corrected_decision(browser, site):
    dossier = factories.DossierFactory(
        carrier=site["landlord"], call=site["call"], name="Accompagner vers le logement à Gien", households=25
    )
    cast = Cast(carrier=site["carrier"], dept=site["dept"], region=site["region"],
                committee=site["committee"], dossier=dossier)  # fmt: skip
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    base = f"/dossiers/{dossier.reference}"
    due = timezone.localdate() + datetime.timedelta(days=20)

    # --- the departmental instructor asks for completion, by a date --------------------------------
    dept = Journey(browser, site, "dept", prefix="corrections-")
    page = dept.page
    dept.login()
    dept.goto(base + "/")
    page.click("main a:has-text('Demander des compléments')")
    page.wait_for_load_state("load")
    page.fill("#id_message", "Merci de préciser le nombre de ménages accompagnés la première année.")
    page.fill("#id_due_on", due.strftime("%d/%m/%Y"))
    dept.check("demande-complements-echeance")
    dept.submit("main form button[type=submit]")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.completion_due_on == due
    assert "attendus au plus tard le" in page.inner_text("main")
    dept.close()

    # --- the carrier sees the date, edits a section: drafts save themselves --------------------------
    carrier = Journey(browser, site, "carrier", prefix="corrections-")
    page = carrier.page
    carrier.login()
    carrier.goto(base + "/")
    main = page.inner_text("main")
    assert "Des compléments vous sont demandés pour le" in main and str(due.year) in main
    carrier.check("complements-avec-echeance")
    carrier.goto(base + "/sections/publics/")
    assert page.inner_text("[data-autosave-status]").startswith("Dernier enregistrement du dossier le ")
    page.fill("#id_households", "32")
    # No button pressed: the draft is saved automatically and the page says when.
    page.wait_for_function(
        "document.querySelector('[data-autosave-status]').textContent.startsWith('Enregistré à')",
        timeout=10000,
    )
    assert re.fullmatch(r"Enregistré à \d\d:\d\d", page.inner_text("[data-autosave-status]").strip())
    dossier.refresh_from_db()
    assert dossier.households == 32
    carrier.check("brouillon-enregistre-automatiquement")

    # Typing, then leaving at once (before the automatic save): the browser asks first.
    page.fill("#id_target_characteristics", "Familles monoparentales sortant d'hébergement d'urgence.")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.wait_for_timeout(300)  # a moment, but less than the automatic save's delay
    page.click("a:has-text('3. Logements')")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and "/sections/publics/" in page.url
    assert page.input_value("#id_target_characteristics").startswith("Familles monoparentales")
    with page.expect_response(lambda response: response.url.endswith("/brouillon/"), timeout=10000) as answer:
        pass  # the automatic save, a moment after the typing stopped
    assert answer.value.json()["saved"] is True
    dossier.refresh_from_db()
    assert dossier.target_characteristics.startswith("Familles monoparentales")

    # The department picker: on a filed dossier it only shows its department...
    carrier.goto(base + "/sections/localisation/")
    visible = page.locator("#checkboxes-id_departments .fr-fieldset__element:visible")
    assert [text.strip() for text in visible.all_inner_texts()] == ["Loiret (45)"]
    assert not page.is_visible("#checkboxes-id_departments-filtre")
    # ... and on a new draft, boxes with a search field, pre-filled with the carrier's department.
    draft = factories.DossierFactory(carrier=site["landlord"], call=site["call"], name="Projet à Bourges",
                                     department_codes=[])  # fmt: skip
    carrier.goto(f"/dossiers/{draft.reference}/sections/localisation/")
    assert page.is_checked("#checkboxes-id_departments input[value='45']")
    page.fill("#checkboxes-id_departments-filtre", "cher")
    labels = [text.strip() for text in visible.all_inner_texts()]
    assert labels == ["Cher (18)", "Loir-et-Cher (41)", "Loiret (45)"]  # matches, and what is ticked stays
    page.click("label:has-text('Cher (18)')")
    assert "Cher (18), Loiret (45)" in page.inner_text(".www-checklist__chosen")
    carrier.check("choix-des-departements")

    carrier.goto(base + "/")
    page.click("main a:has-text('Redéposer le dossier')")
    page.wait_for_load_state("load")
    tab_to(page, "#id_attested")
    page.keyboard.press("Space")
    tab_to(page, "#confirm-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    dossier.refresh_from_db()
    assert dossier.status == Status.DEPARTMENTAL_REVIEW
    carrier.close()

    # --- the instructor reads what changed, without taking the dossier in charge again ---------------
    dept = Journey(browser, site, "dept", prefix="corrections-")
    page = dept.page
    dept.login()
    dept.goto(base + "/")
    changes = page.inner_text("section[aria-labelledby=modifications]")
    assert "Nombre de ménages accompagnés" in changes and "25" in changes and "32" in changes
    assert "Prendre en charge" not in page.inner_text("main")
    dept.check("modifications-depuis-le-depot-precedent")
    dept.close()

    # --- the committee decides, then corrects its decision -------------------------------------------
    advance_to_committee(cast)
    services.decide(user=site["committee"], dossier=dossier, selected=True, amount_granted_eur=Decimal("20000"),
                    conditions="Rapport d'étape après six mois.")  # fmt: skip
    committee = Journey(browser, site, "committee", prefix="corrections-")
    page = committee.page
    committee.login()
    committee.goto(base + "/")
    page.click("main a:has-text('Corriger la décision')")
    page.wait_for_load_state("load")
    committee.check("corriger-la-decision")
    committee.submit("main form button[type=submit]")  # no reason: refused, said at the top
    assert "Le formulaire contient" in page.inner_text("main")
    page.fill("#id_reason", "Le montant voté en séance était de 18 000 €, pas 20 000 €.")
    committee.submit("main form button[type=submit]")
    dossier.refresh_from_db()
    assert dossier.status == Status.COMMITTEE
    page.click("label[for=id_selected_0]")
    page.fill("#id_amount_granted_eur", "18000")
    page.fill("#id_conditions", "Rapport d'étape après six mois.")
    committee.check("decision-corrigee")
    committee.submit("main form button[type=submit]")
    latest = CommitteeDecision.objects.filter(dossier=dossier).order_by("-version").first()
    assert (latest.version, latest.amount_granted_eur) == (2, Decimal("18000"))
    assert services.granted_total(site["call"]) == Decimal("18000")  # the envelope follows
    assert "18\u202f000,00\u00a0€" in page.inner_text("main")
    committee.check("comite-apres-correction")
    committee.close()

    carrier = Journey(browser, site, "carrier", prefix="corrections-")
    page = carrier.page
    carrier.login()
    assert "Appels à projets ouverts" in page.inner_text("main")
    carrier.goto(base + "/")
    main = page.inner_text("main")
    assert "décision corrigée, version 2" in main and "18\u202f000,00\u00a0€" in main
    carrier.check("decision-corrigee-vue-par-le-porteur")
    carrier.close()


def advance_to_committee(cast):
    from logement_accompagne.dossiers.enums import Reproducibility, Verdict

    dossier = cast.dossier
    services.record_departmental_opinion(
        user=cast.dept, dossier=dossier, relevance="Projet pertinent", reproducibility=Reproducibility.HIGH
    )
    services.forward_to_region(user=cast.dept, dossier=dossier)
    services.record_regional_opinion(user=cast.region, dossier=dossier, verdict=Verdict.FAVOURABLE)
    services.forward_to_committee(user=cast.region, dossier=dossier)
    dossier.refresh_from_db()
