"""An import never attaches an organisation on a name match: it proposes it, the person confirms, and
the organisation is invited like any co-carrier. Warnings for a possible duplicate and a document
placed outside the carrier's department."""

import pytest

from logement_accompagne.dossiers.models import CarrierInvitation, Dossier
from logement_accompagne.dossiers.selectors import dossiers_visible_to
from tests import factories

from .test_import_views import FORM_TEXT, _confirm_data, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def carrier(db):
    factories.CallFactory(slug="aap-ouvert")
    return factories.carrier_user(factories.OrganisationFactory(name="Logem Test", kind="oph"))


def test_a_named_organisation_is_proposed_then_invited_never_attached(client, carrier):
    ahu = factories.OrganisationFactory(name="Association AHU", kind="association")
    ahu_member = factories.carrier_user(ahu)
    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    page = client.get(response.url)
    html = page.content.decode()
    assert "Inviter comme co-porteurs" in html and "Association AHU — Association (Loiret (45))" in html
    # Confirmed without ticking it: neither attached nor invited.
    client.post(response.url, _confirm_data(page))
    dossier = Dossier.objects.get()
    assert [link.organisation for link in dossier.carrier_links.all()] == [
        carrier.memberships.get().organisation
    ]
    assert not CarrierInvitation.objects.exists()
    assert not dossiers_visible_to(ahu_member).filter(pk=dossier.pk).exists()


def test_a_confirmed_proposal_sends_the_invitation_and_nothing_is_shared_before(client, carrier):
    ahu = factories.OrganisationFactory(name="Association AHU", kind="association")
    ahu_member = factories.carrier_user(ahu)
    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    page = client.get(response.url)
    confirmed = client.post(response.url, {**_confirm_data(page), "co_carriers": [ahu.pk]}, follow=True)
    assert "Invitation envoyée à « Association AHU »" in confirmed.content.decode()
    dossier = Dossier.objects.get()
    invitation = CarrierInvitation.objects.get()
    assert (invitation.organisation, invitation.state, invitation.from_import) == (ahu, "pending", True)
    assert not dossier.carrier_links.filter(organisation=ahu).exists()
    assert not dossiers_visible_to(ahu_member).filter(pk=dossier.pk).exists()


def test_an_organisation_of_another_name_cannot_be_slipped_in(client, carrier):
    stranger = factories.OrganisationFactory(name="Bailleur étranger", kind="esh")
    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    page = client.get(response.url)
    client.post(response.url, {**_confirm_data(page), "co_carriers": [stranger.pk]})
    assert not CarrierInvitation.objects.exists()  # not among the proposals: the choice is refused


def test_possible_duplicate_and_department_are_warned(client, carrier):
    organisation = carrier.memberships.get().organisation
    old_call = factories.CallFactory(slug="aap-2016", title="Appel 2016")
    factories.DossierFactory(carrier=organisation, call=old_call, name="Prévenir les impayés")
    organisation.department = factories.department("18")
    organisation.save()
    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    page = client.get(response.url)
    html = page.content.decode()
    assert "Doublon possible" in html and "Prévenir les impayés" in html and "Appel 2016" in html
    assert "dans le département 45, alors que « Logem Test » est rattachée au département 18" in html
    confirmed = client.post(response.url, _confirm_data(page), follow=True)
    assert "Doublon possible" in confirmed.content.decode()  # said again on the new draft


def test_no_warning_for_an_unrelated_name(client, carrier):
    organisation = carrier.memberships.get().organisation
    factories.DossierFactory(carrier=organisation, name="Habitat inclusif à Gien")
    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    html = client.get(response.url).content.decode()
    assert "Doublon possible" not in html and "Avant de créer le brouillon" not in html


def test_creating_a_dossier_on_the_web_warns_of_a_close_name(client, cast):
    from django.urls import reverse

    client.force_login(cast.carrier)
    response = client.post(
        reverse("dossiers:create"),
        {"call": cast.dossier.call.pk, "organisation": cast.landlord.pk, "name": "Bail glissant d'Orléans"},
        follow=True,
    )
    html = response.content.decode()
    assert "Doublon possible" in html and "Bail glissant Orléans" in html
