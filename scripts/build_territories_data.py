#!/usr/bin/env python3
"""Build the committed reference files of the COG lookup (``importer/cog.py``, read by ``territories``) from the INSEE COG.

Why a build script: the platform must run offline (and CI has no access to INSEE), so the
Code officiel géographique is turned once into small CSV files that are committed under
``logement_accompagne/importer/data/``.  The source is the npm package
``@etalab/decoupage-administratif`` (Etalab / data.gouv.fr), which republishes the COG, the
legal populations and the DGCL list of EPCI as JSON; it is fetched with ``npm pack`` because the
npm registry is reachable from every machine of the project.

The package only knows today's regions, while the 2014 and 2015 calls for projects were
instructed by the regions as they were before the 2016 reform.  The pre-2016 table is public and
fixed for ever, so it is encoded below (``FORMER_REGIONS``) and checked against the package: every
former region must fall inside exactly one current region.

Usage (from the project root)::

    python scripts/build_territories_data.py                    # fetch the pinned version with npm
    python scripts/build_territories_data.py --version 6.0.0    # another vintage
    python scripts/build_territories_data.py --tarball pkg.tgz  # offline, from a tarball already fetched

Only the standard library is used, so the script runs with any Python >= 3.11.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
# Version 6.0.0 carries the COG of 1 January 2026 (see the table in the package README).
DEFAULT_VERSION = "6.0.0"
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "logement_accompagne" / "importer" / "data"

# Zones of the package: "metro" (mainland + Corsica), "drom" (the five overseas departments) and
# "com" (overseas collectivities: Saint-Martin, Polynésie...).  The programme is run by the State's
# departmental services, which exist only in the first two, so collectivities are left out.
KEPT_ZONES = {"metro", "drom"}

# Regions before the 2016 reform (loi NOTRe), with their INSEE codes: 27 regions.  Unchanged
# regions kept their code (Île-de-France 11, Centre 24 renamed Centre-Val de Loire in 2015,
# Pays de la Loire 52, Bretagne 53, PACA 93, Corse 94 and the five overseas regions).
FORMER_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "11": ("Île-de-France", ("75", "77", "78", "91", "92", "93", "94", "95")),
    "21": ("Champagne-Ardenne", ("08", "10", "51", "52")),
    "22": ("Picardie", ("02", "60", "80")),
    "23": ("Haute-Normandie", ("27", "76")),
    "24": ("Centre", ("18", "28", "36", "37", "41", "45")),
    "25": ("Basse-Normandie", ("14", "50", "61")),
    "26": ("Bourgogne", ("21", "58", "71", "89")),
    "31": ("Nord-Pas-de-Calais", ("59", "62")),
    "41": ("Lorraine", ("54", "55", "57", "88")),
    "42": ("Alsace", ("67", "68")),
    "43": ("Franche-Comté", ("25", "39", "70", "90")),
    "52": ("Pays de la Loire", ("44", "49", "53", "72", "85")),
    "53": ("Bretagne", ("22", "29", "35", "56")),
    "54": ("Poitou-Charentes", ("16", "17", "79", "86")),
    "72": ("Aquitaine", ("24", "33", "40", "47", "64")),
    "73": ("Midi-Pyrénées", ("09", "12", "31", "32", "46", "65", "81", "82")),
    "74": ("Limousin", ("19", "23", "87")),
    "82": ("Rhône-Alpes", ("01", "07", "26", "38", "42", "69", "73", "74")),
    "83": ("Auvergne", ("03", "15", "43", "63")),
    "91": ("Languedoc-Roussillon", ("11", "30", "34", "48", "66")),
    "93": ("Provence-Alpes-Côte d'Azur", ("04", "05", "06", "13", "83", "84")),
    "94": ("Corse", ("2A", "2B")),
    "01": ("Guadeloupe", ("971",)),
    "02": ("Martinique", ("972",)),
    "03": ("Guyane", ("973",)),
    "04": ("La Réunion", ("974",)),
    "06": ("Mayotte", ("976",)),
}

EXPECTED_CURRENT_REGIONS = 18
EXPECTED_DEPARTMENTS = 101


@dataclass
class PackageData:
    """The JSON files of the package, plus what SOURCE.md needs to say where they came from."""

    version: str
    integrity: str
    readme: str
    regions: list[dict]
    departments: list[dict]
    communes: list[dict]
    epci: list[dict]


def fetch_tarball(version: str, destination: Path) -> Path:
    """Download the package tarball with ``npm pack`` and return its path."""
    spec = f"{PACKAGE}@{version}"
    result = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(destination)],
        check=True,
        capture_output=True,
        text=True,
    )
    return destination / json.loads(result.stdout)[0]["filename"]


def integrity_of(tarball: Path) -> str:
    """Subresource-integrity string of the tarball, as npm records it ("sha512-<base64>")."""
    return "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode("ascii")


def read_package(tarball: Path) -> PackageData:
    """Read the data files straight out of the tarball (nothing is extracted to disk)."""
    with tarfile.open(tarball, "r:gz") as archive:

        def member(name: str) -> bytes:
            handle = archive.extractfile(f"package/{name}")
            if handle is None:  # pragma: no cover - malformed package
                raise SystemExit(f"{name} absent de {tarball}")
            return handle.read()

        manifest = json.loads(member("package.json"))
        if manifest["name"] != PACKAGE:
            raise SystemExit(f"{tarball} n'est pas le paquet {PACKAGE}")
        return PackageData(
            version=manifest["version"],
            integrity=integrity_of(tarball),
            readme=member("README.md").decode("utf-8"),
            regions=json.loads(member("data/regions.json")),
            departments=json.loads(member("data/departements.json")),
            communes=json.loads(member("data/communes.json")),
            epci=json.loads(member("data/epci.json")),
        )


def cog_year(readme: str, version: str) -> str:
    """The COG vintage of a package version, read from the table of its README ("| 2026 | 6.0.0 |")."""
    match = re.search(rf"^\|\s*(\d{{4}})\s*\|\s*{re.escape(version)}\s*\|", readme, re.MULTILINE)
    return match.group(1) if match else "inconnu"


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a UTF-8 CSV with Unix line ends so that rebuilds give byte-identical files."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def build_regions(data: PackageData) -> list[list[object]]:
    """Current regions (from the package) followed by the former ones whose code disappeared."""
    current = {r["code"]: r["nom"] for r in data.regions if r["zone"] in KEPT_ZONES}
    if len(current) != EXPECTED_CURRENT_REGIONS:
        raise SystemExit(f"{len(current)} régions actuelles au lieu de {EXPECTED_CURRENT_REGIONS}")
    rows: list[list[object]] = [[code, name, 1] for code, name in sorted(current.items())]
    rows += [[code, name, 0] for code, (name, _) in sorted(FORMER_REGIONS.items()) if code not in current]
    return rows


def build_departments(data: PackageData) -> list[list[object]]:
    """Departments with their current region and the region they belonged to before 2016."""
    former_of = {dept: code for code, (_, depts) in FORMER_REGIONS.items() for dept in depts}
    kept = [d for d in data.departments if d["zone"] in KEPT_ZONES]
    if len(kept) != EXPECTED_DEPARTMENTS:
        raise SystemExit(f"{len(kept)} départements au lieu de {EXPECTED_DEPARTMENTS}")
    missing = sorted({d["code"] for d in kept} ^ set(former_of))
    if missing:
        raise SystemExit(f"table des régions d'avant 2016 incohérente pour : {', '.join(missing)}")
    # A former region lies inside a single current region: a typo in FORMER_REGIONS would break it.
    current_of_former: dict[str, set[str]] = {}
    for d in kept:
        current_of_former.setdefault(former_of[d["code"]], set()).add(d["region"])
    split = {code: regions for code, regions in current_of_former.items() if len(regions) != 1}
    if split:
        raise SystemExit(f"région d'avant 2016 répartie sur plusieurs régions actuelles : {split}")
    return [[d["code"], d["nom"], d["region"], former_of[d["code"]]] for d in sorted(kept, key=_dept_key)]


def _dept_key(department: dict) -> tuple[bool, str]:
    """Sort as INSEE does: "2A"/"2B" between "19" and "21", overseas departments last."""
    code = department["code"]
    return code.startswith("97"), code.replace("2A", "20A").replace("2B", "20B")


def build_communes(data: PackageData, department_codes: set[str]) -> list[list[object]]:
    """Current communes (no delegated/associated ones, no Paris/Lyon/Marseille arrondissements)."""
    rows = [
        [c["code"], c["nom"], c["departement"], c.get("population", "")]
        for c in data.communes
        if c["type"] == "commune-actuelle" and c["departement"] in department_codes
    ]
    rows.sort(key=lambda row: row[0])
    return rows


def build_epci(data: PackageData, commune_department: dict[str, str]) -> list[list[object]]:
    """EPCI with the department holding most of their member communes (ties: most inhabitants).

    Forms name the intercommunality ("Communauté d'agglomération du Grand Dax") more often than
    the department, so this lets the importer guess the department from it.
    """
    rows = []
    for epci in data.epci:
        counts: Counter[str] = Counter()
        inhabitants: Counter[str] = Counter()
        for member in epci["membres"]:
            department = commune_department.get(member["code"])
            if department is None:
                continue
            counts[department] += 1
            inhabitants[department] += member.get("populationMunicipale") or 0
        if not counts:
            continue
        department = max(counts, key=lambda code: (counts[code], inhabitants[code]))
        population = epci.get("populationMunicipale") or ""
        rows.append([epci["code"], epci["nom"], epci["type"], department, population])
    rows.sort(key=lambda row: row[0])
    return rows


SOURCE_TEMPLATE = """\
# Source des référentiels territoriaux

Fichiers construits par `scripts/build_territories_data.py` ; ne pas les modifier à la main.

| | |
|---|---|
| paquet | `{package}` (registre npm), version **{version}** |
| intégrité | `{integrity}` |
| millésime | Code officiel géographique (COG) INSEE au 1er janvier {year} ; EPCI à fiscalité propre de la DGCL {year} ; populations légales INSEE reprises par le paquet |
| construit le | {built} |
| licence des données | Licence Ouverte / Open Licence (Etalab) : réutilisation libre, mention de la source obligatoire (« INSEE, Code officiel géographique ; DGCL ; via Etalab, decoupage-administratif ») |
| licence du code du paquet | MIT |

## Fichiers

| fichier | lignes | contenu |
|---|---|---|
| `regions.csv` | {n_regions} | `code,name,is_current` : les {n_current} régions actuelles, puis les régions d'avant la réforme de 2016 dont le code a disparu (`is_current=0`) |
| `departments.csv` | {n_departments} | `code,name,region_code,former_region_code` : départements de métropole et d'outre-mer (DROM) ; `former_region_code` est la région d'avant 2016 |
| `communes.csv` | {n_communes} | `insee_code,name,department_code,population` : communes actuelles (sans communes déléguées ou associées ni arrondissements municipaux) |
| `epci.csv` | {n_epci} | `siren,name,kind,department_code,population` : EPCI à fiscalité propre (CA, CC, CU, METRO, MET69) et le département de la majorité de leurs communes membres |

Les collectivités d'outre-mer (Saint-Martin, Saint-Barthélemy, Saint-Pierre-et-Miquelon,
Polynésie, Nouvelle-Calédonie, Wallis-et-Futuna, TAAF, Clipperton) sont écartées : elles n'ont
pas de service départemental de l'État qui instruirait les dossiers.

La table des régions d'avant 2016 (27 régions) n'est pas dans le paquet : elle est écrite dans le
script (`FORMER_REGIONS`), qui vérifie que chaque ancienne région tient dans une seule région actuelle.

## Reconstruire

```sh
.venv/bin/python scripts/build_territories_data.py --version {version}
# hors ligne, à partir d'une archive déjà téléchargée par `npm pack {package}@{version}` :
.venv/bin/python scripts/build_territories_data.py --tarball etalab-decoupage-administratif-{version}.tgz
```

Puis recharger la base : `.venv/bin/python manage.py load_territories`.
"""


def build(data: PackageData, output_dir: Path) -> dict[str, int]:
    """Write the four CSV files and SOURCE.md; return the number of rows of each file."""
    output_dir.mkdir(parents=True, exist_ok=True)
    regions = build_regions(data)
    departments = build_departments(data)
    department_codes = {row[0] for row in departments}
    communes = build_communes(data, department_codes)
    epci = build_epci(data, {row[0]: row[2] for row in communes})

    write_csv(output_dir / "regions.csv", ["code", "name", "is_current"], regions)
    write_csv(
        output_dir / "departments.csv", ["code", "name", "region_code", "former_region_code"], departments
    )
    write_csv(output_dir / "communes.csv", ["insee_code", "name", "department_code", "population"], communes)
    write_csv(output_dir / "epci.csv", ["siren", "name", "kind", "department_code", "population"], epci)

    counts = {
        "n_regions": len(regions),
        "n_current": sum(1 for row in regions if row[2] == 1),
        "n_departments": len(departments),
        "n_communes": len(communes),
        "n_epci": len(epci),
    }
    (output_dir / "SOURCE.md").write_text(
        SOURCE_TEMPLATE.format(
            package=PACKAGE,
            version=data.version,
            integrity=data.integrity,
            year=cog_year(data.readme, data.version),
            built=dt.date.today().isoformat(),
            **counts,
        ),
        encoding="utf-8",
    )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--version", default=DEFAULT_VERSION, help=f"version du paquet (défaut {DEFAULT_VERSION})"
    )
    parser.add_argument("--tarball", type=Path, help="archive .tgz du paquet déjà téléchargée (hors ligne)")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help="dossier de sortie")
    args = parser.parse_args(argv)

    if args.tarball:
        data = read_package(args.tarball)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            data = read_package(fetch_tarball(args.version, Path(tmp)))
    counts = build(data, args.output)
    print(f"{PACKAGE}@{data.version} -> {args.output}")
    for name, count in counts.items():
        print(f"  {name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
