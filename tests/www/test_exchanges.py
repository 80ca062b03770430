"""Messages between carriers and instructors, attachments (checked by content), co-carriers."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from logement_accompagne.dossiers import attachments as uploads
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Attachment, Message
from tests import factories

from .conftest import advance

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>', "word/document.xml": b"<w/>"})  # fmt: skip
XLSX = zipped({"[Content_Types].xml": b'<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>', "xl/workbook.xml": b"<x/>"})  # fmt: skip
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"})


# --- messages --------------------------------------------------------------------------------


def test_thread_between_carrier_and_instructor_with_email(login, cast, django_capture_on_commit_callbacks,
                                                          mailoutbox):  # fmt: skip
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    url = reverse("dossiers:messages", args=[cast.dossier.reference])
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.dept).post(url, {"body": "Pouvez-vous préciser le nombre de logements ?"})
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[cast.carrier.email]]
    mailoutbox.clear()
    client = login(cast.carrier)
    assert "Pouvez-vous préciser" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Vingt logements."})
    assert [message.to for message in mailoutbox] == [[cast.dept.email]]
    assert list(Message.objects.values_list("body", flat=True)) == [
        "Pouvez-vous préciser le nombre de logements ?",
        "Vingt logements.",
    ]


def test_empty_message_is_refused(login, cast):
    response = login(cast.carrier).post(
        reverse("dossiers:messages", args=[cast.dossier.reference]), {"body": "  "}
    )
    assert response.status_code == 200
    assert not Message.objects.exists()


def test_message_text_is_escaped(login, cast):
    client = login(cast.carrier)
    url = reverse("dossiers:messages", args=[cast.dossier.reference])
    client.post(url, {"body": "<script>alert(1)</script>"})
    html = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# --- attachments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (DOCX, uploads.DOCX),
        (XLSX, uploads.XLSX),
        (ODT, uploads.ODT),
        ("Budget prévisionnel\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_detect_by_content(content, expected):
    assert uploads.detect(content).content_type == expected


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03" + b"\x00" * 50,  # a Windows executable
        zipped({"evil.exe": b"MZ"}),  # a zip that is no office document
        zipped({"mimetype": b"application/epub+zip"}),
        b"PK\x03\x04 broken",
        "Texte en latin-1 : été".encode("latin-1"),
        zipped({"[Content_Types].xml": b"<Types/>", "big.bin": b"\x00" * 5_000_000}),  # zip bomb shape
    ],
)
def test_refused_by_content(content):
    with pytest.raises(uploads.Refused):
        uploads.detect(content)


def upload(client, dossier, name, content, **extra):
    return client.post(
        reverse("dossiers:attachments", args=[dossier.reference]),
        {"file": SimpleUploadedFile(name, content), **extra},
    )


def test_upload_then_download_by_a_visible_instructor(login, cast):
    client = login(cast.carrier)
    response = upload(client, cast.dossier, "budget.pdf", PDF, description="Budget")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.original_name, attachment.size_bytes) == (
        "application/pdf",
        "budget.pdf",
        len(PDF),
    )
    advance(cast, Status.SUBMITTED)
    response = login(cast.dept).get(
        reverse("dossiers:attachment", args=[cast.dossier.reference, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_a_renamed_executable_is_refused_in_french(login, cast):
    response = upload(login(cast.carrier), cast.dossier, "budget.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    assert response.status_code == 200
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    assert not Attachment.objects.exists()


def test_too_large_upload_is_refused_before_reading(login, cast, settings):
    settings.MAX_UPLOAD_BYTES = 100
    response = upload(login(cast.carrier), cast.dossier, "gros.pdf", PDF + b"x" * 200)
    assert response.status_code == 200
    assert "trop volumineux" in response.content.decode()
    assert not Attachment.objects.exists()


def test_empty_file_is_refused(login, cast):
    response = upload(login(cast.carrier), cast.dossier, "vide.txt", b"")
    assert response.status_code == 200
    assert not Attachment.objects.exists()


def test_attachment_of_an_invisible_dossier_is_a_404(login, cast):
    upload(login(cast.carrier), cast.dossier, "budget.pdf", PDF)
    attachment = Attachment.objects.get()
    url = reverse("dossiers:attachment", args=[cast.dossier.reference, attachment.pk])
    assert login(cast.carrier_other).get(url).status_code == 404
    assert login(cast.dept).get(url).status_code == 404  # a draft is not visible to instructors
    other = factories.DossierFactory(carrier=cast.landlord)
    assert (
        login(cast.carrier)
        .get(reverse("dossiers:attachment", args=[other.reference, attachment.pk]))
        .status_code
        == 404
    )


def test_instructors_cannot_upload(login, cast):
    advance(cast, Status.SUBMITTED)
    assert upload(login(cast.dept), cast.dossier, "note.pdf", PDF).status_code == 403


# --- co-carriers -----------------------------------------------------------------------------


def test_invite_a_partner_association_as_co_carrier(login, cast):
    association = factories.OrganisationFactory(name="Association Habitat Solidaire", kind="association")
    partner = factories.carrier_user(association)
    client = login(cast.carrier)
    url = reverse("dossiers:carriers", args=[cast.dossier.reference])
    assert "Association Habitat Solidaire" in client.get(url).content.decode()
    response = client.post(url, {"organisation": association.pk})
    assert response.status_code == 302
    # Invited, not yet a carrier: its members see nothing until it accepts.
    assert set(cast.dossier.carriers.all()) == {cast.landlord}
    partner_client = login(partner)
    assert partner_client.get(reverse("dossiers:detail", args=[cast.dossier.reference])).status_code == 404
    invitation = cast.dossier.carrier_invitations.get()
    partner_client.post(
        reverse("organisations:answer_invitation", args=[invitation.pk]), {"answer": "accept"}
    )
    assert set(cast.dossier.carriers.all()) == {cast.landlord, association}
    # Its members now see and edit the dossier.
    assert partner_client.get(reverse("dossiers:detail", args=[cast.dossier.reference])).status_code == 200
    assert (
        "Modifier le dossier"
        in partner_client.get(reverse("dossiers:detail", args=[cast.dossier.reference])).content.decode()
    )


def test_state_services_cannot_be_invited(login, cast):
    service = factories.departmental_service("45")
    response = login(cast.carrier).post(
        reverse("dossiers:carriers", args=[cast.dossier.reference]), {"organisation": service.pk}
    )
    assert response.status_code == 200
    assert cast.dossier.carriers.count() == 1
