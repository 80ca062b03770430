"""Sample forms in every format, written by scripts/make_sample_documents.py, read back value by value."""

import shutil

import pytest

from logement_accompagne.importer import parse_document, validate_canonical
from logement_accompagne.importer.schema import get

from .conftest import flat

FORMATS = {
    "form_utf8.txt": "txt",
    "form_cp1252.txt": "txt",
    "form_latin1.txt": "txt",
    "form_markdown.md": "txt",
    "form_unknown_boxes.txt": "txt",
    "form.docx": "docx",
    "form.odt": "odt",
    "form.pdf": "pdf",
    "form_vector_boxes.pdf": "pdf",
    "form_really_pdf.docx": "pdf",
    "form.doc": "doc",
}


def _parse(samples, name):
    """Parse one sample (skips the .doc when LibreOffice could not make it)."""
    if name not in samples:
        assert name == "form.doc"
        pytest.skip("LibreOffice (soffice) absent : l'échantillon .doc n'a pas pu être produit")
    path = samples[name]
    return parse_document(path.read_bytes(), filename=path.name)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_sample_is_read_value_by_value(samples, samples_module, name):
    result = _parse(samples, name)
    validate_canonical(result.canonical)
    assert result.format == FORMATS[name]
    expected = {**samples_module.EXPECTED, **samples_module.SAMPLE_EXPECTED[name]}
    mismatches = {
        key: (get(result.canonical, key), value)
        for key, value in expected.items()
        if flat(get(result.canonical, key)) != flat(value)
    }
    assert mismatches == {}


def test_text_encodings_are_told_apart(samples):
    assert _parse(samples, "form_utf8.txt").detail == "utf-8-sig"
    assert _parse(samples, "form_cp1252.txt").detail == "cp1252"
    latin1 = _parse(samples, "form_latin1.txt")
    assert latin1.canonical["finance"]["support_cost"]["amount_eur"] == 1440  # "1440 euros à l'année"


def test_texts_keep_what_was_written(samples):
    """Outside PDFs (whose lines wrap), values are the user's text exactly, apostrophes included."""
    utf8 = _parse(samples, "form_utf8.txt").canonical
    assert utf8["name"] == "Toit d’abord à Rochefort"
    assert utf8["support"]["method"] == (
        "Diagnostic partagé à l’entrée dans les lieux.\n- visites à domicile chaque semaine\n"
        "- accompagnement budgétaire\n- lien avec les services de droit commun"
    )
    docx = _parse(samples, "form.docx").canonical
    assert docx["name"] == "Toit d'abord à Rochefort"
    assert docx["finance"]["cofunding_text"].split("\n")[4] == "(demande en cours pour 2014)= 20 000€"


@pytest.mark.parametrize(
    ("name", "dalo", "agreements", "mobilisation", "reproducibility", "verdict"),
    [
        ("form_utf8.txt", "yes", "no", ["new_supply", "existing_unadapted"], "high", "favourable"),
        ("form_cp1252.txt", "yes", "no", ["new_supply", "existing_unadapted"], "high", "favourable"),
        ("form_markdown.md", "yes", "no", ["new_supply", "existing_unadapted"], "high", "favourable"),
        ("form_unknown_boxes.txt", "unknown", "unknown", [], None, None),
        ("form.docx", "yes", "no", ["new_supply", "existing_unadapted"], "high", "favourable"),
        ("form.odt", "yes", "no", ["new_supply", "existing_unadapted"], "high", "favourable"),
        ("form.pdf", "yes", "no", ["new_supply", "existing_unadapted"], "high", "favourable"),
        ("form_vector_boxes.pdf", "yes", "no", ["new_supply", "existing_unadapted"], "high", "favourable"),
        ("form.doc", "yes", "no", ["new_supply", "existing_unadapted"], "high", "favourable"),
    ],
)
def test_checkbox_states_in_each_format(
    samples, name, dalo, agreements, mobilisation, reproducibility, verdict
):
    c = _parse(samples, name).canonical
    assert c["target_public"]["dalo_eligible"] == dalo  # ticked "oui", unticked "non"
    assert c["target_public"]["collective_agreements"] == agreements  # unticked "oui", ticked "non"
    assert c["housing"]["mobilisation"] == mobilisation
    assert c["housing"]["mobilisation_known"] is (name != "form_unknown_boxes.txt")
    assert c["department_opinion"]["reproducibility"] == reproducibility
    assert c["regional_opinion"]["verdict"] == verdict


def test_docx_reads_the_box_state_from_the_xml_not_the_displayed_glyph(samples):
    """One content control displays ☐ while w14:checked says ticked, and legacy fields mix w:default/w:checked."""
    from logement_accompagne.importer.extract import extract_blocks

    blocks = extract_blocks(samples["form.docx"].read_bytes(), "docx").blocks
    mobilisation = [b for b in blocks if "Création d'une offre nouvelle" in b]
    assert mobilisation and "☒" in mobilisation[0]
    dalo = next(b for b in blocks if b.startswith("Ménages éligibles au DALO"))
    assert dalo.index("☒") < dalo.index("non") < dalo.index("☐")


def test_docx_keeps_body_order_header_and_skips_deleted_text(samples):
    from logement_accompagne.importer.extract import extract_blocks

    blocks = extract_blocks(samples["form.docx"].read_bytes(), "docx").blocks
    text = "\n".join(blocks)
    assert blocks[0] == "Les Hlm, habiter mieux, bien vivre ensemble"  # the header, first
    assert "Texte supprimé" not in text
    # The table's label cell comes right before its answer cell.
    assert blocks[blocks.index("Nom du projet") + 1] == "Toit d'abord à Rochefort"
    assert "Descriptif sommaire du projet\net objectifs poursuivis" in blocks  # label broken by a line break


def test_odt_fieldmarks_and_table(samples):
    from logement_accompagne.importer.extract import extract_blocks

    blocks = extract_blocks(samples["form.odt"].read_bytes(), "odt").blocks
    assert blocks[0] == "Les Hlm, habiter mieux, bien vivre ensemble"
    assert blocks[blocks.index("Localisation du projet") + 1] == "Rochefort (17), quartier du Petit Marseille"
    reproducibility = next(b for b in blocks if b.startswith("Caractère reproductible"))
    assert reproducibility.count("☐") == 2 and reproducibility.count("☒") == 1
    assert "1" not in blocks  # the footer's page number


def test_pdf_running_head_is_kept_once(samples):
    result = _parse(samples, "form.pdf")
    assert result.canonical["unmapped"].count("Les Hlm, habiter mieux, bien vivre ensemble") == 1
    assert "Page" not in " ".join(result.canonical["unmapped"])


def test_docx_that_is_really_a_pdf_is_read_as_a_pdf_with_a_warning(samples):
    result = _parse(samples, "form_really_pdf.docx")
    assert result.format == "pdf"
    assert any("en réalité au format PDF" in warning for warning in result.warnings)


def test_doc_without_libreoffice_says_how_to_enable_it(samples, monkeypatch):
    from logement_accompagne.importer import DocumentImportError
    from logement_accompagne.importer.extract import doc

    monkeypatch.setattr(doc, "soffice_path", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(64)
    with pytest.raises(DocumentImportError) as caught:
        parse_document(ole, "ancien.doc")
    assert caught.value.code == "needs_libreoffice"
    assert "LibreOffice" in caught.value.message and "libreoffice-writer-nogui" in caught.value.message


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) absent : conversion .doc non testée"
)
def test_doc_through_libreoffice(samples):
    result = _parse(samples, "form.doc")
    assert result.format == "doc"
    assert "LibreOffice" in result.detail
