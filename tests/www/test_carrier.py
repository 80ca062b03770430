"""Carriers: create a dossier, fill it section by section, submit, follow, withdraw, resubmit."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import CostKind, Status
from logement_accompagne.dossiers.models import Dossier, Transition
from logement_accompagne.dossiers.sections import SECTIONS
from tests import factories

from .conftest import advance

pytestmark = pytest.mark.django_db


def section_url(dossier, slug):
    return reverse("dossiers:edit_section", args=[dossier.reference, slug])


def current_form_data(client, dossier, slug) -> dict:
    """What the browser would post back for a section, unchanged (read from the rendered form's initial)."""
    response = client.get(section_url(dossier, slug))
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is not None:
            data[name] = str(value)
    for formset in (response.context.get("costs"), response.context.get("cofunding")):
        if formset is None:
            continue
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
                f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
            }
        )
        for row in formset.forms:
            for name in row.fields:
                value = row[name].value()
                if value not in (None, False, ""):
                    data[row.add_prefix(name)] = str(value)
    return data


def test_new_dossier_page_offers_open_calls_only_and_the_import_link_is_guarded(login, cast):
    factories.CallFactory(
        title="Appel clos",
        opens_on=timezone.localdate() - datetime.timedelta(days=400),
        closes_on=timezone.localdate() - datetime.timedelta(days=300),
    )
    response = login(cast.carrier).get(reverse("dossiers:create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert cast.dossier.call.title in html
    assert "Appel clos" not in html


def test_carrier_creates_a_dossier_on_an_open_call(login, cast):
    client = login(cast.carrier)
    response = client.post(
        reverse("dossiers:create"),
        {"call": cast.dossier.call.pk, "organisation": cast.landlord.pk, "name": "Nouveau projet"},
    )
    dossier = Dossier.objects.get(name="Nouveau projet")
    assert response["Location"] == section_url(dossier, "localisation")
    assert dossier.status == Status.DRAFT
    assert list(dossier.carriers.all()) == [cast.landlord]


def test_creating_on_a_closed_call_is_refused(login, cast):
    closed = factories.CallFactory(
        opens_on=timezone.localdate() - datetime.timedelta(days=400),
        closes_on=timezone.localdate() - datetime.timedelta(days=300),
    )
    response = login(cast.carrier).post(
        reverse("dossiers:create"), {"call": closed.pk, "organisation": cast.landlord.pk, "name": "X"}
    )
    assert response.status_code == 200
    assert not Dossier.objects.filter(name="X").exists()


def test_only_carriers_may_create(login, cast):
    assert login(cast.dept).get(reverse("dossiers:create")).status_code == 403


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.slug)
def test_every_section_renders_with_its_fields_and_the_version(login, cast, section):
    response = login(cast.carrier).get(section_url(cast.dossier, section.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert section.title in html
    assert 'name="version"' in html
    assert f"Étape {SECTIONS.index(section) + 1} sur {len(SECTIONS)}" in html


def test_saving_a_section_writes_through_the_service_and_goes_to_the_next(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "publics")
    data.update(households="40", dalo_eligible="no", suivant="1")
    response = client.post(section_url(cast.dossier, "publics"), data)
    assert response["Location"] == section_url(cast.dossier, "logements")
    cast.dossier.refresh_from_db()
    assert cast.dossier.households == 40 and cast.dossier.dalo_eligible == "no"
    assert cast.dossier.version == 2


def test_housing_checkboxes_map_to_the_mobilisation_columns(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "logements")
    data["mobilisation"] = ["new_supply", "low_rent_reclassification"]
    client.post(section_url(cast.dossier, "logements"), data)
    cast.dossier.refresh_from_db()
    assert cast.dossier.mobilisation == ["new_supply", "low_rent_reclassification"]


def test_localisation_sets_the_departments(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "localisation")
    data["departments"] = ["45", "18"]
    client.post(section_url(cast.dossier, "localisation"), data)
    assert sorted(cast.dossier.departments.values_list("code", flat=True)) == ["18", "45"]


def test_invalid_input_is_shown_in_french_and_nothing_is_saved(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "publics")
    data["households"] = "beaucoup"
    response = client.post(section_url(cast.dossier, "publics"), data)
    assert response.status_code == 200
    assert "Saisissez un nombre entier." in response.content.decode()
    cast.dossier.refresh_from_db()
    assert cast.dossier.version == 1


def test_cost_and_cofunding_lines_are_repeatable_rows(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "financement")
    # One existing cost line + one empty row; fill the empty row.
    data.update({"cout-1-kind": CostKind.DIAGNOSTIC, "cout-1-amount_eur": "400", "cout-1-basis": "household",
                 "cout-1-period": "once"})  # fmt: skip
    # Ask for one more co-funding row: nothing is saved, one more row is shown.
    data["ajouter_cofinancement"] = "1"
    response = client.post(section_url(cast.dossier, "financement"), data)
    assert response.status_code == 200
    assert response.context["cofunding"].total_form_count() == 3
    assert cast.dossier.cost_lines.count() == 1
    data.pop("ajouter_cofinancement")
    data.update({"cofinancement-TOTAL_FORMS": "3", "cofinancement-2-funder": "CAF", "cofinancement-2-amount_eur": "1000",
                 "cofinancement-2-status": "requested"})  # fmt: skip
    response = client.post(section_url(cast.dossier, "financement"), data)
    assert response.status_code == 302
    assert sorted(cast.dossier.cost_lines.values_list("kind", flat=True)) == ["diagnostic", "support"]
    assert sorted(cast.dossier.cofunding_lines.values_list("funder", flat=True)) == [
        "CAF",
        "Conseil départemental",
    ]


def test_a_cost_line_can_be_deleted_and_kinds_are_unique(login, cast):
    client = login(cast.carrier)
    data = current_form_data(client, cast.dossier, "financement")
    data.update({"cout-1-kind": CostKind.SUPPORT, "cout-1-amount_eur": "10"})
    response = client.post(section_url(cast.dossier, "financement"), data)
    assert "Chaque poste de coût ne peut figurer qu&#x27;une fois." in response.content.decode()
    data.pop("cout-1-kind"), data.pop("cout-1-amount_eur")
    data["cout-0-DELETE"] = "on"
    client.post(section_url(cast.dossier, "financement"), data)
    assert cast.dossier.cost_lines.count() == 0


def test_completeness_panel_lists_what_is_missing_with_links(login, cast):
    cast.dossier.partners = ""
    cast.dossier.save()
    html = login(cast.carrier).get(reverse("dossiers:detail", args=[cast.dossier.reference])).content.decode()
    assert "Complétude du dossier" in html
    assert "Les partenaires mobilisés" in html
    assert section_url(cast.dossier, "partenariat") + "#id_partners" in html


def test_two_people_editing_the_same_section_the_second_save_is_refused(login, cast):
    client = login(cast.carrier)
    stale_form = current_form_data(client, cast.dossier, "localisation")
    # Someone else, in another browser, saves the section first.
    other = Client()
    other_person = factories.carrier_user(cast.landlord, first_name="Alice", last_name="Autre")
    other.force_login(other_person)
    fresh = current_form_data(other, cast.dossier, "localisation")
    fresh["summary"] = "Résumé de l'autre personne"
    assert other.post(section_url(cast.dossier, "localisation"), fresh).status_code == 302
    # The first person now saves over the version they opened.
    stale_form["summary"] = "Mon résumé"
    stale_form["name"] = "Mon nom de projet"
    response = client.post(section_url(cast.dossier, "localisation"), stale_form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce dossier a été modifié par Alice Autre depuis que vous l'avez ouvert" in html
    assert "Résumé de l&#x27;autre personne" in html  # the saved value is shown
    assert "Mon résumé" in html  # and the input is kept
    cast.dossier.refresh_from_db()
    assert cast.dossier.summary == "Résumé de l'autre personne"  # nothing overwritten
    # The kept form now carries the current version: saving again, knowingly, works.
    assert response.context["form"].data["version"] == str(cast.dossier.version)
    stale_form["version"] = str(cast.dossier.version)
    assert client.post(section_url(cast.dossier, "localisation"), stale_form).status_code == 302
    cast.dossier.refresh_from_db()
    assert cast.dossier.summary == "Mon résumé"


def test_two_people_on_different_sections_both_save(login, cast):
    client = login(cast.carrier)
    mine = current_form_data(client, cast.dossier, "partenariat")
    other = Client()
    other_person = factories.carrier_user(cast.landlord, first_name="Alice", last_name="Autre")
    other.force_login(other_person)
    theirs = current_form_data(other, cast.dossier, "publics")
    theirs["households"] = "33"
    assert other.post(section_url(cast.dossier, "publics"), theirs).status_code == 302
    mine["partners"] = "SIAO et CCAS"
    assert client.post(section_url(cast.dossier, "partenariat"), mine).status_code == 302
    cast.dossier.refresh_from_db()
    assert (cast.dossier.households, cast.dossier.partners) == (33, "SIAO et CCAS")


def test_conflict_on_the_finance_lines_is_detected(login, cast):
    client = login(cast.carrier)
    mine = current_form_data(client, cast.dossier, "financement")
    other = Client()
    other_person = factories.carrier_user(cast.landlord, first_name="Alice", last_name="Autre")
    other.force_login(other_person)
    theirs = current_form_data(other, cast.dossier, "financement")
    theirs["cofinancement-0-amount_eur"] = "7000"
    assert other.post(section_url(cast.dossier, "financement"), theirs).status_code == 302
    mine["finance_overview"] = "Plan de financement"
    response = client.post(section_url(cast.dossier, "financement"), mine)
    assert response.status_code == 200
    assert "Lignes de cofinancement" in [row["label"] for row in response.context["conflict"]]
    assert cast.dossier.cofunding_lines.get().amount_eur == 7000


def test_detail_page_shows_every_section_summary_and_history(login, cast):
    advance(cast, Status.SUBMITTED)
    response = login(cast.carrier).get(reverse("dossiers:detail", args=[cast.dossier.reference]))
    html = response.content.decode()
    for section in SECTIONS:
        assert section.title in html
    assert "Synthèse financière" in html
    assert "Historique" in html and "Brouillon → Déposé" in html
    assert "Retirer le dossier" in html


def test_submit_asks_for_confirmation_then_files_the_dossier(
    login, cast, django_capture_on_commit_callbacks, mailoutbox
):
    client = login(cast.carrier)
    url = reverse("dossiers:submit", args=[cast.dossier.reference])
    page = client.get(url)
    assert "Déposer le dossier" in page.content.decode() and "data-once" in page.content.decode()
    refused = client.post(url, {"comment": ""})
    assert "Cochez l&#x27;attestation sur l&#x27;honneur" in refused.content.decode()
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"comment": "", "attested": "on"})
    assert response["Location"] == reverse("dossiers:detail", args=[cast.dossier.reference])
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.SUBMITTED
    # The departmental instructor is told by e-mail; the carrier gets the acknowledgement and its receipt.
    assert sorted(message.to for message in mailoutbox) == sorted([[cast.dept.email], [cast.carrier.email]])
    [told] = [message for message in mailoutbox if message.to == [cast.dept.email]]
    assert "Déposé" in told.subject
    filing = cast.dossier.submissions.get()
    assert filing.attested_by == cast.carrier and filing.number == 1 and "honneur" in filing.attestation_text


def test_a_double_submit_does_one_thing(login, cast):
    client = login(cast.carrier)
    url = reverse("dossiers:submit", args=[cast.dossier.reference])
    client.post(url, {"comment": "", "attested": "on"})
    second = client.post(url, {"comment": "", "attested": "on"}, follow=True)
    assert second.status_code == 200
    assert "Ce dossier a déjà été déposé" in second.content.decode()
    assert Transition.objects.filter(dossier=cast.dossier, to_status=Status.SUBMITTED).count() == 1


def test_an_incomplete_dossier_cannot_be_submitted(login, cast):
    cast.dossier.support_method = ""
    cast.dossier.save()
    client = login(cast.carrier)
    url = reverse("dossiers:submit", args=[cast.dossier.reference])
    html = client.get(url).content.decode()
    assert "Le dossier ne peut pas encore être déposé" in html and "Il manque" in html
    response = client.post(url, {"comment": "", "attested": "on"})
    assert response.status_code == 200
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DRAFT


def test_a_submitted_dossier_can_no_longer_be_edited(login, cast):
    advance(cast, Status.SUBMITTED)
    response = login(cast.carrier).get(section_url(cast.dossier, "publics"), follow=True)
    assert "Impossible pour l&#x27;instant" in response.content.decode()


def test_returned_dossier_shows_the_request_and_can_be_resubmitted(login, cast):
    advance(cast, Status.RETURNED)
    client = login(cast.carrier)
    html = client.get(reverse("dossiers:detail", args=[cast.dossier.reference])).content.decode()
    assert "Des compléments vous sont demandés" in html and "Compléter le budget." in html
    assert "Redéposer le dossier" in html
    # Edit then resubmit.
    data = current_form_data(client, cast.dossier, "financement")
    data["finance_overview"] = "Budget complété."
    assert client.post(section_url(cast.dossier, "financement"), data).status_code == 302
    response = client.post(
        reverse("dossiers:resubmit", args=[cast.dossier.reference]), {"comment": "Voilà", "attested": "on"}
    )
    assert response.status_code == 302
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DEPARTMENTAL_REVIEW
    again = client.post(reverse("dossiers:resubmit", args=[cast.dossier.reference]), {}, follow=True)
    assert "déjà été redéposé" in again.content.decode()


def test_withdraw_with_confirmation(login, cast):
    advance(cast, Status.SUBMITTED)
    client = login(cast.carrier)
    url = reverse("dossiers:withdraw", args=[cast.dossier.reference])
    assert "Retirer définitivement le dossier" in client.get(url).content.decode()
    client.post(url, {"comment": "Projet abandonné"})
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.WITHDRAWN
    again = client.post(url, {}, follow=True)
    assert "déjà été retiré" in again.content.decode()


def test_carrier_list_is_paginated_and_only_shows_own_dossiers(login, cast):
    factories.DossierFactory(carrier=cast.other_landlord, name="Dossier des autres")
    html = login(cast.carrier).get(reverse("dossiers:list")).content.decode()
    assert "Bail glissant Orléans" in html
    assert "Dossier des autres" not in html


def test_carrier_sees_the_opinions_only_once_the_committee_has_decided(login, cast):
    advance(cast, Status.COMMITTEE)
    url = reverse("dossiers:detail", args=[cast.dossier.reference])
    assert "Avis des services instructeurs" not in login(cast.carrier).get(url).content.decode()
    advance(cast, Status.SELECTED, dossier=factories.DossierFactory(carrier=cast.landlord))
    services.decide(user=cast.committee, dossier=cast.dossier, selected=True, amount_granted_eur=Decimal("25000"),
                    conditions="Bilan à six mois")  # fmt: skip
    html = login(cast.carrier).get(url).content.decode()
    assert "projet retenu" in html and "25\u202f000,00\u00a0€" in html and "Bilan à six mois" in html
    assert "Avis des services instructeurs" in html and "Projet pertinent" in html


def test_a_decided_dossier_page_builds_its_review_facts_once(login, cast, monkeypatch):
    from logement_accompagne.www.dossiers import views

    advance(cast, Status.SELECTED)
    built = []
    real = views.review_facts
    monkeypatch.setattr(views, "review_facts", lambda *a, **k: built.append(k) or real(*a, **k))
    html = login(cast.carrier).get(reverse("dossiers:detail", args=[cast.dossier.reference])).content.decode()
    assert "Avis des services instructeurs" in html
    assert len(built) == 1 and built[0]["with_opinions"]
