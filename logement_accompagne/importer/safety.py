"""Safe access to zip containers and XML parts: bombs and entity tricks refused before work is done."""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from . import limits
from .errors import DocumentImportError


class SafeZip:
    """A zip archive whose central directory was checked against the limits before any decompression.

    The declared sizes are checked up front (entry count, total size, size and compression ratio of
    each member), and every read is capped as well, since declared sizes can lie.
    """

    def __init__(self, data: bytes, what: str = "document"):
        """Open the archive from its central directory and check every declared size against the limits."""
        self.what = what
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as error:
            raise DocumentImportError(
                f"Le {what} est endommagé ou tronqué (archive ZIP illisible) : réenregistrez-le puis réessayez.",
                code="bad_zip",
            ) from error
        if len(infos) > limits.MAX_ZIP_ENTRIES:
            raise DocumentImportError(
                f"Le {what} contient trop de fichiers internes ({len(infos)}) : refusé par précaution.",
                code="zip_bomb",
            )
        total = 0
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.MAX_ZIP_MEMBER_UNCOMPRESSED or (
                info.file_size > limits.ZIP_RATIO_CHECKED_ABOVE and ratio > limits.MAX_ZIP_RATIO
            ):
                raise DocumentImportError(
                    f"Le {what} se décompresse en un volume anormal (« {info.filename[:60]} », "
                    f"{info.file_size // (1024 * 1024)} Mo) : refusé par précaution (bombe de décompression ?).",
                    code="zip_bomb",
                )
            self._infos.setdefault(info.filename, info)
        if total > limits.MAX_ZIP_TOTAL_UNCOMPRESSED:
            raise DocumentImportError(
                f"Le {what} se décompresse en plus de {limits.MAX_ZIP_TOTAL_UNCOMPRESSED // (1024 * 1024)} Mo : "
                "refusé par précaution (bombe de décompression ?).",
                code="zip_bomb",
            )

    @property
    def names(self) -> list[str]:
        """Names of the members, in archive order."""
        return list(self._infos)

    def has(self, name: str) -> bool:
        """True when the archive holds a member of that exact name."""
        return name in self._infos

    def read(self, name: str) -> bytes:
        """The member's bytes, read in chunks and cut off if it grows beyond its declared size."""
        info = self._infos[name]
        if info.flag_bits & 0x1:
            raise DocumentImportError(
                f"Le {self.what} est protégé par un mot de passe : enregistrez-en une copie non protégée.",
                code="encrypted",
            )
        cap = min(info.file_size, limits.MAX_ZIP_MEMBER_UNCOMPRESSED)
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as member:
                while True:
                    chunk = member.read(256 * 1024)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > cap:
                        raise DocumentImportError(
                            f"Le {self.what} contient un fichier interne plus gros qu'annoncé : refusé par précaution.",
                            code="zip_bomb",
                        )
                    chunks.append(chunk)
        except DocumentImportError:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as error:
            raise DocumentImportError(
                f"Le {self.what} est endommagé ou tronqué (« {name[:60]} » illisible) : réenregistrez-le.",
                code="bad_zip",
            ) from error
        return b"".join(chunks)


_PARSER_OPTIONS = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    recover=False,
)


def parse_xml(data: bytes, what: str) -> etree._Element:
    """An XML part parsed without DTDs, entities or network; any DOCTYPE is refused outright."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:65536]:
        raise DocumentImportError(
            f"Le {what} contient une déclaration XML suspecte (DTD) : refusé.", code="xml_dtd"
        )
    try:
        return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError) as error:
        raise DocumentImportError(
            f"Le {what} est endommagé (XML illisible) : réenregistrez-le puis réessayez.", code="bad_xml"
        ) from error


def local(element) -> str:
    """Local name of an lxml element (namespace dropped); "" for comments and the like."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def attr(element, name: str) -> str | None:
    """Value of the attribute of that local name, whatever its namespace."""
    for key, value in element.attrib.items():
        if key.rpartition("}")[2] == name:
            return value
    return None
