"""Hostile or broken input: always a DocumentImportError with a French message, never a traceback."""

import io
import zipfile

import pytest

from logement_accompagne.importer import MAX_DOCUMENT_BYTES, DocumentImportError, limits, parse_document

HOSTILE = [
    "zip_bomb.docx",
    "truncated.docx",
    "encrypted.pdf",
    "broken.pdf",
    "garbage.bin",
    "empty.txt",
    "entities.docx",
    "image.png",
    "spreadsheet.xlsx",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_sample_gives_a_clear_error(samples, samples_module, name):
    with pytest.raises(DocumentImportError) as caught:
        parse_document(samples[name].read_bytes(), filename=name)
    error = caught.value
    assert error.code == samples_module.HOSTILE_EXPECTED[name]
    assert error.message and "\n" not in error.message
    assert "Traceback" not in error.message
    assert any(word in error.message for word in ("fichier", "document", "PDF", "archive", "Le ", "Ce "))


def test_size_limit_is_checked_before_reading():
    with pytest.raises(DocumentImportError) as caught:
        parse_document(b" " * (MAX_DOCUMENT_BYTES + 1))
    assert caught.value.code == "too_large"
    assert "taille maximale" in caught.value.message


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive made of ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_ratio_is_checked_from_the_directory(monkeypatch):
    """A member whose declared ratio is absurd is refused before it is inflated."""
    monkeypatch.setattr(limits, "ZIP_RATIO_CHECKED_ABOVE", 1000)
    data = _zip({"word/document.xml": b"<a>" + b" " * 500_000 + b"</a>"})
    with pytest.raises(DocumentImportError) as caught:
        parse_document(data)
    assert caught.value.code == "zip_bomb"


def test_zip_total_size_is_checked(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_TOTAL_UNCOMPRESSED", 10_000)
    data = _zip({"word/document.xml": b"x" * 6000, "word/other.xml": b"y" * 6000}, zipfile.ZIP_STORED)
    with pytest.raises(DocumentImportError) as caught:
        parse_document(data)
    assert caught.value.code == "zip_bomb"


def test_member_larger_than_declared_is_cut_off():
    """Declared sizes can lie: reading stops at the declared size."""
    from logement_accompagne.importer.safety import SafeZip

    data = bytearray(_zip({"word/document.xml": b"<w:document/>" * 100}, zipfile.ZIP_STORED))
    archive = SafeZip(bytes(data))
    archive._infos["word/document.xml"].file_size = 10  # what a forged central directory would claim
    with pytest.raises(DocumentImportError) as caught:
        archive.read("word/document.xml")
    assert caught.value.code in ("zip_bomb", "bad_zip")


@pytest.mark.parametrize(
    "data",
    [
        _zip({"word/document.xml": b"<not xml"}),
        _zip({"word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="x"/>'}),
        _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<broken"}),
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<a/>"}),
        _zip({"something.txt": b"hello"}),
        b"PK\x03\x04" + bytes(100),
        b"%PDF-1.4\n%%EOF",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "EncryptedPackage".encode("utf-16-le").join([b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(10)]),
        b"\x00\x01\x02\x03" * 100,
    ],
    ids=[
        "docx-bad-xml",
        "docx-no-body",
        "odt-bad-xml",
        "ods",
        "plain-zip",
        "zip-header-only",
        "pdf-empty",
        "ole-not-word",
        "office-encrypted",
        "nul-bytes",
    ],
)
def test_broken_containers_give_a_clear_error(data):
    with pytest.raises(DocumentImportError) as caught:
        parse_document(data)
    assert caught.value.message
    assert caught.value.code != "internal"


def test_every_truncation_of_a_docx_fails_cleanly_or_parses(samples):
    """Cut anywhere, a .docx is either still readable or refused with the importer's error."""
    data = samples["form.docx"].read_bytes()
    for size in range(0, len(data), max(1, len(data) // 40)):
        try:
            parse_document(data[:size])
        except DocumentImportError as error:
            assert error.code != "internal"


def test_every_truncation_of_a_pdf_fails_cleanly_or_parses(samples):
    data = samples["form.pdf"].read_bytes()
    for size in range(0, len(data), max(1, len(data) // 30)):
        try:
            parse_document(data[:size])
        except DocumentImportError as error:
            assert error.code != "internal"


@pytest.mark.parametrize(
    "text",
    [
        "Ménages éligibles au DALO " + "oui ☒ non ☐ x " * 20_000,
        "Coût global en cas d'offre : " + "1 000 € " * 30_000,
        "Cofinancements apportés : " + "Etat = 1 000 €\n" * 20_000,
        "Modalités de mobilisation des logements\n" + "Création d'une offre nouvelle aménagement " * 10_000,
        "Nom du projet : x\nMénages éligibles au DALO oui ☒ non ☐\n" * 5_000,
        "champ libre\n(\n•\n" * 30_000,
    ],
    ids=["boxes", "amounts", "cofunding", "options", "repeated-labels", "hints"],
)
def test_large_repetitive_texts_are_read_in_linear_time(text):
    """Regression guard: these took minutes when span removal and amount lookup were quadratic."""
    result = parse_document(text.encode("utf-8"))
    assert result.canonical["schema"] == "presentation-synthetique/1"


def test_text_too_long_is_refused():
    with pytest.raises(DocumentImportError) as caught:
        parse_document(b"a " * (limits.MAX_TEXT_CHARS // 2 + 10))
    assert caught.value.code == "too_large"
