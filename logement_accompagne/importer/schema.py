"""The canonical document "presentation-synthetique/1": an empty one, and a strict validator.

The validator is shared by the file importer and the JSON import of dossiers, so it checks every
key (none missing, none extra), every type (``True`` is not an integer here) and every enum.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import CanonicalValidationError

SCHEMA = "presentation-synthetique/1"

TRI = ("yes", "no", "unknown")
BASES = ("household", "dwelling", "project", "unknown")
PERIODS = ("once", "month", "year", "unknown")
KINDS = ("oph", "esh", "sem", "coop_hlm", "association", "landlord", "other")
MOBILISATIONS = ("new_supply", "adapted_existing", "existing_unadapted", "low_rent_reclassification")
COFUNDING_STATUSES = ("obtained", "requested", "unknown")
REPRODUCIBILITY = ("low", "medium", "high")
VERDICTS = ("favourable", "unfavourable")
MONEY_KEYS = (
    "finance.diagnostic_cost",
    "finance.support_cost",
    "finance.rental_management_cost",
    "finance.global_cost",
)


def empty_money() -> dict:
    """A money value that says nothing."""
    return {"amount_eur": None, "basis": "unknown", "period": "unknown", "text": ""}


def empty_canonical() -> dict:
    """A canonical document with every key present and every value empty."""
    return {
        "schema": SCHEMA,
        "location": {"text": "", "department_codes": []},
        "name": "",
        "carriers": {"text": "", "organisations": []},
        "summary": "",
        "target_public": {
            "households": None,
            "households_approximate": False,
            "dalo_eligible": "unknown",
            "collective_agreements": "unknown",
            "pdalpd": "unknown",
            "characteristics": "",
        },
        "housing": {
            "mobilisation": [],
            "mobilisation_known": False,
            "dwellings": None,
            "dwellings_approximate": False,
            "dwellings_text": "",
            "typology": "",
            "allocation": "",
            "location": "",
        },
        "support": {
            "method": "",
            "rental_management": "",
            "adhesion": "",
            "offer": "",
            "landlord_relation": "",
            "needs_fit": "",
        },
        "partnership": {"partners": ""},
        "finance": {
            "overview": "",
            "diagnostic_cost": empty_money(),
            "support_cost": empty_money(),
            "rental_management_cost": empty_money(),
            "global_cost": empty_money(),
            "cofunding_text": "",
            "cofunding": [],
            "requested_amount_eur": None,
            "fndollts_funded": "unknown",
            "fndollts_applied": "unknown",
        },
        "duration": {"text": "", "months": None, "renewable": False},
        "schedule": "",
        "department_opinion": {"relevance": "", "reproducibility": None, "conditions": ""},
        "regional_opinion": {"verdict": None, "comment": ""},
        "unmapped": [],
    }


def get(document: dict, dotted: str) -> Any:
    """Value at a dotted key ("finance.support_cost")."""
    value: Any = document
    for part in dotted.split("."):
        value = value[part]
    return value


def put(document: dict, dotted: str, value: Any) -> None:
    """Set the value at a dotted key of an existing document."""
    *parents, last = dotted.split(".")
    node = document
    for part in parents:
        node = node[part]
    node[last] = value


# --- validation -------------------------------------------------------------------------------


def _is_int(value) -> bool:
    """An int that is not a bool (JSON true must not pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    """A finite int or float that is not a bool."""
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


class _Checker:
    """Collects every problem of a document instead of stopping at the first."""

    def __init__(self):
        """No problem found yet."""
        self.problems: list[str] = []
        self.missing: set[str] = set()

    def fail(self, path: str, message: str) -> None:
        """Record one problem at ``path``."""
        if path not in self.missing:  # a missing key is reported once, not again for its type
            self.problems.append(f"« {path} » {message}")

    def keys(self, value, path: str, expected: tuple[str, ...]) -> bool:
        """Check that ``value`` is an object with exactly the ``expected`` keys; False if not an object."""
        if not isinstance(value, dict):
            self.fail(path or "document", "doit être un objet")
            return False
        missing = [k for k in expected if k not in value]
        extra = [k for k in value if k not in expected]
        for key in missing:
            self.fail(f"{path}.{key}" if path else key, "manque")
            self.missing.add(f"{path}.{key}" if path else key)
        for key in extra:
            self.fail(f"{path}.{key}" if path else str(key), "n'est pas une clé du schéma")
        return True

    def text(self, value, path: str) -> None:
        """Check a string."""
        if not isinstance(value, str):
            self.fail(path, "doit être un texte")

    def boolean(self, value, path: str) -> None:
        """Check a true/false value."""
        if not isinstance(value, bool):
            self.fail(path, "doit être true ou false")

    def count(self, value, path: str) -> None:
        """Check a non-negative integer or null."""
        if value is not None and (not _is_int(value) or value < 0):
            self.fail(path, "doit être un entier positif ou null")

    def amount(self, value, path: str) -> None:
        """Check a non-negative finite number or null."""
        if value is not None and (not _is_number(value) or value < 0):
            self.fail(path, "doit être un nombre positif ou null")

    def enum(self, value, path: str, allowed: tuple, nullable: bool = False) -> None:
        """Check one of the ``allowed`` strings (or null when ``nullable``)."""
        if nullable and value is None:
            return
        if not isinstance(value, str) or value not in allowed:
            shown = " | ".join(allowed) + (" | null" if nullable else "")
            self.fail(path, f"doit valoir {shown}")

    def money(self, value, path: str) -> None:
        """Check a money object (amount, basis, period, text)."""
        if self.keys(value, path, ("amount_eur", "basis", "period", "text")):
            self.amount(value.get("amount_eur"), f"{path}.amount_eur")
            self.enum(value.get("basis"), f"{path}.basis", BASES)
            self.enum(value.get("period"), f"{path}.period", PERIODS)
            self.text(value.get("text"), f"{path}.text")

    def items(self, value, path: str, check) -> None:
        """Check a list, each item with ``check(item, path)``."""
        if not isinstance(value, list):
            self.fail(path, "doit être une liste")
            return
        for index, item in enumerate(value):
            check(item, f"{path}[{index}]")


def validate_canonical(document) -> None:
    """Raise CanonicalValidationError (a DocumentImportError and a ValueError) listing every problem.

    Returns None for a document that follows "presentation-synthetique/1" exactly.
    """
    c = _Checker()
    top = (
        "schema",
        "location",
        "name",
        "carriers",
        "summary",
        "target_public",
        "housing",
        "support",
        "partnership",
        "finance",
        "duration",
        "schedule",
        "department_opinion",
        "regional_opinion",
        "unmapped",
    )
    if not c.keys(document, "", top):
        raise CanonicalValidationError(c.problems)
    d = document
    if d.get("schema") != SCHEMA:
        c.fail("schema", f"doit valoir « {SCHEMA} »")
    for key in ("name", "summary", "schedule"):
        c.text(d.get(key), key)

    location = d.get("location")
    if c.keys(location, "location", ("text", "department_codes")):
        c.text(location.get("text"), "location.text")
        c.items(
            location.get("department_codes"),
            "location.department_codes",
            lambda v, p: (
                c.fail(p, "doit être un code de département (texte)")
                if not isinstance(v, str) or not v.strip() or len(v) > 3
                else None
            ),
        )

    carriers = d.get("carriers")
    if c.keys(carriers, "carriers", ("text", "organisations")):
        c.text(carriers.get("text"), "carriers.text")

        def organisation(value, path):
            """Check one carrier organisation (name, kind)."""
            if c.keys(value, path, ("name", "kind")):
                c.text(value.get("name"), f"{path}.name")
                c.enum(value.get("kind"), f"{path}.kind", KINDS)

        c.items(carriers.get("organisations"), "carriers.organisations", organisation)

    target = d.get("target_public")
    if c.keys(
        target,
        "target_public",
        (
            "households",
            "households_approximate",
            "dalo_eligible",
            "collective_agreements",
            "pdalpd",
            "characteristics",
        ),
    ):
        c.count(target.get("households"), "target_public.households")
        c.boolean(target.get("households_approximate"), "target_public.households_approximate")
        for key in ("dalo_eligible", "collective_agreements", "pdalpd"):
            c.enum(target.get(key), f"target_public.{key}", TRI)
        c.text(target.get("characteristics"), "target_public.characteristics")

    housing = d.get("housing")
    if c.keys(
        housing,
        "housing",
        (
            "mobilisation",
            "mobilisation_known",
            "dwellings",
            "dwellings_approximate",
            "dwellings_text",
            "typology",
            "allocation",
            "location",
        ),
    ):
        c.items(housing.get("mobilisation"), "housing.mobilisation", lambda v, p: c.enum(v, p, MOBILISATIONS))
        mobilisation = housing.get("mobilisation")
        if isinstance(mobilisation, list) and len(set(map(str, mobilisation))) != len(mobilisation):
            c.fail("housing.mobilisation", "ne doit pas contenir de doublon")
        c.boolean(housing.get("mobilisation_known"), "housing.mobilisation_known")
        c.count(housing.get("dwellings"), "housing.dwellings")
        c.boolean(housing.get("dwellings_approximate"), "housing.dwellings_approximate")
        for key in ("dwellings_text", "typology", "allocation", "location"):
            c.text(housing.get(key), f"housing.{key}")

    support = d.get("support")
    support_keys = ("method", "rental_management", "adhesion", "offer", "landlord_relation", "needs_fit")
    if c.keys(support, "support", support_keys):
        for key in support_keys:
            c.text(support.get(key), f"support.{key}")

    partnership = d.get("partnership")
    if c.keys(partnership, "partnership", ("partners",)):
        c.text(partnership.get("partners"), "partnership.partners")

    finance = d.get("finance")
    if c.keys(
        finance,
        "finance",
        (
            "overview",
            "diagnostic_cost",
            "support_cost",
            "rental_management_cost",
            "global_cost",
            "cofunding_text",
            "cofunding",
            "requested_amount_eur",
            "fndollts_funded",
            "fndollts_applied",
        ),
    ):
        c.text(finance.get("overview"), "finance.overview")
        for key in MONEY_KEYS:
            c.money(finance.get(key.split(".")[1]), key)
        c.text(finance.get("cofunding_text"), "finance.cofunding_text")

        def cofunding(value, path):
            """Check one co-funding line (funder, amount, status)."""
            if c.keys(value, path, ("funder", "amount_eur", "status")):
                c.text(value.get("funder"), f"{path}.funder")
                c.amount(value.get("amount_eur"), f"{path}.amount_eur")
                c.enum(value.get("status"), f"{path}.status", COFUNDING_STATUSES)

        c.items(finance.get("cofunding"), "finance.cofunding", cofunding)
        c.amount(finance.get("requested_amount_eur"), "finance.requested_amount_eur")
        c.enum(finance.get("fndollts_funded"), "finance.fndollts_funded", TRI)
        c.enum(finance.get("fndollts_applied"), "finance.fndollts_applied", TRI)

    duration = d.get("duration")
    if c.keys(duration, "duration", ("text", "months", "renewable")):
        c.text(duration.get("text"), "duration.text")
        c.count(duration.get("months"), "duration.months")
        c.boolean(duration.get("renewable"), "duration.renewable")

    opinion = d.get("department_opinion")
    if c.keys(opinion, "department_opinion", ("relevance", "reproducibility", "conditions")):
        c.text(opinion.get("relevance"), "department_opinion.relevance")
        c.enum(opinion.get("reproducibility"), "department_opinion.reproducibility", REPRODUCIBILITY, True)
        c.text(opinion.get("conditions"), "department_opinion.conditions")

    regional = d.get("regional_opinion")
    if c.keys(regional, "regional_opinion", ("verdict", "comment")):
        c.enum(regional.get("verdict"), "regional_opinion.verdict", VERDICTS, True)
        c.text(regional.get("comment"), "regional_opinion.comment")

    c.items(d.get("unmapped"), "unmapped", lambda v, p: c.text(v, p))
    if c.problems:
        raise CanonicalValidationError(c.problems)
