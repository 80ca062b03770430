"""Who a person is on the platform: the territories and organisations they act for.

Everything that depends on who asks starts here, so that a role's reach is
computed in one place from memberships (one query, cached on the user object
for the request).
"""

from dataclasses import dataclass, field

from .enums import OrganisationKind, Role
from .models import Membership


@dataclass(frozen=True)
class Scope:
    carrier_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    support_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    departmental_codes: frozenset[str] = field(default_factory=frozenset)
    regional_codes: frozenset[str] = field(default_factory=frozenset)
    committee: bool = False
    administrator: bool = False

    @property
    def is_carrier(self) -> bool:
        return bool(self.carrier_organisation_ids)

    @property
    def is_departmental_instructor(self) -> bool:
        return bool(self.departmental_codes)

    @property
    def is_regional_instructor(self) -> bool:
        return bool(self.regional_codes)

    @property
    def is_instructor(self) -> bool:
        return self.is_departmental_instructor or self.is_regional_instructor or self.committee


def scope_of(user) -> Scope:
    """The reach of a person, from their memberships (cached on the user instance)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_platform_scope", None)
    if cached is not None:
        return cached
    carriers, supports, departments, regions = set(), set(), set(), set()
    committee = False
    memberships = Membership.objects.filter(user=user).values_list(
        "role",
        "organisation_id",
        "organisation__kind",
        "organisation__department_id",
        "organisation__region_id",
    )
    for role, organisation_id, kind, department_code, region_code in memberships:
        if role == Role.CARRIER:
            carriers.add(organisation_id)
        elif role == Role.SUPPORT_WORKER:
            supports.add(organisation_id)
        elif (
            role == Role.DEPARTMENTAL_INSTRUCTOR
            and kind == OrganisationKind.STATE_DEPARTMENT
            and department_code
        ):
            departments.add(department_code)
        elif role == Role.REGIONAL_INSTRUCTOR and kind == OrganisationKind.STATE_REGION and region_code:
            regions.add(region_code)
        elif role == Role.COMMITTEE and kind == OrganisationKind.NATIONAL:
            committee = True
    scope = Scope(
        carrier_organisation_ids=frozenset(carriers),
        support_organisation_ids=frozenset(supports),
        departmental_codes=frozenset(departments),
        regional_codes=frozenset(regions),
        committee=committee,
        administrator=bool(user.is_staff and user.is_superuser),
    )
    user._platform_scope = scope
    return scope


def carrier_organisations_of(user):
    from .models import Organisation

    return Organisation.objects.filter(pk__in=scope_of(user).carrier_organisation_ids).order_by("name")


def organisations_able_to_carry(excluding_dossier=None):
    """Landlords, associations and other non-State bodies that may carry (or co-carry) a project."""
    from .enums import CARRIER_KINDS
    from .models import Organisation

    organisations = Organisation.objects.filter(kind__in=CARRIER_KINDS)
    if excluding_dossier is not None:
        organisations = organisations.exclude(carrier_links__dossier=excluding_dossier)
    return organisations.select_related("department").order_by("name")
