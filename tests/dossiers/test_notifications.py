"""Notifications that help: each e-mail names the dossier, says what happened and links to its page;
a filing is acknowledged with a PDF receipt; the decision is posted in the thread; the header's
notification centre counts what is new since the last visit."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.timezone import localtime
from pypdf import PdfReader

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import ATTESTATION_TEXT
from tests.lifecycle import advance

SITE = "https://logement-accompagne.example.gouv.fr"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def plain(text: str) -> str:
    """Narrow and ordinary no-break spaces read as spaces (French amounts: « 1 440,00 € »)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def mails_to(mailoutbox, user):
    return [message for message in mailoutbox if message.to == [user.email]]


def test_decision_mail_says_amount_conditions_and_links(cast, mailoutbox, django_capture_on_commit_callbacks):
    advance(cast, Status.COMMITTEE)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(user=cast.committee, dossier=cast.dossier, selected=True, amount_granted_eur=Decimal("1440"),
                        conditions="Bilan à six mois transmis à la DDETS.")  # fmt: skip
    [mail] = mails_to(mailoutbox, cast.carrier)
    body = plain(mail.body)
    assert "Bail glissant Orléans" in mail.subject and cast.dossier.short_reference in mail.subject
    assert "projet retenu, pour un montant de 1 440,00 €" in body
    assert "Conditions : Bilan à six mois transmis à la DDETS." in body
    assert f"{SITE}/dossiers/{cast.dossier.reference}/" in body


def test_refusal_mail_gives_the_reason(cast, mailoutbox, django_capture_on_commit_callbacks):
    advance(cast, Status.COMMITTEE)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(user=cast.committee, dossier=cast.dossier, selected=False,
                        refusal_reason="Enveloppe régionale épuisée.")  # fmt: skip
    [mail] = mails_to(mailoutbox, cast.carrier)
    assert "projet non retenu" in mail.body and "Motif : Enveloppe régionale épuisée." in mail.body


def test_the_decision_is_posted_in_the_thread(cast):
    advance(cast, Status.COMMITTEE)
    services.decide(user=cast.committee, dossier=cast.dossier, selected=True, amount_granted_eur=Decimal("30000"),
                    conditions="Aucune visite hors Loiret.")  # fmt: skip
    message = cast.dossier.messages.get()
    assert message.author == cast.committee
    assert "30 000,00 €" in plain(message.body) and "Aucune visite hors Loiret." in message.body


def test_every_transition_mail_names_the_dossier_and_links(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        advance(cast, Status.REGIONAL_REVIEW)
    assert mailoutbox
    for mail in mailoutbox:
        assert "Bail glissant Orléans" in mail.subject, mail.subject
        assert cast.dossier.short_reference in mail.body
        assert f"{SITE}/dossiers/{cast.dossier.reference}/" in mail.body


def test_filing_is_acknowledged_with_a_pdf_receipt(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(user=cast.carrier, dossier=cast.dossier, attested=True)
    [mail] = mails_to(mailoutbox, cast.carrier)
    assert "Accusé de réception" in mail.subject and "Camille Porteur" in mail.body
    [(name, content, content_type)] = mail.attachments
    assert content_type == "application/pdf" and name.endswith(".pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)
    submission = cast.dossier.submissions.get()
    assert "Récépissé de dépôt" in text
    assert "Bail glissant Orléans" in text and cast.dossier.short_reference in text
    assert f"{localtime(submission.attested_at):%d/%m/%Y}" in text
    assert "Camille Porteur" in text and cast.carrier.email in text
    assert " ".join(ATTESTATION_TEXT.split()) in text


def test_resubmission_is_acknowledged_too(cast, mailoutbox, django_capture_on_commit_callbacks):
    advance(cast, Status.RETURNED)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.resubmit(user=cast.carrier, dossier=cast.dossier, attested=True)
    [mail] = mails_to(mailoutbox, cast.carrier)
    assert "Accusé de réception" in mail.subject and "dépôt n° 2" in mail.body


def test_notification_centre_counts_what_is_new_since_the_last_visit(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.dept)
    home = client.get(reverse("home")).content.decode()
    assert "www-count" not in home  # nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        advance(cast, Status.SUBMITTED)
    home = client.get(reverse("home")).content.decode()
    assert (
        '<span class="fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon fr-ml-1w www-count" aria-hidden="true">1</span>'
        in home
    )
    centre = client.get(reverse("organisations:notifications")).content.decode()
    assert "1 nouvelle notification depuis votre dernière visite" in centre
    assert "Bail glissant Orléans" in centre and f'href="/dossiers/{cast.dossier.reference}/"' in centre
    assert "www-count" not in client.get(reverse("home")).content.decode()  # seen
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(user=cast.carrier, dossier=cast.dossier, body="Budget joint.")
    assert "www-count" in client.get(reverse("home")).content.decode()
    centre = client.get(reverse("organisations:notifications")).content.decode()
    assert "1 nouvelle notification" in centre and "Budget joint." in centre


def test_the_receipt_is_downloadable_from_the_dossier_page(client, cast):
    services.submit(user=cast.carrier, dossier=cast.dossier, attested=True)
    client.force_login(cast.carrier)
    page = client.get(reverse("dossiers:detail", args=[cast.dossier.reference])).content.decode()
    url = reverse("dossiers:receipt", args=[cast.dossier.reference, 1])
    assert f'href="{url}"' in page and "Récépissé du dépôt n° 1" in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Récépissé de dépôt" in text and cast.dossier.short_reference in text
    assert client.get(reverse("dossiers:receipt", args=[cast.dossier.reference, 2])).status_code == 404
