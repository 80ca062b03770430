"""Writes of the reporting app: asking for an export (checked, logged, produced after commit)."""

import logging

from django.conf import settings
from django.db import transaction

from logement_accompagne.calls.models import Call

from . import exports
from .models import Export
from .selectors import dossier_list

logger = logging.getLogger(__name__)


def background_threshold() -> int:
    return getattr(settings, "EXPORT_BACKGROUND_THRESHOLD", 5000)


def export_queryset(user, filters: dict):
    """The list the person was looking at, re-read through the selectors at export time."""
    call = Call.objects.filter(pk=filters.get("call")).first() if filters.get("call") else None
    return dossier_list(
        user, call=call, status=filters.get("status", ""), department=filters.get("department", "")
    )


@transaction.atomic
def request_export(*, user, fmt: str, columns: list[str], filters: dict) -> Export:
    if fmt not in exports.FORMATS or not columns or any(key not in exports.COLUMNS for key in columns):
        raise ValueError("Format ou colonnes inconnus.")
    export = Export.objects.create(requested_by=user, format=fmt, columns=columns, filters=filters)
    logger.info("export %s requested by %s (%s, %s)", export.pk, user.pk, fmt, filters)
    from .tasks import build_export

    transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export
