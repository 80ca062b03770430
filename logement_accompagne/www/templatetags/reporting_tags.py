"""Formatting of steering figures: durations in days, secret cells, French numbers."""

import datetime

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def days(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds() / 86400
    text = f"{value:.1f}".replace(".", ",").replace(",0", "")
    return f"{text} j"


@register.filter
def figure(value) -> str:
    """A count in French (narrow no-break thousands), « secret » when suppressed, « à venir » when absent."""
    if value is None:
        return format_html('<abbr title="{}">secret</abbr>', "moins de 5 ménages : non diffusé")
    return f"{int(value):,}".replace(",", "\u202f")


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def export_url(context) -> str:
    """The export page for the list on screen, with its filters."""
    from logement_accompagne.www.reporting.exports import export_link

    return export_link(context["request"])
