"""Readers of derived values: counts, durations, carriers and their kind, co-funding lines."""

from __future__ import annotations

import re

from .money import find_amounts, join_split_amounts
from .textnorm import unaccent

# --- counts -----------------------------------------------------------------------------------

_APPROX_WORDS = re.compile(
    r"\b(environ|approximativement|about|around|approx|a peu pres|pres de|autour de"
    r"|plus ou moins|estime|estimation|maximum|max|minimum|min|au moins|jusqu a)\b"
    r"|~|≈|\+/-|\bca\."
)
_ROUND_NOUNS = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
}
_NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
}
_INTEGER = re.compile(r"(?<![\w,.])(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?![\w,.]\d)")
_RANGE = re.compile(r"(\d+)\s*(?:a|-|–|/)\s*(\d+)")
# Words that may surround a count without adding information ("25 ménages", "30 environ").
COUNT_FILLER_KEYS = frozenset(
    "menage menages logement logements foyer foyers famille familles personne personnes environ par an "
    "annee soit au total une un de d des le la l".split()
) | frozenset(_ROUND_NOUNS)


def parse_count(text: str) -> tuple[int | None, bool]:
    """The integer a carrier wrote for a count, and whether it is approximate.

    "25" → (25, False); "30 environ", "~30", "une trentaine", "20 à 25" → approximate;
    "selon les besoins" → (None, False). Years (2014) are not counts when another number is given.
    """
    plain = unaccent(text).replace("'", " ").replace("’", " ")
    approximate = bool(_APPROX_WORDS.search(plain))
    numbers = [int(re.sub(r"\D", "", m.group(1))) for m in _INTEGER.finditer(plain)]
    if len(numbers) > 1:
        non_years = [n for n in numbers if not 1990 <= n <= 2100]
        numbers = non_years or numbers
    if _RANGE.search(plain):
        approximate = True
    if numbers:
        return numbers[0], approximate
    for word, value in _ROUND_NOUNS.items():
        if re.search(rf"\b{word}\b", plain):
            return value, True
    return None, approximate


# --- durations --------------------------------------------------------------------------------

_DURATION = re.compile(
    r"(?<![\w])(\d+(?:[.,]5)?|un|une|deux|trois|quatre|cinq|six|douze|dix-huit|vingt-quatre|trente-six)"
    r"\s*(mois|ans?|annees?)\b"
)
_DURATION_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "douze": 12,
    "dix-huit": 18,
    "vingt-quatre": 24,
    "trente-six": 36,
}
_RENEWABLE = re.compile(
    r"(?<!non )(?<!non-)\b(renouvelables?|reconductibles?|renouvelee?s?|reconduite?s?"
    r"|tacite reconduction)\b"
)


def parse_duration(text: str) -> tuple[int | None, bool]:
    """Months of the commitment and whether it is renewable: "1 an renouvelable" → (12, True)."""
    plain = unaccent(text).replace("'", " ").replace("’", " ")
    months = None
    match = _DURATION.search(plain)
    if match:
        raw, unit = match.groups()
        amount = _DURATION_WORDS.get(raw)
        if amount is None:
            amount = float(raw.replace(",", "."))
        value = amount if unit == "mois" else amount * 12
        months = int(round(value))
    return months, bool(_RENEWABLE.search(plain))


# --- carriers ---------------------------------------------------------------------------------

# (kind, pattern on unaccented lower text); the first that matches gives the kind.
_KINDS = (
    (
        "coop_hlm",
        r"\bcooperative(s)?\b[^,;]*\bhlm\b|\bcoop(\.|erative)? ?hlm\b|\bscic\b|\bscp ?hlm\b"
        r"|\bsociete cooperative\b",
    ),
    ("sem", r"\bsaem\b|\bsem\b|\bsociete d ?economie mixte\b|\bsplm?\b|\bepl\b"),
    ("oph", r"\bop(h|ac|hlm)\b|\boffice public\b|\boffice (public )?(de l ?|d )?(habitat|hlm)\b"),
    (
        "esh",
        r"\besh\b|\bs\.?a\.? ?(d ?)?hlm\b|\bsa d ?habitations?\b|\bsociete anonyme d ?habitations?\b"
        r"|\bentreprise sociale pour l ?habitat\b|\bsociete anonyme\b[^,;]*\bhlm\b|\bs\.?a\.? hlm\b"
        r"|\bsociete anonyme d ?hlm\b|\bloyers? moderes?\b",
    ),
    ("association", r"\bassociation\b|\basso\b|\bloi (de )?1901\b|\bfederation\b"),
    ("landlord", r"\bbailleur( social)?\b|\borganisme (hlm|de logement social)\b|\bhlm\b"),
)
_KIND_RES = tuple((kind, re.compile(pattern)) for kind, pattern in _KINDS)
# Phrases naming a kind, removed from a part to leave the organisation's own name.
_KIND_PHRASES = re.compile(
    r"(?:\b(?:l['’]|la |le |les |une? |d['’]|de la |du |de l['’]|des ))?"
    r"\b(soci[ée]t[ée] anonyme d['’ ]?(habitations?|hlm)( [àa] loyers? mod[ée]r[ée]s?)?"
    r"|soci[ée]t[ée] anonyme|entreprise sociale pour l['’ ]?habitat|office public (de l['’ ]?|d['’ ]?)?(habitat|hlm)"
    r"|soci[ée]t[ée] d['’ ]?[ée]conomie mixte|soci[ée]t[ée] coop[ée]rative( d['’ ]?hlm)?"
    r"|coop[ée]rative (d['’ ]?)?hlm|bailleur social|bailleur|organisme hlm|association"
    r"|loi (de )?1901|s\.?a\.? (d['’ ]?)?hlm|opac|oph|esh|saem|sem|coop hlm|statut\s*:?)\b",
    re.I,
)
_SPLIT = re.compile(
    r"\s+(?:et|&)\s+(?=\S)|\s*[;\n/+]\s*|,\s+(?=(?:l['’]|la |le |les |une? )?"
    r"(?:association|oph|esh|sem|bailleur|office|soci[ée]t[ée]|coop))",
    re.I,
)


def carrier_kind(text: str) -> str:
    """Kind of organisation named by ``text`` (oph, esh, sem, coop_hlm, association, landlord, other)."""
    plain = re.sub(r"['’]", " ", unaccent(text))
    for kind, pattern in _KIND_RES:
        if pattern.search(plain):
            return kind
    return "other"


def _split_outside_parentheses(text: str) -> list[str]:
    """Parts of a carriers text split on "et", ";", "/", new lines… but never inside parentheses."""
    protected: list[str] = []

    def hide(match: re.Match) -> str:
        """Replace a parenthesis by a placeholder, so the split cannot cut inside it."""
        protected.append(match.group())
        return f"\x00{len(protected) - 1}\x00"

    masked = re.sub(r"\([^()]*\)", hide, text)
    parts = _SPLIT.split(masked)
    return [re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], part) for part in parts]


def _without_kind(piece: str) -> str:
    """A piece of a carrier's text without its kind phrase; a parenthesis that only gives the kind goes."""
    if piece.startswith("("):
        return "" if not any(c.isalnum() for c in _KIND_PHRASES.sub(" ", piece)) else piece
    return _KIND_PHRASES.sub(" ", piece)


def split_carriers(text: str) -> list[dict]:
    """Organisations named in the carriers field, each with its kind.

    "HLO : Société anonyme d'habitation à loyers modérés" → [{"name": "HLO", "kind": "esh"}];
    "OPH Logemloiret et association AHU" → Logemloiret (oph), AHU (association).
    """
    organisations: list[dict] = []
    for part in _split_outside_parentheses(text):
        part = part.strip(" \t-–—•·,.:;")
        if not any(c.isalnum() for c in part):
            continue
        kind = carrier_kind(part)
        # Kind phrases are removed outside parentheses only: "(Association pour le Logement…)" is a name.
        pieces = re.split(r"(\([^()]*\))", part)
        name = "".join(_without_kind(p) for p in pieces)
        name = re.sub(r"\(\s*\)", " ", name)
        name = re.sub(r"\s{2,}", " ", name).strip(" \t-–—•·,.:;")
        if name.startswith("(") and name.endswith(")") and name.count("(") == 1:
            name = name[1:-1].strip()
        if not any(c.isalnum() for c in name):
            name = part
        if kind != "other" or organisations or name:
            organisations.append({"name": name[:255], "kind": kind})
    return organisations


# --- co-funding -------------------------------------------------------------------------------

_REQUESTED = re.compile(
    r"demande|sollicit|en cours|en attente|a solliciter|envisage|prevu|sous reserve|a confirmer"
    r"|requested|a obtenir|attendu"
)
_OBTAINED = re.compile(
    r"obtenu|acquis|accorde|notifie|valide|attribue|confirme|signe|vote|octroye|finance par"
)
_CALL = re.compile(
    r"appel a projets?|\baap\b|10 ?000 logements|logements? hlm accompagnes|present appel|fnavdl"
    r"|montant (sollicite|demande) au titre"
)


def _status(text: str) -> str:
    """Status of a co-funding line from its wording: obtained, requested or unknown."""
    plain = re.sub(r"['’]", " ", unaccent(text))
    if _OBTAINED.search(plain) and not re.search(r"\bnon (obtenu|acquis|accorde)", plain):
        return "obtained"
    if _REQUESTED.search(plain):
        return "requested"
    return "unknown"


def _funder(text: str) -> str:
    """The funder's name: the text before the amount, without bullets, "=", ":" or a status in brackets."""
    text = re.sub(r"\((?:[^()]*?)\)", lambda m: "" if _status(m.group()) != "unknown" else m.group(), text)
    return re.sub(r"\s{2,}", " ", text).strip(" \t-–—•·*=:;,.")


def parse_cofunding(text: str) -> tuple[list[dict], float | int | None]:
    """Co-funding lines (funder, amount, status) and the amount asked from the call, from free text.

    One line per amount; an amount cut by a line break ("12 000" / "€ (acquis)") is read as one. A line naming the call ("Appel à projet = 30 000 €") gives the requested
    amount instead of a co-funding line. A line whose funder part is only a status
    ("(demande en cours pour 2014)= 20 000€") takes its funder from the line above without amount.
    """
    lines: list[dict] = []
    requested = None
    pending = ""
    for raw_line in join_split_amounts(text.split("\n")):
        line = raw_line.strip()
        if not line:
            continue
        amounts = find_amounts(line)
        if not amounts:
            pending = line
            continue
        previous_end = 0
        for index, (value, start, end) in enumerate(amounts):
            before = line[previous_end:start]
            after = line[end : amounts[index + 1][1] if index + 1 < len(amounts) else len(line)]
            context = f"{before} {after}"
            funder = _funder(before)
            if not funder or not any(c.isalpha() for c in funder):
                funder = _funder(pending) or funder
                context = f"{pending} {context}"
            plain = unaccent(f"{funder} {context}").replace("'", " ").replace("’", " ")
            if _CALL.search(plain) and requested is None:
                requested = value
            else:
                lines.append({"funder": funder[:255], "amount_eur": value, "status": _status(context)})
            previous_end = end
        pending = ""
    return lines, requested
