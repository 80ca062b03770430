"""Scanned pages (page images without text) read through OCR: Tesseract with its French data.

Each page is rendered by pdfium (pypdfium2) at about the scan's own resolution, capped in pixels;
the boxes of the form are found in the image with OpenCV (small squares; ticked when ink fills
their inside) and the words are read by Tesseract through pytesseract (``fra``, one block of text
per page, line by line). A word read over a box is the box misread ("M", "[]", "O") and is
dropped; the box is written as ☒/☐ at its place in its line, as for any other format.

Bounded: pages, pixels of each embedded image (checked from the PDF before anything is decoded)
and of each rendered page, and time (Tesseract is killed at the deadline). Tesseract runs on one
thread (``OMP_THREAD_LIMIT=1`` unless set): the server's workers are the parallelism.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from .. import limits
from ..errors import DocumentImportError
from ..textnorm import GLYPH_CHECKED, GLYPH_UNCHECKED

LANGUAGE = "fra"
ENABLE_HINT = (
    "l'administrateur du serveur peut l'activer en installant les paquets Debian tesseract-ocr et "
    "tesseract-ocr-fra (apt-get install tesseract-ocr tesseract-ocr-fra)"
)
# pdfium is not thread-safe: one rendering at a time in the process.
_PDFIUM_LOCK = threading.Lock()
# Side of a checkbox, in millimetres, and the share of its inside that ink must cover to be ticked.
BOX_MIN_MM, BOX_MAX_MM = 2.0, 8.0
TICKED_INK = 0.08


@lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """Why OCR cannot run here (French, for a message), or None when Tesseract and its French data are there."""
    try:
        import pytesseract
    except ImportError:  # pragma: no cover - installed with the project
        return "le module pytesseract est absent"
    command = pytesseract.pytesseract.tesseract_cmd
    if shutil.which(command) is None:
        return "Tesseract n'est pas installé sur ce serveur"
    try:
        languages = pytesseract.get_languages(config="")
    except Exception:  # noqa: BLE001 - a broken installation is "absent" for the user
        return "Tesseract ne répond pas sur ce serveur"
    if LANGUAGE not in languages:
        return "les données françaises de Tesseract sont absentes de ce serveur"
    return None


def version() -> str:
    """Tesseract's version, for the extraction detail."""
    import pytesseract

    try:
        return str(pytesseract.get_tesseract_version())
    except Exception:  # noqa: BLE001 - only a label
        return "?"


def needs_ocr_error(reason: str) -> DocumentImportError:
    """The refusal of a scanned PDF where OCR is unavailable, saying how to enable it."""
    return DocumentImportError(
        f"Ce PDF est un document scanné (des images de pages, sans texte) : sa lecture demande la reconnaissance "
        f"de caractères, indisponible ici ({reason}) ; {ENABLE_HINT}. Sinon, envoyez le document Word ou un PDF "
        "exporté depuis le traitement de texte.",
        code="needs_ocr",
    )


def _too_slow() -> DocumentImportError:
    """The error for OCR past its time budget."""
    return DocumentImportError(
        "La reconnaissance de caractères de ce PDF scanné prend trop de temps : envoyez le document Word, un PDF "
        "exporté depuis le traitement de texte, ou un scan de la présentation seule (300 dpi).",
        code="too_slow",
    )


@dataclass
class _Box:
    """A checkbox found in a page image (pixels)."""

    left: int
    top: int
    right: int
    bottom: int
    ticked: bool

    @property
    def centre(self) -> tuple[float, float]:
        """Centre of the box."""
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


def find_boxes(gray, dpi: float) -> list[_Box]:
    """Checkboxes in a grey page image (numpy array): small squares; ticked when their inside is inked."""
    import cv2

    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(ink, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    smallest, largest = BOX_MIN_MM * dpi / 25.4, BOX_MAX_MM * dpi / 25.4
    found: list[_Box] = []
    for contour in contours:
        x, y, width, height = cv2.boundingRect(contour)
        if not (smallest <= width <= largest and smallest <= height <= largest):
            continue
        if abs(width - height) > 0.1 * max(width, height):
            continue  # square: letters such as D or O are taller than wide
        perimeter = cv2.arcLength(contour, True)
        corners = cv2.approxPolyDP(contour, 0.05 * perimeter, True)
        (_, _), (side_a, side_b), _ = cv2.minAreaRect(contour)
        if len(corners) != 4 or not cv2.isContourConvex(corners) or side_a * side_b == 0:
            continue
        if cv2.contourArea(contour) < 0.9 * side_a * side_b:
            continue  # rounded (O, D, 0) or irregular
        # The inside, away from the frame (a fifth of the side on each edge, enough for a slight skew).
        inset = max(2, round(0.2 * max(width, height)))
        inside = ink[y + inset : y + height - inset, x + inset : x + width - inset]
        if inside.size == 0:
            continue
        ticked = cv2.countNonZero(inside) / inside.size >= TICKED_INK
        found.append(_Box(x, y, x + width, y + height, ticked))
    # The frame's outer and inner edges give two squares: the larger is kept.
    found.sort(key=lambda b: -(b.right - b.left))
    boxes: list[_Box] = []
    for box in found:
        cx, cy = box.centre
        if any(b.left <= cx <= b.right and b.top <= cy <= b.bottom for b in boxes):
            continue
        boxes.append(box)
    return boxes


def _words(image, seconds: float) -> list[dict]:
    """Tesseract's words of a page image with their line and box (pixels)."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            image,
            lang=LANGUAGE,
            config="--psm 6",
            output_type=pytesseract.Output.DICT,
            timeout=max(1.0, seconds),
        )
    except RuntimeError as error:  # pytesseract's timeout
        raise _too_slow() from error
    except pytesseract.TesseractError as error:
        raise DocumentImportError(
            "La reconnaissance de caractères a échoué sur une page de ce PDF scanné : numérisez-le à nouveau "
            "(300 dpi, noir et blanc) ou envoyez le document Word.",
            code="ocr_failed",
        ) from error
    words = []
    for index, text in enumerate(data["text"]):
        if not text or not text.strip():
            continue
        words.append(
            {
                "text": text.strip(),
                "line": (data["block_num"][index], data["par_num"][index], data["line_num"][index]),
                "left": data["left"][index],
                "top": data["top"][index],
                "right": data["left"][index] + data["width"][index],
                "bottom": data["top"][index] + data["height"][index],
            }
        )
    return words


def _over_box(word: dict, box: _Box) -> bool:
    """True when most of a word lies over a box (the box misread as letters)."""
    width = min(word["right"], box.right) - max(word["left"], box.left)
    height = min(word["bottom"], box.bottom) - max(word["top"], box.top)
    if width <= 0 or height <= 0:
        return False
    area = max(1, (word["right"] - word["left"]) * (word["bottom"] - word["top"]))
    return width * height >= 0.4 * area


def _off_boxes(word: dict, boxes: list[_Box]) -> dict | None:
    """A word without what was read over a box: None when mostly over one; cut where a box covers
    one of its ends ("ouiM" → "oui"), its letters shared out evenly over its width."""
    for box in boxes:
        if _over_box(word, box):
            return None
        width = word["right"] - word["left"]
        if width <= 0 or min(word["bottom"], box.bottom) <= max(word["top"], box.top):
            continue
        text = word["text"]
        if word["left"] < box.left < word["right"] <= box.right:
            kept = text[: int(len(text) * (box.left - word["left"]) / width)]
            word = {**word, "text": kept, "right": box.left}
        elif box.left <= word["left"] < box.right < word["right"]:
            cut = -(-len(text) * (box.right - word["left"]) // width)  # rounded up
            word = {**word, "text": text[cut:], "left": box.right}
        else:
            continue
        if not word["text"].strip():
            return None
    return word


def lines_with_boxes(words: list[dict], boxes: list[_Box]) -> list[str]:
    """Tesseract's lines in order, each box written as ☒/☐ in the line it sits on, where it stands."""
    words = [kept for kept in (_off_boxes(w, boxes) for w in words) if kept is not None]
    lines: dict[tuple, list[tuple[float, str]]] = {}
    extents: dict[tuple, list[float]] = {}
    for word in words:
        lines.setdefault(word["line"], []).append((word["left"], word["text"]))
        extents.setdefault(word["line"], []).append((word["top"] + word["bottom"]) / 2)
    for number, box in enumerate(boxes):
        cx, cy = box.centre
        height = box.bottom - box.top
        # The line of the word nearest the box horizontally whose height covers the box's centre.
        best = None
        for word in words:
            if word["top"] - 0.3 * height <= cy <= word["bottom"] + 0.3 * height:
                distance = min(abs(word["left"] - cx), abs(word["right"] - cx))
                if best is None or distance < best[0]:
                    best = (distance, word["line"])
        mark = GLYPH_CHECKED if box.ticked else GLYPH_UNCHECKED
        if best is not None:
            lines[best[1]].append((box.left, mark))
        else:
            key = ("box", number)
            lines[key] = [(box.left, mark)]
            extents[key] = [cy]
    ordered = sorted(lines, key=lambda key: sum(extents[key]) / len(extents[key]))
    return [" ".join(text for _, text in sorted(lines[key], key=lambda item: item[0])) for key in ordered]


def render_dpi(page_width_pt: float, page_height_pt: float, image_widths: list[int]) -> float:
    """Resolution of the rendering: the scan's own (from its widest image), within OCR_DPI_RANGE and the pixel cap."""
    low, high = limits.OCR_DPI_RANGE
    dpi = high
    if image_widths and page_width_pt > 0:
        dpi = max(low, min(high, max(image_widths) / (page_width_pt / 72)))
    area_inches = max(page_width_pt, 1) * max(page_height_pt, 1) / 72 / 72
    return min(dpi, 0.99 * (limits.MAX_OCR_PAGE_PIXELS / area_inches) ** 0.5)  # (pdfium rounds sizes up)


def read_pages(data: bytes, pages: list[tuple[int, list[int]]], deadline: float) -> dict[int, list[str]]:
    """The lines of the given scanned pages (index, widths of its images), read by OCR before ``deadline``."""
    import numpy
    import pypdfium2
    from PIL import Image

    result: dict[int, list[str]] = {}
    with _PDFIUM_LOCK:
        try:
            document = pypdfium2.PdfDocument(data)
        except Exception as error:  # noqa: BLE001 - pdfium refuses what pypdf accepted: a broken PDF
            raise DocumentImportError(
                "Ce PDF est endommagé ou illisible : réenregistrez-le (ou exportez-le à nouveau) puis réessayez.",
                code="bad_pdf",
            ) from error
    try:
        for index, widths in pages:
            if time.monotonic() > deadline:
                raise _too_slow()
            with _PDFIUM_LOCK:
                try:
                    page = document[index]
                    width, height = page.get_size()
                    dpi = render_dpi(width, height, widths)
                    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                    page.close()
                except Exception as error:  # noqa: BLE001 - an image pdfium cannot decode
                    raise DocumentImportError(
                        f"La page {index + 1} de ce PDF scanné n'a pas pu être affichée pour la reconnaissance de "
                        "caractères : numérisez-la à nouveau ou envoyez le document Word.",
                        code="bad_pdf",
                    ) from error
            gray = numpy.asarray(image)
            boxes = find_boxes(gray, dpi)
            words = _words(Image.fromarray(gray), deadline - time.monotonic())
            result[index] = lines_with_boxes(words, boxes)
    finally:
        with _PDFIUM_LOCK:
            document.close()
    return result
