"""PDF: the text layer read with pypdf, page by page, under a page and time budget.

Box glyphs (☒ ☐ ■ □, Wingdings) come through as text and are read as states by the parser.
Lines repeated at the top or bottom of several pages (letterheads, footers) are kept once, at the
start, and bare page numbers are dropped, so they do not cut a field's answer in two.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections import Counter

from .. import limits
from ..errors import DocumentImportError
from . import Extraction

_PAGE_NUMBER = re.compile(r"^\s*(page\s*)?\d+\s*((/|sur|of)\s*\d+)?\s*$", re.I)


def _open(data: bytes):
    """A pypdf reader on ``data``, decrypted with the empty password when the file allows it."""
    try:
        from pypdf import PdfReader
    except ImportError as error:  # pragma: no cover - installed with the project
        raise DocumentImportError(
            "Lecture des PDF indisponible (pypdf absent).", code="missing_dependency"
        ) from error
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as error:  # noqa: BLE001 - pypdf raises many kinds for unsupported ciphers
                raise _encrypted() from error
            if not opened:
                raise _encrypted()
        pages = len(reader.pages)
    except DocumentImportError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of pypdf on hostile input is a broken PDF
        raise _broken() from error
    return reader, pages


def _encrypted() -> DocumentImportError:
    """The error for a PDF that needs a password."""
    return DocumentImportError(
        "Ce PDF est protégé par un mot de passe : enregistrez-en une copie non protégée.", code="encrypted"
    )


def _broken() -> DocumentImportError:
    """The error for a PDF that pypdf cannot read."""
    return DocumentImportError(
        "Ce PDF est endommagé ou illisible : réenregistrez-le (ou exportez-le à nouveau) puis réessayez.",
        code="bad_pdf",
    )


def extract_pdf(data: bytes) -> Extraction:
    """Lines of every page's text layer, repeated page headers/footers set apart."""
    reader, page_count = _open(data)
    warnings: list[str] = []
    if page_count > limits.MAX_PDF_PAGES:
        warnings.append(
            f"PDF de {page_count} pages : seules les {limits.MAX_PDF_PAGES} premières ont été lues."
        )
    deadline = time.monotonic() + limits.PDF_SECONDS
    pages: list[list[str]] = []
    for index in range(min(page_count, limits.MAX_PDF_PAGES)):
        if time.monotonic() > deadline:
            raise DocumentImportError(
                "La lecture de ce PDF prend trop de temps : exportez-le à nouveau ou envoyez le document Word.",
                code="too_slow",
            )
        try:
            text = reader.pages[index].extract_text() or ""
        except Exception as error:  # noqa: BLE001 - damaged content streams raise anything
            raise _broken() from error
        pages.append(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if not any(line.strip() for page in pages for line in page):
        raise DocumentImportError(
            "Ce PDF ne contient pas de texte (document scanné ?) : envoyez le document Word ou un PDF exporté.",
            code="no_text",
        )
    return Extraction(blocks=_without_running_heads(pages), warnings=warnings)


def _edges(page: list[str]) -> list[str]:
    """The first and last two non-empty lines of a page, where running heads and footers live."""
    lines = [line.strip() for line in page if line.strip()]
    return lines[:2] + lines[-2:]


def _without_running_heads(pages: list[list[str]]) -> list[str]:
    """All lines in order; page numbers dropped; lines repeated on the edges of pages kept once, first."""
    repeated: set[str] = set()
    if len(pages) > 1:
        counts = Counter(line for page in pages for line in set(_edges(page)))
        repeated = {line for line, count in counts.items() if count >= max(2, len(pages) // 2)}
    heads = [
        line for line in dict.fromkeys(line for page in pages for line in _edges(page)) if line in repeated
    ]
    blocks = list(heads)
    for page in pages:
        edges = set(_edges(page))
        for line in page:
            stripped = line.strip()
            if stripped in edges and (stripped in repeated or _PAGE_NUMBER.match(stripped)):
                continue
            blocks.append(line)
    return blocks
