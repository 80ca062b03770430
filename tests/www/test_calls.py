"""The national level manages the calls and their rules on the platform."""

import pytest
from django.urls import reverse

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status

pytestmark = pytest.mark.django_db

DATA = {"title": "Appel à projets 2027", "year": "2027", "opens_on": "2027-01-01", "closes_on": "2027-03-31",
        "envelope_eur": "1000000", "project_cap_eur": "100000", "min_duration_months": "12",
        "max_duration_months": "24", "national_target": "500",
        "required_documents": "Statuts\nBudget prévisionnel\n\nstatuts\nRIB"}  # fmt: skip


def test_the_committee_creates_a_call_with_its_rules(login, cast):
    client = login(cast.committee)
    assert "Appels à projets" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("calls:create"), DATA)
    assert response.status_code == 302, response.content.decode()
    call = Call.objects.get(slug="appel-a-projets-2027")
    assert (call.project_cap_eur, call.max_duration_months, call.national_target) == (100000, 24, 500)
    # Blank lines and repeated labels are dropped; the order is kept.
    assert list(call.required_documents.values_list("label", flat=True)) == [
        "Statuts",
        "Budget prévisionnel",
        "RIB",
    ]
    listing = client.get(reverse("calls:list")).content.decode()
    assert "Appel à projets 2027" in listing


def test_bad_rules_are_refused_in_french_and_nothing_is_written(login, cast):
    client = login(cast.committee)
    response = client.post(
        reverse("calls:create"), {**DATA, "project_cap_eur": "2000000", "min_duration_months": "30"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le plafond par projet dépasse l&#x27;enveloppe." in html
    assert "La durée minimale dépasse la durée maximale." in html
    assert not Call.objects.filter(year=2027).exists()


def test_editing_a_call_changes_the_rules_the_dossiers_are_checked_against(login, cast):
    call = cast.dossier.call
    client = login(cast.committee)
    page = client.get(reverse("calls:edit", args=[call.slug])).content.decode()
    assert "Pièces obligatoires" in page
    data = {**DATA, "title": call.title, "year": str(call.year), "opens_on": call.opens_on.isoformat(),
            "closes_on": call.closes_on.isoformat(), "required_documents": "Convention bailleur–association"}  # fmt: skip
    assert client.post(reverse("calls:edit", args=[call.slug]), data).status_code == 302
    call.refresh_from_db()
    assert call.max_duration_months == 24 and call.slug != "appel-a-projets-2027"
    carrier = login(cast.carrier)
    html = carrier.get(reverse("dossiers:detail", args=[cast.dossier.reference])).content.decode()
    assert "Règle « pièces obligatoires » : joignez la pièce « Convention bailleur–association »" in html
    carrier.post(reverse("dossiers:submit", args=[cast.dossier.reference]), {"attested": "on"})
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DRAFT
    # Declaring the file as the required piece lets the dossier go.
    upload = {"file": _pdf(), "required_document": str(call.required_documents.get().pk)}
    assert (
        carrier.post(reverse("dossiers:attachments", args=[cast.dossier.reference]), upload).status_code
        == 302
    )
    carrier.post(reverse("dossiers:submit", args=[cast.dossier.reference]), {"attested": "on"})
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.SUBMITTED
    assert services.granted_total(call) == 0


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
