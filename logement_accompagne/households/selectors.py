"""Who may see which households, and how: the only way pages, exports and commands read them.

Two kinds of access to a selected project's households:
- *personal*: the support workers and support managers of the project's carrier
  organisations read and write everything, names and notes included (each read logged);
- *pseudonymous*: whoever may see the dossier otherwise (its carriers, the State
  services of its territory, the national committee, the platform administrator)
  sees references, phases, dates and figures, never a name, a contact detail or a
  free-text note.
A household of a project the person cannot see answers 404 (its existence is not revealed).
"""

import uuid
from dataclasses import dataclass

from django.db import router
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from logement_accompagne.audit.models import ReadEntry
from logement_accompagne.compiled import CompiledQuery
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier, DossierCarrier
from logement_accompagne.dossiers.permissions import relation_to
from logement_accompagne.dossiers.selectors import dossiers_visible_to
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership
from logement_accompagne.organisations.selectors import scope_of

from . import indicators
from .audit import EPISODE_TARGET
from .enums import ContactKind
from .models import (
    ArrearsCase,
    Contact,
    Household,
    Member,
    PrivateNote,
    SupportEpisode,
)

SUPPORT_ROLES = (Role.SUPPORT_WORKER, Role.SUPPORT_MANAGER)


@dataclass(frozen=True)
class SupportScope:
    organisation_ids: frozenset[int]
    manager_organisation_ids: frozenset[int]


def support_scope(user) -> SupportScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return SupportScope(frozenset(), frozenset())
    cached = getattr(user, "_support_scope", None)
    if cached is None:
        rows = list(
            Membership.objects.filter(user=user, role__in=SUPPORT_ROLES).values_list(
                "organisation_id", "role"
            )
        )
        cached = SupportScope(
            frozenset(org for org, _ in rows),
            frozenset(org for org, role in rows if role == Role.SUPPORT_MANAGER),
        )
        user._support_scope = cached
    return cached


def _carried_by(organisation_ids, dossier="pk") -> Exists:
    return Exists(
        DossierCarrier.objects.filter(dossier_id=OuterRef(dossier), organisation_id__in=organisation_ids)
    )


def support_projects(user) -> QuerySet[Dossier]:
    """Selected projects whose households the person accompanies (personal access)."""
    scope = support_scope(user)
    if not scope.organisation_ids:
        return Dossier.objects.none()
    return Dossier.objects.filter(_carried_by(scope.organisation_ids), status=Status.SELECTED)


def managed_projects(user) -> QuerySet[Dossier]:
    scope = support_scope(user)
    if not scope.manager_organisation_ids:
        return Dossier.objects.none()
    return Dossier.objects.filter(_carried_by(scope.manager_organisation_ids), status=Status.SELECTED)


def visible_projects(user) -> QuerySet[Dossier]:
    """Selected projects whose households the person may know of (personally or pseudonymously)."""
    personal = support_projects(user).values("pk")
    others = dossiers_visible_to(user).filter(status=Status.SELECTED).values("pk")
    return Dossier.objects.filter(Q(pk__in=personal) | Q(pk__in=others)).order_by("name")


def is_personal(user, dossier) -> bool:
    return support_projects(user).filter(pk=dossier.pk).exists()


def is_manager(user, dossier) -> bool:
    return managed_projects(user).filter(pk=dossier.pk).exists()


def project_for(user, reference) -> tuple[Dossier, bool]:
    """(dossier, personal access?) or Dossier.DoesNotExist (the project read whole, with its call)."""
    dossier = Dossier.objects.select_related("call").get(reference=reference, status=Status.SELECTED)
    rights = project_rights(user, [dossier])
    if dossier.pk not in rights:
        raise Dossier.DoesNotExist("Projet invisible pour cette personne.")
    return dossier, rights[dossier.pk][0]


def project_rights(user, dossiers) -> dict[int, tuple[bool, bool]]:
    """For each of ``dossiers`` whose households the person may know of: (personal access?, support
    manager of it?), by the dossier's primary key; the others are absent. The rule of
    `visible_projects`, `is_personal` and `is_manager`, decided for a few dossiers already read
    (each with its ``status`` and ``submitted_at``) without their union of subqueries:

    - the person's support roles in the dossiers' carrier organisations: one query (a join), or none
      when each dossier was read with its ``support_role`` (`project_access`);
    - only for a dossier where they have none: its carriers and departments (``relation_to``, the
      Python form of `dossiers_visible_to`, as the dossier page judges) and the person's scope.

    Building `visible_projects`'s union of subqueries cost the household list 4 to 5 ms and the
    household's page 3.8 ms, more than what they show (issue #9).
    """
    by_pk = {dossier.pk: dossier for dossier in dossiers if dossier.status == Status.SELECTED}
    if not by_pk:
        return {}
    roles: dict[int, set[str]] = {pk: set() for pk in by_pk}
    if all(hasattr(dossier, "support_role") for dossier in by_pk.values()):
        for pk, dossier in by_pk.items():
            if dossier.support_role:
                roles[pk].add(dossier.support_role)
    elif _may_hold_roles(user):
        held = Membership.objects.filter(
            user=user, role__in=SUPPORT_ROLES, organisation__carrier_links__dossier_id__in=list(by_pk)
        ).values_list("organisation__carrier_links__dossier_id", "role")
        for dossier_id, role in held:
            roles[dossier_id].add(role)
    rights, scope = {}, None
    for pk, dossier in by_pk.items():
        if roles[pk]:
            rights[pk] = (True, Role.SUPPORT_MANAGER in roles[pk])
            continue
        scope = scope or scope_of(user)
        relation = relation_to(scope, dossier)
        if relation.carrier or relation.reviewer or relation.administrator:
            rights[pk] = (False, False)
    return rights


def _may_hold_roles(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _held_support_role(user_id):
    """The person's highest support role in the dossier's carrier organisations (support manager
    above support worker), or None: a subquery of dossiers."""
    # The carriers as an IN list of keys, not a join through the organisations' table: PostgreSQL
    # planned the three-table join in 0.6 ms on every page, this in 0.3 ms (it runs in 0.05 ms).
    carriers = DossierCarrier.objects.filter(dossier_id=OuterRef(OuterRef("pk"))).values("organisation_id")
    return Subquery(
        Membership.objects.filter(user_id=user_id, role__in=SUPPORT_ROLES, organisation_id__in=carriers)
        .order_by(Case(When(role=Role.SUPPORT_MANAGER, then=Value(0)), default=Value(1)))
        .values("role")[:1]
    )


ACCESS_FIELDS = ("id", "reference", "name", "status", "submitted_at")  # what the household list shows
# Model.from_db takes the values of a partial instance in the order of the model's fields.
_ACCESS_IN_MODEL_ORDER = [f.attname for f in Dossier._meta.concrete_fields if f.attname in ACCESS_FIELDS]
_ACCESS = CompiledQuery(
    lambda reference, user_id: (
        Dossier.objects.filter(reference=reference, status=Status.SELECTED)
        .order_by()
        .values(*ACCESS_FIELDS)
        .annotate(
            list_version=F("household_list_version__number"),  # the key of the list's rows
            support_role=_held_support_role(user_id),  # spares project_rights its memberships query
        )
    ),
    reference=uuid.UUID(int=0),  # markers: a reference and a person no run can have
    user_id=-1,
)


def project_access(user, reference) -> tuple[Dossier, bool, bool]:
    """(dossier, personal access?, support manager of it?), or Dossier.DoesNotExist: `project_rights`
    for one project, read in one query (compiled once per process: building it cost the ORM more
    than running it) with its household list's version (`households.listing`), the person's support
    role in it and only what the list shows of it (a dossier row has a hundred columns)."""
    try:
        reference = reference if isinstance(reference, uuid.UUID) else uuid.UUID(str(reference))
    except ValueError as malformed:
        raise Dossier.DoesNotExist("Référence de projet invalide.") from malformed
    user_id = user.pk if _may_hold_roles(user) else None  # NULL: no membership matches
    found = _ACCESS.rows(reference=reference, user_id=user_id)
    if not found:
        raise Dossier.DoesNotExist("Projet introuvable.")
    row = found[0]
    dossier = Dossier.from_db(
        router.db_for_read(Dossier), ACCESS_FIELDS, [row[f] for f in _ACCESS_IN_MODEL_ORDER]
    )
    dossier.list_version, dossier.support_role = row["list_version"], row["support_role"]
    rights = project_rights(user, [dossier])
    if dossier.pk not in rights:
        raise Dossier.DoesNotExist("Projet invisible pour cette personne.")
    return dossier, *rights[dossier.pk]


def episodes_visible_to(user) -> QuerySet[SupportEpisode]:
    return SupportEpisode.objects.filter(dossier__in=visible_projects(user).values("pk"))


def episodes_personal_to(user) -> QuerySet[SupportEpisode]:
    return SupportEpisode.objects.filter(dossier__in=support_projects(user).values("pk"))


# The dossier's columns a page about a household does not show (it shows the project's name and links
# to it): left unread by the timeline, whose episode query would otherwise carry a hundred columns.
DOSSIER_UNSHOWN = tuple(
    f"dossier__{field.name}"
    for field in Dossier._meta.concrete_fields
    if field.name not in ("id", "reference", "name", "status", "submitted_at")  # submitted_at: project_rights
)


def episode_for(user, household_reference, *, related=(), defer=()) -> tuple[SupportEpisode, bool]:
    """The household's ongoing (else latest) episode in a project the person may see, and whether
    access is personal. The household's episodes are read with their projects in one query (a
    household is followed by one project, rarely a few), then judged by `project_rights`.
    `related`: more relations to read along (``select_related``); `defer`: columns left unread (e.g.
    DOSSIER_UNSHOWN)."""
    episodes = list(
        SupportEpisode.objects.filter(household__reference=household_reference)
        .select_related("household", "household__department", "dossier", *related)
        .defer(*defer)
        .order_by("-referred_on", "-pk")
    )
    rights = project_rights(user, {episode.dossier_id: episode.dossier for episode in episodes}.values())
    visible = [episode for episode in episodes if episode.dossier_id in rights]
    if not visible:
        raise SupportEpisode.DoesNotExist
    chosen = next((e for e in visible if e.ended_on is None), visible[0])
    chosen.personal = rights[chosen.dossier_id][0]
    return chosen, chosen.personal


def last_review_subquery():
    return Subquery(
        Contact.objects.filter(episode=OuterRef("pk"), kind=ContactKind.REVIEW)
        .values("episode")
        .annotate(last=Max("happened_on"))
        .values("last")[:1]
    )


def project_episodes(dossier, *, personal: bool) -> QuerySet[SupportEpisode]:
    """The list of a project's households, with what the list shows, in a constant number of queries."""
    episodes = (
        SupportEpisode.objects.filter(dossier=dossier)
        .select_related("household")
        .annotate(
            last_contact_on=Subquery(
                Contact.objects.filter(episode=OuterRef("pk"))
                .values("episode")
                .annotate(last=Max("happened_on"))
                .values("last")[:1]
            ),
            in_arrears=Exists(ArrearsCase.objects.filter(episode=OuterRef("pk"), closed_on__isnull=True)),
            head_name=(
                Subquery(
                    Member.objects.filter(household=OuterRef("household"), is_head=True).values("last_name")[
                        :1
                    ]
                )
                if personal
                else Value("")
            ),
            ended=Case(
                When(ended_on__isnull=True, then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            ),
        )
        .order_by("ended", "household__reference")
    )
    return episodes


# The list's order: ongoing supports first, then by household reference (the episode's copy: read from
# the list's index, no household read); the primary key last makes it a total order, so that a page's
# ids (paginated) and its rows (annotated) come in the same order.
LIST_ORDER = (
    Case(When(ended_on__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()),
    "household_reference",
    "pk",
)
LIST_COLUMNS = ("pk", "household_id", "household_reference", "kind", "phase", "ended_on", "last_contact_on",
                "open_arrears_case", "review_from", "review_days")  # fmt: skip


def open_arrears() -> Exists:
    return Exists(ArrearsCase.objects.filter(episode=OuterRef("pk"), closed_on__isnull=True))


def open_arrears_case() -> Subquery:
    """The episode's open arrears case (its id, or NULL), for a page's rows.

    A scalar subquery, probed by index once per row: as an EXISTS column, PostgreSQL planned
    `open_arrears` as a hashed subplan reading every open case of the database (5 443 at scale 1,
    ten times more at scale 10) to answer for 50 rows, a cost growing with the database, not the page.
    """
    return Subquery(
        ArrearsCase.objects.filter(episode=OuterRef("pk"), closed_on__isnull=True).order_by().values("pk")[:1]
    )


LIST_PAGE_ROWS = 50  # the most rows `list_rows` reads at once (the list's page)


def _list_rows_queryset(ids) -> QuerySet:
    last_review = (
        Contact.objects.filter(episode=OuterRef("pk"), kind=ContactKind.REVIEW)
        .values("episode")
        .annotate(last=Max("happened_on"))
        .values("last")[:1]
    )
    last_contact = (
        Contact.objects.filter(episode=OuterRef("pk")).values("episode").annotate(last=Max("happened_on"))
    )
    return (
        SupportEpisode.objects.filter(pk__in=ids)
        .annotate(
            last_contact_on=Subquery(last_contact.values("last")[:1]),
            open_arrears_case=open_arrears_case(),
            review_from=Coalesce(Subquery(last_review), indicators.review_anchor()),
            review_days=indicators.review_days_expression(),
        )
        .order_by(*LIST_ORDER)
        .values(*LIST_COLUMNS)
    )


# Markers standing for a page's ids while its queries are compiled (no primary key is negative).
_MARKERS = tuple(-1 - n for n in range(LIST_PAGE_ROWS))
_LIST_ROWS = CompiledQuery(_list_rows_queryset, ids=_MARKERS)
_HEAD_NAMES = CompiledQuery(
    lambda ids: (
        Member.objects.filter(household_id__in=ids, is_head=True)
        .order_by()
        .values("household_id", "last_name")
    ),
    ids=_MARKERS,
)


def list_rows(ids) -> list[dict]:
    """What the list shows of the episodes of one page (``ids``: at most LIST_PAGE_ROWS, any order)
    but the names, as rows in LIST_ORDER, in one query: pseudonymous, so that they can be kept
    (households.listing); the names are read apart (`head_names`).

    Paginate, then annotate: the last contact, the open arrears and when the next review counts
    from are computed for the page's rows only (a project follows 1 600 households;
    computed for all of them before the slice, they cost ten times the page); the same expressions as
    `project_episodes` and `indicators.with_review_due`. The statement is compiled by the ORM once per
    process (`compiled.CompiledQuery`): building it, 5 subqueries, cost ten times running it (issue #9).
    """
    ids = list(ids)
    if not ids:
        return []
    if len(ids) > LIST_PAGE_ROWS:
        raise ValueError(f"list_rows: {LIST_PAGE_ROWS} lignes au plus ({len(ids)} demandées).")
    rows = _LIST_ROWS.rows(ids=ids)
    for row in rows:
        row["in_arrears"] = row.pop("open_arrears_case") is not None
    return rows


def head_names(household_ids) -> dict[int, str]:
    """The last name of each household's head (its referent member), for personal access only:
    a page's households at a time (one query compiled once per process)."""
    household_ids = list(household_ids)
    names = {}
    for start in range(0, len(household_ids), LIST_PAGE_ROWS):
        batch = household_ids[start : start + LIST_PAGE_ROWS]
        names.update((row["household_id"], row["last_name"]) for row in _HEAD_NAMES.rows(ids=batch))
    return names


def search_by_name(episodes: QuerySet[SupportEpisode], text: str) -> QuerySet[SupportEpisode]:
    """Only called for personal access (the view checks); matches any member's first or last name."""
    text = text.strip()
    if not text:
        return episodes
    names = Member.objects.filter(household=OuterRef("household")).filter(
        Q(last_name__icontains=text) | Q(first_name__icontains=text)
    )
    return episodes.filter(Q(Exists(names)) | Q(household_reference__icontains=text))


def private_notes_for(user, episode) -> QuerySet[PrivateNote]:
    return PrivateNote.objects.filter(episode=episode, author=user)


def reads_visible_to(user, dossier=None) -> QuerySet[ReadEntry]:
    """The read log: a support manager sees the reads made through their organisations' projects.

    Entries of the platform's one journal of reads (`audit.ReadEntry`) whose target is a support
    episode of those projects (or of `dossier` only), with the household's pseudonymous reference.
    """
    projects = managed_projects(user)
    if dossier is not None:
        projects = projects.filter(pk=dossier.pk)
    episodes = SupportEpisode.objects.filter(dossier__in=projects.values("pk")).annotate(
        as_text=Cast("pk", CharField())
    )
    reference = Household.objects.filter(pk=Cast(OuterRef("household_ref"), IntegerField())).values(
        "reference"
    )[:1]
    return (
        ReadEntry.objects.filter(target_type=EPISODE_TARGET, target_id__in=episodes.values("as_text"))
        .annotate(household_reference=Subquery(reference))
        .select_related("actor")
    )


def households_of(episodes: QuerySet[SupportEpisode]) -> QuerySet[Household]:
    return Household.objects.filter(pk__in=episodes.values("household_id"))
