"""Word 97 (.doc) and RTF: converted to .docx by LibreOffice headless when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import limits
from ..errors import DocumentImportError
from . import Extraction


def soffice_path() -> str | None:
    """The LibreOffice executable, if one is on the PATH."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def extract_doc(data: bytes, fmt: str = "doc") -> Extraction:
    """Blocks of a .doc/.rtf, through a LibreOffice conversion to .docx in a private temporary profile."""
    what = "Word 97 (.doc)" if fmt == "doc" else "RTF"
    soffice = soffice_path()
    if soffice is None:
        raise DocumentImportError(
            f"Format {what} : sa lecture passe par LibreOffice, qui n'est pas installé sur ce serveur "
            "(paquet libreoffice-writer-nogui, commande soffice). En attendant, enregistrez le document "
            "au format .docx, .odt ou .pdf.",
            code="needs_libreoffice",
        )
    from .docx import extract_docx

    with tempfile.TemporaryDirectory(prefix="import-doc-") as workdir:
        source = Path(workdir) / f"document.{fmt}"
        source.write_bytes(data)
        profile = Path(workdir) / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            workdir,
            str(source),
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=limits.SOFFICE_SECONDS,
                check=False,
                env={**os.environ, "HOME": workdir},
            )
        except subprocess.TimeoutExpired as error:
            raise DocumentImportError(
                f"La conversion du fichier {what} par LibreOffice a pris trop de temps : "
                "enregistrez-le au format .docx puis réessayez.",
                code="too_slow",
            ) from error
        except OSError as error:
            raise DocumentImportError(
                f"LibreOffice n'a pas pu être lancé pour lire ce fichier {what} : enregistrez-le au format .docx.",
                code="needs_libreoffice",
            ) from error
        converted = Path(workdir) / "document.docx"
        if not converted.exists():
            raise DocumentImportError(
                f"Ce fichier {what} est illisible (LibreOffice n'a pas pu le convertir) : "
                "enregistrez-le au format .docx puis réessayez.",
                code="bad_doc",
            )
        extraction = extract_docx(converted.read_bytes())
    extraction.detail = f"converti par LibreOffice depuis {what}"
    return extraction
