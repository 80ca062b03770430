"""Property-based tests of the parser core (hypothesis).

1. Whatever the bytes, ``parse_document`` returns a valid canonical document or raises the importer's
   own DocumentImportError (never another exception, never the catch-all "internal" error).
2. In a text made of the form's labels with random words around them, every random word (a word
   that is not template text) ends up in some field value or in ``unmapped``: nothing is dropped.
"""

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logement_accompagne.importer import DocumentImportError, parse_document, parse_text, validate_canonical
from logement_accompagne.importer.labels import LABELS, template_keys
from logement_accompagne.importer.textnorm import tokenize, word_key
from logement_accompagne.importer.values import COUNT_FILLER_KEYS

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MAGIC = [
    b"",
    b"PK\x03\x04",
    b"%PDF-1.4\n",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"{\\rtf1",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
]


def _valid_or_import_error(data: bytes, filename=None) -> None:
    """The property: a valid canonical document, or the importer's own error."""
    try:
        result = parse_document(data, filename)
    except DocumentImportError as error:
        assert error.message
        # "internal" is the catch-all for a bug, "schema" an invalid document built by the parser.
        assert error.code not in ("internal", "schema"), error.__cause__
    else:
        validate_canonical(result.canonical)


@SETTINGS
@given(st.sampled_from(MAGIC), st.binary(max_size=4000))
def test_any_bytes_give_a_document_or_the_importer_error(prefix, data):
    # LibreOffice (.doc/.rtf) is tested on its own; here its absence keeps each example fast.
    with mock.patch("logement_accompagne.importer.extract.doc.soffice_path", return_value=None):
        _valid_or_import_error(prefix + data)


@SETTINGS
@given(st.text(max_size=3000), st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_any_text_gives_a_document_or_the_importer_error(text, encoding):
    _valid_or_import_error(text.encode(encoding, errors="replace"), "texte.txt")


LABEL_PIECES = [
    (label, text) for label in LABELS for text in label.texts[:1]
]  # the printed form of every label, headings included
SEPARATORS = [" : ", ": ", "\u00a0: ", "\n", "\n\n", " ", " – "]
MARKS = ["☒", "☐", "X", "FORMCHECKBOX", "■", "□", "[x]", "[ ]", ""]
# Words that are not answers: the template's own words and the small words read with a count.
NOT_ANSWERS = template_keys() | COUNT_FILLER_KEYS | {"formcheckbox"}

words = st.from_regex(r"[a-zéèàç]{3,10}", fullmatch=True).filter(lambda w: word_key(w) not in NOT_ANSWERS)
phrases = st.lists(words, min_size=1, max_size=6).map(" ".join)


@st.composite
def forms(draw):
    """A text form: some labels in order, random answers after them, random lines before and between."""
    chosen = draw(st.lists(st.sampled_from(range(len(LABEL_PIECES))), min_size=1, max_size=12, unique=True))
    inserted: list[str] = []
    lines: list[str] = []
    if draw(st.booleans()):
        preamble = draw(phrases)
        inserted.append(preamble)
        lines.append(preamble)
    for index in sorted(chosen):
        label, text = LABEL_PIECES[index]
        line = text
        for option in label.options:
            line += f" {option.text} {draw(st.sampled_from(MARKS))}"
        answer = draw(st.one_of(st.just(""), phrases))
        if answer:
            inserted.append(answer)
            line += draw(st.sampled_from(SEPARATORS)) + answer
        lines.append(line)
        if draw(st.booleans()):
            extra = draw(phrases)
            inserted.append(extra)
            lines.append(extra)
    return "\n".join(lines), inserted


def _all_keys(value, keys: set[str]) -> set[str]:
    """Word keys of every string inside a canonical value."""
    if isinstance(value, str):
        keys.update(t.key for t in tokenize(value) if t.kind == "word")
    elif isinstance(value, dict):
        for item in value.values():
            _all_keys(item, keys)
    elif isinstance(value, list):
        for item in value:
            _all_keys(item, keys)
    return keys


@SETTINGS
@given(forms())
def test_every_non_template_word_is_kept(form):
    text, inserted = form
    result = parse_text(text)
    validate_canonical(result.canonical)
    kept = _all_keys(result.canonical, set())
    for phrase in inserted:
        for word in phrase.split():
            assert word_key(word) in kept, (word, text, result.canonical)


def test_one_folding_for_labels_places_and_organisation_names():
    from logement_accompagne.importer import cog
    from logement_accompagne.importer.textnorm import fold, name_key, unaccent

    assert fold("Cœur-Évêque ÆSOP") == "Coeur-Eveque AESOP"
    assert unaccent("Cœur-Évêque") == "coeur-eveque"
    assert cog.normalise("Cœur-Évêque") == "coeur eveque"
    assert name_key("Cœur de Loire Habitat (OPH)") == "coeurdeloirehabitat"
    assert name_key("Logem Loiret (OPH)") == name_key("Logemloiret") == "logemloiret"


# --- PDF drawings and scanned pages: the layout code never crashes, every box gives one mark ---------

coordinate = st.floats(min_value=-50, max_value=900, allow_nan=False, allow_infinity=False)
extent = st.floats(min_value=0, max_value=40, allow_nan=False, allow_infinity=False)


@st.composite
def drawn_objects(draw):
    """A pdfplumber-like object (rect, line, curve or char) at a random place and size."""
    x0, top, width, height = draw(coordinate), draw(coordinate), draw(extent), draw(extent)
    return {
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "bottom": top + height,
        "doctop": top,
        "fill": draw(st.booleans()),
        "upright": True,
        "text": draw(st.sampled_from(["a", "X", "☐", "☒", "1", " ", "é"])),
        "size": 10.0,
        "width": width,
        "height": height,
    }


class _FakePage:
    """What pdf_drawing reads of a pdfplumber page."""

    def __init__(self, rects, lines, curves, chars):
        self.rects, self.lines, self.curves, self.chars = rects, lines, curves, chars


@SETTINGS
@given(
    st.lists(drawn_objects(), max_size=25),
    st.lists(drawn_objects(), max_size=10),
    st.lists(drawn_objects(), max_size=10),
    st.lists(drawn_objects(), max_size=40),
)
def test_drawn_boxes_never_crash_and_each_gives_one_mark(rects, lines, curves, chars):
    from logement_accompagne.importer.extract.pdf_drawing import drawn_boxes, page_lines_with_boxes

    page = _FakePage(rects, lines, curves, chars)
    boxes = [box for box in drawn_boxes(page) if not box["glyph"]]
    result = page_lines_with_boxes(page)
    if not boxes or not chars:
        assert result is None
        return
    text = "\n".join(result)
    glyphs_before = sum(c["text"] in "☐☒" for c in chars)
    assert text.count("☐") + text.count("☒") == len(boxes) + glyphs_before


@st.composite
def ocr_words(draw):
    """A word as Tesseract gives it: text, line key and box in pixels."""
    left, top = draw(st.integers(0, 2000)), draw(st.integers(0, 3000))
    return {
        "text": draw(st.from_regex(r"[a-zé0-9€]{1,8}", fullmatch=True)),
        "line": (1, 1, draw(st.integers(1, 40))),
        "left": left,
        "top": top,
        "right": left + draw(st.integers(1, 200)),
        "bottom": top + draw(st.integers(1, 40)),
    }


@SETTINGS
@given(
    st.lists(ocr_words(), max_size=40),
    st.lists(
        st.tuples(st.integers(0, 2000), st.integers(0, 3000), st.integers(1, 60), st.booleans()), max_size=10
    ),
)
def test_ocr_layout_keeps_every_word_off_the_boxes_and_one_mark_per_box(words, raw_boxes):
    from logement_accompagne.importer.extract.ocr import _Box, _over_box, lines_with_boxes

    boxes = [_Box(x, y, x + side, y + side, ticked) for x, y, side, ticked in raw_boxes]
    text = "\n".join(lines_with_boxes(words, boxes))
    assert text.count("☐") + text.count("☒") == len(boxes)
    pieces = text.split()
    for word in words:
        clear = all(
            min(word["right"], box.right) <= max(word["left"], box.left)
            or min(word["bottom"], box.bottom) <= max(word["top"], box.top)
            for box in boxes
        )
        if clear:  # a word clear of every box is kept whole
            assert word["text"] in pieces
        elif any(_over_box(word, box) for box in boxes):  # a word mostly over a box is the box misread
            assert word["text"] not in pieces or any(
                w["text"] == word["text"] and w is not word for w in words
            )
    assert len(pieces) <= len(words) + len(boxes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(8, 120), st.integers(8, 120))
def test_box_finder_never_crashes_on_any_image(seed, width, height):
    import numpy

    from logement_accompagne.importer.extract.ocr import find_boxes

    gray = numpy.random.default_rng(seed).integers(0, 256, size=(height, width), dtype=numpy.uint8)
    for box in find_boxes(gray, 200):
        assert 0 <= box.left < box.right <= width and 0 <= box.top < box.bottom <= height


_SAMPLE_PDFS: dict[str, bytes] = {}


def _sample_pdf(kind: str) -> bytes:
    """The vector-box PDF or a one-page scan of it, from the sample script (made once)."""
    if kind not in _SAMPLE_PDFS:
        from .conftest import load_samples_module

        samples = load_samples_module()
        vector = samples.form_pdf(boxes="vector")
        _SAMPLE_PDFS.update(vector=vector, scanned=samples.scanned_pdf(vector, pages=1, dpi=100))
    return _SAMPLE_PDFS[kind]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["vector", "scanned"]),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=30),
)
def test_damaged_drawn_or_scanned_pdfs_give_a_document_or_the_importer_error(kind, flips):
    """Bytes of the drawn-box and scanned samples changed here and there: pdfplumber, pdfium and OpenCV
    meet broken streams and images. Tesseract itself is left out (seconds per page): it reads no words."""
    data = bytearray(_sample_pdf(kind))
    for where, value in flips:
        data[int(where * len(data))] = value
    with mock.patch("logement_accompagne.importer.extract.ocr._words", return_value=[]):
        with mock.patch("logement_accompagne.importer.extract.ocr.unavailable_reason", return_value=None):
            _valid_or_import_error(bytes(data), f"{kind}.pdf")
