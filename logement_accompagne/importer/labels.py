"""The labels, headings, options and hints printed on the "Présentation synthétique" form.

Each label is matched on word keys (see ``textnorm``): the first ``core`` words must be present
exactly, at the start of a line (or right after a checkbox or another label); the rest of the
printed label is then consumed tolerantly, since carriers shorten, reword or reflow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .textnorm import IGNORABLE_KEYS, Token, keys_of


@dataclass(frozen=True)
class Option:
    """One choice of a checkbox group: its canonical value and how it is printed."""

    value: str
    text: str
    core: int = 1

    @property
    def keys(self) -> tuple[str, ...]:
        """Comparison keys of the printed option."""
        return keys_of(self.text)


@dataclass(frozen=True)
class Label:
    """A label of the form.

    ``kind`` tells how the text that follows is read: text, count, tri (oui/non), mobilisation,
    choice (one box among several), money, duration, heading (section title whose following text,
    if any, goes to ``field``, or to ``unmapped`` when ``field`` is None).
    """

    field: str | None
    texts: tuple[str, ...]
    kind: str = "text"
    core: int = 4
    whole_line: bool = False
    options: tuple[Option, ...] = ()
    short: str = ""
    variant_cores: tuple[int, ...] = field(default_factory=tuple)

    @property
    def printed(self) -> str:
        """The label as printed on the current form."""
        return self.texts[0]


YES_NO = (Option("yes", "oui"), Option("no", "non"))
MOBILISATION = (
    Option("new_supply", "Création d'une offre nouvelle"),
    Option("adapted_existing", "Aménagement de logement existant"),
    Option("existing_unadapted", "Mobilisation de logements existants sans aménagement"),
    Option("low_rent_reclassification", "Reclassement offre existante en offre à bas loyer"),
)
REPRODUCIBILITY = (Option("low", "Faible"), Option("medium", "Moyen"), Option("high", "Fort"))
VERDICT = (Option("favourable", "Favorable"), Option("unfavourable", "Défavorable"))

LABELS: tuple[Label, ...] = (
    Label(None, ("Présentation synthétique du projet",), "heading", core=3, whole_line=True),
    Label(
        None,
        (
            "Mise en place de 10 000 logements HLM accompagnés",
            "Mise en place de 10000 logements HLM accompagnés",
        ),
        "heading",
        core=6,
        whole_line=True,
    ),
    Label("location.text", ("Localisation du projet",), core=3, short="Localisation"),
    Label("name", ("Nom du projet", "Intitulé du projet", "Titre du projet"), core=3, short="Nom du projet"),
    Label(
        "carriers.text",
        ("Statut et nom du ou des porteur(s) du projet", "Porteur(s) du projet"),
        core=4,
        variant_cores=(4, 3),
        short="Porteurs",
    ),
    Label(
        "summary",
        ("Descriptif sommaire du projet et objectifs poursuivis", "Description sommaire du projet"),
        core=2,
        short="Descriptif",
    ),
    Label(None, ("Publics cibles du projet",), "heading", core=4, whole_line=True),
    Label(
        "target_public.households",
        ("Nombre de ménages accompagnés",),
        "count",
        core=3,
        short="Nombre de ménages",
    ),
    Label(
        "target_public.dalo_eligible",
        ("Ménages éligibles au DALO", "Éligibles au DALO"),
        "tri",
        options=YES_NO,
        variant_cores=(4, 3),
        short="DALO",
    ),
    Label(
        "target_public.collective_agreements",
        ("ou des accords collectifs", "accords collectifs"),
        "tri",
        options=YES_NO,
        variant_cores=(4, 2),
        short="Accords collectifs",
    ),
    Label(
        "target_public.pdalpd",
        (
            "ou relevant globalement des publics cibles du PDALPD",
            "relevant globalement des publics cibles du PDALPD",
            "ou relevant globalement des publics cibles du PDALHPD",
            "publics cibles du PDALPD",
            "publics cibles du PDALHPD",
        ),
        "tri",
        options=YES_NO,
        variant_cores=(4, 3, 4, 4, 4),
        short="PDALPD",
    ),
    Label(
        "target_public.characteristics",
        (
            "Caractéristiques des publics cibles (typologie des ménages, problématiques rencontrées, ressources)",
            "Caractéristiques du public",
        ),
        core=4,
        variant_cores=(4, 3),
        short="Caractéristiques des publics",
    ),
    Label(
        "housing.mobilisation",
        ("Modalités de mobilisation des logements",),
        "mobilisation",
        core=5,
        options=MOBILISATION,
        short="Mobilisation des logements",
    ),
    Label("housing.dwellings", ("Nombre de logements",), "count", core=3, short="Nombre de logements"),
    Label("housing.typology", ("Typologie des logements",), core=3, short="Typologie"),
    Label(
        "housing.allocation",
        ("Modalités de réservation et d'attribution des logements",),
        core=3,
        short="Réservation et attribution",
    ),
    Label(
        "housing.location",
        ("Localisation de l'offre de logements accompagnés",),
        core=4,
        short="Localisation de l'offre",
    ),
    Label(None, ("Accompagnement",), "heading", core=1, whole_line=True),
    Label(
        "support.method",
        (
            "Méthodologie de réalisation de l'accompagnement (étendue de l'accompagnement et objectifs visés, "
            "méthodes - l'aller vers, autres…-, durée et adaptabilité)",
            "Méthodologie de l'accompagnement",
        ),
        core=3,
        variant_cores=(3, 4),
        short="Méthodologie",
    ),
    Label(
        "support.rental_management",
        ("Complémentarité avec la gestion locative (type de gestion locative : classique ou adaptée)",),
        core=3,
        short="Gestion locative",
    ),
    Label(
        "support.adhesion",
        ("Démarche mise en place pour favoriser l'adhésion du ménage",),
        core=4,
        short="Adhésion du ménage",
    ),
    Label(
        "support.offer",
        ("Modalités de mobilisation de l'offre d'accompagnement existante ou nouvelle",),
        core=5,
        short="Offre d'accompagnement",
    ),
    Label(
        "support.landlord_relation",
        ("Structuration de la relation bailleur/accompagnateur",),
        core=4,
        short="Relation bailleur/accompagnateur",
    ),
    Label(
        "support.needs_fit",
        ("Adéquation du projet aux besoins spécifiques des publics ciblés par le projet",),
        core=3,
        short="Adéquation aux besoins",
    ),
    Label(None, ("Partenariat",), "heading", core=1, whole_line=True),
    Label(
        "partnership.partners",
        (
            "Partenaires mobilisés - exemples : collectivités territoriales, SIAO, associations, coordination "
            "entre les organismes, …",
        ),
        core=2,
        short="Partenaires",
    ),
    Label(
        "finance.overview",
        (
            "Montage financier (solidité financière du plan de financement et d'exploitation du projet, "
            "optimisation des coûts)",
        ),
        core=2,
        short="Montage financier",
    ),
    Label(
        "finance.diagnostic_cost",
        ("Coût du diagnostic de la situation des ménages par rapport au logement",),
        "money",
        core=3,
        short="Coût du diagnostic",
    ),
    Label(
        "finance.support_cost",
        ("Coût de l'accompagnement par ménage",),
        "money",
        core=4,
        short="Coût de l'accompagnement",
    ),
    Label(
        "finance.rental_management_cost",
        (
            "Coût interne ou externe de la gestion locative adaptée par logement",
            "Coût de la gestion locative adaptée par logement",
        ),
        "money",
        core=3,
        variant_cores=(3, 4),
        short="Coût de la gestion locative",
    ),
    Label(
        "finance.global_cost",
        ("Coût global en cas d'offre intégrée gestion locative adaptée + l'accompagnement par ménage",),
        "money",
        core=2,
        short="Coût global",
    ),
    Label(
        "finance.cofunding_text",
        (
            "Cofinancements apportés (apports du CG, des collectivités territoriales, EPCI et Etat)",
            "Co-financements apportés (apports du CG, des collectivités territoriales, EPCI et Etat)",
        ),
        core=2,
        variant_cores=(2, 3),
        short="Cofinancements",
    ),
    Label(
        "finance.fndollts_funded",
        (
            "En cas de création d'offre nouvelle, projet bénéficiant d'un financement à l'investissement du FNDOLLTS",
            "projet bénéficiant d'un financement à l'investissement du FNDOLLTS",
        ),
        "tri",
        options=YES_NO,
        variant_cores=(4, 3),
        short="Financement FNDOLLTS",
    ),
    Label(
        "finance.fndollts_applied",
        (
            "ou en ayant candidaté à un appel à projets en cours",
            "en ayant candidaté à un appel à projets en cours",
        ),
        "tri",
        options=YES_NO,
        variant_cores=(4, 3),
        short="Candidature FNDOLLTS",
    ),
    Label("duration.text", ("Inscription de la démarche dans la durée",), "heading", core=3, short="Durée"),
    Label(
        "duration.text",
        (
            "Les engagements pris par les porteurs du projet portent sur une durée de",
            "Durée des engagements",
        ),
        "duration",
        core=3,
        short="Durée",
    ),
    Label("schedule", ("Echéancier de la mise en œuvre du projet",), core=1, short="Échéancier"),
    Label(
        "department_opinion.relevance",
        ("Avis du service départemental en charge des politiques sociales du logement (DDCS ou DDT)",),
        "heading",
        core=4,
        short="Avis départemental",
    ),
    Label(
        "department_opinion.relevance",
        ("Pertinence du projet au regard des objectifs visés par l'appel à projets",),
        core=3,
        short="Pertinence",
    ),
    Label(
        "department_opinion.reproducibility",
        ("Caractère reproductible de la démarche",),
        "choice",
        core=2,
        options=REPRODUCIBILITY,
        short="Caractère reproductible",
    ),
    Label("department_opinion.conditions", ("Conditions jugées nécessaires",), core=2, short="Conditions"),
    Label(
        "regional_opinion.verdict",
        ("Avis global formulé par le niveau régional (DREAL en collaboration avec DRJSCS)",),
        "choice",
        core=2,
        options=VERDICT,
        short="Avis régional",
    ),
)

# Phrases of the template that are not answers ("champ libre"...), removed from values.
HINTS: tuple[str, ...] = (
    "champ libre",
    "texte libre",
    "exprimé en € au mois ou à l'année",
    "exprimé en euros au mois ou à l'année",
    "description synthétique du plan de financement",
    "à compléter",
    "à renseigner",
    "cliquez ici pour taper du texte",
    "cliquez ou appuyez ici pour entrer du texte",
)


@dataclass(frozen=True)
class _Variant:
    """One printed variant of a label: its keys and how many must match exactly."""

    label: Label
    keys: tuple[str, ...]
    core: int


def _variants() -> dict[str, list[_Variant]]:
    """Every printed variant of every label, indexed by its first key."""
    index: dict[str, list[_Variant]] = {}
    for label in LABELS:
        for position, text in enumerate(label.texts):
            keys = tuple(keys_of(text))
            core = label.variant_cores[position] if position < len(label.variant_cores) else label.core
            index.setdefault(keys[0], []).append(_Variant(label, keys, min(core, len(keys))))
    return index


VARIANTS = _variants()
HINT_KEYS: tuple[tuple[str, ...], ...] = tuple(tuple(keys_of(hint)) for hint in HINTS)


def template_keys() -> frozenset[str]:
    """Every word key printed by the template (labels, options, hints): words that are not answers."""
    keys: set[str] = set()
    for label in LABELS:
        for text in label.texts:
            keys.update(keys_of(text))
        for option in label.options:
            keys.update(option.keys)
    for hint in HINT_KEYS:
        keys.update(hint)
    return frozenset(keys)


@dataclass
class Match:
    """A label found in the document: tokens [first, end) and characters [start, stop)."""

    label: Label
    first: int
    end: int
    start: int
    stop: int
    score: int


def _skip_ignorable(tokens: list[Token], position: int, limit: int) -> int:
    """Next position whose token is not an ignorable word (the "s" of "porteur(s)")."""
    while position < limit and tokens[position].kind == "word" and tokens[position].key in IGNORABLE_KEYS:
        position += 1
    return position


def match_core(
    tokens: list[Token], position: int, keys: tuple[str, ...], count: int, limit: int | None = None
) -> int | None:
    """Position after the first ``count`` keys matched word for word from ``position`` (before ``limit``)."""
    limit = len(tokens) if limit is None else limit
    for key in keys[:count]:
        position = _skip_ignorable(tokens, position, limit)
        if position >= limit or tokens[position].kind != "word" or tokens[position].key != key:
            return None
        position += 1
    return position


def match_rest(
    text: str,
    tokens: list[Token],
    position: int,
    keys: tuple[str, ...],
    label_start: int,
    core_starts: set[int],
    limit: int | None = None,
) -> tuple[int, int]:
    """Consume the optional rest of a label tolerantly; returns (position after it, keys matched).

    A doc word may match any of the next three label words (carriers drop or reword a few); the
    rest stops at a checkbox, at a line that starts another label, and at a colon outside
    parentheses unless the words after it go on with the label word for word (the printed
    "Partenaires mobilisés - exemples : collectivités…" has a colon inside).
    """
    limit = len(tokens) if limit is None else limit
    index = 0
    matched = 0
    while index < len(keys) and position < limit:
        following = _skip_ignorable(tokens, position, limit)
        if following >= limit:
            break
        token = tokens[following]
        if token.kind != "word" or (token.line_start and following in core_starts):
            break
        gap_start = tokens[following - 1].end if following else token.start
        colon = text.find(":", gap_start, token.start)
        if colon >= 0:
            inside = text[label_start:colon]
            if inside.count("(") <= inside.count(")"):
                # Words after a colon are an answer unless they repeat the label word for word.
                nxt = _skip_ignorable(tokens, following + 1, limit)
                if not (
                    token.key == keys[index]
                    and index + 1 < len(keys)
                    and nxt < limit
                    and tokens[nxt].kind == "word"
                    and tokens[nxt].key == keys[index + 1]
                ):
                    break
        window = keys[index : index + 3]
        if token.key not in window:
            break
        index += window.index(token.key) + 1
        matched += 1
        position = following + 1
    return position, matched


def find_labels(text: str, tokens: list[Token]) -> list[Match]:
    """Labels of the form found in ``tokens``, in document order, each field's label at most once."""
    candidates: dict[int, list[tuple[_Variant, int]]] = {}
    core_starts: set[int] = set()
    for position, token in enumerate(tokens):
        if token.kind != "word" or token.key not in VARIANTS:
            continue
        for variant in VARIANTS[token.key]:
            end = match_core(tokens, position, variant.keys, variant.core)
            if end is not None:
                candidates.setdefault(position, []).append((variant, end))
                if token.line_start:
                    core_starts.add(position)
    matches: list[Match] = []
    seen: set[tuple[str | None, str]] = set()
    position = 0
    allowed_after = -1  # a label may start right after a checkbox or right after another label
    limit = len(tokens)
    while position < limit:
        token = tokens[position]
        if token.kind == "mark":
            allowed_after = position + 1
            position += 1
            continue
        at_start = token.line_start or position == allowed_after
        best: Match | None = None
        if position in candidates:
            for variant, core_end in candidates[position]:
                label = variant.label
                if label.field is not None and (label.field, label.kind) in seen:
                    continue
                if not at_start and (
                    label.whole_line
                    or variant.core < 3
                    or label.field is None
                    or (tokens[position - 1].kind == "word" and tokens[position - 1].key in _PROSE_WORDS)
                ):
                    continue
                end, extra = match_rest(
                    text, tokens, core_end, variant.keys[variant.core :], token.start, core_starts
                )
                if label.whole_line and not _ends_line(tokens, end, candidates):
                    continue
                score = variant.core + extra
                # In the middle of a line only a label printed in full and followed by a colon counts
                # ("Nombre de logements : 12   Typologie des logements : T3"), not words of an answer.
                if not at_start and (
                    score < len(variant.keys) or not _COLON_AFTER.match(text, tokens[end - 1].end)
                ):
                    continue
                if best is None or score > best.score:
                    best = Match(label, position, end, token.start, tokens[end - 1].end, score)
        if best is None:
            position += 1
            continue
        matches.append(best)
        if best.label.field is not None:
            seen.add((best.label.field, best.label.kind))
        allowed_after = best.end
        position = best.end
    return matches


# Words after which a label's words are prose ("le nombre de logements : 30"), not a label.
_PROSE_WORDS = frozenset(
    "le la les l du des de d au aux un une ce ces cet cette notre nos votre vos leur leurs sur en et ou par "
    "pour avec dont que qui son sa ses est sont".split()
)
_COLON_AFTER = re.compile(r"[ \t)\]…]*:")


def _ends_line(tokens: list[Token], end: int, candidates: dict) -> bool:
    """True when nothing follows on the line, or what follows is itself a label."""
    return end >= len(tokens) or tokens[end].line_start or end in candidates


_HINT_FIRST_KEYS = frozenset(hint[0] for hint in HINT_KEYS)


def hint_spans(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Character spans of template hints that stand alone: at the start or end of the text, or on a line."""
    words = [t for t in tokens if t.kind == "word"]
    if not any(t.key in _HINT_FIRST_KEYS for t in words):
        return []
    spans: list[tuple[int, int]] = []
    position = 0
    while position < len(words):
        if words[position].key not in _HINT_FIRST_KEYS:
            position += 1
            continue
        for hint in HINT_KEYS:
            if tuple(t.key for t in words[position : position + len(hint)]) == hint:
                first, last = words[position], words[position + len(hint) - 1]
                line_before = text[text.rfind("\n", 0, first.start) + 1 : first.start]
                line_end = text.find("\n", last.end)
                line_after = text[last.end : line_end if line_end >= 0 else len(text)]
                starts_alone = position == 0 or not any(c.isalnum() for c in line_before)
                ends_alone = position + len(hint) == len(words) or not any(c.isalnum() for c in line_after)
                if starts_alone or ends_alone:
                    spans.append((first.start, last.end))
                    position += len(hint) - 1
                    break
        position += 1
    return spans
