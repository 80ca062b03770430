"""Which territory a dashboard looks at, who may look at it, and the dossiers that lie in it.

A dashboard is always read through `dossiers_visible_to(user)` and then narrowed to the
territory: a regional instructor asking for another region gets 403 here, and could not
count a dossier of it anyway.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.selectors import dossiers_visible_to
from logement_accompagne.organisations.selectors import scope_of
from logement_accompagne.territories.models import Department, Region

DossierDepartment = Dossier.departments.through

NATIONAL, REGION, DEPARTMENT = "national", "region", "department"


@dataclass(frozen=True)
class Territory:
    level: str
    code: str = ""
    name: str = "France entière"

    @property
    def is_national(self) -> bool:
        return self.level == NATIONAL


def national() -> Territory:
    return Territory(NATIONAL)


def region(code: str) -> Territory:
    found = Region.objects.get(code=code)
    return Territory(REGION, found.code, found.name)


def department(code: str) -> Territory:
    found = Department.objects.get(code=code)
    return Territory(DEPARTMENT, found.code, f"{found.name} ({found.code})")


def in_region(code) -> Q:
    """Dossiers with a department in the region (current, or before 2016 for the old calls)."""
    return Q(
        Exists(
            DossierDepartment.objects.filter(dossier_id=OuterRef("pk")).filter(
                Q(department__region_id=code) | Q(department__former_region_id=code)
            )
        )
    )


def in_department(code) -> Q:
    return Q(Exists(DossierDepartment.objects.filter(dossier_id=OuterRef("pk"), department_id=code)))


def may_view(user, territory: Territory) -> bool:
    scope = scope_of(user)
    if scope.committee or scope.administrator:
        return True
    if territory.level == REGION:
        return territory.code in scope.regional_codes
    if territory.level == DEPARTMENT:
        if territory.code in scope.departmental_codes:
            return True
        codes = Department.objects.filter(code=territory.code).values_list("region_id", "former_region_id")
        return any(code in scope.regional_codes for pair in codes for code in pair if code)
    return False


def may_view_any(user) -> bool:
    scope = scope_of(user)
    return bool(scope.committee or scope.administrator or scope.departmental_codes or scope.regional_codes)


def home_territory(user) -> Territory | None:
    """The widest territory a person may steer: nation, else their region, else their department."""
    scope = scope_of(user)
    if scope.committee or scope.administrator:
        return national()
    if scope.regional_codes:
        return region(sorted(scope.regional_codes)[0])
    if scope.departmental_codes:
        return department(sorted(scope.departmental_codes)[0])
    return None


def dossiers_in(user, territory: Territory) -> QuerySet[Dossier]:
    """The filed dossiers of the territory that the person may see (drafts are nobody's figures)."""
    dossiers = dossiers_visible_to(user).filter(submitted_at__isnull=False)
    if territory.level == REGION:
        return dossiers.filter(in_region(territory.code))
    if territory.level == DEPARTMENT:
        return dossiers.filter(in_department(territory.code))
    return dossiers
