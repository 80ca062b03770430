"""The departmental and regional opinions side by side (the latest version in full, earlier versions
folded), as HTML written here in one pass: the dossier page, the opinion and decision pages and the
committee's list, where 50 dossiers each had three template includes (issue #9), all show this.
Templates call it through ``{% opinion_cards departmental_opinions regional_opinions %}``."""

import datetime
import functools

from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

CARDS = (
    '<div class="fr-grid-row fr-grid-row--gutters">'
    '<div class="fr-col-12 fr-col-md-6">{}</div><div class="fr-col-12 fr-col-md-6">{}</div></div>'
)
CARD = (
    '<div class="fr-card fr-card--no-arrow"><div class="fr-card__body"><div class="fr-card__content">'
    '<h3 class="fr-card__title fr-h6">{}</h3><div class="fr-card__desc">{}</div></div></div></div>'
)
DEPARTMENTAL = (
    '<dl class="www-definition"><dt>Pertinence du projet</dt><dd class="www-prewrap">{}</dd>'
    "<dt>Caractère reproductible</dt><dd>{}</dd>"
    '<dt>Conditions jugées nécessaires</dt><dd class="www-prewrap">{}</dd></dl>'
)
REGIONAL = (
    '<dl class="www-definition"><dt>Avis global</dt><dd>{}</dd>'
    '<dt>Commentaire</dt><dd class="www-prewrap">{}</dd></dl>'
)
SIGNED = '<p class="fr-text--xs fr-mt-1w fr-mb-0">Version {}, {}{}{}.</p>'
OLDER = '<p class="fr-text--sm www-prewrap">v{} ({}) — {} — {}</p>'
FOLDED = '<details class="fr-mt-1w"><summary class="fr-text--sm">Versions précédentes</summary>{}</details>'


def _date(moment, with_time: bool) -> str:
    """What the template's ``|date:"j F Y à H:i"`` (or ``"j F Y"``) writes, without its per-call cost."""
    if not moment:
        return ""
    moment = localtime(moment)
    day = f"{moment.day} {month_name(moment.month)} {moment.year}"
    return f"{day} à {moment:%H:%M}" if with_time else day


@functools.cache
def month_name(month: int) -> str:
    return dateformat.format(datetime.date(2000, month, 1), "F")


def card(title: str, opinions, departmental: bool, none: str) -> SafeString:
    """One level's opinions, latest first (any sequence of opinion instances)."""
    opinions = list(opinions)
    if not opinions:
        return format_html(CARD, title, format_html("<p>{}</p>", none))
    latest = opinions[0]
    if departmental:
        body = format_html(DEPARTMENTAL, latest.relevance,
                           latest.get_reproducibility_display() or "Non renseigné", latest.conditions or "Aucune")  # fmt: skip
    else:
        body = format_html(
            REGIONAL, latest.get_verdict_display() or "Non renseigné", latest.comment or "Aucun"
        )
    author = format_html(", par {}", latest.author) if latest.author_id else ""
    imported = " (repris d'un document importé)" if latest.imported else ""
    parts = [
        body,
        format_html(SIGNED, latest.version, _date(latest.created_at, True), author, imported),
    ]
    if len(opinions) > 1:
        older = format_html_join(
            "",
            OLDER,
            (
                (
                    o.version,
                    _date(o.created_at, False),
                    o.get_reproducibility_display() if departmental else o.get_verdict_display(),
                    o.relevance if departmental else o.comment,
                )  # fmt: skip
                for o in opinions[1:]
            ),
        )
        parts.append(format_html(FOLDED, older))
    return format_html(CARD, title, mark_safe("".join(parts)))  # noqa: S308 (each part escaped above)


def opinion_cards(departmental_opinions, regional_opinions) -> SafeString:
    return format_html(
        CARDS,
        card("Avis départemental", departmental_opinions or (), True, "Pas encore d'avis départemental."),
        card("Avis régional", regional_opinions or (), False, "Pas encore d'avis régional."),
    )
