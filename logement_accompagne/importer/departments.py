"""Department(s) of a project, from what the form says: a code, a name, an EPCI, a commune, a carrier.

The lookups come from ``cog`` (the INSEE COG, pure Python, beside this module). When the
evidence is ambiguous the codes are left empty and a warning says why: a wrong department would
send the dossier to the wrong instructor, an empty one only asks a human to fill it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CODE_IN_BRACKETS = re.compile(r"\(\s*(\d{2,3}|2[AaBb])\s*\)")
_CODE_AFTER_WORD = re.compile(
    r"\b(?:d[ée]partements?|dpt|d[ée]p\.?)\s*(?:n°|no|numéro)?\s*:?\s*(\d{2,3}|2[AB])\b", re.I
)
_POSTCODE = re.compile(r"(?<![\d\s.,])(?<!\d )\b(\d{5})\b(?![.,]?\d)")
_DEMONYM_SUFFIXES = (
    "iennes",
    "ienne",
    "iens",
    "ien",
    "aises",
    "aise",
    "ais",
    "oises",
    "oise",
    "ois",
    "aines",
    "aine",
    "ains",
    "ain",
    "ines",
    "ine",
    "ins",
    "in",
)
_DEMONYM_ENDINGS = ("s", "", "e", "es", "x")
_DEMONYM_MIN_POPULATION = 20_000


@dataclass
class DepartmentGuess:
    """Codes found, where they came from, and French warnings for a human to check."""

    codes: list[str] = field(default_factory=list)
    source: str = ""
    warnings: list[str] = field(default_factory=list)


def _cog():
    """The COG lookup module (imported on first use: its tables load lazily)."""
    from . import cog

    return cog


def _known(cog, codes: list[str]) -> list[str]:
    """The codes that are real departments, normalised ("1" → "01"), without repeats."""
    result: list[str] = []
    for code in codes:
        record = cog.department_by_code(code)
        if record is not None and record.code not in result:
            result.append(record.code)
    return result


def _explicit_codes(cog, text: str) -> list[str]:
    """Codes written as such: "(17)", "département 45", a postcode "40100"."""
    codes = [m.group(1) for m in _CODE_IN_BRACKETS.finditer(text)]
    codes += [m.group(1) for m in _CODE_AFTER_WORD.finditer(text)]
    for match in _POSTCODE.finditer(text):
        postcode = match.group(1)
        if postcode.startswith("97"):
            codes.append(postcode[:3])
        elif postcode.startswith("20"):
            codes.append("2A" if postcode < "20200" else "2B")
        else:
            codes.append(postcode[:2])
    return _known(cog, codes)


def _from_communes(cog, text: str) -> tuple[list[str], str | None]:
    """Department of the communes named in ``text``; (codes, warning when homonyms make it unsure)."""
    communes = cog.find_communes_in_text(text)
    if not communes:
        return [], None
    departments = list(dict.fromkeys(c.department_code for c in communes))
    if len(departments) == 1:
        return departments, None
    # Homonyms: the first name mentioned decides if its largest commune clearly dominates.
    first_name = communes[0].name
    same_name = sorted((c for c in communes if c.name == first_name), key=lambda c: -c.population)
    if len(same_name) == 1 or same_name[0].population >= 10 * same_name[1].population:
        others = {c.department_code for c in communes if c.name != first_name}
        if not others or others == {same_name[0].department_code}:
            return [same_name[0].department_code], None
    names = ", ".join(f"{c.name} ({c.department_code})" for c in communes[:6])
    return [], f"Département incertain : plusieurs communes possibles ({names}) ; à renseigner à la main."


def _from_demonyms(cog, text: str) -> list[str]:
    """Department of a city named by its adjective ("Agglomération orléanaise" → Orléans → 45)."""
    codes: list[str] = []
    for word in re.findall(r"[^\W\d_]{6,}", cog.normalise(text)):
        for suffix in _DEMONYM_SUFFIXES:
            if not word.endswith(suffix) or len(word) - len(suffix) < 3:
                continue
            stem = word[: -len(suffix)]
            for ending in _DEMONYM_ENDINGS:
                found = [
                    c for c in cog.communes_named(stem + ending) if c.population >= _DEMONYM_MIN_POPULATION
                ]
                if len(found) == 1 and found[0].department_code not in codes:
                    codes.append(found[0].department_code)
            break
    return codes


def _from_place_text(cog, text: str) -> tuple[list[str], str, str | None]:
    """Codes from one text about the place; (codes, how they were found, warning)."""
    codes = _explicit_codes(cog, text)
    codes += [c for c in cog.departments_by_name(text) if c not in codes]
    if codes:
        return codes, "code ou nom de département", None
    epci_department = getattr(cog, "epci_department", None)
    if epci_department is not None:
        code = epci_department(text)
        if code:
            return [code], "intercommunalité", None
    codes, warning = _from_communes(cog, text)
    if codes or warning:
        return codes, "commune", warning
    codes = _from_demonyms(cog, text)
    if len(codes) == 1:
        return codes, "nom d'habitants d'une ville", None
    return [], "", None


def _from_carrier_names(cog, carriers_text: str, organisations: list[dict]) -> list[str]:
    """Codes from the carriers' names: "Habitat Landes Océanes", or glued as in "Logemloiret"."""
    codes = list(cog.departments_by_name(carriers_text))
    if codes:
        return codes
    single_word_names = {}
    for record in cog.departments().values():
        name = cog.normalise(record.name)
        if " " not in name and len(name) >= 5:
            single_word_names[name] = record.code
    for organisation in organisations:
        for word in cog.normalise(organisation["name"]).split():
            for name, code in single_word_names.items():
                if len(word) >= len(name) + 3 and word.endswith(name) and code not in codes:
                    codes.append(code)
    return codes


def detect_departments(
    place_texts: list[str], carriers_text: str, organisations: list[dict], other_texts: list[str]
) -> DepartmentGuess:
    """The project's department codes, trying the place fields first, then the carriers, then the rest.

    ``place_texts``: "Localisation du projet" then "Localisation de l'offre"; ``other_texts``: name
    and summary, used last and flagged for checking.
    """
    guess = DepartmentGuess()
    cog = _cog()
    pending_warning = None
    for text in place_texts:
        if not text.strip():
            continue
        codes, source, warning = _from_place_text(cog, text)
        if codes:
            guess.codes, guess.source = codes, source
            return guess
        pending_warning = pending_warning or warning
    if pending_warning:
        guess.warnings.append(pending_warning)
        return guess
    codes = _from_carrier_names(cog, carriers_text, organisations)
    if len(codes) == 1:
        guess.codes, guess.source = codes, "nom du porteur"
        guess.warnings.append(
            f"Département {codes[0]} déduit du nom du porteur, la localisation ne le disant pas : à vérifier."
        )
        return guess
    for text in other_texts:
        if not text.strip():
            continue
        codes, source, warning = _from_place_text(cog, text)
        if len(codes) == 1:
            guess.codes, guess.source = codes, f"{source} (descriptif)"
            guess.warnings.append(
                f"Département {codes[0]} déduit du nom ou du descriptif du projet : à vérifier."
            )
            return guess
    guess.warnings.append("Département non déterminé d'après la localisation : à renseigner à la main.")
    return guess
