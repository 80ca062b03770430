"""The call's rules are data on the call, enforced at submission (and some at decision), each
refusal naming its rule in French; the attestation sur l'honneur is recorded with who and when."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from logement_accompagne.calls.models import RequiredDocument
from logement_accompagne.dossiers import checks, services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.permissions import InvalidTransition

from .conftest import advance

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def refusal(cast) -> str:
    with pytest.raises(InvalidTransition) as refused:
        services.submit(user=cast.carrier, dossier=cast.dossier, attested=True)
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DRAFT and not cast.dossier.submissions.exists()
    return str(refused.value)


@pytest.mark.parametrize(("months", "refused"), [(11, True), (12, False), (36, False), (37, True)])
def test_duration_outside_the_calls_limits_is_refused(cast, months, refused):
    cast.dossier.duration_months = months
    cast.dossier.save()
    if refused:
        assert "Règle « durée des engagements »" in refusal(cast) and "12 à 36 mois" in refusal(cast)
    else:
        services.submit(user=cast.carrier, dossier=cast.dossier, attested=True)


def test_requested_amount_above_the_cap_is_refused(cast):
    cast.dossier.requested_amount_eur = Decimal("200000.01")
    cast.dossier.save()
    assert "Règle « plafond par projet »" in refusal(cast)
    cast.dossier.requested_amount_eur = Decimal("200000")
    cast.dossier.save()
    services.submit(user=cast.carrier, dossier=cast.dossier, attested=True)


def test_requested_amount_missing_is_refused(cast):
    cast.dossier.requested_amount_eur = None
    cast.dossier.save()
    assert "Règle « montant demandé »" in refusal(cast)


def test_required_documents_of_the_call_must_be_attached(cast):
    call = cast.dossier.call
    statuts = RequiredDocument.objects.create(call=call, label="Statuts", position=0)
    rib = RequiredDocument.objects.create(call=call, label="RIB", position=1)
    message = refusal(cast)
    assert "joignez la pièce « Statuts »" in message and "« RIB »" in message
    # A file not declared as the required piece does not count.
    services.add_attachment(user=cast.carrier, dossier=cast.dossier, name="statuts.pdf", content=PDF,
                            content_type="application/pdf")  # fmt: skip
    services.add_attachment(user=cast.carrier, dossier=cast.dossier, name="statuts.pdf", content=PDF,
                            content_type="application/pdf", required_document=statuts)  # fmt: skip
    message = refusal(cast)
    assert "Statuts" not in message and "RIB" in message
    services.add_attachment(user=cast.carrier, dossier=cast.dossier, name="rib.pdf", content=PDF,
                            content_type="application/pdf", required_document=rib)  # fmt: skip
    services.submit(user=cast.carrier, dossier=cast.dossier, attested=True)


def test_a_required_document_of_another_call_is_refused(cast):
    from tests import factories

    other = RequiredDocument.objects.create(call=factories.CallFactory(), label="Statuts")
    with pytest.raises(ValidationError, match="pas celle de l'appel"):
        services.add_attachment(user=cast.carrier, dossier=cast.dossier, name="s.pdf", content=PDF,
                                content_type="application/pdf", required_document=other)  # fmt: skip


def test_the_completeness_panel_lists_the_rules_with_their_names(cast):
    cast.dossier.duration_months = 48
    cast.dossier.requested_amount_eur = None
    cast.dossier.summary = ""
    cast.dossier.save()
    RequiredDocument.objects.create(call=cast.dossier.call, label="Budget prévisionnel")
    items = checks.completeness(cast.dossier)
    assert [item.rule for item in items] == [
        "",
        "durée des engagements",
        "montant demandé",
        "pièces obligatoires",
    ]


def test_submission_after_the_closing_date_is_refused(cast):
    call = cast.dossier.call
    call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    call.save()
    message = refusal(cast)
    assert "Règle « date de clôture »" in message and f"{call.closes_on:%d/%m/%Y}" in message


def test_the_attestation_is_required_and_recorded_with_who_and_when(cast):
    with pytest.raises(ValidationError, match="attestation sur l'honneur"):
        services.submit(user=cast.carrier, dossier=cast.dossier)
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DRAFT
    before = timezone.now()
    services.submit(user=cast.carrier, dossier=cast.dossier, attested=True)
    filing = cast.dossier.submissions.get()
    assert filing.attested_by == cast.carrier and filing.attested_at >= before
    assert filing.attestation_text.startswith("J'atteste sur l'honneur")


def test_resubmission_is_attested_again_and_numbered(cast):
    dossier = advance(cast, Status.RETURNED)
    with pytest.raises(ValidationError):
        services.resubmit(user=cast.carrier, dossier=dossier)
    services.resubmit(user=cast.carrier, dossier=dossier, attested=True)
    assert list(dossier.submissions.values_list("number", flat=True)) == [1, 2]


def test_a_returned_dossier_must_also_respect_the_rules_to_come_back(cast):
    dossier = advance(cast, Status.RETURNED)
    services.update_dossier(user=cast.carrier, dossier=dossier, expected_version=dossier.version,
                            values={"duration_months": 60})  # fmt: skip
    with pytest.raises(InvalidTransition, match="durée des engagements"):
        services.resubmit(user=cast.carrier, dossier=dossier, attested=True)
