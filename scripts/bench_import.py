#!/usr/bin/env python3
"""Benchmark of the document importer: documents per second for each format, against a floor.

The samples of ``scripts/make_sample_documents.py`` are written into a temporary directory, then,
for each format, ``parse_document`` is timed over N repetitions (median). The floor is the median
time to get the same files' raw text and nothing else (text: decode; docx/odt: unzip and read the
body XML as text; pdf: pypdf's extract_text alone; doc: the LibreOffice conversion alone), so the
ratio shows what understanding the form costs on top of reading it. PDFs are timed in three
groups: text with box glyphs (``pdf``), boxes drawn as vector graphics (``pdf-drawn``, floor: pypdf
as for ``pdf``, so the ratio includes the second reading with pdfplumber) and scanned pages
(``pdf-scanned``, floor: each page rendered and passed to Tesseract alone, so the ratio shows what
finding the boxes and the form costs on top of OCR; fewer repetitions, OCR takes seconds). One line
per format::

    import <fmt>: N docs/s (median X ms), floor Y ms, ratio Z

Usage: ``python scripts/bench_import.py [--repeat N] [--with-doc] [--without-scanned]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from logement_accompagne.importer import parse_document  # noqa: E402
from logement_accompagne.importer.detect import detect_format  # noqa: E402


def _samples_module():
    """scripts/make_sample_documents.py imported as a module."""
    spec = importlib.util.spec_from_file_location(
        "make_sample_documents", ROOT / "scripts" / "make_sample_documents.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _raw_text(data: bytes, fmt: str) -> str:
    """The floor: the document's text with no understanding at all."""
    if fmt == "txt":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")
    if fmt in ("docx", "odt"):
        member = "word/document.xml" if fmt == "docx" else "content.xml"
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read(member).decode("utf-8")
    if fmt in ("pdf", "pdf-drawn"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if fmt == "pdf-scanned":
        return _ocr_only(data)
    if fmt == "doc":
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        with tempfile.TemporaryDirectory() as workdir:
            source = Path(workdir) / "document.doc"
            source.write_bytes(data)
            profile = (Path(workdir) / "profile").as_uri()
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    "txt",
                    "--outdir",
                    workdir,
                    str(source),
                ],
                capture_output=True,
                timeout=120,
                check=False,
            )
            target = Path(workdir) / "document.txt"
            return target.read_text(errors="replace") if target.exists() else ""
    raise ValueError(fmt)


def _ocr_only(data: bytes) -> str:
    """Each page rendered at the resolution the importer uses and read by Tesseract, nothing else."""
    import pypdfium2
    import pytesseract

    from logement_accompagne.importer.extract.ocr import LANGUAGE, render_dpi

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as the importer runs it
    document = pypdfium2.PdfDocument(data)
    texts = []
    try:
        for page in document:
            width, height = page.get_size()
            dpi = render_dpi(width, height, [round(width / 72 * 200)])  # the sample is scanned at 200 dpi
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            texts.append(pytesseract.image_to_string(image, lang=LANGUAGE, config="--psm 6"))
    finally:
        document.close()
    return "\n".join(texts)


def _group(name: str, data: bytes) -> str:
    """The line a sample is timed in: its format, PDFs split by how their boxes are written."""
    fmt = detect_format(data)[0]
    if fmt == "pdf" and "scanned" in name:
        return "pdf-scanned"
    if fmt == "pdf" and "vector" in name:
        return "pdf-drawn"
    return fmt


def _median_seconds(function, repeat: int) -> float:
    """Median wall time of ``function()`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    """Write the samples, time import and floor per format, print one line per format."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="repetitions per format (median kept)")
    parser.add_argument("--with-doc", action="store_true", help="also time .doc (LibreOffice, slow)")
    parser.add_argument(
        "--without-scanned", action="store_true", help="skip the scanned PDF (OCR, seconds per document)"
    )
    options = parser.parse_args(argv)
    samples = _samples_module()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as directory:
        paths = samples.write_samples(
            directory, hostile=False, include_doc=options.with_doc, scanned=not options.without_scanned
        )
        by_format: dict[str, list[tuple[str, bytes]]] = {}
        for name, path in paths.items():
            data = path.read_bytes()
            by_format.setdefault(_group(name, data), []).append((name, data))
        parse_document(by_format["txt"][0][1])  # warm-up: territories lookup tables, imports
        for fmt in ("txt", "docx", "odt", "pdf", "pdf-drawn", "pdf-scanned", "doc"):
            files = by_format.get(fmt)
            if not files:
                continue
            slow = fmt in ("doc", "pdf-scanned")
            repeat = options.repeat if not slow else max(1, min(options.repeat, 3))

            def run_import(files=files):
                """Parse every file of the format once."""
                for name, data in files:
                    parse_document(data, name)

            def run_floor(files=files, fmt=fmt):
                """Read the raw text of every file of the format once."""
                for _, data in files:
                    _raw_text(data, fmt)

            if not slow:  # warm-up (a slow format's first run is as good as any)
                run_import()
                run_floor()
            per_doc = _median_seconds(run_import, repeat) / len(files)
            floor = _median_seconds(run_floor, repeat) / len(files)
            rate = f"{1 / per_doc:.0f}" if per_doc < 0.1 else f"{1 / per_doc:.2f}"
            print(
                f"import {fmt}: {rate} docs/s (median {per_doc * 1000:.2f} ms), "
                f"floor {floor * 1000:.3f} ms, ratio {per_doc / floor:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
