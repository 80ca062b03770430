"""Word 2007+ (.docx): body read in order (paragraphs, tables, content controls) straight from the XML.

python-docx is not used here: it skips content controls and field codes, and the legacy
``FORMCHECKBOX`` fields and ``w14:checkbox`` content controls keep their state only in the XML.
"""

from __future__ import annotations

import re

from ..errors import DocumentImportError
from ..safety import SafeZip, attr, local, parse_xml
from ..textnorm import GLYPH_CHECKED, GLYPH_UNCHECKED
from . import Extraction

_TRUE = {"1", "true", "on"}
# Symbol-font characters (w:sym) that draw a box: Wingdings and Wingdings 2 code points.
_SYMBOL_BOXES = {
    "F0FE": GLYPH_CHECKED,
    "F0FD": GLYPH_CHECKED,
    "F078": GLYPH_CHECKED,
    "F0FC": GLYPH_CHECKED,
    "F054": GLYPH_CHECKED,
    "F053": GLYPH_CHECKED,
    "F052": GLYPH_CHECKED,
    "F0A8": GLYPH_UNCHECKED,
    "F06F": GLYPH_UNCHECKED,
    "F071": GLYPH_UNCHECKED,
    "F0A3": GLYPH_UNCHECKED,
}
_PAGE_NUMBER = re.compile(r"^\s*(page\s*)?\d+\s*((/|sur|of)\s*\d+)?\s*$", re.I)


def _on(element) -> bool:
    """State of an OOXML on/off property (``<w:checked/>`` alone means on)."""
    value = attr(element, "val")
    return value is None or value.lower() in _TRUE


class _Field:
    """A complex field being read (between its ``begin`` and ``end`` fldChar)."""

    __slots__ = ("instruction", "ffdata", "in_result", "done")

    def __init__(self, ffdata):
        """A field just begun, with its form-field data (ffData) if any."""
        self.instruction: list[str] = []
        self.ffdata = ffdata
        self.in_result = False
        self.done = False

    @property
    def kind(self) -> str:
        """The field type, first word of its instruction (FORMCHECKBOX, FORMTEXT, PAGE...)."""
        words = "".join(self.instruction).split()
        return words[0].upper() if words else ""


class _Walker:
    """Walks WordprocessingML in document order and collects blocks of text."""

    def __init__(self):
        """Start with no block and no open field."""
        self.blocks: list[str] = []
        self.fields: list[_Field] = []
        self.deferred: list[str] = []  # text boxes met inside a paragraph, emitted after it

    # --- block level ---
    def block_container(self, element) -> None:
        """Paragraphs, tables and block-level content controls of a body, cell or text box."""
        for child in element:
            name = local(child)
            if name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name in ("sdt", "customXml", "sdtContent", "txbxContent", "ins", "moveTo"):
                content = _child(child, "sdtContent") if name == "sdt" else child
                if content is not None:
                    self.block_container(content)
            elif name == "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    self.block_container(branch)

    def table(self, table) -> None:
        """Rows then cells in order; each cell's paragraphs become blocks, so a label cell precedes its answer."""
        for row in _iter_wrapped(table, "tr"):
            for cell in _iter_wrapped(row, "tc"):
                self.block_container(cell)

    def paragraph(self, paragraph) -> None:
        """One block per paragraph (line breaks inside it kept as new lines); list items get a bullet."""
        pieces: list[str] = []
        ppr = _child(paragraph, "pPr")
        if ppr is not None and _child(ppr, "numPr") is not None:
            pieces.append("• ")
        self.inline(paragraph, pieces)
        self.blocks.append("".join(pieces))
        if self.deferred:
            deferred, self.deferred = self.deferred, []
            self.blocks.extend(deferred)

    # --- inline level ---
    def inline(self, element, out: list[str]) -> None:
        """Runs and their wrappers (hyperlinks, insertions, inline content controls...)."""
        for child in element:
            name = local(child)
            if name == "r":
                self.run(child, out)
            elif name in ("hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo"):
                self.inline(child, out)
            elif name == "sdt":
                self.inline_sdt(child, out)
            elif name == "AlternateContent":
                branch = _branch(child)
                if branch is not None:
                    self.inline(branch, out)
            elif name in ("oMath", "oMathPara"):
                out.append("".join(t.text or "" for t in child.iter() if local(t) == "t"))

    def inline_sdt(self, sdt, out: list[str]) -> None:
        """A content control: a checkbox gives its state; placeholder text ("Cliquez ici…") is dropped."""
        props = _child(sdt, "sdtPr")
        content = _child(sdt, "sdtContent")
        if props is not None:
            for prop in props.iter():
                if local(prop) == "checkbox":
                    checked = next((c for c in prop if local(c) == "checked"), None)
                    out.append(GLYPH_CHECKED if checked is not None and _on(checked) else GLYPH_UNCHECKED)
                    out.append(" ")
                    return
            if _child(props, "showingPlcHdr") is not None:
                return
        if content is not None:
            self.inline(content, out)

    def run(self, run, out: list[str]) -> None:
        """Text, tabs, breaks, symbols and field characters of one run."""
        for child in run:
            name = local(child)
            if name == "t":
                if self._visible():
                    out.append(child.text or "")
            elif name == "instrText":
                if self.fields and not self.fields[-1].in_result:
                    self.fields[-1].instruction.append(child.text or "")
            elif name == "fldChar":
                self.field_char(child, out)
            elif name == "tab":
                if self._visible():
                    out.append("\t")
            elif name in ("br", "cr"):
                if self._visible():
                    out.append("\n")
            elif name == "noBreakHyphen":
                out.append("-")
            elif name == "sym":
                char = (attr(child, "char") or "").upper()
                if len(char) == 4 and char.startswith("00"):
                    char = "F0" + char[2:]
                glyph = _SYMBOL_BOXES.get(char)
                if glyph:
                    out.append(glyph)
            elif name in ("drawing", "pict", "object", "AlternateContent"):
                self.text_boxes(child)

    def text_boxes(self, element) -> None:
        """Text boxes of a drawing, kept as blocks after the paragraph that anchors them."""
        if local(element) == "AlternateContent":
            element = _branch(element)
            if element is None:
                return
        for box in element.iter():
            if local(box) == "txbxContent":
                walker = _Walker()
                walker.block_container(box)
                self.deferred.extend(walker.blocks)
                break  # Word writes the same box twice (DrawingML and VML): read it once

    def field_char(self, char, out: list[str]) -> None:
        """begin / separate / end of a complex field; form fields are rendered from their ffData."""
        kind = attr(char, "fldCharType")
        if kind == "begin":
            self.fields.append(_Field(_child(char, "ffData")))
        elif kind == "separate" and self.fields:
            field = self.fields[-1]
            field.in_result = True
            self._render_form_field(field, out)
        elif kind == "end" and self.fields:
            field = self.fields.pop()
            if not field.in_result:
                self._render_form_field(field, out)

    def _render_form_field(self, field: _Field, out: list[str]) -> None:
        """A FORMCHECKBOX gives its state, a FORMDROPDOWN its chosen entry; their result text is hidden."""
        if field.done:
            return
        field.done = True
        kind = field.kind
        ffdata = field.ffdata
        if kind == "FORMCHECKBOX":
            out.append(" " + (GLYPH_CHECKED if _checkbox_state(ffdata) else GLYPH_UNCHECKED) + " ")
        elif kind == "FORMDROPDOWN" and ffdata is not None:
            out.append(_dropdown_value(ffdata))

    def _visible(self) -> bool:
        """False inside a field's instruction, or inside the result of a field rendered from its data."""
        for field in self.fields:
            if not field.in_result or field.kind in ("FORMCHECKBOX", "FORMDROPDOWN"):
                return False
        return True


def _checkbox_state(ffdata) -> bool:
    """Checked state of a legacy checkbox: ``w:checked`` when present, else ``w:default``."""
    if ffdata is None:
        return False
    box = _child(ffdata, "checkBox")
    if box is None:
        return False
    checked = _child(box, "checked")
    if checked is not None:
        return _on(checked)
    default = _child(box, "default")
    return default is not None and _on(default)


def _dropdown_value(ffdata) -> str:
    """Text of the selected entry of a legacy drop-down (``w:result`` index, first entry by default)."""
    box = _child(ffdata, "ddList")
    if box is None:
        return ""
    entries = [attr(e, "val") or "" for e in box if local(e) == "listEntry"]
    result = _child(box, "result")
    index = 0
    if result is not None:
        try:
            index = int(attr(result, "val") or 0)
        except ValueError:
            index = 0
    return entries[index] if 0 <= index < len(entries) else ""


def _child(element, name: str):
    """First child of that local name, or None."""
    for child in element:
        if local(child) == name:
            return child
    return None


def _branch(alternate):
    """The branch of an ``mc:AlternateContent`` to read: the first Choice, else the Fallback."""
    for child in alternate:
        if local(child) in ("Choice", "Fallback"):
            return child
    return None


def _iter_wrapped(element, name: str):
    """Children of that local name, looking through content controls and custom XML wrappers."""
    for child in element:
        child_name = local(child)
        if child_name == name:
            yield child
        elif child_name in ("sdt", "customXml", "sdtContent"):
            inner = _child(child, "sdtContent") if child_name == "sdt" else child
            if inner is not None:
                yield from _iter_wrapped(inner, name)


def _part_blocks(archive: SafeZip, names: list[str], what: str) -> list[str]:
    """Blocks of secondary parts (headers, footers, notes), without blanks, page numbers or repeats."""
    seen: set[str] = set()
    blocks: list[str] = []
    for name in names:
        walker = _Walker()
        walker.block_container(parse_xml(archive.read(name), what))
        for block in walker.blocks:
            key = block.strip()
            if key and not _PAGE_NUMBER.match(key) and key not in seen:
                seen.add(key)
                blocks.append(block)
    return blocks


def extract_docx(data: bytes, archive: SafeZip | None = None) -> Extraction:
    """Blocks of a .docx: headers first, then the body in order, then footers and notes."""
    archive = archive or SafeZip(data)
    what = "document Word"
    root = parse_xml(archive.read("word/document.xml"), what)
    body = next((child for child in root if local(child) == "body"), None)
    if body is None:
        raise DocumentImportError("Le document Word ne contient pas de corps de texte.", code="bad_docx")
    names = archive.names
    headers = sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n))
    footers = sorted(n for n in names if re.fullmatch(r"word/footer\d*\.xml", n))
    notes = [n for n in ("word/footnotes.xml", "word/endnotes.xml") if n in names]
    walker = _Walker()
    walker.block_container(body)
    blocks = _part_blocks(archive, headers, what) + walker.blocks
    trailer = _part_blocks(archive, footers, what)
    for note_part in notes:
        root = parse_xml(archive.read(note_part), what)
        for note in root:
            if attr(note, "type") in (None, "normal"):
                note_walker = _Walker()
                note_walker.block_container(note)
                trailer.extend(b for b in note_walker.blocks if b.strip())
    return Extraction(blocks=blocks + trailer)
