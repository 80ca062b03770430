"""The lists people look at, as querysets built on the domain selectors (pages and exports share them)."""

from django.db.models import QuerySet

from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.selectors import dossiers_visible_to

from .territories import in_department


def dossier_list(user, *, call=None, status: str = "", department: str = "") -> QuerySet[Dossier]:
    """What the instruction queue shows with its filters: filed dossiers the person may see."""
    dossiers = dossiers_visible_to(user).filter(submitted_at__isnull=False)
    if call:
        dossiers = dossiers.filter(call=call)
    if department:
        dossiers = dossiers.filter(in_department(department))
    if status:
        dossiers = dossiers.filter(status=status)
    return dossiers
