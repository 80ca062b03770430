"""Bulk entry of households from a spreadsheet (XLSX or CSV, after the template we hand out).

Every line is validated (values, dates, then the same services as the form); if any
line is refused, nothing is written and each refusal is reported with its line number.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook

from . import services
from .enums import HeadOfHousehold, ReferralSource, ResourcesCategory, SupportKind

MAX_ROWS = 500
COLUMNS = [
    ("nom", "Nom de la personne de référence", True),
    ("prenom", "Prénom", True),
    ("date_naissance", "Date de naissance (JJ/MM/AAAA)", False),
    ("telephone", "Téléphone", False),
    ("nature", "Nature : " + " / ".join(SupportKind.labels), True),
    ("orientation", "Orienté par : " + " / ".join(ReferralSource.labels), True),
    ("date_orientation", "Date d'orientation (JJ/MM/AAAA)", True),
    ("adultes", "Adultes", True),
    ("enfants", "Enfants", False),
    ("chef_menage", "Chef de ménage : " + " / ".join(HeadOfHousehold.labels), True),
    ("ressources", "Ressources : " + " / ".join(ResourcesCategory.labels), False),
    ("numero_sne", "Numéro unique SNE", False),
    ("dossier_siao", "Dossier SI-SIAO", False),
    ("decision_dalo", "Décision DALO", False),
]
KEYS = [key for key, _, _ in COLUMNS]


@dataclass
class LineError:
    line: int
    message: str


class ImportRefused(Exception):
    def __init__(self, errors: list[LineError]):
        self.errors = errors
        super().__init__(f"{len(errors)} ligne(s) refusée(s) : rien n'a été importé.")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Ménages"
    sheet.append(KEYS)
    sheet.append([label for _, label, _ in COLUMNS])
    sheet.append(["Exemple", "Awa", "12/03/1985", "06 00 00 00 00", "Accès au logement", "SIAO", "06/01/2025", 1, 2,
                  "Femme seule", "Minima sociaux", "", "", ""])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(name: str, content: bytes) -> list[list]:
    if name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise ImportRefused([LineError(0, "Ce fichier n'est pas un classeur XLSX lisible.")]) from error
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if name.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        try:
            sniffed = csv.Sniffer().sniff(text[:2000], delimiters=";,\t")
            delimiter, quotechar = sniffed.delimiter, sniffed.quotechar or '"'
        except csv.Error:  # nothing that looks like a separator (empty, one column, binary)
            delimiter, quotechar = ";", '"'
        try:
            return list(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar))
        except csv.Error as error:  # a field beyond the csv module's limit, a broken quote
            raise ImportRefused([LineError(0, "Ce fichier CSV n'est pas lisible.")]) from error
    raise ImportRefused([LineError(0, "Format non pris en charge : envoyez un fichier .xlsx ou .csv.")])


def _choice(value, choices, label: str):
    text = str(value or "").strip().lower()
    for code, name in choices:
        if text in (code.lower(), name.lower()):
            return code
    raise ValueError(f"{label} : « {value} » n'est pas une valeur prévue.")


def _date(value, label: str, required: bool):
    if value in (None, ""):
        if required:
            raise ValueError(f"{label} manquante.")
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(f"{label} : « {value} » n'est pas une date JJ/MM/AAAA.") from None


def _int(value, label: str, default=None):
    if value in (None, ""):
        if default is None:
            raise ValueError(f"{label} manquant.")
        return default
    try:
        return int(float(str(value).replace(",", ".")))
    except ValueError:
        raise ValueError(f"{label} : « {value} » n'est pas un nombre.") from None


def parse_line(row: dict) -> dict:
    for key, label, required in COLUMNS:
        if required and str(row.get(key) or "").strip() == "" and key not in ("date_orientation", "adultes"):
            raise ValueError(f"{label.split(' :')[0].split(' (')[0]} manquant.")
    return {
        "members": [{
            "last_name": str(row["nom"]).strip()[:150], "first_name": str(row["prenom"]).strip()[:150],
            "birth_date": _date(row.get("date_naissance"), "Date de naissance", False),
            "phone": str(row.get("telephone") or "").strip()[:32],
        }],
        "kind": _choice(row.get("nature"), SupportKind.choices, "Nature"),
        "referral_source": _choice(row.get("orientation"), ReferralSource.choices, "Orienté par"),
        "referred_on": _date(row.get("date_orientation"), "Date d'orientation", True),
        "adults": _int(row.get("adultes"), "Adultes"),
        "children": _int(row.get("enfants"), "Enfants", 0),
        "head": _choice(row.get("chef_menage"), HeadOfHousehold.choices, "Chef de ménage"),
        "resources_category": _choice(row.get("ressources") or "unknown", ResourcesCategory.choices, "Ressources"),
        "sne_number": str(row.get("numero_sne") or "").strip(),
        "siao_file": str(row.get("dossier_siao") or "").strip(),
        "dalo_decision": str(row.get("decision_dalo") or "").strip(),
    }  # fmt: skip


def import_households(*, user, dossier, name: str, content: bytes) -> int:
    """Register every line, or none: returns how many households were registered."""
    services.require_support(user, dossier)
    rows = _rows(name, content)
    if not rows or [str(c or "").strip().lower() for c in rows[0][: len(KEYS)]] != KEYS:
        raise ImportRefused([LineError(1, "La première ligne doit reprendre les colonnes du modèle.")])
    lines = [
        (number, row) for number, row in enumerate(rows[1:], start=2)
        if any(str(c or "").strip() for c in row) and not str(row[0] or "").startswith("Nom de la personne")
        and str(row[0] or "").strip() != "Exemple"
    ]  # fmt: skip
    if not lines:
        raise ImportRefused([LineError(2, "Aucun ménage dans le fichier.")])
    if len(lines) > MAX_ROWS:
        raise ImportRefused([LineError(0, f"Au plus {MAX_ROWS} ménages par fichier.")])
    errors: list[LineError] = []
    with transaction.atomic():
        for number, row in lines:
            values = dict(zip(KEYS, list(row) + [None] * len(KEYS), strict=False))
            try:
                parsed = parse_line(values)
                with transaction.atomic():
                    services.register_household(user=user, dossier=dossier, **parsed)
            except (ValueError, ValidationError) as refused:
                message = " ".join(getattr(refused, "messages", [str(refused)]))
                errors.append(LineError(number, message))
            except PermissionDenied:
                raise
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportRefused(errors)
    return len(lines)
