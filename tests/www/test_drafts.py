"""No lost typing (issue #7, item 9): the section page saves drafts automatically, server-side,
through the same service and conflict rule as its « Enregistrer » button, and says when it saved."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from logement_accompagne.dossiers.enums import Status
from tests import factories

from .conftest import advance
from .test_carrier import current_form_data, section_url

pytestmark = pytest.mark.django_db


def autosave_url(dossier, slug):
    return reverse("dossiers:autosave_section", args=[dossier.reference, slug])


def test_a_draft_is_saved_automatically_and_the_page_can_go_on_saving(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "partenariat")
    data["partners"] = "SIAO, CCAS et bailleurs"
    response = client.post(autosave_url(cast.dossier, "partenariat"), data)
    assert response.status_code == 200
    answer = response.json()
    assert answer["saved"] is True
    assert re.fullmatch(r"Enregistré à \d\d:\d\d", answer["message"])
    cast.dossier.refresh_from_db()
    assert cast.dossier.partners == "SIAO, CCAS et bailleurs"
    assert answer["version"] == cast.dossier.version
    # The page takes the new version and fingerprint: its next save (automatic or by the button)
    # is not mistaken for someone else's change.
    data.update(version=str(answer["version"]), fingerprint=answer["fingerprint"], partners="SIAO seul")
    second = client.post(autosave_url(cast.dossier, "partenariat"), data).json()
    assert second["saved"] is True
    data.update(version=str(second["version"]), fingerprint=second["fingerprint"], partners="SIAO et CCAS")
    assert client.post(section_url(cast.dossier, "partenariat"), data).status_code == 302
    cast.dossier.refresh_from_db()
    assert cast.dossier.partners == "SIAO et CCAS"


def test_the_finance_section_with_its_lines_is_saved_automatically(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "financement")
    data["cofinancement-0-funder"] = "Conseil départemental"
    data["cofinancement-0-amount_eur"] = "6000"
    assert client.post(autosave_url(cast.dossier, "financement"), data).json()["saved"] is True
    assert cast.dossier.cofunding_lines.get().amount_eur == 6000


def test_an_automatic_save_never_overwrites_someone_elses_change(login, cast):
    client = login(cast.carrier)
    mine = current_form_data(client, cast.dossier, "localisation")
    other = Client()
    other.force_login(factories.carrier_user(cast.landlord, first_name="Alice", last_name="Autre"))
    theirs = current_form_data(other, cast.dossier, "localisation")
    theirs["summary"] = "Résumé d'Alice"
    assert other.post(section_url(cast.dossier, "localisation"), theirs).status_code == 302
    mine["summary"] = "Mon résumé"
    response = client.post(autosave_url(cast.dossier, "localisation"), mine)
    assert response.status_code == 409
    answer = response.json()
    assert answer["saved"] is False and answer["conflict"] is True
    assert "modifié par Alice Autre" in answer["message"]
    cast.dossier.refresh_from_db()
    assert cast.dossier.summary == "Résumé d'Alice"


def test_an_invalid_input_is_not_saved_and_the_page_says_so(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "publics")
    data["households"] = "beaucoup"
    before = cast.dossier.households
    response = client.post(autosave_url(cast.dossier, "publics"), data)
    assert response.status_code == 422
    assert "non enregistré" in response.json()["message"]
    cast.dossier.refresh_from_db()
    assert cast.dossier.households == before


def test_a_filed_dossier_is_not_saved_automatically(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "partenariat")
    advance(cast, Status.SUBMITTED)
    data["partners"] = "Changé après le dépôt"
    response = client.post(autosave_url(cast.dossier, "partenariat"), data)
    assert response.status_code == 409
    assert "Déposé" in response.json()["message"]
    cast.dossier.refresh_from_db()
    assert cast.dossier.partners != "Changé après le dépôt"


def test_the_section_page_loads_the_draft_script_and_says_when_it_last_saved(login, cast):
    html = login(cast.carrier).get(section_url(cast.dossier, "publics")).content.decode()
    assert "www/js/drafts" in html
    assert f'data-autosave-url="{autosave_url(cast.dossier, "publics")}"' in html
    assert re.search(r"Dernier enregistrement du dossier le \d\d/\d\d/\d{4} à \d\d:\d\d", html)
    assert "<script>" not in html  # no inline script: the strict CSP forbids it
