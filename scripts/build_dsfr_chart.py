#!/usr/bin/env python3
"""Vendor the State's chart components (``@gouvfr/dsfr-chart``) into the web app's static files.

Why: the platform serves every asset itself (whitenoise), works offline and under a strict CSP,
so no chart library is loaded from a CDN.  The package is fetched from the npm registry with
``npm pack`` (reachable from every machine of the project), its integrity is checked against the
registry's SHA-512, and only the bundle used by the pages (``DSFRChart.js``, an ES module that
defines ``<map-chart>``, ``<map-chart-reg>``, ``<bar-chart>``... with the department and region
shapes inside), its CSS and its licence are copied under
``logement_accompagne/www/static/vendor/dsfr-chart/`` with a ``SOURCE.md`` naming the version.

Usage (from the project root)::

    python scripts/build_dsfr_chart.py                       # the pinned version
    python scripts/build_dsfr_chart.py --version 2.0.5       # another one (then check the pages)
    python scripts/build_dsfr_chart.py --tarball pkg.tgz --integrity sha512-...   # offline

Only the standard library is used.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@gouvfr/dsfr-chart"
DEFAULT_VERSION = "2.0.4"
OUTPUT_DIR = (
    Path(__file__).resolve().parent.parent
    / "logement_accompagne"
    / "www"
    / "static"
    / "vendor"
    / "dsfr-chart"
)
FILES = {
    "package/dist/DSFRChart/DSFRChart.js": "DSFRChart.js",
    "package/dist/DSFRChart/DSFRChart.css": "DSFRChart.css",
    "package/LICENSE": "LICENSE",
}


def npm(*args: str, cwd: str | None = None) -> str:
    try:
        done = subprocess.run(["npm", *args], check=True, capture_output=True, text=True, cwd=cwd)
    except FileNotFoundError:
        sys.exit("npm est introuvable : installez Node.js, ou passez --tarball et --integrity.")
    except subprocess.CalledProcessError as error:
        sys.exit(f"npm {' '.join(args)} a échoué : {error.stderr.strip()}")
    return done.stdout.strip()


def fetch(version: str) -> tuple[bytes, str]:
    integrity = npm("view", f"{PACKAGE}@{version}", "dist.integrity")
    with tempfile.TemporaryDirectory() as folder:
        name = npm("pack", f"{PACKAGE}@{version}", "--silent", cwd=folder).splitlines()[-1]
        return (Path(folder) / name).read_bytes(), integrity


def check_integrity(tarball: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        sys.exit(f"Empreinte inattendue : {integrity}")
    actual = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if actual != expected:
        sys.exit("L'archive ne correspond pas à l'empreinte publiée par le registre : abandon.")


def build(tarball: bytes, integrity: str) -> None:
    check_integrity(tarball, integrity)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        manifest = json.load(archive.extractfile("package/package.json"))
        contents = {}
        for member, target in FILES.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                sys.exit(f"{member} manque dans l'archive.")
            contents[target] = extracted.read()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for target, data in contents.items():
        (OUTPUT_DIR / target).write_bytes(data)
    rows = "\n".join(
        f"| `{target}` | {len(data):,} octets | `{hashlib.sha256(data).hexdigest()}` |".replace(",", " ")
        for target, data in contents.items()
    )
    (OUTPUT_DIR / "SOURCE.md").write_text(
        f"""# Source des composants graphiques

Fichiers copiés par `scripts/build_dsfr_chart.py` ; ne pas les modifier à la main.

| | |
|---|---|
| paquet | `{manifest["name"]}` (registre npm), version **{manifest["version"]}** |
| intégrité | `{integrity}` |
| auteur | {manifest.get("author", "")} |
| dépôt | {manifest.get("repository", {}).get("url", "")} |
| licence | {manifest["license"]} (texte dans `LICENSE`) |
| copié le | {dt.date.today().isoformat()} |

| fichier | taille | SHA-256 |
|---|---|---|
{rows}

`DSFRChart.js` est un module ES autonome (Vue et Chart.js inclus) qui déclare les balises
`<map-chart>`, `<map-chart-reg>`, `<bar-chart>`, `<pie-chart>`... avec les contours des
départements et des régions : aucun appel réseau à l'affichage. Les pages le chargent par
`<script type="module">` depuis les fichiers statiques, et lui passent les données par attributs.

## Reconstruire

```sh
python scripts/build_dsfr_chart.py --version {manifest["version"]}
```
""",
        encoding="utf-8",
    )
    print(f"{manifest['name']} {manifest['version']} copié dans {OUTPUT_DIR}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--tarball", type=Path, help="archive npm déjà téléchargée (hors ligne)")
    parser.add_argument("--integrity", help="empreinte sha512-... de l'archive (avec --tarball)")
    options = parser.parse_args()
    if options.tarball:
        if not options.integrity:
            sys.exit("--tarball demande --integrity (l'empreinte publiée par le registre).")
        build(options.tarball.read_bytes(), options.integrity)
    else:
        build(*fetch(options.version))


if __name__ == "__main__":
    main()
