"""What a review of the first version found, each kept from coming back."""

import copy
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.attachments import Refused, detect, stored_name
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.imports.services import create_draft_from_canonical
from logement_accompagne.organisations.models import Organisation
from tests import factories

from .conftest import advance
from .test_canonical import FULL_DOCUMENT

pytestmark = pytest.mark.django_db


def test_opinions_copied_from_a_document_do_not_stand_for_the_review(cast):
    dossier = create_draft_from_canonical(copy.deepcopy(FULL_DOCUMENT), call=cast.dossier.call)
    assert dossier.departmental_opinions.get().imported and dossier.regional_opinions.get().imported
    dossier.carrier_links.create(organisation=cast.landlord, role="landlord")
    dossier.departments.set(["45"])
    services.submit(user=cast.carrier, dossier=dossier, attested=True)
    services.start_departmental_review(user=cast.dept, dossier=dossier)
    with pytest.raises(InvalidTransition, match="avis départemental"):
        services.forward_to_region(user=cast.dept, dossier=dossier)


def test_a_filed_dossier_cannot_move_to_another_territory(cast):
    dossier = advance(cast, Status.REGIONAL_REVIEW)
    services.return_for_completion(user=cast.region, dossier=dossier, message="Compléter")
    dossier.refresh_from_db()
    with pytest.raises(ValidationError, match="ne peut plus changer"):
        services.update_dossier(user=cast.carrier, dossier=dossier, expected_version=dossier.version,
                                values={}, department_codes=["75"])  # fmt: skip
    services.update_dossier(user=cast.carrier, dossier=dossier, expected_version=dossier.version,
                            values={"partners": "SIAO"}, department_codes=["45"])  # fmt: skip
    assert list(dossier.departments.values_list("code", flat=True)) == ["45"]


def test_service_refuses_bad_lines_and_normalises_values(cast):
    dossier = cast.dossier
    with pytest.raises(ValidationError):
        services.update_dossier(user=cast.carrier, dossier=dossier, expected_version=dossier.version, values={},
                                cost_lines=[{"kind": "bogus", "amount_eur": Decimal("1")}])  # fmt: skip
    with pytest.raises(ValidationError):
        services.update_dossier(user=cast.carrier, dossier=dossier, expected_version=dossier.version, values={},
                                cofunding_lines=[{"funder": "CD", "status": "nope"}])  # fmt: skip
    assert dossier.cost_lines.count() == 1  # nothing half-written
    updated = services.update_dossier(user=cast.carrier, dossier=dossier, expected_version=dossier.version,
                                      values={"summary": None, "name": "Projet\nBcc: x@exemple.fr"})  # fmt: skip
    assert updated.summary == "" and updated.name == "Projet Bcc: x@exemple.fr"


def test_a_name_shared_by_two_organisations_is_never_guessed(cast):
    first = factories.OrganisationFactory(name="Solidarité Logement (Gironde)", kind="association")
    second = factories.OrganisationFactory(name="Solidarité Logement (Loiret)", kind="association")
    document = copy.deepcopy(FULL_DOCUMENT)
    document["carriers"]["organisations"] = [{"name": "Solidarité Logement", "kind": "association"}]
    dossier = create_draft_from_canonical(document, call=cast.dossier.call)
    attached = dossier.carrier_links.get().organisation
    assert attached not in (first, second) and attached.needs_review


def test_the_imported_original_is_typed_by_its_content(cast):
    dossier = create_draft_from_canonical(
        copy.deepcopy(FULL_DOCUMENT), call=cast.dossier.call,
        original_file=("projet.html", b"<script>alert(1)</script>"),
    )  # fmt: skip
    assert dossier.attachments.get().content_type == "text/plain; charset=utf-8"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


WORD_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'wordprocessingml.document.main+xml"/></Types>'
)


def test_a_zip_only_pretending_to_be_word_is_refused():
    with pytest.raises(Refused):
        detect(_zip({"[Content_Types].xml": WORD_TYPES, "setup.exe": b"MZ" + b"\0" * 100}))
    with pytest.raises(Refused):
        detect(_zip({"[Content_Types].xml": WORD_TYPES, "word/document.xml": b"<w/>", "setup.exe": b"MZ"}))
    word = detect(
        _zip({"[Content_Types].xml": WORD_TYPES, "word/document.xml": b"<w/>", "_rels/.rels": b"<r/>"})
    )
    assert word.extension == "docx"


def test_an_attachment_keeps_the_extension_of_what_it_is():
    pdf = detect(b"%PDF-1.4\n%%EOF\n")
    assert stored_name("facture.pdf.zip", pdf) == "facture.pdf.pdf"
    assert stored_name("../../etc/budget.html", detect(b"<script>")) == "budget.txt"
    assert stored_name("", pdf) == "fichier.pdf"


def test_organisation_name_key_is_kept_in_step_with_the_name():
    organisation = factories.OrganisationFactory(name="Logem Loiret (OPH)")
    organisation.name = "Habitat Loiret"
    organisation.save(update_fields=["name"])
    assert Organisation.objects.get(pk=organisation.pk).name_key == "habitatloiret"
