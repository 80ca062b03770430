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


def may_consent(user, dossier) -> bool:
    """Only a carrier of the dossier gives or withdraws its publication in the catalogue."""
    from logement_accompagne.dossiers.permissions import relation_to
    from logement_accompagne.organisations.selectors import scope_of

    return relation_to(scope_of(user), dossier).carrier


@transaction.atomic
def set_publication_consent(*, user, dossier, given: bool):
    """Give (or give again) or withdraw the carrier's agreement to publish the project."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from .models import PublicationConsent

    if not may_consent(user, dossier):
        raise PermissionDenied("Seul un porteur du projet peut décider de sa publication.")
    now = timezone.now()
    consent = PublicationConsent.objects.select_for_update().filter(dossier=dossier).first()
    if given:
        if consent is None:
            consent = PublicationConsent.objects.create(dossier=dossier, given_by=user, given_at=now)
        elif not consent.active:
            consent.given_by, consent.given_at, consent.withdrawn_at = user, now, None
            consent.save(update_fields=["given_by", "given_at", "withdrawn_at"])
    elif consent is not None and consent.active:
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
    logger.info("publication consent of dossier %s %s by %s", dossier.pk, "given" if given else "withdrawn",
                user.pk)  # fmt: skip
    return consent
