"""PDF fidelity: boxes drawn as vector graphics, scanned forms read through OCR, and their bounds.

The samples are written by scripts/make_sample_documents.py: ``form_vector_boxes.pdf`` draws its
boxes (crosses, ticks as polylines and as curves) with no box glyph in its text, and
``form_scanned.pdf`` is the same form rasterised, slightly rotated and blurred, without text layer.
"""

import difflib
import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

from logement_accompagne.importer import DocumentImportError, limits, parse_document, validate_canonical
from logement_accompagne.importer.extract import extract_blocks, ocr
from logement_accompagne.importer.schema import get

from .conftest import flat

OCR_MISSING = ocr.unavailable_reason()
needs_ocr = pytest.mark.skipif(
    OCR_MISSING is not None,
    reason=f"reconnaissance de caractères indisponible ({OCR_MISSING}) : installez tesseract-ocr et tesseract-ocr-fra",
)


# --- boxes drawn as vector graphics ---------------------------------------------------------------


def test_vector_sample_has_no_box_glyph_in_its_text_layer(samples):
    """The boxes of this sample exist only as drawings: read from them, not from the text."""
    data = samples["form_vector_boxes.pdf"].read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Ménages éligibles au DALO" in text
    assert not any(glyph in text for glyph in "☒☐■□")
    blocks = extract_blocks(data, "pdf").blocks
    assert "Ménages éligibles au DALO oui ☒" in blocks and "non ☐" in blocks
    assert "Mobilisation de logements existants sans aménagement ☒" in blocks  # the cross
    assert "Création d'une offre nouvelle ☒" in blocks  # the tick drawn as a curve
    assert "Reclassement offre existante en offre à bas loyer ☐" in blocks


def _pdf(draw) -> bytes:
    """A one-page A4 PDF drawn by ``draw(canvas)`` (reportlab, Helvetica 10)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica", 10)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _line_with_boxes(pdf, y, label, options):
    """``label`` then each option followed by its box, drawn by ``draw_mark(pdf, x, y, size)`` or empty."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pdf.drawString(50, y, label)
    x = 55 + stringWidth(label, "Helvetica", 10)
    for option, draw_mark in options:
        pdf.drawString(x, y, option)
        x += stringWidth(option, "Helvetica", 10) + 3
        pdf.rect(x, y - 1, 9, 9)
        if draw_mark:
            draw_mark(pdf, x, y - 1, 9)
        x += 16


def _filled_square(pdf, x, y, size):
    pdf.rect(x + 2, y + 2, size - 4, size - 4, stroke=0, fill=1)


def _letter_x(pdf, x, y, size):
    pdf.drawString(x + 1.8, y + 1.5, "X")


def _cross(pdf, x, y, size):
    pdf.line(x + 1.5, y + 1.5, x + size - 1.5, y + size - 1.5)
    pdf.line(x + 1.5, y + size - 1.5, x + size - 1.5, y + 1.5)


def _double_border(pdf, x, y, size):
    pdf.rect(x + 0.8, y + 0.8, size - 1.6, size - 1.6)  # a second frame: decoration, not a mark


def test_drawn_marks_of_every_kind():
    data = _pdf(
        lambda pdf: (
            pdf.drawString(50, 800, "Présentation synthétique du projet"),
            _line_with_boxes(pdf, 770, "Ménages éligibles au DALO", [("oui", _filled_square), ("non", None)]),
            _line_with_boxes(pdf, 750, "ou des accords collectifs", [("oui", None), ("non", _letter_x)]),
            _line_with_boxes(
                pdf,
                730,
                "ou relevant globalement des publics cibles du PDALPD",
                [("oui", None), ("non", None)],
            ),
            _line_with_boxes(
                pdf,
                710,
                "Caractère reproductible de la démarche",
                [("Faible", _double_border), ("Moyen", _cross), ("Fort", None)],
            ),
        )
    )
    c = parse_document(data, "cases.pdf").canonical
    assert c["target_public"]["dalo_eligible"] == "yes"  # a smaller filled square
    assert c["target_public"]["collective_agreements"] == "no"  # an "X" written inside the square
    assert c["target_public"]["pdalpd"] == "unknown"  # both boxes drawn empty
    assert c["department_opinion"]["reproducibility"] == "medium"  # a double border is no mark
    assert "X" not in " ".join(c["unmapped"])  # the letter was the mark, not text


def _frame_by_fills(pdf, x, y, size, ticked):
    """A box drawn as a black filled square under a white one (no stroke), a black square inside if ticked."""
    pdf.setFillGray(0)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillGray(1)
    pdf.rect(x + 0.8, y + 0.8, size - 1.6, size - 1.6, stroke=0, fill=1)
    pdf.setFillGray(0)
    if ticked:
        pdf.rect(x + 2.5, y + 2.5, size - 5, size - 5, stroke=0, fill=1)


def test_boxes_drawn_with_fills_and_bullets_drawn_as_squares():
    def draw(pdf):
        pdf.drawString(50, 800, "Présentation synthétique du projet")
        pdf.drawString(50, 770, "Ménages éligibles au DALO   oui")
        _frame_by_fills(pdf, 205, 769, 9, ticked=False)
        pdf.drawString(220, 770, "non")
        _frame_by_fills(pdf, 242, 769, 9, ticked=True)
        pdf.drawString(50, 740, "Méthodologie de réalisation de l'accompagnement :")
        for number, line in enumerate(["visites à domicile", "accompagnement budgétaire"]):
            pdf.rect(55, 721 - 15 * number, 4.5, 4.5, stroke=0, fill=1)  # a bullet: a small black square
            pdf.drawString(65, 720 - 15 * number, line)

    data = _pdf(draw)
    c = parse_document(data, "puces.pdf").canonical
    assert c["target_public"]["dalo_eligible"] == "no"
    assert c["support"]["method"] == "visites à domicile\naccompagnement budgétaire"  # no box from bullets


def test_table_borders_and_big_rectangles_are_not_boxes():
    data = _pdf(
        lambda pdf: (
            pdf.rect(40, 600, 500, 200),  # a table frame
            pdf.line(40, 700, 540, 700),
            pdf.drawString(50, 760, "Nom du projet : Maison relais"),
            pdf.drawString(50, 740, "Nombre de logements : 12"),
        )
    )
    blocks = extract_blocks(data, "pdf").blocks
    assert not any("☒" in block or "☐" in block for block in blocks)
    assert parse_document(data).canonical["name"] == "Maison relais"


# --- scanned forms through OCR --------------------------------------------------------------------


@pytest.fixture(scope="module")
def scanned(samples):
    """The scanned sample, read once (OCR takes seconds)."""
    if OCR_MISSING is not None:
        pytest.skip(f"reconnaissance de caractères indisponible ({OCR_MISSING})")
    return parse_document(samples["form_scanned.pdf"].read_bytes(), "form_scanned.pdf")


def _close(read, expected) -> bool:
    """Texts equal but for OCR's small slips (case, a letter here or there); anything else exactly."""
    if isinstance(expected, str):
        a, b = flat(read).lower(), flat(expected).lower()
        return difflib.SequenceMatcher(None, a, b).ratio() >= 0.95
    if isinstance(expected, dict) and isinstance(read, dict) and set(read) == set(expected):
        return all(_close(read[key], value) for key, value in expected.items())
    if isinstance(expected, list) and isinstance(read, list) and len(read) == len(expected):
        return all(_close(a, b) for a, b in zip(read, expected, strict=True))
    return read == expected


@needs_ocr
def test_scanned_sample_is_read_value_by_value(scanned, samples_module):
    validate_canonical(scanned.canonical)
    assert scanned.format == "pdf" and "Tesseract" in scanned.detail
    mismatches = {
        key: (get(scanned.canonical, key), value)
        for key, value in samples_module.EXPECTED.items()
        if key != "unmapped" and not _close(get(scanned.canonical, key), value)
    }
    assert mismatches == {}
    c = scanned.canonical
    # Numbers, boxes and amounts exactly (the text comparison above allows a slip of a letter).
    assert c["target_public"]["households"] == 30 and c["housing"]["dwellings"] == 25
    assert (c["target_public"]["dalo_eligible"], c["target_public"]["collective_agreements"]) == ("yes", "no")
    assert c["housing"]["mobilisation"] == ["new_supply", "existing_unadapted"]
    assert c["department_opinion"]["reproducibility"] == "high"
    assert c["regional_opinion"]["verdict"] == "favourable"
    assert [line["amount_eur"] for line in c["finance"]["cofunding"]] == [7000, 12000, 20000]
    assert c["finance"]["requested_amount_eur"] == 30000


@needs_ocr
def test_every_value_of_a_scanned_form_is_flagged(scanned):
    assert "name" in scanned.ocr_keys and "target_public.dalo_eligible" in scanned.ocr_keys
    assert "finance.cofunding" in scanned.ocr_keys  # derived values too
    assert set(scanned.sources) <= set(scanned.ocr_keys)
    assert any("reconnaissance de caractères" in warning for warning in scanned.warnings)


@needs_ocr
def test_only_the_scanned_page_of_a_mixed_pdf_is_flagged(samples_module):
    text_pdf = samples_module.form_pdf()
    scan = PdfReader(io.BytesIO(samples_module.scanned_pdf(text_pdf)))
    writer = PdfWriter()
    for index, page in enumerate(PdfReader(io.BytesIO(text_pdf)).pages):
        writer.add_page(scan.pages[index] if index == 1 else page)
    buffer = io.BytesIO()
    writer.write(buffer)
    result = parse_document(buffer.getvalue(), "mixte.pdf")
    assert result.canonical["name"] == "Toit d'abord à Rochefort"
    assert "name" not in result.ocr_keys and "target_public.dalo_eligible" not in result.ocr_keys
    assert "support.adhesion" in result.ocr_keys  # on the second page, the scanned one
    assert _close(result.canonical["support"]["adhesion"], "Contrat d'accompagnement signé.")


@needs_ocr
def test_scan_with_a_scanner_stamp_in_its_text_layer_is_still_read(samples_module):
    """A scanning app may write a line of text on each page image: the page is a scan all the same."""
    stamp = PdfReader(io.BytesIO(_pdf(lambda pdf: pdf.drawString(200, 20, "Numérisé avec ScanFacile"))))
    scan = PdfReader(io.BytesIO(samples_module.scanned_pdf(samples_module.form_pdf(), pages=1)))
    writer = PdfWriter()
    page = writer.add_page(scan.pages[0])
    page.merge_page(stamp.pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    result = parse_document(buffer.getvalue(), "tampon.pdf")
    assert result.canonical["name"] == "Toit d'abord à Rochefort" and "name" in result.ocr_keys
    assert result.canonical["target_public"]["dalo_eligible"] == "yes"


def test_scanned_pdf_without_tesseract_says_how_to_enable_it(samples, monkeypatch):
    monkeypatch.setattr(ocr, "unavailable_reason", lambda: "Tesseract n'est pas installé sur ce serveur")
    with pytest.raises(DocumentImportError) as caught:
        parse_document(samples["form_scanned.pdf"].read_bytes(), "scan.pdf")
    assert caught.value.code == "needs_ocr"
    message = caught.value.message
    assert "scanné" in message and "tesseract-ocr-fra" in message and "\n" not in message


def test_mixed_pdf_without_tesseract_reads_its_text_pages_and_warns(samples_module, monkeypatch):
    monkeypatch.setattr(ocr, "unavailable_reason", lambda: "Tesseract n'est pas installé sur ce serveur")
    text_pdf = samples_module.form_pdf()
    scan = PdfReader(io.BytesIO(samples_module.scanned_pdf(text_pdf, pages=2)))
    writer = PdfWriter()
    for index, page in enumerate(PdfReader(io.BytesIO(text_pdf)).pages):
        writer.add_page(scan.pages[index] if index == 1 else page)
    buffer = io.BytesIO()
    writer.write(buffer)
    result = parse_document(buffer.getvalue(), "mixte.pdf")
    assert result.canonical["name"] == "Toit d'abord à Rochefort" and result.ocr_keys == []
    assert any("n'ont pas été lues" in warning and "tesseract-ocr" in warning for warning in result.warnings)


# --- bounds: pages, pixels, time ------------------------------------------------------------------


def _image_pdf(pages: int, image_size: tuple[int, int], page_size=(595, 842)) -> bytes:
    """A PDF of ``pages`` pages each showing one grey image of the declared ``image_size`` (white pixels)."""
    writer = PdfWriter()
    width, height = page_size
    image_width, image_height = image_size
    pixels = b"\xff" * (image_width * image_height) if image_width * image_height <= 1_000_000 else b"\xff"
    for _ in range(pages):
        page = writer.add_blank_page(width=width, height=height)
        image = DecodedStreamObject()
        image.set_data(pixels)
        image.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(image_width),
                NameObject("/Height"): NumberObject(image_height),
                NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                NameObject("/BitsPerComponent"): NumberObject(8),
            }
        )
        content = DecodedStreamObject()
        content.set_data(f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode())
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
        )
        page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_huge_image_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(ocr, "unavailable_reason", lambda: None)
    with pytest.raises(DocumentImportError) as caught:
        parse_document(_image_pdf(1, (100_000, 100_000)), "affiche.pdf")
    assert caught.value.code == "image_too_large"
    assert "100000 × 100000 pixels" in caught.value.message


def test_too_many_scanned_pages_are_refused_before_any_ocr(monkeypatch):
    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR started")

    monkeypatch.setattr(ocr, "unavailable_reason", lambda: None)
    monkeypatch.setattr(ocr, "read_pages", no_ocr)
    with pytest.raises(DocumentImportError) as caught:
        parse_document(_image_pdf(limits.MAX_OCR_PAGES + 1, (20, 20)), "archives.pdf")
    assert caught.value.code == "too_many_scanned_pages"
    assert f"au plus {limits.MAX_OCR_PAGES}" in caught.value.message


def test_rendering_of_a_giant_page_is_capped_in_pixels(monkeypatch):
    """A 5 m × 5 m page is rendered within MAX_OCR_PAGE_PIXELS, whatever its size says."""
    seen = []

    def words(image, seconds):
        seen.append(image.size)
        return []

    monkeypatch.setattr(ocr, "unavailable_reason", lambda: None)
    monkeypatch.setattr(ocr, "_words", words)
    with pytest.raises(DocumentImportError) as caught:
        parse_document(_image_pdf(1, (50, 50), page_size=(14_000, 14_000)), "geant.pdf")
    assert caught.value.code == "no_text"  # a white page: nothing read
    assert seen and seen[0][0] * seen[0][1] <= limits.MAX_OCR_PAGE_PIXELS


def test_ocr_past_its_deadline_gives_a_clear_error(samples, monkeypatch):
    monkeypatch.setattr(ocr, "unavailable_reason", lambda: None)
    monkeypatch.setattr(limits, "OCR_SECONDS", -1)
    with pytest.raises(DocumentImportError) as caught:
        parse_document(samples["form_scanned.pdf"].read_bytes(), "scan.pdf")
    assert caught.value.code == "too_slow" and "trop de temps" in caught.value.message


def test_tesseract_killed_at_its_timeout_gives_a_clear_error(monkeypatch):
    import pytesseract
    from PIL import Image

    def timed_out(*args, **kwargs):
        assert kwargs["timeout"] >= 1
        raise RuntimeError("Tesseract process timeout")  # what pytesseract raises after killing it

    monkeypatch.setattr(pytesseract, "image_to_data", timed_out)
    with pytest.raises(DocumentImportError) as caught:
        ocr._words(Image.new("L", (10, 10), 255), 5)
    assert caught.value.code == "too_slow"


def test_ocr_word_running_into_a_box_loses_only_the_box():
    from logement_accompagne.importer.extract.ocr import _Box, lines_with_boxes

    words = [
        {"text": "DALO", "line": (1, 1, 1), "left": 0, "top": 0, "right": 80, "bottom": 20},
        {"text": "ouiM", "line": (1, 1, 1), "left": 100, "top": 0, "right": 180, "bottom": 20},
        {"text": "[]non", "line": (1, 1, 1), "left": 200, "top": 0, "right": 300, "bottom": 20},
        {"text": "O", "line": (1, 1, 1), "left": 322, "top": 2, "right": 336, "bottom": 18},
    ]
    boxes = [_Box(160, 0, 180, 20, True), _Box(200, 0, 225, 20, False), _Box(320, 0, 340, 20, False)]
    assert lines_with_boxes(words, boxes) == ["DALO oui ☒ ☐ non ☐"]
