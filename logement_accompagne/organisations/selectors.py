"""Who a person is on the platform: the territories and organisations they act for.

Everything that depends on who asks starts here, so that a role's reach is
computed in one place from memberships (one query, cached on the user object
for the request).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from logement_accompagne.compiled import CompiledQuery

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
    # Holds a manager role (organisation administrator, State service head): the pages check which.
    manages_members: bool = False
    organisation_admin: bool = False

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


# Read on most pages: compiled once per process (logement_accompagne.compiled).
_MEMBERSHIPS = CompiledQuery(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id)
        .order_by()
        .values(
            "role",
            "organisation_id",
            "organisation__kind",
            "organisation__department_id",
            "organisation__region_id",
        )
    ),
    user_id=-1,  # the marker: no person has it
)


def scope_of(user) -> Scope:
    """The reach of a person, from their memberships (cached on the user instance)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_platform_scope", None)
    if cached is not None:
        return cached
    carriers, supports, departments, regions = set(), set(), set(), set()
    committee = manages = organisation_admin = False
    for membership in _MEMBERSHIPS.rows(user_id=user.pk):
        role, organisation_id, kind, department_code, region_code = membership.values()
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
        if role in (Role.ORGANISATION_ADMIN, Role.SERVICE_HEAD):
            manages = True
            organisation_admin = organisation_admin or role == Role.ORGANISATION_ADMIN
    scope = Scope(
        carrier_organisation_ids=frozenset(carriers),
        support_organisation_ids=frozenset(supports),
        departmental_codes=frozenset(departments),
        regional_codes=frozenset(regions),
        committee=committee,
        administrator=bool(user.is_staff and user.is_superuser),
        manages_members=manages,
        organisation_admin=organisation_admin,
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
        organisations = organisations.exclude(carrier_links__dossier=excluding_dossier).exclude(
            # Nor those already invited and yet to answer.
            pk__in=Organisation.objects.filter(
                carrier_invitations__dossier=excluding_dossier, carrier_invitations__state="pending"
            ).values("pk")
        )
    return organisations.select_related("department").order_by("name")


# --- The territory rule: which departments a State service covers ---------------------------------
# A departmental service covers its department; a regional service the departments of its region,
# as the region is today or as it was before the 2016 reform (calls of 2014-2015 were reviewed by
# the former regions). Written once here, both ways: the departments a scope covers (dossier
# selectors, queue filters) and the services that cover given departments (notifications).


def departments_covered_q(*, departmental_codes=(), regional_codes=(), prefix: str = "") -> Q:
    """A condition on Department (or on a relation to it, with `prefix`, e.g. "department__")
    matching the departments covered by these departmental and regional services."""
    condition = Q(pk__in=[])
    if departmental_codes:
        condition |= Q(**{f"{prefix}pk__in": list(departmental_codes)})
    if regional_codes:
        codes = list(regional_codes)
        condition |= Q(**{f"{prefix}region_id__in": codes}) | Q(**{f"{prefix}former_region_id__in": codes})
    return condition


def departments_covered_by(scope: Scope):
    """The departments a person's State memberships cover (all of them for the national level)."""
    from logement_accompagne.territories.models import Department

    if scope.committee or scope.administrator:
        return Department.objects.all()
    return Department.objects.filter(
        departments_covered_q(
            departmental_codes=scope.departmental_codes, regional_codes=scope.regional_codes
        )
    )


def covering_regions(region_pairs) -> set[str]:
    """From (region, pre-2016 region) pairs of departments: the regions whose services cover them."""
    return {code for pair in region_pairs for code in pair if code}


def regions_covering(department_codes) -> set[str]:
    """The regions whose services cover these departments: today's and the pre-2016 ones."""
    from logement_accompagne.territories.models import Department

    rows = Department.objects.filter(pk__in=list(department_codes)).values_list(
        "region_id", "former_region_id"
    )
    return covering_regions(rows)


def services_covering_q(department_codes, *, level: str, prefix: str = "") -> Q:
    """A condition on Organisation (or a relation to it, with `prefix`) matching the State services of
    `level` ("departmental" or "regional") that cover at least one of these departments."""
    codes = list(department_codes)
    if level == "departmental":
        return Q(**{f"{prefix}kind": OrganisationKind.STATE_DEPARTMENT, f"{prefix}department_id__in": codes})
    if level == "regional":
        return Q(
            **{
                f"{prefix}kind": OrganisationKind.STATE_REGION,
                f"{prefix}region_id__in": regions_covering(codes),
            }
        )
    raise ValueError(f"niveau inconnu : {level}")


# --- Members: who manages whom ---------------------------------------------------------------------

MANAGER_ROLES = (Role.ORGANISATION_ADMIN, Role.SERVICE_HEAD)

# The roles a manager may give, by kind of organisation.
ROLES_BY_KIND = {
    OrganisationKind.STATE_DEPARTMENT: (Role.DEPARTMENTAL_INSTRUCTOR, Role.SERVICE_HEAD),
    OrganisationKind.STATE_REGION: (Role.REGIONAL_INSTRUCTOR, Role.SERVICE_HEAD),
    OrganisationKind.NATIONAL: (Role.COMMITTEE, Role.SERVICE_HEAD),
}
CARRIER_SIDE_ROLES = (Role.CARRIER, Role.SUPPORT_WORKER, Role.SUPPORT_MANAGER, Role.ORGANISATION_ADMIN)


def assignable_roles(organisation) -> tuple[str, ...]:
    return ROLES_BY_KIND.get(organisation.kind, CARRIER_SIDE_ROLES)


def managed_organisations(user):
    """The organisations whose members this person manages: as administrator of a landlord or an
    association, as head of a State service (the manager role must match the kind)."""
    from .enums import STATE_KINDS
    from .models import Organisation

    if user is None or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            Q(memberships__user=user, memberships__role=Role.ORGANISATION_ADMIN) & ~Q(kind__in=STATE_KINDS)
            | Q(memberships__user=user, memberships__role=Role.SERVICE_HEAD, kind__in=STATE_KINDS)
        )
        .distinct()
        .order_by("name")
    )


def may_manage_members(user, organisation) -> bool:
    return managed_organisations(user).filter(pk=organisation.pk).exists()


def administered_organisations(user):
    """The organisations on whose behalf this person answers invitations to co-carry a dossier:
    those they administer and, for an organisation that has no administrator yet, its carriers."""
    from .models import Organisation

    if user is None or not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    administered = Membership.objects.filter(user=user, role=Role.ORGANISATION_ADMIN).values(
        "organisation_id"
    )
    with_admin = Membership.objects.filter(role=Role.ORGANISATION_ADMIN).values("organisation_id")
    carried_without_admin = (
        Membership.objects.filter(user=user, role=Role.CARRIER)
        .exclude(organisation_id__in=with_admin)
        .values("organisation_id")
    )
    return Organisation.objects.filter(Q(pk__in=administered) | Q(pk__in=carried_without_admin))


def members_of(organisation):
    return organisation.memberships.select_related("user").order_by("user__last_name", "user__email", "role")


def membership_history(organisation, limit: int = 50):
    from .models import MembershipEvent

    return MembershipEvent.objects.filter(organisation=organisation).select_related("actor", "person")[:limit]


# --- The notification centre -----------------------------------------------------------------------


def last_visit(user):
    from .models import NotificationVisit

    return NotificationVisit.objects.filter(user=user).values_list("seen_at", flat=True).first()


def unseen_count(user) -> int:
    """What is new since the person last opened the notification centre (one indexed count)."""
    import datetime

    from django.db.models import DateTimeField, Subquery, Value
    from django.db.models.functions import Coalesce

    from .models import Notification, NotificationVisit

    if user is None or not user.is_authenticated:
        return 0
    seen = NotificationVisit.objects.filter(user=user).values("seen_at")[:1]
    never = Value(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), output_field=DateTimeField())
    return Notification.objects.filter(recipient=user, created_at__gt=Coalesce(Subquery(seen), never)).count()


def notifications_of(user, limit: int = 100):
    from .models import Notification

    return Notification.objects.filter(recipient=user)[:limit]
