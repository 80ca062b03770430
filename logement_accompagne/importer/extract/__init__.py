"""Extractors: each turns one format into a list of text blocks in reading order.

A block is a paragraph, a line or a table cell. Checkbox states are written into the text as
explicit marks (☒ ticked, ☐ unticked, ``FORMCHECKBOX`` when the state is unknown), so the parser
sees every format the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Extraction:
    """What an extractor found: the blocks in order and any French warning about the reading."""

    blocks: list[str]
    warnings: list[str] = field(default_factory=list)
    detail: str = ""  # e.g. the text encoding used
    # Indexes of the blocks read by OCR (scanned pages): the values read from them are flagged.
    ocr_blocks: frozenset[int] = frozenset()


def extract_blocks(data: bytes, fmt: str, archive=None) -> Extraction:
    """Dispatch ``data`` of the detected format ``fmt`` to its extractor."""
    if fmt == "txt":
        from .text import extract_text

        return extract_text(data)
    if fmt == "docx":
        from .docx import extract_docx

        return extract_docx(data, archive)
    if fmt == "odt":
        from .odt import extract_odt

        return extract_odt(data, archive)
    if fmt == "pdf":
        from .pdf import extract_pdf

        return extract_pdf(data)
    if fmt in ("doc", "rtf"):
        from .doc import extract_doc

        return extract_doc(data, fmt)
    raise ValueError(f"unknown format {fmt!r}")
