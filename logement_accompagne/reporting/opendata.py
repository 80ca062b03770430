"""Open data: the programme's figures by department, region and call, anonymised, licence Etalab 2.0.

Computed over every filed dossier (no person's scope: these are public figures) with the same
aggregates as the dashboards; household counts from 1 to 4 are suppressed (empty cell, and
`menages_secret` true). Files are written by the `build_open_data` command (nightly) into
VAR_DIR/opendata, each replaced atomically.
"""

import csv
import io
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from logement_accompagne.dossiers.models import Dossier

from . import indicators

LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FIELDS = [
    ("niveau", "string", "département, région ou appel"),
    ("code", "string", "code INSEE du département ou de la région, identifiant de l'appel"),
    ("nom", "string", "nom du territoire ou intitulé de l'appel"),
    ("dossiers_deposes", "integer", "dossiers déposés"),
    ("projets_retenus", "integer", "projets retenus par le comité"),
    ("menages", "integer", "ménages engagés dans les projets retenus ; vide si secret (1 à 4)"),
    ("menages_secret", "boolean", "vrai quand le nombre de ménages (1 à 4) n'est pas diffusé"),
    ("logements", "integer", "logements mobilisés par les projets retenus"),
    ("montant_accorde_eur", "number", "montant accordé par le comité (euros)"),
]
FILES = {
    "chiffres-departements.csv": "department",
    "chiffres-regions.csv": "region",
    "chiffres-appels.csv": "call",
    "chiffres.json": None,
    "schema.json": None,
}


def directory() -> Path:
    return Path(getattr(settings, "OPEN_DATA_DIR", settings.VAR_DIR / "opendata"))


def public_dossiers():
    return Dossier.objects.filter(submitted_at__isnull=False)


def _row(level, code, name, figures) -> dict:
    households = figures["households"]
    secret = households is not None and 0 < households < indicators.SECRECY_THRESHOLD
    return {
        "niveau": level,
        "code": code,
        "nom": name,
        "dossiers_deposes": figures["filed"],
        "projets_retenus": figures["selected"],
        "menages": None if secret else households,
        "menages_secret": secret,
        "logements": figures["dwellings"],
        "montant_accorde_eur": float(figures["granted"]),
    }


def tables() -> dict[str, list[dict]]:
    dossiers = public_dossiers()
    raw = {
        "department": indicators.by_department(dossiers, raw=True),
        "region": indicators.by_region(dossiers, raw=True),
    }
    result = {
        level: [_row(level, row["code"], row["name"], row) for row in rows] for level, rows in raw.items()
    }
    result["call"] = [_row("call", row["slug"], row["title"], row) for row in indicators.by_call(dossiers)]
    return result


def schema() -> dict:
    """A Table Schema (frictionless) description of the CSV files."""
    return {
        "name": "logement-accompagne-chiffres",
        "title": "Programme « 10 000 logements HLM accompagnés » : chiffres par territoire et par appel",
        "licenses": [{"name": "etalab-2.0", "title": LICENCE, "path": LICENCE_URL}],
        "fields": [{"name": name, "type": kind, "description": text} for name, kind, text in FIELDS],
        "missingValues": [""],
    }


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _, _ in FIELDS], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "menages": "" if row["menages"] is None else row["menages"],
                         "menages_secret": "true" if row["menages_secret"] else "false"})  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def build(target: Path | None = None) -> dict[str, int]:
    """Write every file; returns the number of rows of each. Each file is replaced atomically."""
    target = target or directory()
    target.mkdir(parents=True, exist_ok=True)
    data = tables()
    generated = timezone.now().isoformat(timespec="seconds")
    contents = {
        "chiffres-departements.csv": _csv(data["department"]),
        "chiffres-regions.csv": _csv(data["region"]),
        "chiffres-appels.csv": _csv(data["call"]),
        "chiffres.json": json.dumps(
            {
                "licence": LICENCE,
                "licence_url": LICENCE_URL,
                "genere_le": generated,
                "seuil_secret_menages": indicators.SECRECY_THRESHOLD,
                "departements": data["department"],
                "regions": data["region"],
                "appels": data["call"],
            },
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8"),  # fmt: skip
        "schema.json": json.dumps(schema(), ensure_ascii=False, indent=1).encode("utf-8"),
    }
    for name, content in contents.items():
        temporary = target / f".{name}.tmp"
        temporary.write_bytes(content)
        os.replace(temporary, target / name)
    return {
        "départements": len(data["department"]),
        "régions": len(data["region"]),
        "appels": len(data["call"]),
    }
