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

import datetime
import functools
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
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


def _carried_flag(organisation_ids, dossier="pk"):
    """`_carried_by` as a column (False, with no subquery, for a person of no such organisation)."""
    if not organisation_ids:
        return Value(False, output_field=BooleanField())
    return _carried_by(organisation_ids, dossier)


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
    """(dossier, personal access?) or Dossier.DoesNotExist."""
    dossier = visible_projects(user).select_related("call").get(reference=reference)
    return dossier, is_personal(user, dossier)


def project_access(user, reference) -> tuple[Dossier, bool, bool]:
    """(dossier, personal access?, support manager of it?), or Dossier.DoesNotExist.

    The rule of `visible_projects` decided for one dossier from two small queries (the project and its
    carriers; the departments too when access is not personal): a selected project the person's
    support organisation carries, or one `dossiers_visible_to` gives them, judged by its Python form
    `permissions.relation_to`, as the dossier page does. Building `visible_projects`'s union of
    subqueries and two EXISTS columns cost the household list 4 to 5 ms, more than its rows (issue #9).
    Only what the list shows of the dossier is read (a dossier row has a hundred columns).
    """
    dossier = Dossier.objects.only("pk", "reference", "name", "status", "submitted_at").get(
        reference=reference, status=Status.SELECTED
    )
    carriers = set(
        DossierCarrier.objects.filter(dossier_id=dossier.pk).values_list("organisation_id", flat=True)
    )
    dossier._carrier_ids = carriers  # read by relation_to, not read again
    scope = support_scope(user)
    personal = bool(carriers & scope.organisation_ids)
    if not personal:
        relation = relation_to(scope_of(user), dossier)
        if not (relation.carrier or relation.reviewer or relation.administrator):
            raise Dossier.DoesNotExist("Projet invisible pour cette personne.")
    return dossier, personal, bool(carriers & scope.manager_organisation_ids)


def episodes_visible_to(user) -> QuerySet[SupportEpisode]:
    return SupportEpisode.objects.filter(dossier__in=visible_projects(user).values("pk"))


def episodes_personal_to(user) -> QuerySet[SupportEpisode]:
    return SupportEpisode.objects.filter(dossier__in=support_projects(user).values("pk"))


# The dossier's columns a page about a household does not show (it shows the project's name and links
# to it): left unread by the timeline, whose episode query would otherwise carry a hundred columns.
DOSSIER_UNSHOWN = tuple(
    f"dossier__{field.name}"
    for field in Dossier._meta.concrete_fields
    if field.name not in ("id", "reference", "name", "status")
)


def episode_for(user, household_reference, *, related=(), defer=()) -> tuple[SupportEpisode, bool]:
    """The household's latest episode in a project the person may see, and whether access is personal
    (read with it, one query). `related`: more relations to read along (``select_related``); `defer`:
    columns left unread (e.g. DOSSIER_UNSHOWN)."""
    scope = support_scope(user)
    episode = (
        episodes_visible_to(user)
        .filter(household__reference=household_reference)
        .select_related("household", "household__department", "dossier", *related)
        .defer(*defer)
        .annotate(personal=_carried_flag(scope.organisation_ids, "dossier_id"))
        .order_by("-referred_on", "-pk")
    )
    episodes = list(episode)
    if not episodes:
        raise SupportEpisode.DoesNotExist
    chosen = next((e for e in episodes if e.ended_on is None), episodes[0])
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
                "in_arrears", "head_name", "review_from", "review_days")  # fmt: skip


def open_arrears() -> Exists:
    return Exists(ArrearsCase.objects.filter(episode=OuterRef("pk"), closed_on__isnull=True))


LIST_PAGE_ROWS = 50  # the most rows `list_rows` reads at once (the list's page)


def _list_rows_queryset(ids, *, personal: bool) -> QuerySet:
    last_review = (
        Contact.objects.filter(episode=OuterRef("pk"), kind=ContactKind.REVIEW)
        .values("episode")
        .annotate(last=Max("happened_on"))
        .values("last")[:1]
    )
    last_contact = (
        Contact.objects.filter(episode=OuterRef("pk")).values("episode").annotate(last=Max("happened_on"))
    )
    head = Member.objects.filter(household=OuterRef("household"), is_head=True).values("last_name")[:1]
    return (
        SupportEpisode.objects.filter(pk__in=ids)
        .annotate(
            last_contact_on=Subquery(last_contact.values("last")[:1]),
            in_arrears=open_arrears(),
            head_name=Subquery(head) if personal else Value(""),
            review_from=Coalesce(Subquery(last_review), indicators.review_anchor()),
            review_days=indicators.review_days_expression(),
        )
        .order_by(*LIST_ORDER)
        .values(*LIST_COLUMNS)
    )


# Markers standing for the page's ids while the statement is compiled (no primary key is negative).
_MARKERS = tuple(-1 - n for n in range(LIST_PAGE_ROWS))


@functools.lru_cache(maxsize=8)
def _list_rows_statement(personal: bool, alias: str) -> tuple[str, tuple, tuple[int, ...]]:
    """The rows' query compiled once per process, database and kind of access: SQL text and the
    constants of its expressions, nothing of any household; the page's ids go where the markers are."""
    sql, params = _list_rows_queryset(_MARKERS, personal=personal).query.get_compiler(using=alias).as_sql()
    return sql, tuple(params), tuple(params.index(marker) for marker in _MARKERS)


_DATES = ("ended_on", "last_contact_on", "review_from")


def list_rows(ids, *, personal: bool) -> list[dict]:
    """What the list shows of the episodes of one page (``ids``: at most LIST_PAGE_ROWS, any order),
    as rows in LIST_ORDER, in one query.

    Paginate, then annotate: the last contact, the open arrears, the head's name and when the next
    review counts from are computed for the page's rows only (a project follows 1 600 households;
    computed for all of them before the slice, they cost ten times the page); the same expressions as
    `project_episodes` and `indicators.with_review_due`. The statement is built by the ORM once per
    process (`_list_rows_statement`): building it, 5 subqueries, cost ten times running it (issue #9).
    """
    ids = list(ids)
    if not ids:
        return []
    if len(ids) > LIST_PAGE_ROWS:
        raise ValueError(f"list_rows: {LIST_PAGE_ROWS} lignes au plus ({len(ids)} demandées).")
    alias = router.db_for_read(SupportEpisode)
    sql, constants, where = _list_rows_statement(personal, alias)
    params = list(constants)
    for n, position in enumerate(where):
        params[position] = ids[n] if n < len(ids) else None  # NULL: in no IN list
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:  # what the ORM's converters would do (SQLite gives dates as text, booleans as 0/1)
        for name in _DATES:
            if isinstance(row[name], str):
                row[name] = datetime.date.fromisoformat(row[name])
        row["in_arrears"] = bool(row["in_arrears"])
    return rows


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
