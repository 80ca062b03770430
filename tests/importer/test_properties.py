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
