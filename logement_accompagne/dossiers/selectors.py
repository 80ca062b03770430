"""Scoped reads of dossiers: the only way views, exports and the API get dossiers.

A carrier sees the dossiers of their organisations (drafts included); a
departmental instructor the filed dossiers of their department(s); a regional
instructor those of their region (current or, for historical calls, pre-2016);
the national committee every filed dossier.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from logement_accompagne.organisations.selectors import scope_of

from .models import Dossier, DossierCarrier

DossierDepartment = Dossier.departments.through


def _in_departments(codes) -> Exists:
    return Exists(DossierDepartment.objects.filter(dossier_id=OuterRef("pk"), department_id__in=codes))


def _in_regions(codes) -> Exists:
    return Exists(
        DossierDepartment.objects.filter(dossier_id=OuterRef("pk")).filter(
            Q(department__region_id__in=codes) | Q(department__former_region_id__in=codes)
        )
    )


def _carried_by(organisation_ids) -> Exists:
    return Exists(
        DossierCarrier.objects.filter(dossier_id=OuterRef("pk"), organisation_id__in=organisation_ids)
    )


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    scope = scope_of(user)
    dossiers = Dossier.objects.all()
    if scope.administrator:
        return dossiers
    filed = Q(submitted_at__isnull=False)
    visible = Q(pk__in=[])
    if scope.carrier_organisation_ids:
        visible |= Q(_carried_by(scope.carrier_organisation_ids))
    if scope.committee:
        visible |= filed
    else:
        if scope.departmental_codes:
            visible |= filed & Q(_in_departments(scope.departmental_codes))
        if scope.regional_codes:
            visible |= filed & Q(_in_regions(scope.regional_codes))
    return dossiers.filter(visible)


def dossier_for(user, **lookup) -> Dossier:
    """One visible dossier, or Dossier.DoesNotExist (views turn it into a 404: no existence leak)."""
    return dossiers_visible_to(user).select_related("call").get(**lookup)
