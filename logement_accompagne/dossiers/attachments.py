"""What an uploaded attachment really is, judged by its content (never by its name).

Accepted: PDF, PNG, JPEG, plain text in UTF-8, and the zip-based office formats
(Word .docx, Excel .xlsx, OpenDocument text .odt), recognised by the part that
names their type inside the archive. Archives are inspected without being
decompressed wholesale, and refused when they look like a zip bomb.
"""

import io
import zipfile
import zlib
from dataclasses import dataclass

ACCEPTED_LABEL = "PDF, Word (.docx), OpenDocument (.odt), Excel (.xlsx), PNG, JPEG, texte"
ACCEPT_ATTRIBUTE = ".pdf,.docx,.odt,.xlsx,.png,.jpg,.jpeg,.txt"

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_PART_BYTES = 1024 * 1024


class Refused(ValueError):
    """The content is not an accepted type (message in French, for the person)."""


@dataclass(frozen=True)
class Detected:
    content_type: str
    label: str
    extension: str


def detect(content: bytes) -> Detected:
    if content.startswith(b"%PDF-"):
        return Detected("application/pdf", "PDF", "pdf")
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detected("image/png", "image PNG", "png")
    if content.startswith(b"\xff\xd8\xff"):
        return Detected("image/jpeg", "image JPEG", "jpg")
    if content.startswith(b"PK\x03\x04"):
        return _office_document(content)
    if _is_utf8_text(content):
        return Detected("text/plain; charset=utf-8", "texte", "txt")
    raise Refused(f"Ce type de fichier n'est pas accepté. Formats acceptés : {ACCEPTED_LABEL}.")


def _is_utf8_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    allowed_controls = {"\t", "\n", "\r", "\f"}
    return not any(ord(char) < 32 and char not in allowed_controls for char in text)


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise Refused("Le fichier est une archive suspecte : il a été refusé.")
    with archive.open(info) as part:
        return part.read(MAX_PART_BYTES + 1)


def _office_document(content: bytes) -> Detected:
    not_office = Refused(
        "Ce fichier est une archive zip qui n'est pas un document Word, Excel ou OpenDocument : "
        "il n'est pas accepté."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise Refused("Le fichier est endommagé : il ne peut pas être lu.") from error
    with archive:
        uncompressed = sum(entry.file_size for entry in entries)
        compressed = sum(entry.compress_size for entry in entries) or 1
        if (
            len(entries) > MAX_ZIP_ENTRIES
            or uncompressed > MAX_ZIP_UNCOMPRESSED
            or uncompressed / compressed > MAX_ZIP_RATIO
        ):
            raise Refused("Le fichier est une archive suspecte : il a été refusé.")
        try:
            mimetype = _read_part(archive, "mimetype")
            if mimetype is not None:
                if mimetype.strip() == ODT.encode():
                    return Detected(ODT, "document OpenDocument", "odt")
                raise not_office
            types = _read_part(archive, "[Content_Types].xml")
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error) as error:
            raise Refused("Le fichier est endommagé : il ne peut pas être lu.") from error
        if types is None:
            raise not_office
        names = {entry.filename for entry in entries}
        for content_type, detected, main_part, folders in OFFICE_KINDS:
            if _declares(types, main_part, content_type) and main_part.lstrip("/") in names:
                # Only the parts such a document is made of: nothing else hides inside.
                allowed = ("[Content_Types].xml", "_rels/", "docProps/", "customXml/", *folders)
                if all(name.startswith(allowed) for name in names):
                    return detected
        raise not_office


OFFICE_KINDS = (
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        Detected(DOCX, "document Word", "docx"),
        "/word/document.xml",
        ("word/",),
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        Detected(XLSX, "classeur Excel", "xlsx"),
        "/xl/workbook.xml",
        ("xl/",),
    ),
)


def _declares(types_xml: bytes, part_name: str, content_type: str) -> bool:
    """Whether [Content_Types].xml really declares this part with this type (parsed, not searched)."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(types_xml)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return False
    for element in root:
        if element.tag.rsplit("}", 1)[-1] == "Override" and element.get("PartName") == part_name:
            return element.get("ContentType") == content_type
    return False


def stored_name(name: str, detected: Detected) -> str:
    """The name an attachment keeps: the person's name, without any path or control character,
    with the extension of what the content really is (so a download opens as what it is)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    stem = name.rsplit(".", 1)[0].strip() if "." in name.lstrip(".") else name
    return f"{(stem or 'fichier')[:190]}.{detected.extension}"
