"""Reads of calls shared by every page and command."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import Call


def open_calls(on: datetime.date | None = None) -> QuerySet[Call]:
    """The calls that accept new dossiers on that day (today by default)."""
    day = on or timezone.localdate()
    return Call.objects.filter(opens_on__lte=day, closes_on__gte=day).order_by("-year", "title")
