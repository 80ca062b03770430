"""Import of filled "Présentation synthétique du projet" forms (Word, OpenDocument, PDF, text).

Pure Python: nothing here imports Django, so the parser runs in scripts, tests and workers alike.
Public entry points::

    from logement_accompagne.importer import (
        parse_document, DocumentImportError, validate_canonical, empty_canonical, MAX_DOCUMENT_BYTES,
    )
    result = parse_document(data, filename="dossier.docx")
    result.canonical   # dict following "presentation-synthetique/1"
    result.sources     # dotted key → source excerpt
    result.warnings    # French messages for the reviewer (department unsure…)
    result.ocr_keys    # dotted keys read by OCR from a scanned page (to flag for the reviewer)
"""

from .errors import CanonicalValidationError, DocumentImportError
from .limits import MAX_DOCUMENT_BYTES
from .parse import OCR_SOURCES_KEY, ParseResult, parse_blocks, parse_document, parse_text
from .schema import SCHEMA, empty_canonical, validate_canonical

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "OCR_SOURCES_KEY",
    "SCHEMA",
    "CanonicalValidationError",
    "DocumentImportError",
    "ParseResult",
    "empty_canonical",
    "parse_blocks",
    "parse_document",
    "parse_text",
    "validate_canonical",
]
