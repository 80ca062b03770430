"""The national committee: opinions side by side, envelope / granted / remaining, decisions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from logement_accompagne.dossiers import services
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
            url, {"selected": "yes", "amount_granted_eur": "20000", "conditions": "Bilan à 6 mois"}
        )
    assert response.status_code == 302
    decision = CommitteeDecision.objects.get()
    assert decision.selected and decision.amount_granted_eur == Decimal("20000")
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.SELECTED
    row = client.get(reverse("committee:index")).context["envelopes"][0]
    assert row["granted"] == Decimal("20000") and row["remaining"] == Decimal("4980000")
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
    client = login(cast.committee)
    url = reverse("committee:decide", args=[cast.dossier.reference])
    response = client.post(
        url, {"selected": "no", "amount_granted_eur": "1000", "refusal_reason": "Hors cible"}
    )
    assert "ne reçoit pas de financement" in response.content.decode()
    response = client.post(url, {"selected": "no"})
    assert "Donnez le motif du refus" in response.content.decode()
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.COMMITTEE and not CommitteeDecision.objects.exists()
    client.post(url, {"selected": "no", "refusal_reason": "Hors cible"})
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.NOT_SELECTED
    assert CommitteeDecision.objects.get().refusal_reason == "Hors cible"
    page = login(cast.carrier).get(reverse("dossiers:detail", args=[cast.dossier.reference])).content.decode()
    assert "Motif du refus : Hors cible" in page


def test_envelope_cannot_be_exceeded(login, cast):
    call = factories.CallFactory(envelope_eur=Decimal("100000"), project_cap_eur=Decimal("80000"))
    first = factories.DossierFactory(carrier=cast.landlord, call=call)
    second = factories.DossierFactory(carrier=cast.landlord, call=call)
    advance(cast, Status.COMMITTEE, dossier=second)
    client = login(cast.committee)
    url = reverse("committee:decide", args=[second.reference])
    assert client.get(url).context["money"]["remaining"] == Decimal("100000")
    advance(cast, Status.SELECTED, dossier=first)  # 25 000 granted meanwhile, from another page
    response = client.post(url, {"selected": "yes", "amount_granted_eur": "80000",
                                 "above_request_confirmed": "on", "above_request_reason": "Public élargi"})  # fmt: skip
    html = response.content.decode()
    # The refusal says what is left now, and the page shows it too.
    assert "reste de l&#x27;enveloppe de l&#x27;appel : 75\u202f000,00\u00a0€ à cet instant" in html
    assert response.context["money"]["remaining"] == Decimal("75000")
    second.refresh_from_db()
    assert second.status == Status.COMMITTEE


def test_a_grant_above_the_request_asks_for_confirmation_and_reason(login, cast):
    advance(cast, Status.COMMITTEE)  # 30 000 € requested
    client = login(cast.committee)
    url = reverse("committee:decide", args=[cast.dossier.reference])
    response = client.post(url, {"selected": "yes", "amount_granted_eur": "35000"})
    assert "dépasse le montant demandé" in response.content.decode()
    assert not CommitteeDecision.objects.exists()
    client.post(url, {"selected": "yes", "amount_granted_eur": "35000", "above_request_confirmed": "on",
                      "above_request_reason": "Dix ménages de plus"})  # fmt: skip
    assert CommitteeDecision.objects.get().above_request_reason == "Dix ménages de plus"


def test_the_committee_corrects_a_decision_through_the_page(login, cast):
    advance(cast, Status.SELECTED)
    client = login(cast.committee)
    detail = reverse("dossiers:detail", args=[cast.dossier.reference])
    assert "Corriger la décision" in client.get(detail).content.decode()
    url = reverse("committee:reopen", args=[cast.dossier.reference])
    assert "pourquoi" in client.post(url, {"reason": ""}).content.decode().lower()
    response = client.post(url, {"reason": "Montant mal saisi"})
    assert response["Location"] == reverse("committee:decide", args=[cast.dossier.reference])
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.COMMITTEE
    assert "version 2" in client.get(response["Location"]).content.decode()
    client.post(response["Location"], {"selected": "yes", "amount_granted_eur": "20000"})
    versions = list(
        CommitteeDecision.objects.order_by("version").values_list("version", "amount_granted_eur")
    )
    assert versions == [(1, Decimal("25000")), (2, Decimal("20000"))]
    page = login(cast.carrier).get(detail).content.decode()
    assert "décision corrigée, version 2" in page and "Montant mal saisi" in page


def test_carriers_read_the_opinions_once_the_committee_has_decided(login, cast):
    advance(cast, Status.COMMITTEE)
    detail = reverse("dossiers:detail", args=[cast.dossier.reference])
    assert "Projet pertinent" not in login(cast.carrier).get(detail).content.decode()
    services.decide(
        user=cast.committee, dossier=cast.dossier, selected=True, amount_granted_eur=Decimal("1000")
    )
    page = login(cast.carrier).get(detail).content.decode()
    assert "Avis départemental" in page and "Projet pertinent" in page and "Avis régional" in page


def test_only_the_committee_sees_the_committee_page(login, cast):
    assert login(cast.dept).get(reverse("committee:index")).status_code == 403
    assert login(cast.carrier).get(reverse("committee:index")).status_code == 403
