"""The canonical document "presentation-synthetique/1": an empty one, and a strict validator.

The validator is shared by the file importer and the JSON import of dossiers, so it checks every
key (none missing, none extra), every type (``True`` is not an integer here) and every enum.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from . import form
from .errors import CanonicalValidationError

SCHEMA = "presentation-synthetique/1"

TRI = ("yes", "no", "unknown")
BASES = ("household", "dwelling", "project", "unknown")
PERIODS = ("once", "month", "year", "unknown")
KINDS = ("oph", "esh", "sem", "coop_hlm", "association", "landlord", "other")
MOBILISATIONS = form.MOBILISATION_OPTIONS
COFUNDING_STATUSES = ("obtained", "requested", "unknown")
REPRODUCIBILITY = ("low", "medium", "high")
VERDICTS = ("favourable", "unfavourable")
MONEY_KEYS = tuple(field.path for field in form.FIELDS if field.type == "money")


def empty_money() -> dict:
    """A money value that says nothing."""
    return {"amount_eur": None, "basis": "unknown", "period": "unknown", "text": ""}


_EMPTY = {"line": "", "text": "", "count": None, "months": None, "amount": None, "flag": False, "tri": "unknown",
          "departments": [], "organisations": [], "mobilisation": [], "cofunding": []}  # fmt: skip


def empty_canonical() -> dict:
    """A canonical document with every key present and every value empty, in the form's order."""
    document: dict = {"schema": SCHEMA}
    for field in form.FIELDS:
        *parents, last = field.path.split(".")
        node = document
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = empty_money() if field.type == "money" else copy.copy(_EMPTY[field.type])
    document["department_opinion"] = {"relevance": "", "reproducibility": None, "conditions": ""}
    document["regional_opinion"] = {"verdict": None, "comment": ""}
    document["unmapped"] = []
    return document


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


def _check_field(c: _Checker, field: form.Field, value, path: str) -> None:
    """Check one declared field's value by its type."""
    kind = field.type
    if kind in ("line", "text"):
        c.text(value, path)
    elif kind in ("count", "months"):
        c.count(value, path)
    elif kind == "flag":
        c.boolean(value, path)
    elif kind == "tri":
        c.enum(value, path, TRI)
    elif kind == "amount":
        c.amount(value, path)
    elif kind == "money":
        c.money(value, path)
    elif kind == "departments":
        c.items(value, path, lambda v, p: (
            c.fail(p, "doit être un code de département (texte)")
            if not isinstance(v, str) or not v.strip() or len(v) > 3 else None
        ))  # fmt: skip
    elif kind == "organisations":

        def organisation(item, item_path):
            """Check one carrier organisation (name, kind)."""
            if c.keys(item, item_path, ("name", "kind")):
                c.text(item.get("name"), f"{item_path}.name")
                c.enum(item.get("kind"), f"{item_path}.kind", KINDS)

        c.items(value, path, organisation)
    elif kind == "mobilisation":
        c.items(value, path, lambda v, p: c.enum(v, p, MOBILISATIONS))
        if isinstance(value, list) and len(set(map(str, value))) != len(value):
            c.fail(path, "ne doit pas contenir de doublon")
    elif kind == "cofunding":

        def cofunding(item, item_path):
            """Check one co-funding line (funder, amount, status)."""
            if c.keys(item, item_path, ("funder", "amount_eur", "status")):
                c.text(item.get("funder"), f"{item_path}.funder")
                c.amount(item.get("amount_eur"), f"{item_path}.amount_eur")
                c.enum(item.get("status"), f"{item_path}.status", COFUNDING_STATUSES)

        c.items(value, path, cofunding)
    else:  # pragma: no cover - a type added to the declaration must be checked here
        raise AssertionError(f"type de champ inconnu : {kind}")


def validate_canonical(document) -> None:
    """Raise CanonicalValidationError (a DocumentImportError and a ValueError) listing every problem.

    Returns None for a document that follows "presentation-synthetique/1" exactly: the keys and
    types of the form's declaration (``form.FIELDS``), and the State services' opinions.
    """
    c = _Checker()
    shape = empty_canonical()
    if not c.keys(document, "", tuple(shape)):
        raise CanonicalValidationError(c.problems)
    if document.get("schema") != SCHEMA:
        c.fail("schema", f"doit valoir « {SCHEMA} »")
    # Every object of the document has exactly the keys of the empty document.
    objects_ok = {"": True}
    for key, value in shape.items():
        if isinstance(value, dict) and key != "schema":
            objects_ok[key] = c.keys(document.get(key), key, tuple(value))
    for field in form.FIELDS:
        parent, _, last = field.path.rpartition(".")
        if not objects_ok.get(parent, False):
            continue
        node = document[parent] if parent else document
        _check_field(c, field, node.get(last), field.path)

    if objects_ok["department_opinion"]:
        opinion = document["department_opinion"]
        c.text(opinion.get("relevance"), "department_opinion.relevance")
        c.enum(opinion.get("reproducibility"), "department_opinion.reproducibility", REPRODUCIBILITY, True)
        c.text(opinion.get("conditions"), "department_opinion.conditions")
    if objects_ok["regional_opinion"]:
        regional = document["regional_opinion"]
        c.enum(regional.get("verdict"), "regional_opinion.verdict", VERDICTS, True)
        c.text(regional.get("comment"), "regional_opinion.comment")

    c.items(document.get("unmapped"), "unmapped", lambda v, p: c.text(v, p))
    if c.problems:
        raise CanonicalValidationError(c.problems)
