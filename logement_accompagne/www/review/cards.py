"""The departmental and regional opinions side by side (the latest version in full, earlier versions
folded), as HTML written here in one pass: the dossier page, the opinion and decision pages and the
committee's list, where 50 dossiers each had three template includes (issue #9), all show this.
Templates call it through ``{% opinion_cards departmental_opinions regional_opinions %}``."""

from types import SimpleNamespace

from django.utils.safestring import SafeString, mark_safe

from logement_accompagne.dossiers.models import DepartmentalOpinion, RegionalOpinion
from logement_accompagne.www.rows import choice_label, escaped, long_date

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


FIELDS = {
    True: DepartmentalOpinion._meta.get_field("reproducibility"),
    False: RegionalOpinion._meta.get_field("verdict"),
}


class OpinionRow(SimpleNamespace):
    """An opinion as ``card`` reads it, from a values row (lists: no model instance per opinion)."""


OPINION_VALUES = ("dossier_id", "version", "created_at", "imported", "author_id",
                  "author__first_name", "author__last_name", "author__email")  # fmt: skip


def opinion_rows(model, dossier_ids) -> dict[int, list[OpinionRow]]:
    """Every version of ``model``'s opinions on these dossiers, latest first, in one query."""
    texts = (
        ("relevance", "reproducibility", "conditions")
        if model is DepartmentalOpinion
        else ("verdict", "comment")
    )
    by_dossier: dict[int, list[OpinionRow]] = {}
    for row in (
        model.objects.filter(dossier_id__in=dossier_ids)
        .order_by("dossier_id", "-version")
        .values(*OPINION_VALUES, *texts)
    ):
        first, last, email = (
            row.pop("author__first_name"),
            row.pop("author__last_name"),
            row.pop("author__email"),
        )
        # str(User): the full name, else the e-mail address.
        row["author"] = (f"{first} {last}".strip() or email) if row["author_id"] else None
        by_dossier.setdefault(row["dossier_id"], []).append(OpinionRow(**row))
    return by_dossier


def card(title: str, opinions, departmental: bool, none: str) -> SafeString:
    """One level's opinions, latest first (opinion instances or ``OpinionRow``); ``title`` and
    ``none`` are this module's own texts, written as they are (as the template's literals were)."""
    opinions = list(opinions)
    if not opinions:
        return mark_safe(CARD.format(title, f"<p>{none}</p>"))  # noqa: S308 (our own constant texts)
    latest = opinions[0]
    field = FIELDS[departmental]
    if departmental:
        body = DEPARTMENTAL.format(escaped(latest.relevance), escaped(choice_label(field, latest.reproducibility) or "Non renseigné"),
                                   escaped(latest.conditions or "Aucune"))  # fmt: skip
    else:
        body = REGIONAL.format(
            escaped(choice_label(field, latest.verdict) or "Non renseigné"),
            escaped(latest.comment or "Aucun"),
        )
    author = f", par {escaped(latest.author)}" if latest.author_id else ""
    imported = " (repris d'un document importé)" if latest.imported else ""
    parts = [
        body,
        SIGNED.format(latest.version, long_date(latest.created_at, with_time=True), author, imported),
    ]
    if len(opinions) > 1:
        older = "".join(
            OLDER.format(
                o.version,
                long_date(o.created_at),
                escaped(choice_label(field, o.reproducibility if departmental else o.verdict)),
                escaped(o.relevance if departmental else o.comment),
            )  # fmt: skip
            for o in opinions[1:]
        )
        parts.append(FOLDED.format(older))
    return mark_safe(CARD.format(title, "".join(parts)))  # noqa: S308 (each value escaped above)


def opinion_cards(departmental_opinions, regional_opinions) -> SafeString:
    return mark_safe(  # noqa: S308 (both cards escaped)
        CARDS.format(
            card("Avis départemental", departmental_opinions or (), True, "Pas encore d'avis départemental."),
            card("Avis régional", regional_opinions or (), False, "Pas encore d'avis régional."),
        )
    )
