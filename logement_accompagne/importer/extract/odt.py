"""OpenDocument text (.odt): body read in order, with form-checkbox fieldmarks and form controls."""

from __future__ import annotations

import re

from ..errors import DocumentImportError
from ..safety import SafeZip, attr, local, parse_xml
from ..textnorm import GLYPH_CHECKED, GLYPH_UNCHECKED, LEGACY_UNKNOWN
from . import Extraction

_PAGE_NUMBER = re.compile(r"^\s*(page\s*)?\d+\s*((/|sur|of)\s*\d+)?\s*$", re.I)
_CHECKBOX_TYPES = {"vnd.oasis.opendocument.field.formcheckbox", "vnd.oasis.opendocument.field.checkbox"}
_HIDDEN = {
    "tracked-changes",
    "sequence-decls",
    "variable-decls",
    "user-field-decls",
    "forms",
    "annotation",
    "annotation-end",
    "note-citation",
    "bookmark",
    "bookmark-start",
    "bookmark-end",
    "change",
    "change-start",
    "change-end",
    "soft-page-break",
    "reference-mark",
    "toc-mark",
    "alphabetical-index-mark",
    "fieldmark-end",
    "index-title-template",
    "table-of-content-source",
    "alphabetical-index-source",
    "illustration-index-source",
    "table-columns",
    "table-column",
    "table-header-columns",
    "deletion",
}


def _checkbox_glyph(fieldmark) -> str | None:
    """☒/☐ for a LibreOffice form-checkbox fieldmark (``Checkbox_Checked`` parameter), None otherwise."""
    kind = (attr(fieldmark, "type") or "").lower()
    if kind not in _CHECKBOX_TYPES:
        return None
    for param in fieldmark:
        if local(param) != "param":
            continue
        name = (attr(param, "name") or "").lower()
        if name.endswith("checked") or name.endswith("checkbox") or name == "checkbox_checked":
            value = (attr(param, "value") or "").strip().lower()
            return GLYPH_CHECKED if value in ("true", "1", "on", "yes") else GLYPH_UNCHECKED
    return GLYPH_UNCHECKED if kind == "vnd.oasis.opendocument.field.formcheckbox" else LEGACY_UNKNOWN


class _Walker:
    """Walks ODF text content in document order and collects blocks."""

    def __init__(self, controls: dict[str, str]):
        """Start with no block; ``controls`` maps form control ids to their state glyph."""
        self.controls = controls  # form control id → glyph
        self.blocks: list[str] = []
        self.deferred: list[str] = []

    def container(self, element, bullet: bool = False) -> None:
        """Paragraphs, headings, lists, tables and sections of a body, cell, list item or frame."""
        for child in element:
            name = local(child)
            if name in ("p", "h"):
                self.paragraph(child, bullet)
            elif name == "list":
                for item in child:
                    if local(item) in ("list-item", "list-header"):
                        self.container(item, bullet=True)
            elif name == "table":
                self.table(child)
            elif name in (
                "section",
                "index-body",
                "table-of-content",
                "alphabetical-index",
                "illustration-index",
                "user-index",
                "text-box",
                "note-body",
            ):
                self.container(child)
            elif name in ("frame",):
                self.container(child)

    def table(self, table) -> None:
        """Rows then cells in order, through header rows and row groups."""
        for child in table:
            name = local(child)
            if name == "table-row":
                for cell in child:
                    if local(cell) == "table-cell":
                        self.container(cell)
            elif name in ("table-header-rows", "table-rows", "table-row-group"):
                self.table(child)

    def paragraph(self, paragraph, bullet: bool) -> None:
        """One block per paragraph; notes and frames met inside are emitted after it."""
        pieces: list[str] = ["• "] if bullet else []
        self.inline(paragraph, pieces)
        self.blocks.append("".join(pieces))
        if self.deferred:
            deferred, self.deferred = self.deferred, []
            self.blocks.extend(deferred)

    def inline(self, element, out: list[str]) -> None:
        """Text nodes and inline elements (spaces, tabs, breaks, spans, links, fieldmarks, controls)."""
        if element.text:
            out.append(element.text)
        for child in element:
            name = local(child)
            if name == "s":
                try:
                    count = min(int(attr(child, "c") or 1), 1000)
                except ValueError:
                    count = 1
                out.append(" " * count)
            elif name == "tab":
                out.append("\t")
            elif name == "line-break":
                out.append("\n")
            elif name in ("fieldmark", "fieldmark-start"):
                glyph = _checkbox_glyph(child)
                if glyph:
                    out.append(f" {glyph} ")
            elif name == "control":
                glyph = self.controls.get(attr(child, "control") or "")
                if glyph:
                    out.append(f" {glyph} ")
            elif name == "note":
                body = next((c for c in child if local(c) == "note-body"), None)
                if body is not None:
                    walker = _Walker(self.controls)
                    walker.container(body)
                    self.deferred.extend(walker.blocks)
            elif name == "frame":
                walker = _Walker(self.controls)
                walker.container(child)
                self.deferred.extend(walker.blocks)
            elif name not in _HIDDEN:
                self.inline(child, out)
            if child.tail:
                out.append(child.tail)


def _form_controls(root) -> dict[str, str]:
    """State glyph of each checkbox form control (``form:checkbox``), by its id."""
    controls: dict[str, str] = {}
    for element in root.iter():
        if local(element) != "checkbox":
            continue
        state = (attr(element, "current-state") or attr(element, "state") or "").lower()
        glyph = (
            GLYPH_CHECKED
            if state == "checked"
            else GLYPH_UNCHECKED
            if state == "unchecked"
            else LEGACY_UNKNOWN
        )
        if not state:
            glyph = GLYPH_UNCHECKED
        label = attr(element, "label") or ""
        for key in ("id", "control-id"):
            ident = attr(element, key)
            if ident:
                controls[ident] = f"{label} {glyph}".strip()
    return controls


def extract_odt(data: bytes, archive: SafeZip | None = None) -> Extraction:
    """Blocks of an .odt: master-page headers, then the text body in order, then footers."""
    archive = archive or SafeZip(data)
    what = "document OpenDocument"
    if not archive.has("content.xml"):
        raise DocumentImportError(
            "Le document OpenDocument ne contient pas de texte (content.xml absent).", code="bad_odt"
        )
    root = parse_xml(archive.read("content.xml"), what)
    controls = _form_controls(root)
    body = next(
        (
            el
            for el in root.iter()
            if local(el) == "text" and el.getparent() is not None and local(el.getparent()) == "body"
        ),
        None,
    )
    if body is None:
        raise DocumentImportError("Le document OpenDocument n'est pas un texte.", code="bad_odt")
    walker = _Walker(controls)
    walker.container(body)
    headers: list[str] = []
    footers: list[str] = []
    if archive.has("styles.xml"):
        styles = parse_xml(archive.read("styles.xml"), what)
        for element in styles.iter():
            name = local(element)
            parent = element.getparent()
            if name in ("header", "footer") and parent is not None and local(parent) == "master-page":
                part = _Walker(controls)
                part.container(element)
                target = headers if name == "header" else footers
                target.extend(
                    b for b in part.blocks if b.strip() and b not in target and not _PAGE_NUMBER.match(b)
                )
    return Extraction(blocks=headers + walker.blocks + footers)
