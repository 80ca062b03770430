"""Plain text and Markdown: encoding guessed (UTF-8, UTF-16 with BOM, cp1252, latin-1), one block per line."""

from __future__ import annotations

import re

from .. import limits
from ..errors import DocumentImportError
from ..textnorm import split_markdown_table
from . import Extraction

_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\f|\v|\u2028|\u2029|\x85")
# Control characters (Unicode category Cc) other than tab, line feed, vertical tab, form feed, CR.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding used; binary content is refused.

    UTF-8 is tried first (strictly), then UTF-16 when a BOM says so, then cp1252 (the Windows
    encoding of French Word exports), and latin-1 as a last resort since it accepts any byte.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "cp1252", "latin-1"]
        if b"\x00" in data[:8192]:
            raise DocumentImportError(
                "Ce fichier n'est pas du texte lisible (contenu binaire) : formats acceptés Word, "
                "OpenDocument, PDF ou texte.",
                code="binary",
            )
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "latin-1":
            text = _best_guess(data) or text
        _refuse_binary(text)
        return text, encoding
    raise DocumentImportError(
        "Encodage du texte non reconnu : enregistrez le fichier en UTF-8.", code="encoding"
    )


def _best_guess(data: bytes) -> str | None:
    """charset-normalizer's reading of a text that is neither UTF-8 nor cp1252, when it has one."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with the project
        return None
    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _refuse_binary(text: str) -> None:
    """Refuse a "text" made of control characters: random bytes decode as latin-1 but are not a form."""
    sample = text[:20_000]
    if not sample:
        return
    controls = len(_CONTROLS.findall(sample))
    if controls > max(2, len(sample) // 100):
        raise DocumentImportError(
            "Ce fichier n'est pas du texte lisible (contenu binaire) : formats acceptés Word, "
            "OpenDocument, PDF ou texte.",
            code="binary",
        )


def extract_text(data: bytes) -> Extraction:
    """One block per line; the cells of Markdown table rows become blocks of their own."""
    text, encoding = decode(data)
    if len(text) > limits.MAX_TEXT_CHARS:
        raise DocumentImportError(
            "Le texte est trop long pour une présentation synthétique.", code="too_large"
        )
    return Extraction(blocks=text_blocks(text), detail=encoding)


def text_blocks(text: str) -> list[str]:
    """One block per line of ``text``; the cells of a Markdown table row are blocks of their own."""
    blocks: list[str] = []
    for line in _LINE_BREAKS.split(text):
        cells = split_markdown_table(line)
        if cells is None:
            blocks.append(line)
        else:
            blocks.extend(cells)
    return blocks
