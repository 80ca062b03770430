"""Text normalisation and tokenisation shared by the label matcher and the value parsers.

Every comparison of form text is done on *keys*: lower case, no accents, ligatures opened, plural
``s`` dropped, so that "Eléments"/"Éléments", "porteur(s)"/"porteurs" or ’ vs ' compare equal.
Values themselves are never rewritten beyond whitespace and markup: the user's text is kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

CHECKED = "checked"
UNCHECKED = "unchecked"
UNKNOWN = "unknown"

# Glyphs (and Wingdings code points that reach text as private-use characters) that render boxes.
CHECKED_GLYPHS = "☒☑■▣⊠⌧✓✔✗✘\uf0fe\uf0fd\uf0fc\uf078\uf054\uf053\uf052"
UNCHECKED_GLYPHS = "☐□▢❑❒◻\uf0a8\uf06f\uf071\uf0a3\u00a8"
# A Wingdings box exported as a plain Latin-1 letter ("þ" is 0xFE, the ticked box).
CHECKED_LETTERS = {"þ", "ý", "Þ"}
# Extractors that know a box's state write these glyphs; the word alone is a box whose state was lost.
GLYPH_CHECKED = "☒"
GLYPH_UNCHECKED = "☐"
LEGACY_UNKNOWN = "FORMCHECKBOX"

_SPACES = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u00ad": "",
        "\u2002": " ",
        "\u2003": " ",
        "\r": "",
    }
)
# Ligatures that NFKD does not open ("Œuvre", "Cœur de Loire"); case kept, for callers that need it.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ﬁ": "fi", "ﬂ": "fl"})

_TOKEN_RE = re.compile(
    r"(?P<word>[^\W_]+)"  # first: most tokens are words ("FORMCHECKBOX" is told apart afterwards)
    rf"|(?P<checked>[{CHECKED_GLYPHS}]|\[[xX✓✔]\])"
    rf"|(?P<unchecked>[{UNCHECKED_GLYPHS}]|\[ \])"
    # A ticked box mangled into "(" by a text export: a lone "(" ending its line.
    r"|(?P<mangled>(?<!\S)\((?=[ \t]*(?:\n|\Z)))"
)


def fold(text: str) -> str:
    """``text`` with accents removed and ligatures opened, case kept ("Cœur-Évêque" → "Coeur-Eveque").

    The one text folding of the project: the form's labels and values (``unaccent``), place names
    (``cog.normalise``) and organisation names (``organisation_name_key``) all go through it.
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def unaccent(text: str) -> str:
    """Lower-case ASCII-ish form of ``text``: accents removed, ligatures opened."""
    return fold(text).lower()


def name_key(name: str) -> str:
    """What two spellings of one organisation's name share: "Logem Loiret (OPH)" and "Logemloiret"
    both give "logemloiret" (accents, case, spacing, punctuation and parenthesised notes ignored)."""
    text = re.sub(r"\([^)]*\)", " ", unaccent(name))
    return re.sub(r"[^a-z0-9]+", "", text)


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """Comparison key of one word: unaccented, lower case, final plural ``s``/``x`` dropped."""
    norm = unaccent(word)
    if len(norm) > 3 and norm[-1] in "sx" and not norm.isdigit():
        norm = norm[:-1]
    return norm


@dataclass(slots=True)
class Token:
    """One word or checkbox mark of the document, with its place in the document string."""

    key: str
    start: int
    end: int
    line_start: bool
    kind: str  # "word" or "mark"
    state: str | None = None  # for marks: CHECKED / UNCHECKED / UNKNOWN
    text: str = ""


_MARK_STATES = {"checked": CHECKED, "mangled": CHECKED, "unchecked": UNCHECKED}


def tokenize(text: str) -> list[Token]:
    """Words and checkbox marks of ``text`` in order; ``line_start`` marks the first token of a line."""
    tokens: list[Token] = []
    append = tokens.append
    next_newline = text.find("\n")
    line_start = True
    for match in _TOKEN_RE.finditer(text):
        start = match.start()
        if 0 <= next_newline < start:
            line_start = True
            next_newline = text.find("\n", start)
        kind = match.lastgroup
        raw = match.group()
        if kind == "word":
            if raw == LEGACY_UNKNOWN:
                append(Token("", start, match.end(), line_start, "mark", UNKNOWN, raw))
            elif raw in CHECKED_LETTERS:
                append(Token("", start, match.end(), line_start, "mark", CHECKED, raw))
            else:
                append(Token(word_key(raw), start, match.end(), line_start, "word", None, raw))
        else:
            append(Token("", start, match.end(), line_start, "mark", _MARK_STATES[kind], raw))
        line_start = False
    return tokens


@lru_cache(maxsize=4096)
def keys_of(text: str) -> tuple[str, ...]:
    """Comparison keys of the words of a label or hint (marks and the plural "(s)" left out)."""
    return tuple(t.key for t in tokenize(text) if t.kind == "word" and t.key not in IGNORABLE_KEYS)


# Tokens skipped when comparing labels: the "s" of "porteur(s)", the "e" of "accompagné(e)".
IGNORABLE_KEYS = frozenset({"s", "e"})

_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M)
_MD_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.M)
_MD_STAR_BULLET = re.compile(r"^([ \t]*)[*+][ \t]+", re.M)
_MD_TASK = re.compile(r"\[([ xX✓✔])\]")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_MD_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_MD_EM_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_MD_LEFTOVER = re.compile(r"\*\*+|(?<![\w_])__+(?![\w_])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def clean_spaces(text: str) -> str:
    """Non-breaking and zero-width spaces made plain, carriage returns dropped."""
    return text.translate(_SPACES)


def strip_markup(line: str) -> str:
    """Markdown emphasis, headings, quotes and escapes removed from one block of text."""
    if (
        "*" not in line
        and "_" not in line
        and "#" not in line
        and ">" not in line
        and "\\" not in line
        and "[" not in line
    ):
        return line
    line = _MD_HEADING.sub("", line)
    line = _MD_QUOTE.sub("", line)
    line = _MD_STAR_BULLET.sub(r"\1- ", line)
    line = _MD_TASK.sub(lambda m: GLYPH_UNCHECKED if m.group(1) == " " else GLYPH_CHECKED, line)
    for _ in range(2):
        line = _MD_STRONG.sub(r"\2", line)
    line = _MD_EM_STAR.sub(r"\1", line)
    line = _MD_EM_UNDER.sub(r"\1", line)
    line = _MD_LEFTOVER.sub("", line)
    return _MD_ESCAPE.sub(r"\1", line)


def split_markdown_table(line: str) -> list[str] | None:
    """The cells of a Markdown table row ``| a | b |``; [] for a rule row; None if not a row."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return None
    if _MD_TABLE_RULE.match(stripped):
        return []
    return [cell.strip() for cell in stripped[1:-1].split("|")]


def has_word(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit."""
    return any(c.isalnum() for c in text)
