#!/usr/bin/env python3
"""Benchmark of the document importer: documents per second for each format, against a floor.

The samples of ``scripts/make_sample_documents.py`` are written into a temporary directory, then,
for each format, ``parse_document`` is timed over N repetitions (median). The floor is the median
time to get the same files' raw text and nothing else (text: decode; docx/odt: unzip and read the
body XML as text; pdf: pypdf's extract_text alone; doc: the LibreOffice conversion alone), so the
ratio shows what understanding the form costs on top of reading it. One line per format::

    import <fmt>: N docs/s (median X ms), floor Y ms, ratio Z

Usage: ``python scripts/bench_import.py [--repeat N] [--with-doc]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
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
    if fmt == "pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
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
    options = parser.parse_args(argv)
    samples = _samples_module()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as directory:
        paths = samples.write_samples(directory, hostile=False, include_doc=options.with_doc)
        by_format: dict[str, list[tuple[str, bytes]]] = {}
        for name, path in paths.items():
            data = path.read_bytes()
            fmt = detect_format(data)[0]
            by_format.setdefault(fmt, []).append((name, data))
        parse_document(by_format["txt"][0][1])  # warm-up: territories lookup tables, imports
        for fmt in ("txt", "docx", "odt", "pdf", "doc"):
            files = by_format.get(fmt)
            if not files:
                continue
            repeat = options.repeat if fmt != "doc" else max(1, min(options.repeat, 3))

            def run_import(files=files):
                """Parse every file of the format once."""
                for name, data in files:
                    parse_document(data, name)

            def run_floor(files=files, fmt=fmt):
                """Read the raw text of every file of the format once."""
                for _, data in files:
                    _raw_text(data, fmt)

            run_import()
            run_floor()
            per_doc = _median_seconds(run_import, repeat) / len(files)
            floor = _median_seconds(run_floor, repeat) / len(files)
            print(
                f"import {fmt}: {1 / per_doc:.0f} docs/s (median {per_doc * 1000:.2f} ms), "
                f"floor {floor * 1000:.3f} ms, ratio {per_doc / floor:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
