"""Reads of the journal: what happened to one record, and what one person did."""

from django.db.models import QuerySet

from .models import FieldChange, ReadEntry
from .services import target_type_of


def reads_of(target=None, *, target_type: str = "", target_id=None) -> QuerySet[ReadEntry]:
    if target is not None:
        target_type, target_id = target_type_of(target), target.pk
    return ReadEntry.objects.filter(target_type=target_type, target_id=str(target_id))


def reads_of_household(household) -> QuerySet[ReadEntry]:
    return ReadEntry.objects.filter(household_ref=str(getattr(household, "pk", household)))


def reads_by(actor) -> QuerySet[ReadEntry]:
    return ReadEntry.objects.filter(actor=actor)


def changes_of(target) -> QuerySet[FieldChange]:
    return FieldChange.objects.filter(target_type=target_type_of(target), target_id=str(target.pk))


def changes_by(actor) -> QuerySet[FieldChange]:
    return FieldChange.objects.filter(actor=actor)
