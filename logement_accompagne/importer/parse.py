"""From a document's bytes to the canonical "presentation-synthetique/1" dict.

Pipeline: size check → format detected from the content → blocks extracted in reading order →
labels of the form located in the word stream → the text between a label and the next one read
as that label's answer (text, count, checkboxes, money, duration) → derived values (departments,
organisations, co-funding lines, months) → validated canonical document. Whatever is neither a
label, a hint nor an answer is kept in ``unmapped``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from . import limits
from .departments import detect_departments
from .detect import EXTENSIONS, FORMAT_LABELS, detect_format, extension_of
from .errors import DocumentImportError
from .labels import Label, Match, find_labels, hint_spans, match_core, match_rest
from .money import parse_money
from .schema import empty_canonical, get, put, validate_canonical
from .textnorm import CHECKED, UNCHECKED, Token, clean_spaces, has_word, strip_markup, tokenize
from .values import COUNT_FILLER_KEYS, parse_cofunding, parse_count, parse_duration, split_carriers


@dataclass
class ParseResult:
    """The canonical document, the source passage of each field, and French warnings for a reviewer."""

    canonical: dict
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    format: str = "txt"
    detail: str = ""
    # Dotted keys whose value was read by OCR from a scanned page: the reviewer is told so.
    ocr_keys: list[str] = field(default_factory=list)


# Key under which an application storing ``sources`` as one JSON object keeps ``ocr_keys`` beside the
# excerpts (never a dotted key of the canonical document).
OCR_SOURCES_KEY = "_ocr"

DEFAULT_BASIS = {
    "finance.diagnostic_cost": "household",
    "finance.support_cost": "household",
    "finance.rental_management_cost": "dwelling",
    "finance.global_cost": "unknown",
}
# Cheap test before looking for hints word by word: a stem of the first word of every hint.
_HINT_PRECHECK = re.compile(r"champ|texte|exprim|descript|compl|renseign|cliquez", re.I)
_FORM_FIELD_WORDS = re.compile(r"\bFORM(?:CHECKBOX|TEXT|DROPDOWN)\b")
_EDGE_FILLER = re.compile(r"^(?:[ \t]*(?:\.|…|_|·)){4,}|(?:(?:\.|…|_|·)[ \t]*){4,}$")
_INNER_FILLER = re.compile(r"(?:\.[ \t]?|…[ \t]?){10,}|_{3,}")
# What separates a label from its answer: ") :", ", … :", " - ", "=" (never a bullet on its own line).
_LEADING_SEPARATOR = re.compile(r"^[ \t)\],;.…]*(?:[:=]|[-–—](?=[ \t]))?")
_BULLET_ONLY = re.compile(r"^[•·\-–—*▪◦○●‣⁃o\uf0b7\uf0a7\uf0d8]$")
_ELLIPSIS_EQUIV = str.maketrans({"…": "..."})


def parse_document(data: bytes, filename: str | None = None) -> ParseResult:
    """Read a filled form from its bytes; raises DocumentImportError with a French message on failure.

    ``filename`` only serves to warn when the extension does not match the content.
    """
    if len(data) > limits.MAX_DOCUMENT_BYTES:
        raise DocumentImportError(
            f"Le fichier dépasse la taille maximale de {limits.MAX_DOCUMENT_BYTES // (1024 * 1024)} Mo.",
            code="too_large",
        )
    try:
        from .extract import extract_blocks

        fmt, archive = detect_format(data)
        warnings: list[str] = []
        extension = extension_of(filename)
        if filename and extension and extension not in EXTENSIONS.get(fmt, set()):
            warnings.append(
                f"Le fichier « {filename.rsplit('/', 1)[-1]} » est en réalité au format {FORMAT_LABELS[fmt]} : "
                "il a été lu comme tel."
            )
        extraction = extract_blocks(data, fmt, archive)
        warnings += extraction.warnings
        result = parse_blocks(extraction.blocks, warnings=warnings, ocr_blocks=extraction.ocr_blocks)
    except DocumentImportError:
        raise
    except RecursionError as error:
        raise DocumentImportError(
            "Le document est trop profondément imbriqué pour être lu.", code="too_deep"
        ) from error
    except MemoryError as error:
        raise DocumentImportError(
            "Le document est trop volumineux pour être lu.", code="too_large"
        ) from error
    except Exception as error:  # noqa: BLE001 - a hostile file must give a message, never a traceback
        raise DocumentImportError(
            f"Le document n'a pas pu être lu ({type(error).__name__}) : réenregistrez-le ou envoyez-le dans un "
            "autre format (Word, OpenDocument, PDF).",
            code="internal",
        ) from error
    result.format = fmt
    result.detail = extraction.detail
    return result


def parse_text(text: str) -> ParseResult:
    """Parse an already decoded text (one block per line), as the text extractor would give it."""
    from .extract.text import text_blocks

    return parse_blocks(text_blocks(text))


def parse_blocks(
    blocks: list[str], warnings: list[str] | None = None, ocr_blocks: frozenset[int] = frozenset()
) -> ParseResult:
    """Blocks in reading order → ParseResult (validated canonical document).

    ``ocr_blocks``: indexes of the blocks read by OCR; the keys read from them are listed in ``ocr_keys``.
    """
    cleaned = [strip_markup(clean_spaces(block)) for block in blocks]
    document = "\n".join(cleaned)
    if len(document) > limits.MAX_TEXT_CHARS:
        raise DocumentImportError(
            "Le texte du document est trop long pour une présentation synthétique.", code="too_large"
        )
    ocr_spans: list[tuple[int, int]] = []
    if ocr_blocks:
        position = 0
        for index, block in enumerate(cleaned):
            if index in ocr_blocks:
                if ocr_spans and ocr_spans[-1][1] >= position - 1:
                    ocr_spans[-1] = (ocr_spans[-1][0], position + len(block))
                else:
                    ocr_spans.append((position, position + len(block)))
            position += len(block) + 1
    return _Parser(document, list(warnings or []), ocr_spans).run()


# --- value cleaning ---------------------------------------------------------------------------


def clean_value(text: str) -> str:
    """An answer as the user wrote it, without template hints, dotted fillers, blank lines or separators."""
    if not text:
        return ""
    text = _FORM_FIELD_WORDS.sub(" ", text)
    if _HINT_PRECHECK.search(text):
        text = _blank_out(text, 0, len(text), hint_spans(text, tokenize(text)))
    text = _LEADING_SEPARATOR.sub("", text, count=1)
    lines: list[str] = []
    pending_bullet = ""
    for raw in text.split("\n"):
        line = _INNER_FILLER.sub(
            " ", raw.translate(_ELLIPSIS_EQUIV) if "…" in raw and _has_filler(raw) else raw
        )
        line = _EDGE_FILLER.sub("", line.strip()).strip()
        line = re.sub(r"[ \t]{2,}", " ", line)
        if _BULLET_ONLY.match(line):
            pending_bullet = line
            continue
        if not has_word(line):
            continue  # empty, or only punctuation left by a removed hint ("/", ".")
        if pending_bullet:
            line = f"{pending_bullet} {line}"
            pending_bullet = ""
        lines.append(line)
    value = "\n".join(lines)
    return value if has_word(value) else ""


def _blank_out(text: str, start: int, stop: int, spans: list[tuple[int, int]]) -> str:
    """``text[start:stop]`` with the given spans (absolute, in order) replaced by spaces, in linear time."""
    pieces: list[str] = []
    position = start
    for span_start, span_end in sorted(spans):
        if span_start < position:
            continue
        pieces.append(text[position:span_start])
        pieces.append(" " * (span_end - span_start))
        position = span_end
    pieces.append(text[position:stop])
    return "".join(pieces)


def _has_filler(line: str) -> bool:
    """True when a line holds a run of dots or ellipses long enough to be a filler."""
    flat = line.translate(_ELLIPSIS_EQUIV)
    return bool(_EDGE_FILLER.search(flat.strip()) or _INNER_FILLER.search(flat))


def _excerpt(text: str, limit: int = 400) -> str:
    """A one-line excerpt of a source passage."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- the parser -------------------------------------------------------------------------------


class _Parser:
    """Reads one document string into a canonical dict."""

    def __init__(self, document: str, warnings: list[str], ocr_spans: list[tuple[int, int]] | None = None):
        """Tokenise the document once; the canonical dict starts empty."""
        self.document = document
        self.tokens: list[Token] = tokenize(document)
        self.warnings = warnings
        self.canonical = empty_canonical()
        self.sources: dict[str, str] = {}
        self.texts: dict[str, list[str]] = {}
        self.unmapped: list[str] = []
        self._filled: set[str] = set()  # keys whose source passage held a value
        self._spans: dict[str, tuple[int, int]] = {}  # key → its source passage in the document
        self.ocr_spans = ocr_spans or []  # passages of the document read by OCR, in order
        self.is_form = False  # True once a label of the form has been found

    def run(self) -> ParseResult:
        """Locate the labels, read each answer, derive the computed values, validate."""
        matches = find_labels(self.document, self.tokens)
        self.is_form = any(m.label.field for m in matches)
        if not self.is_form:
            self.warnings.append(
                "Aucun libellé de la « Présentation synthétique du projet » n'a été reconnu : vérifiez qu'il "
                "s'agit du bon document (tout son texte est conservé comme non classé)."
            )
        first_start = matches[0].start if matches else len(self.document)
        self._keep_unmapped(self.document[:first_start])
        for index, match in enumerate(matches):
            following = matches[index + 1] if index + 1 < len(matches) else None
            stop_char = following.start if following else len(self.document)
            stop_token = following.first if following else len(self.tokens)
            content = self.document[match.stop : stop_char]
            self._read(match, content, match.end, stop_token, stop_char)
        for key, parts in self.texts.items():
            put(self.canonical, key, "\n".join(p for p in parts if p))
        self._derive()
        self.canonical["unmapped"] = self.unmapped
        validate_canonical(self.canonical)
        return ParseResult(self.canonical, self.sources, self.warnings, ocr_keys=self._ocr_keys())

    def _ocr_keys(self) -> list[str]:
        """The keys whose source passage overlaps a passage read by OCR."""
        if not self.ocr_spans:
            return []
        starts = [start for start, _ in self.ocr_spans]
        keys = []
        for key, (start, stop) in self._spans.items():
            # OCR passages are in order and apart: only the last one starting before ``stop`` can overlap.
            index = bisect.bisect_left(starts, stop) - 1
            if index >= 0 and self.ocr_spans[index][1] > start:
                keys.append(key)
        return sorted(keys)

    # --- reading one answer ---
    def _source(self, key: str, match: Match, stop_char: int, filled: bool = True) -> None:
        """Record the passage a field was read from; a passage that gave a value wins over an empty one."""
        if key in self._filled:
            return
        self.sources[key] = _excerpt(self.document[match.start : stop_char])
        self._spans[key] = (match.start, stop_char)
        if filled:
            self._filled.add(key)

    def _keep_unmapped(self, text: str, prefix: str = "") -> None:
        """Keep a passage that belongs to no field: one item per line, or one prefixed item."""
        value = clean_value(text)
        if not value:
            return
        if prefix:
            self.unmapped.append(f"{prefix} : {value}")
        else:
            self.unmapped.extend(line for line in value.split("\n") if line.strip())

    def _read(self, match: Match, content: str, first_token: int, stop_token: int, stop_char: int) -> None:
        """Read the answer that follows one label, according to the label's kind."""
        label = match.label
        key = label.field
        if key is None:
            self._keep_unmapped(content)
            return
        if label.kind in ("text", "heading", "duration"):
            value = clean_value(content)
            self._source(key, match, stop_char, filled=bool(value))
            self.texts.setdefault(key, []).append(value)
            return
        self._source(key, match, stop_char)
        if label.kind == "count":
            self._read_count(label, clean_value(content))
        elif label.kind == "money":
            text = clean_value(content)
            put(
                self.canonical,
                key,
                parse_money(text, DEFAULT_BASIS[key]) if text else get(self.canonical, key),
            )
        elif label.kind in ("tri", "choice", "mobilisation"):
            self._read_boxes(label, match, first_token, stop_token, stop_char)

    def _read_count(self, label: Label, text: str) -> None:
        """Households or dwellings: the number, whether it is approximate, and any other words kept."""
        value, approximate = parse_count(text)
        if label.field == "housing.dwellings":
            housing = self.canonical["housing"]
            housing.update(dwellings=value, dwellings_approximate=approximate, dwellings_text=text)
            for derived in ("housing.dwellings_approximate", "housing.dwellings_text"):
                self._derived_source(derived, label.field)
            return
        target = self.canonical["target_public"]
        target.update(households=value, households_approximate=approximate)
        self._derived_source("target_public.households_approximate", "target_public.households")
        # A count field holds a number: any other word written there is kept, not dropped.
        extra = [
            t
            for t in tokenize(text)
            if t.kind == "word" and not t.key.isdigit() and t.key not in COUNT_FILLER_KEYS
        ]
        if extra or (text and value is None):
            self.unmapped.append(f"{label.short} : {text}")

    def _read_boxes(self, label: Label, match: Match, first: int, stop: int, stop_char: int) -> None:
        """Options of a checkbox group, their marks, and what the boxes say."""
        tokens = self.tokens
        items: list[tuple[str, object, int, int]] = []  # (kind, value, first token, end token)
        position = first
        while position < stop:
            token = tokens[position]
            if token.kind == "mark":
                items.append(("mark", token.state, position, position + 1))
                position += 1
                continue
            best = None
            for option in label.options:
                keys = tuple(option.keys)
                end = match_core(tokens, position, keys, option.core, stop)
                if end is None:
                    continue
                end, _ = match_rest(self.document, tokens, end, keys[option.core :], token.start, set(), stop)
                if best is None or end > best[1]:
                    best = (option.value, end)
            if best is not None:
                items.append(("option", best[0], position, best[1]))
                position = best[1]
            elif token.text in ("x", "X"):
                items.append(("x", CHECKED, position, position + 1))
                position += 1
            else:
                items.append(("other", None, position, position + 1))
                position += 1
        items = self._resolve_x(items)
        states = self._associate(items)
        removed = [(tokens[i[2]].start, tokens[i[3] - 1].end) for i in items if i[0] in ("mark", "option")]
        leftover = _blank_out(self.document, match.stop, stop_char, removed)
        self._apply_boxes(label, states)
        leftover_text = clean_value(leftover)
        if leftover_text:
            if label.field == "regional_opinion.verdict":
                self.texts.setdefault("regional_opinion.comment", []).append(leftover_text)
                self._source("regional_opinion.comment", match, stop_char)
            else:
                self.unmapped.append(f"{label.short} : {leftover_text}")

    @staticmethod
    def _resolve_x(items: list) -> list:
        """A lone "x" is a ticked box when it sits right beside an option; otherwise it is a word."""
        resolved = []
        for index, item in enumerate(items):
            if item[0] == "x":
                before = items[index - 1][0] if index else ""
                after = items[index + 1][0] if index + 1 < len(items) else ""
                if before == "option" or after == "option":
                    resolved.append(("mark", CHECKED, item[2], item[3]))
                    continue
                resolved.append(("other", None, item[2], item[3]))
            else:
                resolved.append(item)
        return resolved

    @staticmethod
    def _associate(items: list) -> dict[str, str | None]:
        """Each option's mark: the one after it, or the one before it when the group starts with a mark."""
        significant = [i for i in items if i[0] in ("mark", "option")]
        states: dict[str, str | None] = {}
        if not significant:
            return states
        marks_first = significant[0][0] == "mark"
        for index, item in enumerate(significant):
            if item[0] != "option":
                continue
            if marks_first:
                neighbour = significant[index - 1] if index else None
            else:
                neighbour = significant[index + 1] if index + 1 < len(significant) else None
            state = neighbour[1] if neighbour is not None and neighbour[0] == "mark" else None
            if item[1] not in states or (states[item[1]] is None and state is not None):
                states[item[1]] = state  # type: ignore[assignment]
        return states

    def _apply_boxes(self, label: Label, states: dict[str, str | None]) -> None:
        """Turn option states into the canonical value (tri, choice or the list of mobilisation modes)."""
        key = label.field
        assert key is not None
        checked = [o.value for o in label.options if states.get(o.value) == CHECKED]
        known = bool(checked)
        if not checked and states and all(state == UNCHECKED for state in states.values()):
            known = True
        if not known and states and all(state is None for state in states.values()):
            # No box at all: an option written alone is the answer ("DALO : oui"); the full printed
            # list of options without any mark says nothing.
            if label.kind != "mobilisation" and len(states) == 1:
                checked, known = list(states), True
            elif label.kind == "mobilisation" and len(states) < len(label.options):
                checked, known = [o.value for o in label.options if o.value in states], True
                self.warnings.append(
                    "Modalités de mobilisation des logements : aucune case lisible, les options laissées dans le "
                    "formulaire ont été retenues ; à vérifier."
                )
        if label.kind == "mobilisation":
            self.canonical["housing"]["mobilisation"] = checked if known else []
            self.canonical["housing"]["mobilisation_known"] = known
            return
        if len(checked) > 1:
            self.warnings.append(
                f"{label.short} : plusieurs cases cochées ({', '.join(checked)}), valeur laissée vide."
            )
        if label.kind == "tri":
            put(self.canonical, key, checked[0] if len(checked) == 1 else "unknown")
        else:
            put(self.canonical, key, checked[0] if len(checked) == 1 else None)

    def _derived_source(self, key: str, origin: str) -> None:
        """A derived value's source is its origin's passage."""
        self.sources[key] = self.sources.get(origin, "")
        if origin in self._spans:
            self._spans[key] = self._spans[origin]

    # --- derived values ---
    def _derive(self) -> None:
        """Organisations, departments, co-funding lines, requested amount and months, from the texts read."""
        if not self.is_form:
            return  # not the form: nothing to derive, and no department warning to add to the noise
        c = self.canonical
        carriers_text = c["carriers"]["text"]
        if carriers_text:
            c["carriers"]["organisations"] = split_carriers(carriers_text)
            if "carriers.organisations" not in self.sources:
                self._derived_source("carriers.organisations", "carriers.text")
        guess = detect_departments(
            [c["location"]["text"], c["housing"]["location"]],
            carriers_text,
            c["carriers"]["organisations"],
            [c["name"], c["summary"]],
        )
        c["location"]["department_codes"] = guess.codes
        if guess.codes:
            origin = {"nom du porteur": "carriers.text"}.get(guess.source, "location.text")
            self._derived_source(
                "location.department_codes", origin if self.sources.get(origin) else "housing.location"
            )
        self.warnings.extend(guess.warnings)
        finance = c["finance"]
        if finance["cofunding_text"] or finance["overview"]:
            lines, requested = parse_cofunding(finance["cofunding_text"])
            if requested is None and finance["overview"]:
                _, requested = parse_cofunding(finance["overview"])
            finance["cofunding"] = lines
            finance["requested_amount_eur"] = requested
            if lines:
                self._derived_source("finance.cofunding", "finance.cofunding_text")
            if requested is not None:
                self._derived_source("finance.requested_amount_eur", "finance.cofunding_text")
        duration = c["duration"]
        if duration["text"]:
            duration["months"], duration["renewable"] = parse_duration(duration["text"])
            for derived in ("duration.months", "duration.renewable"):
                self._derived_source(derived, "duration.text")
