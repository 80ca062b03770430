"""Offline access to the INSEE Code officiel géographique (COG): regions, departments, communes, EPCI.

Why this module exists: dossiers arrive as free text ("Communauté d'agglomération du Grand Dax
dans les Landes", "Agglomération orléanaise", "OPH de la Moselle") and the platform must route
each one to a department, because territorial scoping is done by department.  The document
importer is pure Python (it runs without Django), so this module must not import Django either:
it reads the CSV files that ``scripts/build_territories_data.py`` commits under ``data/`` (see
``data/SOURCE.md`` for the source and vintage) and keeps them in memory, lazily, on first use.

Codes are always strings ("01", "2A", "971"): an integer would lose the leading zero and cannot
hold Corsica's letters.

Text matching works on *normalised* text (see :func:`normalise`) split into words, with a token
trie that returns leftmost-longest, non-overlapping matches.  "Longest" is what keeps
"Charente-Maritime" from also reporting "Charente", and "Haute-Savoie" from reporting "Savoie".
Some phrases are *blockers*: they are matched only to stop a shorter name inside them from being
reported ("Nord-Pas-de-Calais" is a former region, not the department of the Nord;
"Nogent-sur-Marne" is in Val-de-Marne, not in the Marne).

Place names are also ordinary words ("le Nord", "la Réunion" = the meeting, "les Tours", "Sens",
"L'Union sociale pour l'habitat").  When a text mixes upper and lower case, a name is therefore
only recognised if its first significant word is capitalised, as proper nouns are in French;
an all-lowercase text (a user's quick entry) is matched without that check.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .textnorm import fold

__all__ = [
    "DATA_DIR",
    "CommuneRecord",
    "DepartmentRecord",
    "EpciRecord",
    "RegionRecord",
    "communes",
    "communes_named",
    "department_by_code",
    "departments",
    "departments_by_name",
    "epci",
    "epci_department",
    "epcis_in_text",
    "find_communes_in_text",
    "normalise",
    "regions",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Communes smaller than this are not reported by :func:`find_communes_in_text` by default:
#: small communes too often share their name with a word, a person or a bigger homonym.
DEFAULT_MIN_POPULATION = 2000


@dataclass(frozen=True, slots=True)
class RegionRecord:
    code: str
    name: str
    is_current: bool


@dataclass(frozen=True, slots=True)
class DepartmentRecord:
    code: str
    name: str
    region_code: str
    former_region_code: str


@dataclass(frozen=True, slots=True)
class CommuneRecord:
    insee_code: str
    name: str
    department_code: str
    population: int


@dataclass(frozen=True, slots=True)
class EpciRecord:
    siren: str
    name: str
    kind: str  # CA, CC, CU, METRO or MET69 (DGCL nomenclature)
    department_code: str  # department of the majority of its member communes
    population: int


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

# Everything that is not a letter or a digit separates words: apostrophes (' ’ ʼ), hyphens and
# dashes, no-break spaces, punctuation.
_SEPARATORS = re.compile(r"[\W_]+")
# Abbreviations expanded so that "St-Étienne" and "Saint-Étienne" compare equal.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Words skipped when looking for the word of a name that must be capitalised ("la Réunion",
# "L'Union", "Le Mans"): articles and the prepositions of compound names.
_MINOR_WORDS = frozenset(
    "le la les l de du des d en et sur sous lez aux au a".split()  # "lès" folds to "les"
)


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Split ``text`` into normalised words and, aligned with them, the same words with their case."""
    cased = [word for word in _SEPARATORS.split(fold(text)) if word]
    lowered = [_ABBREVIATIONS.get(word.lower(), word.lower()) for word in cased]
    return lowered, cased


def normalise(text: str) -> str:
    """Comparable form of a name or a text.

    Lowercase, accents and ligatures removed, every run of non-alphanumeric characters
    (apostrophes, hyphens, no-break spaces, punctuation) turned into one space, "st"/"ste"
    expanded to "saint"/"sainte": ``normalise("St-Paul-lès-Dax")`` gives ``"saint paul les dax"``.
    """
    return " ".join(_tokens(text)[0])


def _case_matters(text: str) -> bool:
    """Capitalisation is evidence only in a text that has both cases (see the module docstring)."""
    return any(ch.islower() for ch in text) and any(ch.isupper() for ch in text)


def _significant(words: Iterable[str]) -> int:
    """Index of the first word of a name that is not an article or a preposition."""
    for index, word in enumerate(words):
        if word not in _MINOR_WORDS:
            return index
    return 0


# --------------------------------------------------------------------------------------------
# Token trie
# --------------------------------------------------------------------------------------------

_END = ""  # key of the terminal entry in a trie node; never a word, since words are non-empty


class _PhraseIndex:
    """Trie of word sequences returning leftmost-longest, non-overlapping matches.

    Each phrase carries a payload (``None`` for a blocker) and the index of the word that must be
    capitalised when case matters (``None``: no check, used for blockers).  Matching a text costs
    one dictionary look-up per word and per word of the candidate phrase, whatever the number of
    phrases, which keeps a 2 000-character text well under a millisecond.
    """

    __slots__ = ("_root",)

    def __init__(self) -> None:
        self._root: dict = {}

    def add(self, words: tuple[str, ...], payload: object, capitalised_word: int | None) -> None:
        """Add a phrase; a real payload replaces a blocker, a blocker never replaces a payload."""
        if not words:
            return
        node = self._root
        for word in words:
            node = node.setdefault(word, {})
        existing = node.get(_END)
        if existing is None or existing[0] is None:
            node[_END] = (payload, capitalised_word)

    def payload(self, words: tuple[str, ...]) -> object:
        """Payload of exactly this phrase, or ``None``."""
        node = self._root
        for word in words:
            node = node.get(word)
            if node is None:
                return None
        terminal = node.get(_END)
        return terminal[0] if terminal else None

    def matches(self, lowered: list[str], cased: list[str], check_case: bool) -> Iterator[tuple[int, object]]:
        """Yield ``(start, payload)`` of each match with a payload, blockers being skipped."""
        start, count = 0, len(lowered)
        while start < count:
            node, end, best = self._root, start, None
            while end < count:
                node = node.get(lowered[end])
                if node is None:
                    break
                end += 1
                terminal = node.get(_END)
                if terminal is None:
                    continue
                payload, capitalised_word = terminal
                if capitalised_word is not None and check_case:
                    first = cased[start + capitalised_word][0]
                    if not (first.isupper() or first.isdigit()):
                        continue
                best = (end, payload)
            if best is None:
                start += 1
                continue
            if best[1] is not None:
                yield start, best[1]
            start = best[0]


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _rows(filename: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@cache
def regions() -> dict[str, RegionRecord]:
    """Current regions and the pre-2016 ones whose code disappeared, by INSEE code."""
    return {
        row["code"]: RegionRecord(row["code"], row["name"], row["is_current"] == "1")
        for row in _rows("regions.csv")
    }


@cache
def departments() -> dict[str, DepartmentRecord]:
    """The 101 departments (mainland, Corsica 2A/2B, five overseas), by INSEE code."""
    return {
        row["code"]: DepartmentRecord(row["code"], row["name"], row["region_code"], row["former_region_code"])
        for row in _rows("departments.csv")
    }


@cache
def communes() -> dict[str, CommuneRecord]:
    """Current communes (about 35 000), by INSEE code."""
    return {
        row["insee_code"]: CommuneRecord(
            row["insee_code"], row["name"], row["department_code"], int(row["population"] or 0)
        )
        for row in _rows("communes.csv")
    }


@cache
def epci() -> dict[str, EpciRecord]:
    """EPCI à fiscalité propre (communautés, métropoles), by SIREN."""
    return {
        row["siren"]: EpciRecord(
            row["siren"], row["name"], row["kind"], row["department_code"], int(row["population"] or 0)
        )
        for row in _rows("epci.csv")
    }


# --------------------------------------------------------------------------------------------
# Departments
# --------------------------------------------------------------------------------------------


def department_by_code(code: str | int) -> DepartmentRecord | None:
    """The department of an INSEE code, tolerant of how people write it: "1", "01", "2a", " 40 "."""
    text = str(code).strip().upper()
    if len(text) == 1 and text.isdigit():
        text = "0" + text
    return departments().get(text)


# Phrases that contain a department name without being about that department.
_DEPARTMENT_BLOCKERS = (
    "Afrique du Nord",
    "Amérique du Nord",
    "Mer du Nord",
    "pôle Nord",
    "Grand Nord",
    "hémisphère Nord",
    "Nord-Est",
    "Nord-Ouest",
    "Nord-Sud",
    "Marne-la-Vallée",
    "Val de Loire",
)


@cache
def _department_index() -> _PhraseIndex:
    """Trie of department names, with blockers for longer names that merely contain one.

    Blockers: region names (Nord-Pas-de-Calais, Pays de la Loire, Rhône-Alpes, Corse...), commune
    names that contain a department name beyond an article (Nogent-sur-Marne, Villeneuve-sur-Lot,
    Saint-Cyr-sur-Loire) and a few common phrases (Afrique du Nord...).
    """
    names = _PhraseIndex()  # department names alone, to spot them inside commune names
    index = _PhraseIndex()
    name_length: dict[str, int] = {}
    for department in departments().values():
        words = tuple(normalise(department.name).split())
        name_length[department.code] = len(words)
        names.add(words, department.code, _significant(words))
        index.add(words, department.code, _significant(words))
    for region in regions().values():
        index.add(tuple(normalise(region.name).split()), None, None)
    for phrase in _DEPARTMENT_BLOCKERS:
        index.add(tuple(normalise(phrase).split()), None, None)
    for commune in communes().values():
        words = normalise(commune.name).split()
        found = next(names.matches(words, words, check_case=False), None)
        # "La Marne" (a commune of Loire-Atlantique) is exactly how one writes the department:
        # only names with more than an article around the department name block it.
        if found and len(words) - _significant(words) > name_length[found[1]]:  # type: ignore[index]
            index.add(tuple(words), None, None)
    return index


def departments_by_name(text: str) -> list[str]:
    """Codes of the departments named in ``text``, in order of first mention, without repeats.

    Names are matched as whole words on the normalised text, so "dans les Landes", "en
    Charente-Maritime", "du Loiret" and "LANDES" all work; the longest name wins ("Charente-Maritime"
    gives ["17"], not ["16", "17"]).  See the module docstring for capitalisation and blockers.
    """
    lowered, cased = _tokens(text)
    codes: list[str] = []
    for _, code in _department_index().matches(lowered, cased, _case_matters(text)):
        if code not in codes:
            codes.append(code)  # type: ignore[arg-type]
    return codes


# --------------------------------------------------------------------------------------------
# Communes
# --------------------------------------------------------------------------------------------

# Names of communes of 2 000+ inhabitants that, even capitalised, mostly mean something else in
# the programme's documents: given names, street words ("12 Rue de la Paix"), institutions
# ("l'Union sociale pour l'habitat", "Outre-Mer", "la Croix-Rouge"), a foreign city ("La Haye")
# or a bare first part of many compound names ("Villeneuve", "Bourg").  They are still found by
# communes_named().
_AMBIGUOUS_COMMUNE_NAMES = frozenset(
    normalise(name)
    for name in (
        "L'Union",
        "Mer",
        "Eu",
        "Rue",
        "Albert",
        "Mathieu",
        "Léon",
        "Noé",
        "Descartes",
        "Fontaine",
        "Croix",
        "Roche",
        "Bourg",
        "Villeneuve",
        "La Haye",
        "Bras",
        "Jardin",
        "Monnaie",
        "Cours",
        "Die",
        "Charmes",
        "Gorges",
        "Rives",
        "Signes",
    )
)


@cache
def _communes_by_name() -> dict[str, tuple[CommuneRecord, ...]]:
    """Communes grouped by normalised name, most populated first."""
    grouped: dict[str, list[CommuneRecord]] = {}
    for commune in communes().values():
        grouped.setdefault(normalise(commune.name), []).append(commune)
    return {
        name: tuple(sorted(group, key=lambda c: (-c.population, c.insee_code)))
        for name, group in grouped.items()
    }


@cache
def _commune_index() -> _PhraseIndex:
    """Trie of every commune name, with blockers for department and region names.

    Every commune is indexed, small ones included, so that a small commune with a long name
    ("Lens-Lestang") hides the big one inside it ("Lens"); the population threshold is applied
    to the results.  Department and region names ("Seine-Saint-Denis", "Haute-Vienne", "la
    Vienne", "Pays de la Loire") are blockers, so that they are not read as "Saint-Denis" or
    "Vienne" (Isère).
    """
    index = _PhraseIndex()
    for name, group in _communes_by_name().items():
        words = tuple(name.split())
        if name in _AMBIGUOUS_COMMUNE_NAMES:
            index.add(words, None, None)
        else:
            index.add(words, group, _significant(words))
    blockers = [region.name for region in regions().values()]
    for department in departments().values():
        blockers.append(department.name)
        blockers += [f"{article} {department.name}" for article in ("le", "la", "les", "l'")]
    for phrase in blockers:
        words = tuple(normalise(phrase).split())
        if len(words) > 1:
            index.add(words, None, None)
    return index


def communes_named(name: str) -> list[CommuneRecord]:
    """Communes whose name is exactly ``name`` once normalised, most populated first.

    ``communes_named("Rochefort")`` gives Rochefort (Charente-Maritime) before its homonyms;
    "St-Denis" finds "Saint-Denis".  Empty list when nothing matches.
    """
    return list(_communes_by_name().get(normalise(name), ()))


def find_communes_in_text(text: str, min_population: int = DEFAULT_MIN_POPULATION) -> list[CommuneRecord]:
    """Communes of at least ``min_population`` inhabitants whose full name occurs in ``text``.

    Used to guess a department from "à Dax" or "Orléans".  Names are matched as whole words,
    longest first ("Saint-Paul-lès-Dax" is not also "Dax"); homonyms are all returned, most
    populated first; results follow the order of first mention, without repeats.  Names that
    are mostly ordinary words or given names (``_AMBIGUOUS_COMMUNE_NAMES``) are ignored, and in a
    mixed-case text the name must be capitalised ("les tours" is not Tours).
    """
    lowered, cased = _tokens(text)
    seen: set[str] = set()
    found: list[CommuneRecord] = []
    for _, group in _commune_index().matches(lowered, cased, _case_matters(text)):
        for commune in group:  # type: ignore[attr-defined]
            if commune.population >= min_population and commune.insee_code not in seen:
                seen.add(commune.insee_code)
                found.append(commune)
    return found


# --------------------------------------------------------------------------------------------
# EPCI
# --------------------------------------------------------------------------------------------

# How forms spell each kind of EPCI; the package abbreviates ("CA du Grand Dax").
_EPCI_PREFIXES = {
    "CA": ("ca", "communaute d agglomeration", "communaute de l agglomeration", "agglomeration", "agglo"),
    "CC": ("cc", "communaute de communes", "communaute des communes", "com com", "comcom"),
    "CU": ("cu", "communaute urbaine"),
    "METRO": ("metropole",),
    "MET69": ("metropole",),
}
_EPCI_ARTICLES = ("du", "de la", "de l", "des", "d", "de")


def _epci_phrases(record: EpciRecord) -> dict[str, int | None]:
    """Ways of writing an EPCI, each with the word to check for capitals (``None``: no check).

    "CA du Grand Dax" gives "ca du grand dax", "communaute d agglomeration du grand dax",
    "agglomeration grand dax", "communaute d agglomeration de grand dax"... (every spelling of its
    kind, followed by its core name with or without an article, because the package sometimes
    drops the article that forms keep: "CC Pays d'Orthe et Arrigans").  A core name starting with
    "Grand" ("Grand Dax", "Grand Reims") is distinctive enough to stand alone, if capitalised.
    Names without a prefix ("Orléans Métropole", "Metz Métropole") are kept as they are.
    """
    name = normalise(record.name)
    phrases: dict[str, int | None] = {name: None}
    prefixes = _EPCI_PREFIXES.get(record.kind, ())
    for prefix in sorted(prefixes, key=len, reverse=True):
        if not name.startswith(prefix + " "):
            continue
        core = name[len(prefix) + 1 :]
        article = next((a for a in _EPCI_ARTICLES if core.startswith(a + " ")), "")
        bare = core[len(article) + 1 :] if article else core
        for other in prefixes:
            phrases[f"{other} {bare}"] = None
            for other_article in _EPCI_ARTICLES:
                phrases[f"{other} {other_article} {bare}"] = None
        if bare.startswith("grand ") and bare not in phrases:
            phrases[bare] = 0
        break
    return phrases


@cache
def _epci_index() -> _PhraseIndex:
    """Trie of EPCI spellings, matched whatever the case except for bare "Grand ..." names."""
    grouped: dict[str, list[EpciRecord]] = {}
    check: dict[str, int | None] = {}
    for record in epci().values():
        for phrase, capitalised_word in _epci_phrases(record).items():
            grouped.setdefault(phrase, []).append(record)
            check[phrase] = capitalised_word
    index = _PhraseIndex()
    for phrase, group in grouped.items():
        index.add(tuple(phrase.split()), tuple(group), check[phrase])
    return index


def epcis_in_text(text: str) -> list[EpciRecord]:
    """EPCI named in ``text`` ("Communauté d'agglomération du Grand Dax", "Orléans Métropole")."""
    lowered, cased = _tokens(text)
    found: list[EpciRecord] = []
    for _, group in _epci_index().matches(lowered, cased, _case_matters(text)):
        for record in group:  # type: ignore[attr-defined]
            if record not in found:
                found.append(record)
    return found


def epci_department(text: str) -> str | None:
    """Department of the first EPCI named in ``text`` without ambiguity, or ``None``.

    An EPCI can straddle departments: its department is the one of most of its member communes.
    A name shared by EPCI of different departments ("CC des Quatre Rivières": Haute-Saône and
    Haute-Savoie) says nothing and is skipped.
    """
    lowered, cased = _tokens(text)
    for _, group in _epci_index().matches(lowered, cased, _case_matters(text)):
        codes = {record.department_code for record in group}  # type: ignore[attr-defined]
        if len(codes) == 1:
            return codes.pop()
    return None
