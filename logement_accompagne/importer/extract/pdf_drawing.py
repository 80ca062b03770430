"""Checkboxes drawn as vector graphics on a PDF page, read with pdfplumber.

Some PDFs draw their boxes instead of writing a box glyph: a small square (a rectangle of the
page's drawing) holding, when ticked, a cross (two lines), a tick (a polyline or a curve), a
smaller filled square or a letter "X". Such a page is read again with pdfplumber: its rects,
lines and curves give the boxes and their marks, and each box is written into the page's text as
☒ or ☐ where it stands, so that the parser reads it exactly as a box glyph.
"""

from __future__ import annotations

import re
from typing import Any

from ..textnorm import CHECKED_GLYPHS, GLYPH_CHECKED, GLYPH_UNCHECKED, UNCHECKED_GLYPHS

BOX_MIN_SIDE = 4.0  # points (1.4 mm)
BOX_MAX_SIDE = 24.0  # points (8.5 mm)
# Letters drawn inside a square that tick it.
MARK_LETTERS = frozenset("xX✓✔✗✘×") | frozenset(CHECKED_GLYPHS)
# Path construction operators after a number ("10 20 m 30 40 l", "x y w h re"): the page draws something.
_PATH_OPERATOR = re.compile(rb"\d\s+(?:re|l|c|v|y)\s")


def draws_paths(content: bytes) -> bool:
    """True when a page's content stream builds paths, so it may hold drawn boxes (cheap test)."""
    return bool(_PATH_OPERATOR.search(content))


def _side(obj: dict) -> tuple[float, float]:
    """Width and height of a pdfplumber object."""
    return float(obj["x1"]) - float(obj["x0"]), float(obj["bottom"]) - float(obj["top"])


def _is_square(rect: dict) -> bool:
    """A rectangle the size and shape of a checkbox."""
    width, height = _side(rect)
    return (
        BOX_MIN_SIDE <= width <= BOX_MAX_SIDE
        and BOX_MIN_SIDE <= height <= BOX_MAX_SIDE
        and abs(width - height) <= 0.25 * max(width, height)
    )


def _contains(outer: dict, inner: dict, slack: float = 0.5) -> bool:
    """True when ``inner``'s bounding box lies within ``outer``'s (give or take ``slack`` points)."""
    return (
        inner["x0"] >= outer["x0"] - slack
        and inner["x1"] <= outer["x1"] + slack
        and inner["top"] >= outer["top"] - slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


def _centre(obj: dict) -> tuple[float, float]:
    """Centre of a pdfplumber object."""
    return (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2


def _is_mark(stroke: dict, box: dict) -> bool:
    """A line or curve that ticks ``box``: centred in it, not one of its edges, big enough, not far outside."""
    side = max(_side(box))
    width, height = _side(stroke)
    x, y = _centre(stroke)
    if not (box["x0"] < x < box["x1"] and box["top"] < y < box["bottom"]):
        return False
    if max(width, height) < 0.3 * side:
        return False  # a speck
    if min(width, height) < 0.05 * side:
        # Straight along an axis: a mark only away from the edges (an edge drawn as a line is no mark).
        margin = 0.15 * side
        if width < height and (x - box["x0"] < margin or box["x1"] - x < margin):
            return False
        if height <= width and (y - box["top"] < margin or box["bottom"] - y < margin):
            return False
    grown = {
        "x0": box["x0"] - 0.4 * side,
        "x1": box["x1"] + 0.4 * side,
        "top": box["top"] - 0.4 * side,
        "bottom": box["bottom"] + 0.4 * side,
    }
    return _contains(grown, stroke, 0)


def _dark(color) -> bool:
    """True for a dark colour (gray, RGB or CMYK as pdfplumber gives it; none is black)."""
    if color is None:
        return True
    values = color if isinstance(color, list | tuple) else [color]
    try:
        values = [float(v) for v in values]
    except (TypeError, ValueError):
        return True  # a pattern or a named colour: counted as ink
    if len(values) == 1:
        return values[0] < 0.5
    if len(values) == 3:
        return sum(values) / 3 < 0.5
    if len(values) == 4:
        cyan, magenta, yellow, black = values
        return (1 - black) * (3 - cyan - magenta - yellow) / 3 < 0.5
    return True


def drawn_boxes(page) -> list[dict[str, Any]]:
    """The page's drawn checkboxes: ``{"rect": …, "ticked": bool, "glyph": bool}``, largest first.

    A box is a stroked square, or a dark filled one holding a light filled square (a frame drawn
    with fills); a dark filled square alone is a bullet, not a box. Inside a box, a clearly smaller
    dark filled square is a mark; a light one or one of about the same size, a border. ``glyph`` is
    set when a box glyph (☐, ☒…) is already written inside the square.
    """
    boxes: list[dict[str, Any]] = []
    squares = sorted((r for r in page.rects if _is_square(r)), key=lambda r: -_side(r)[0] * _side(r)[1])
    for number, square in enumerate(squares):
        outer = next((b for b in boxes if _contains(b["rect"], square)), None)
        if outer is not None:
            smaller = _side(square)[0] < 0.8 * _side(outer["rect"])[0]
            if smaller and square.get("fill") and _dark(square.get("non_stroking_color")):
                outer["ticked"] = True
            continue
        if not square.get("stroke"):
            if not (square.get("fill") and _dark(square.get("non_stroking_color"))):
                continue  # a light filled square alone: a background
            framed = any(
                _contains(square, inner)
                and inner.get("fill")
                and not _dark(inner.get("non_stroking_color"))
                and _side(inner)[0] >= 0.6 * _side(square)[0]
                for inner in squares[number + 1 :]
            )
            if not framed:
                continue  # a dark filled square alone: a bullet
        boxes.append({"rect": square, "ticked": False, "glyph": False, "marks": []})
    if not boxes:
        return boxes
    for stroke in [*page.lines, *page.curves]:
        for box in boxes:
            if _is_mark(stroke, box["rect"]):
                box["ticked"] = True
                break
    for char in page.chars:
        x, y = _centre(char)
        for box in boxes:
            rect = box["rect"]
            if rect["x0"] <= x <= rect["x1"] and rect["top"] <= y <= rect["bottom"]:
                if char["text"] in UNCHECKED_GLYPHS or char["text"] in CHECKED_GLYPHS:
                    box["glyph"] = True
                elif char["text"] in MARK_LETTERS:
                    box["ticked"] = True
                    box["marks"].append(char)
                break
    return boxes


def _box_char(box: dict, chars: list[dict]) -> dict:
    """A character standing for ``box`` (☒/☐), on the text line the box sits on, for pdfplumber's layout."""
    rect = box["rect"]
    _, y = _centre(rect)
    on_line = [c for c in chars if c["top"] <= y <= c["bottom"] and c.get("upright", True)]
    reference = min(
        on_line or chars,
        key=lambda c: (abs(_centre(c)[1] - y), min(abs(c["x0"] - rect["x1"]), abs(rect["x0"] - c["x1"]))),
    )
    char = dict(reference)
    width = rect["x1"] - rect["x0"]
    char.update(
        text=GLYPH_CHECKED if box["ticked"] else GLYPH_UNCHECKED,
        x0=rect["x0"],
        x1=rect["x1"],
        width=width,
        adv=width,
    )
    if not on_line:  # a box alone on its line: its own place
        char.update(
            top=rect["top"],
            bottom=rect["bottom"],
            doctop=reference["doctop"] - reference["top"] + rect["top"],
            height=rect["bottom"] - rect["top"],
        )
    return char


def page_lines_with_boxes(page) -> list[str] | None:
    """The lines of a pdfplumber page with its drawn boxes written as ☒/☐, or None without drawn box."""
    boxes = [box for box in drawn_boxes(page) if not box["glyph"]]
    chars = list(page.chars)
    if not boxes or not chars:
        return None
    marks = {id(char) for box in boxes for char in box["marks"]}
    kept = [char for char in chars if id(char) not in marks]
    added = [_box_char(box, kept or chars) for box in boxes]
    from pdfplumber.utils import extract_text

    return extract_text(kept + added).split("\n")
