"""PDF: the text layer read with pypdf, page by page, under a page and time budget.

Box glyphs (☒ ☐ ■ □, Wingdings) come through as text and are read as states by the parser.
Boxes drawn as vector graphics (a square with a cross or a tick) are read from the page's drawing
with pdfplumber (``pdf_drawing``). Pages that are only images (a scanned form) are read through
OCR (``ocr``: Tesseract), bounded in pages, pixels and time; the blocks they give are listed in
``Extraction.ocr_blocks`` so that every value read from them is flagged for the reviewer.
Lines repeated at the top or bottom of several pages (letterheads, footers) are kept once, at the
start, and bare page numbers are dropped, so they do not cut a field's answer in two.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import time
from collections import Counter

from .. import limits
from ..errors import DocumentImportError
from . import Extraction
from .pdf_drawing import draws_paths, page_lines_with_boxes

_WORD = re.compile(r"[^\W\d_]{2,}")
# A page with at most this many words of text over an image at least this wide is read as a scan.
_SCANNED_MAX_WORDS = 4
_SCANNED_MIN_IMAGE_WIDTH = 600
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


def _too_slow() -> DocumentImportError:
    """The error for a PDF whose text takes too long to read."""
    return DocumentImportError(
        "La lecture de ce PDF prend trop de temps : exportez-le à nouveau ou envoyez le document Word.",
        code="too_slow",
    )


def extract_pdf(data: bytes) -> Extraction:
    """Lines of every page (text layer, drawn boxes, OCR of scanned pages), repeated headers/footers set apart."""
    reader, page_count = _open(data)
    warnings: list[str] = []
    if page_count > limits.MAX_PDF_PAGES:
        warnings.append(
            f"PDF de {page_count} pages : seules les {limits.MAX_PDF_PAGES} premières ont été lues."
        )
    deadline = time.monotonic() + limits.PDF_SECONDS
    pages: list[list[str]] = []
    drawn: list[int] = []  # pages that draw paths: they may hold boxes drawn as graphics
    scanned: list[tuple[int, list[int]]] = []  # pages without text but with images: (index, image widths)
    for index in range(min(page_count, limits.MAX_PDF_PAGES)):
        if time.monotonic() > deadline:
            raise _too_slow()
        try:
            page = reader.pages[index]
            text = page.extract_text() or ""
            content = _content(page)
        except DocumentImportError:
            raise
        except Exception as error:  # noqa: BLE001 - damaged content streams raise anything
            raise _broken() from error
        pages.append(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        if len(_WORD.findall(text)) <= _SCANNED_MAX_WORDS:
            # No text, or only a scanner's stamp ("Numérisé avec …"): a scan when it shows a page-wide image.
            widths = _image_widths(page, index)
            if widths and (max(widths) >= _SCANNED_MIN_IMAGE_WIDTH or not text.strip()):
                scanned.append((index, widths))
                continue
        if content is not None and draws_paths(content):
            drawn.append(index)
    if drawn:
        _read_drawn_boxes(data, pages, drawn, deadline)
    ocr_pages: set[int] = set()
    detail = ""
    if scanned:
        ocr_pages, detail = _read_scanned(data, pages, scanned, warnings)
    if not any(line.strip() for page in pages for line in page):
        raise DocumentImportError(
            "Ce PDF ne contient pas de texte : envoyez le document Word ou un PDF exporté depuis le traitement "
            "de texte.",
            code="no_text",
        )
    blocks, origins = _without_running_heads(pages)
    ocr_blocks = frozenset(i for i, origin in enumerate(origins) if origin & ocr_pages)
    return Extraction(blocks=blocks, warnings=warnings, detail=detail, ocr_blocks=ocr_blocks)


def _content(page) -> bytes | None:
    """A page's content stream, or None when it is too large to be worth a second reading."""
    contents = page.get_contents()
    if contents is None:
        return b""
    data = contents.get_data()
    return data if len(data) <= limits.MAX_DRAWING_CONTENT_BYTES else None


def _image_widths(page, index: int) -> list[int]:
    """Widths in pixels of the images a page shows (through forms, a few levels deep).

    Refuses an image whose declared size passes MAX_PDF_IMAGE_PIXELS, before anything is decoded.
    """
    widths: list[int] = []
    seen: set[int] = set()

    def visit(resources, depth: int) -> None:
        """Collect the images of one resources dictionary."""
        try:
            xobjects = resources.get("/XObject") if resources is not None else None
            xobjects = xobjects.get_object() if xobjects is not None else None
        except Exception:  # noqa: BLE001 - a broken resource is no image
            return
        if not hasattr(xobjects, "values"):
            return
        for reference in list(xobjects.values())[:200]:
            try:
                xobject = reference.get_object()
                subtype = xobject.get("/Subtype")
            except Exception:  # noqa: BLE001
                continue
            if id(xobject) in seen:
                continue
            seen.add(id(xobject))
            if subtype == "/Image":
                try:
                    width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
                except (TypeError, ValueError):
                    continue
                if width * height > limits.MAX_PDF_IMAGE_PIXELS:
                    raise DocumentImportError(
                        f"La page {index + 1} de ce PDF porte une image de {width} × {height} pixels, trop grande "
                        f"pour être lue (au plus {limits.MAX_PDF_IMAGE_PIXELS // 1_000_000} millions de pixels) : "
                        "numérisez le document à 300 dpi.",
                        code="image_too_large",
                    )
                if width > 0 and height > 0:
                    widths.append(width)
            elif subtype == "/Form" and depth < 3:
                visit(xobject.get("/Resources"), depth + 1)

    try:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
    except Exception:  # noqa: BLE001
        return widths
    visit(resources, 0)
    return widths


def _read_drawn_boxes(data: bytes, pages: list[list[str]], indexes: list[int], deadline: float) -> None:
    """Replace the text of the given pages by pdfplumber's, with their drawn boxes as ☒/☐, where any."""
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - installed with the project
        return
    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - pdfminer refuses what pypdf read: keep pypdf's text
        return
    try:
        try:
            # pdfplumber lists the pages lazily: a page tree pdfminer cannot follow fails here, not at open.
            plumber_pages = document.pages
        except Exception:  # noqa: BLE001 - keep pypdf's text
            return
        for index in indexes:
            if time.monotonic() > deadline:
                raise _too_slow()
            if index >= len(plumber_pages):
                continue
            page = plumber_pages[index]
            try:
                lines = page_lines_with_boxes(page)
            except Exception:  # noqa: BLE001 - a drawing pdfminer cannot follow: keep pypdf's text
                continue
            finally:
                with contextlib.suppress(Exception):
                    page.close()
            if lines is not None:
                pages[index] = lines
    finally:
        # Closing a damaged document may fail too; nothing is left to read from it.
        with contextlib.suppress(Exception):
            document.close()


def _read_scanned(
    data: bytes, pages: list[list[str]], scanned: list[tuple[int, list[int]]], warnings: list[str]
) -> tuple[set[int], str]:
    """OCR of the scanned pages into ``pages``; the pages read and a detail for the result."""
    from . import ocr

    scans = {index for index, _ in scanned}
    has_text = any(line.strip() for index, page in enumerate(pages) if index not in scans for line in page)
    reason = ocr.unavailable_reason()
    if reason is not None:
        if not has_text:
            raise ocr.needs_ocr_error(reason)
        warnings.append(
            f"{len(scanned)} page(s) scannée(s) de ce PDF n'ont pas été lues : la reconnaissance de caractères est "
            f"indisponible ({reason}) ; {ocr.ENABLE_HINT}."
        )
        return set(), ""
    if len(scanned) > limits.MAX_OCR_PAGES:
        raise DocumentImportError(
            f"Ce PDF scanné compte {len(scanned)} pages d'images : la reconnaissance de caractères en lit au plus "
            f"{limits.MAX_OCR_PAGES}. Envoyez seulement les pages de la présentation synthétique, ou le document "
            "Word.",
            code="too_many_scanned_pages",
        )
    read = ocr.read_pages(data, scanned, time.monotonic() + limits.OCR_SECONDS)
    for index, lines in read.items():
        pages[index] = lines
    warnings.append(
        f"{len(read)} page(s) scannée(s) lue(s) par reconnaissance de caractères : vérifiez chaque valeur marquée "
        "« lu par reconnaissance de caractères »."
    )
    return set(read), f"reconnaissance de caractères (Tesseract {ocr.version()}, {len(read)} page(s))"


def _edges(page: list[str]) -> list[str]:
    """The first and last two non-empty lines of a page, where running heads and footers live."""
    lines = [line.strip() for line in page if line.strip()]
    return lines[:2] + lines[-2:]


def _without_running_heads(pages: list[list[str]]) -> tuple[list[str], list[set[int]]]:
    """All lines in order; page numbers dropped; lines repeated on the edges of pages kept once, first.

    Also, for each line kept, the pages it comes from (several for a running head).
    """
    repeated: set[str] = set()
    if len(pages) > 1:
        counts = Counter(line for page in pages for line in set(_edges(page)))
        repeated = {line for line, count in counts.items() if count >= max(2, len(pages) // 2)}
    heads = [
        line for line in dict.fromkeys(line for page in pages for line in _edges(page)) if line in repeated
    ]
    blocks = list(heads)
    origins = [{i for i, page in enumerate(pages) if head in _edges(page)} for head in heads]
    for number, page in enumerate(pages):
        edges = set(_edges(page))
        for line in page:
            stripped = line.strip()
            if stripped in edges and (stripped in repeated or _PAGE_NUMBER.match(stripped)):
                continue
            blocks.append(line)
            origins.append({number})
    return blocks, origins
