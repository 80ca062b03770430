"""Amounts of money as carriers write them: "400€ l'expertise", "47 000 € par an pour le projet"."""

from __future__ import annotations

import bisect
import re

from .textnorm import unaccent

# A number (thousands separated by spaces, dots or commas; decimals after a comma) and a currency.
_NUMBER = r"(?P<number>\d{1,3}(?:[ .\u00a0\u202f']\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_CURRENCY = r"(?P<currency>k\s?€|k\s?euros?|m\s?€|millions?\s+d['’]?\s?euros|€|euros?\b|eur\b)"
AMOUNT_RE = re.compile(rf"(?<![\w.,]){_NUMBER}\s*{_CURRENCY}", re.I)
_PREFIX_AMOUNT_RE = re.compile(rf"(?:€|eur)\s*{_NUMBER}(?![\d])", re.I)
# An amount cut by a line break, as PDF wrapping leaves it: "12 000" / "€ (acquis)", "12" / "000 €".
_ENDS_WITH_NUMBER = re.compile(r"(?<![\w.,])\d[\d .\u00a0\u202f']*(?:,\d{1,2})?[ \t\u00a0]*$")
_ENDS_WITH_GROUP = re.compile(r"(?<![\w.,'\u00a0\u202f])(?<!\d[ .])\d{1,3}[ \t\u00a0]*$")
# ("€ 300" on the next line is an amount of its own, written currency first.)
_STARTS_WITH_CURRENCY = re.compile(rf"^[ \t\u00a0]*{_CURRENCY}(?![ \t\u00a0]*\d)", re.I)
_STARTS_WITH_THOUSANDS = re.compile(
    rf"^[ \t\u00a0]*\d{{3}}(?:[ .\u00a0\u202f]\d{{3}})*(?:,\d{{1,2}})?\s*{_CURRENCY}", re.I
)

_PERIODS = (
    ("month", re.compile(r"par mois|/ ?mois|au mois|mensuel|chaque mois|\bmois\b")),
    (
        "year",
        re.compile(r"par an\b|/ ?an\b|a l ?annee|par annee|annuel|chaque annee|l an\b|\ban\b|\bannee\b"),
    ),
    (
        "once",
        re.compile(r"\bforfait|une fois|ponctuel|par diagnostic|l ?expertise|par expertise|par evaluation"),
    ),
)
_BASES = (
    (
        "household",
        re.compile(
            r"par (menage|famille|foyer|personne|beneficiaire|diagnostic|expertise)|/ ?menage"
            r"|l ?expertise|chaque menage"
        ),
    ),
    ("dwelling", re.compile(r"par logement|/ ?logement|chaque logement")),
    (
        "project",
        re.compile(r"pour (le|l ?ensemble du) projet|du projet|total|global|pour l ?ensemble|au total"),
    ),
)


def to_number(raw: str, unit: str = "") -> float | int:
    """A French-written number as int (or float when it has decimals), scaled by k€/M€."""
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ").replace("'", " ")
    if re.fullmatch(r"\d{1,3}([ .,]\d{3})+(,\d{1,2})?", raw):
        whole, _, decimals = (
            raw.partition(",") if raw.count(",") == 1 and len(raw.split(",")[1]) <= 2 else (raw, "", "")
        )
        value = float(re.sub(r"[ .,]", "", whole) + ("." + decimals if decimals else ""))
    else:
        value = float(raw.replace(",", "."))
    unit = unaccent(unit).replace(" ", "")
    if unit.startswith("k"):
        value *= 1000
    elif unit.startswith("m"):
        value *= 1_000_000
    return int(value) if value == int(value) else round(value, 2)


def join_split_amounts(lines: list[str]) -> list[str]:
    """Lines with an amount cut by a line break put back on one line ("12 000" + "€ (acquis)").

    A line ending with a number is joined to the next when that one starts with the currency, or,
    for a number of one to three digits, with the rest of its thousands and the currency.
    """
    joined: list[str] = []
    for line in lines:
        if joined and line.strip():
            previous = joined[-1]
            if (_ENDS_WITH_NUMBER.search(previous) and _STARTS_WITH_CURRENCY.match(line)) or (
                _ENDS_WITH_GROUP.search(previous) and _STARTS_WITH_THOUSANDS.match(line)
            ):
                joined[-1] = f"{previous.rstrip()} {line.lstrip()}"
                continue
        joined.append(line)
    return joined


def find_amounts(text: str) -> list[tuple[float | int, int, int]]:
    """Every amount in euros in ``text``: (value, start, end), in order."""
    found = [
        (to_number(m.group("number"), m.group("currency")), m.start(), m.end())
        for m in AMOUNT_RE.finditer(text)
    ]
    starts = [start for _, start, _ in found]
    for m in _PREFIX_AMOUNT_RE.finditer(text):
        # "€ 300" is only a new amount when it is not inside "300 € …" already found (bisect: linear overall).
        index = bisect.bisect_right(starts, m.start()) - 1
        if index < 0 or not found[index][1] <= m.start() < found[index][2]:
            found.append((to_number(m.group("number")), m.start(), m.end()))
    return sorted(found, key=lambda item: item[1])


def _words(text: str) -> str:
    """Unaccented text with apostrophes as spaces, for the period and basis patterns."""
    return re.sub(r"['’`]", " ", unaccent(text))


def parse_money(text: str, default_basis: str = "unknown") -> dict:
    """A canonical money object from a written cost; ``amount_eur`` None when no amount in euros is given.

    The period and basis come from the words around the first amount ("à l'année", "par logement"
    ...); ``default_basis`` is the label's own ("Coût de l'accompagnement par ménage").
    """
    money = {"amount_eur": None, "basis": "unknown", "period": "unknown", "text": text}
    if "\n" in text:
        # The same length as ``text`` when nothing is joined; the amounts are read on the joined lines.
        text = "\n".join(join_split_amounts(text.split("\n")))
    amounts = find_amounts(text)
    if not amounts:
        return money
    value, start, end = amounts[0]
    money["amount_eur"] = value
    # Words after the amount (up to the next amount) qualify it; fall back to the whole line.
    next_start = amounts[1][1] if len(amounts) > 1 else len(text)
    after = _words(text[end:next_start])
    line_start = text.rfind("\n", 0, start) + 1
    around = _words(text[line_start:next_start])
    for scope in (after, around):
        for period, pattern in _PERIODS:
            if pattern.search(scope):
                money["period"] = period
                break
        if money["period"] != "unknown":
            break
    for scope in (after, around):
        for basis, pattern in _BASES:
            if pattern.search(scope):
                money["basis"] = basis
                break
        if money["basis"] != "unknown":
            break
    if money["basis"] == "unknown":
        money["basis"] = default_basis
    return money
