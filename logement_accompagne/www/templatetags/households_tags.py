"""Showing household figures: French formats, suppressed figures said as such, bar lengths."""

from decimal import Decimal

from django import template

from logement_accompagne.dossiers.checks import french_eur

register = template.Library()


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


@register.simple_tag
def figure_value(figure) -> str:
    if figure.suppressed:
        return "non diffusé (moins de 5 ménages)"
    if figure.value is None:
        return "—"
    if figure.unit == "€":
        return french_eur(figure.value)
    value = float(figure.value) if isinstance(figure.value, Decimal) else figure.value
    unit = {"%": "\u00a0%", "jours": "\u00a0jours", "€": "\u00a0€"}.get(figure.unit, "")
    return _number(value) + unit


@register.simple_tag
def bar_width(figure, parent=None) -> int:
    """Percentage of the bar to fill: a share, a count over its base, or the part of the commitment."""
    if figure.value is None:
        return 0
    if figure.unit == "%":
        share = float(figure.value)
    elif parent is not None and parent.base:
        share = 100 * float(figure.value) / parent.base
    elif figure.committed:
        share = 100 * float(figure.value) / figure.committed
    else:
        return 0
    return max(0, min(100, round(share)))
