"""What the list rows written in Python share (issue #9: a template loop cost a page several times
its floor): escaped text, choice labels, dates as the templates' ``date`` filter writes them, and
links that differ only by a reference. Each helper gives what the template did, without its
per-call cost (lazy strings, a ``reverse()`` or a date format per row)."""

import datetime
import functools
import html

from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import date_format
from django.utils.timezone import localtime

PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def escaped(value) -> str:
    """Escaped text (the template's autoescape): the standard library's, without a lazy proxy per call."""
    return html.escape(str(value))


@functools.cache
def choice_label(field, value) -> str:
    """A choice's label, once per value (``get_FOO_display`` builds a lazy string each call)."""
    return str(dict(field.flatchoices).get(value, value)) if value else ""


def reference_url(name: str, *args):
    """``reverse(name, args=[*args, reference])`` for every reference of a page, from one reverse()."""
    pattern = reverse(name, args=[*args, PLACEHOLDER])
    return lambda reference: pattern.replace(PLACEHOLDER, str(reference))


def long_date(moment, with_time: bool = False) -> str:
    """What ``|date:"j F Y"`` (or ``"j F Y à H:i"``) writes: « 3 novembre 2026 »."""
    if not moment:
        return ""
    moment = localtime(moment)
    day = f"{moment.day} {month_name(moment.month)} {moment.year}"
    return f"{day} à {moment:%H:%M}" if with_time else day


def short_date(moment) -> str:
    """What ``|date:"j M Y"`` writes: « 3 nov. 2026 »."""
    if moment is None:
        return ""
    day = localtime(moment)
    return f"{day.day} {month_abbreviation(day.month)} {day.year}"


@functools.cache
def month_name(month: int) -> str:
    return dateformat.format(datetime.date(2000, month, 1), "F")


@functools.cache
def month_abbreviation(month: int) -> str:
    return date_format(datetime.date(2000, month, 1), "M")
