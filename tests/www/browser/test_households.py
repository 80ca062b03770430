"""A support worker on a phone: the project's households, a household's timeline, a contact recorded at
375 px in a few taps (axe clean on every page), and the project's indicators; screenshots under
var/screenshots/households-*."""

import datetime

import pytest

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.households.models import Contact, SupportEpisode
from logement_accompagne.organisations.enums import Role
from tests import factories
from tests.households.fixture import build
from tests.lifecycle import Cast, advance

from .conftest import NARROW, Journey

pytestmark = pytest.mark.browser


def test_a_support_worker_records_a_contact_on_a_phone(browser, site):
    dossier = factories.DossierFactory(
        carrier=site["landlord"], call=site["call"], name="Prévenir l'impayé à Montargis"
    )
    cast = Cast(carrier=site["carrier"], dept=site["dept"], region=site["region"], committee=site["committee"],
                dossier=dossier)  # fmt: skip
    advance(cast, Status.SELECTED)
    cast["worker"] = site["support_worker"] = factories.member(
        site["landlord"],
        Role.SUPPORT_WORKER,
        email="accompagnatrice@oph45.fr",
        first_name="Sam",
        last_name="Suivi",
    )
    episodes = build(cast)
    worker = Journey(browser, site, "support_worker", prefix="households-")
    page = worker.page
    worker.login()
    worker.goto(f"/menages/projet/{dossier.reference}/")
    worker.check("liste")
    assert "BRAVO" in page.inner_text("main")
    reference = episodes["d"].household.reference
    worker.goto(f"/menages/{reference}/")
    worker.check("chronologie")
    assert "Impayé repéré" in page.inner_text("main")

    page.set_viewport_size(NARROW)
    worker.goto(f"/menages/{reference}/contact/")
    worker.check("contact-rapide")
    page.set_viewport_size(NARROW)
    page.check("input[name=result][value=not_reached]", force=True)
    page.select_option("#id_channel", "home_visit")
    worker.submit("main button[type=submit]")
    assert "Contact enregistré" in page.inner_text("main")
    contact = Contact.objects.filter(episode=episodes["d"]).order_by("-id").first()
    assert (contact.channel, contact.result, contact.happened_on) == (
        "home_visit",
        "not_reached",
        datetime.date.today(),
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    worker.goto(f"/menages/projet/{dossier.reference}/indicateurs/")
    worker.check("indicateurs")
    assert "Délai médian" in page.inner_text("main")
    worker.goto(f"/menages/projet/{dossier.reference}/bilans/")
    worker.check("bilans")
    worker.goto(f"/menages/{reference}/plan/")
    worker.check("plan")
    worker.close()
    assert SupportEpisode.objects.count() == 6
