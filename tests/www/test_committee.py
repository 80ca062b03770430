"""The national committee: opinions side by side, envelope / granted / remaining, decisions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CommitteeDecision
from tests import factories

from .conftest import advance

pytestmark = pytest.mark.django_db


def test_committee_page_shows_awaiting_dossiers_with_both_opinions(login, cast):
    advance(cast, Status.COMMITTEE)
    response = login(cast.committee).get(reverse("committee:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bail glissant Orléans" in html
    assert "Avis départemental" in html and "Projet pertinent" in html
    assert "Avis régional" in html and "Favorable" in html
    row = response.context["envelopes"][0]
    assert row["envelope"] == Decimal("5000000") and row["granted"] == 0 and row["waiting"] == 1


def test_decision_updates_granted_and_remaining(login, cast, django_capture_on_commit_callbacks, mailoutbox):
    advance(cast, Status.COMMITTEE)
    client = login(cast.committee)
    url = reverse("committee:decide", args=[cast.dossier.reference])
    assert "Reste" in client.get(url).content.decode() or "reste" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"selected": "yes", "amount_granted_eur": "120000", "conditions": "Bilan à 6 mois"}
        )
    assert response.status_code == 302
    decision = CommitteeDecision.objects.get()
    assert decision.selected and decision.amount_granted_eur == Decimal("120000")
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.SELECTED
    row = client.get(reverse("committee:index")).context["envelopes"][0]
    assert row["granted"] == Decimal("120000") and row["remaining"] == Decimal("4880000")
    assert cast.carrier.email in [address for message in mailoutbox for address in message.to]
    again = client.post(url, {"selected": "yes", "amount_granted_eur": "1"}, follow=True)
    assert "déjà été enregistrée" in again.content.decode()
    assert CommitteeDecision.objects.count() == 1


def test_selected_needs_an_amount_within_the_cap(login, cast):
    advance(cast, Status.COMMITTEE)
    client = login(cast.committee)
    url = reverse("committee:decide", args=[cast.dossier.reference])
    response = client.post(url, {"selected": "yes"})
    assert "Indiquez le montant accordé" in response.content.decode()
    response = client.post(url, {"selected": "yes", "amount_granted_eur": "250000"})
    assert "dépasse le plafond" in response.content.decode()
    assert not CommitteeDecision.objects.exists()


def test_not_selected(login, cast):
    advance(cast, Status.COMMITTEE)
    login(cast.committee).post(reverse("committee:decide", args=[cast.dossier.reference]), {"selected": "no"})
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.NOT_SELECTED


def test_envelope_cannot_be_exceeded(login, cast):
    call = factories.CallFactory(envelope_eur=Decimal("100000"), project_cap_eur=Decimal("80000"))
    first = factories.DossierFactory(carrier=cast.landlord, call=call)
    second = factories.DossierFactory(carrier=cast.landlord, call=call)
    advance(cast, Status.SELECTED, dossier=first)  # 50 000 granted
    advance(cast, Status.COMMITTEE, dossier=second)
    response = login(cast.committee).post(
        reverse("committee:decide", args=[second.reference]),
        {"selected": "yes", "amount_granted_eur": "60000"},
    )
    assert "reste de l&#x27;enveloppe" in response.content.decode()


def test_only_the_committee_sees_the_committee_page(login, cast):
    assert login(cast.dept).get(reverse("committee:index")).status_code == 403
    assert login(cast.carrier).get(reverse("committee:index")).status_code == 403
