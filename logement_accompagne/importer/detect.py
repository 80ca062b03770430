"""Format of a document told from its bytes (magic numbers, zip content), never from its name."""

from __future__ import annotations

from .errors import DocumentImportError
from .safety import SafeZip

FORMAT_LABELS = {
    "txt": "texte",
    "docx": "Word (.docx)",
    "odt": "OpenDocument (.odt)",
    "pdf": "PDF",
    "doc": "Word 97 (.doc)",
    "rtf": "RTF",
}
# Which extension goes with which format, to warn when a file is misnamed.
EXTENSIONS = {
    "txt": {"txt", "md", "markdown", "text", "csv", ""},
    "docx": {"docx", "docm", "dotx", "dotm"},
    "odt": {"odt", "ott", "fodt"},
    "pdf": {"pdf"},
    "doc": {"doc", "dot"},
    "rtf": {"rtf"},
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_BINARIES = [
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
    (b"Rar!", "une archive RAR"),
    (b"\x7fELF", "un programme"),
    (b"MZ", "un programme Windows"),
    (b"II*\x00", "une image TIFF"),
    (b"MM\x00*", "une image TIFF"),
]


def detect_format(data: bytes) -> tuple[str, SafeZip | None]:
    """The format of ``data`` ("txt", "docx", "odt", "pdf", "doc", "rtf") and, for zips, the opened archive.

    Raises DocumentImportError for an empty file, a zip that is neither Word nor OpenDocument text,
    an encrypted Office file, or a known binary format that is not a document.
    """
    if not data:
        raise DocumentImportError("Le fichier est vide.", code="empty")
    head = data[:1024]
    if head.startswith(b"%PDF-") or b"%PDF-" in head:
        return "pdf", None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        archive = SafeZip(data)
        return _zip_format(archive), archive
    if head.startswith(_OLE2):
        return _ole_format(data), None
    if head.startswith(b"{\\rtf"):
        return "rtf", None
    for magic, what in _OTHER_BINARIES:
        if head.startswith(magic) and b"\x00" in data[:4096]:
            raise DocumentImportError(
                f"Ce fichier est {what}, pas un document : formats acceptés Word, OpenDocument, PDF ou texte.",
                code="unsupported",
            )
    return "txt", None


def _zip_format(archive: SafeZip) -> str:
    """docx or odt, from the members of a zip archive."""
    if archive.has("word/document.xml"):
        return "docx"
    if archive.has("mimetype"):
        mimetype = archive.read("mimetype")[:200].decode("ascii", "replace").strip()
        if mimetype.startswith("application/vnd.oasis.opendocument.text"):
            return "odt"
        raise DocumentImportError(
            f"Ce fichier OpenDocument n'est pas un texte ({mimetype or 'type inconnu'}) : "
            "enregistrez la présentation au format .odt, .docx ou .pdf.",
            code="unsupported",
        )
    if archive.has("content.xml"):
        return "odt"
    if any(name.startswith("xl/") for name in archive.names):
        what = "un classeur Excel"
    elif any(name.startswith("ppt/") for name in archive.names):
        what = "une présentation PowerPoint"
    else:
        what = "une archive ZIP"
    raise DocumentImportError(
        f"Ce fichier est {what}, pas un document Word (.docx) ni OpenDocument (.odt).", code="unsupported"
    )


def _ole_format(data: bytes) -> str:
    """doc for a Word 97 file; errors for encrypted Office 2007+ files and other OLE2 documents."""
    window = data[: 4 * 1024 * 1024]
    if "EncryptionInfo".encode("utf-16-le") in window or "EncryptedPackage".encode("utf-16-le") in window:
        raise DocumentImportError(
            "Ce document Office est protégé par un mot de passe : enregistrez-en une copie non protégée.",
            code="encrypted",
        )
    if "WordDocument".encode("utf-16-le") in window:
        return "doc"
    raise DocumentImportError(
        "Ce fichier Office ancien n'est pas un document Word (classeur ou présentation ?) : "
        "enregistrez la présentation au format .docx, .odt ou .pdf.",
        code="unsupported",
    )


def extension_of(filename: str | None) -> str:
    """The lower-case extension of a file name, without the dot ("" when none)."""
    if not filename or "." not in filename.rsplit("/", 1)[-1]:
        return ""
    return filename.rsplit(".", 1)[-1].lower()
