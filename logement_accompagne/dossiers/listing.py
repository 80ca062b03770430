"""Rows of the list pages (instructors' queue, carriers' dossiers, committee): plain values in three
queries whatever the page size, so a list costs what its 50 rows cost and never a model instance
per carrier or department (quality.md: list pages within 3x the floor, constant query count)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from decimal import Decimal

from django.core.cache import caches
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.signals import post_delete, post_save

from .enums import Status
from .models import CommitteeDecision, Dossier, DossierCarrier

ROW_FIELDS = (
    "pk",
    "reference",
    "name",
    "status",
    "call_id",
    "call__title",
    "requested_amount_eur",
    "households",
    "submitted_at",
    "updated_at",
)


class Row:
    """One dossier as a list shows it; ``str()`` gives the same title as ``Dossier.__str__``."""

    __slots__ = (*(f.replace("__", "_") for f in ROW_FIELDS), "carriers", "departments", "extra")

    def __init__(self, values: dict):
        for field in ROW_FIELDS:
            setattr(self, field.replace("__", "_"), values[field])
        self.carriers: list[str] = []
        self.departments: list[tuple[str, str]] = []
        self.extra: dict = {}

    def __str__(self) -> str:
        return self.name or f"Dossier {str(self.reference)[:8]}"

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def carriers_display(self) -> str:
        return ", ".join(self.carriers)

    @property
    def department_codes(self) -> str:
        return ", ".join(code for code, _ in self.departments)

    @property
    def departments_display(self) -> str:
        return ", ".join(f"{name} ({code})" for code, name in self.departments)


def rows(dossiers, *, fields: Iterable[str] = ()) -> list[Row]:
    """``dossiers`` (a queryset, possibly sliced) as rows with their carriers and departments."""
    extra = tuple(fields)
    values = list(dossiers.values(*ROW_FIELDS, *extra))
    result = []
    for item in values:
        row = Row(item)
        row.extra = {name: item[name] for name in extra}
        result.append(row)
    by_pk = {row.pk: row for row in result}
    if not by_pk:
        return result
    carriers = (
        DossierCarrier.objects.filter(dossier_id__in=by_pk)
        .order_by("dossier_id", "position", "id")
        .values_list("dossier_id", "organisation__name")
    )
    for dossier_id, name in carriers:
        by_pk[dossier_id].carriers.append(name)
    links = (
        Dossier.departments.through.objects.filter(dossier_id__in=by_pk)
        .order_by("dossier_id", "department_id")
        .values_list("dossier_id", "department_id", "department__name")
    )
    for dossier_id, code, name in links:
        by_pk[dossier_id].departments.append((code, name))
    return result


DECIDED = (Status.SELECTED, Status.NOT_SELECTED)


def recently_decided(dossiers, limit: int = 50) -> list[dict]:
    """The ``limit`` decided dossiers among ``dossiers`` changed last, newest first, each with the
    amount of its latest decision (``title``, ``reference``, ``status``, ``call_title``, ``amount``).

    One walk of the ``(status, -updated_at)`` index per decided state, ``limit`` rows each, merged
    here: sorting every decided dossier by ``updated_at`` grew with the volume (issue #9).
    """
    amount = (
        CommitteeDecision.objects.filter(dossier=OuterRef("pk"))
        .order_by("-version")
        .values("amount_granted_eur")[:1]
    )
    found = []
    for status in DECIDED:
        found += (
            dossiers.filter(status=status)
            .order_by("-updated_at")
            .values("pk", "updated_at", "reference", "name", "status", "call__title")
            .annotate(amount=Subquery(amount))[:limit]
        )
    found.sort(key=lambda row: (row["updated_at"], row["pk"]), reverse=True)
    for row in found:
        row["title"] = row["name"] or f"Dossier {str(row['reference'])[:8]}"
        row["call_title"] = row.pop("call__title")
    return found[:limit]


# Figures over every filed dossier (counts per state, amounts granted) are cached under the filed
# dossiers' version: the latest ``updated_at`` among them (read from ``dossier_filed_updated_idx``).
# Every change that can alter such a figure touches a filed dossier's ``updated_at`` in the
# transaction that makes it: a change of state (``services._move``: submissions, decisions, reopened
# decisions, imports), an edit of a returned dossier (its departments included), what lists show
# but the dossier's row does not hold (an opinion, a carrier joining: ``services._touch``). Read *before* the
# figure it keys, so a figure is never older than its key. Two writes committing in the reverse order
# of their timestamps could leave the later-read figure under an unchanged key: VERSIONED_TTL bounds
# that staleness.
#
# Lists also show names kept elsewhere (an organisation's, a call's title, an opinion's author): a change of one of them
# writes a new names mark (``names_changed``, from the receivers below), which every key contains. The
# mark lives in the fragments cache, so it reaches the processes sharing it; the others see the new
# name within VERSIONED_TTL.
VERSIONED_TTL = 60
NAMES_MARK = "lists:names-mark"


def filed_version() -> str:
    return version_text(_latest_filed().first())


def filed_version_subquery() -> Subquery:
    """The filed dossiers' version as a subquery, for a page that reads another row anyway (a
    committee session): one round trip fewer; ``version_text`` turns the value into the version."""
    return Subquery(_latest_filed()[:1])


def version_text(latest) -> str:
    return latest.isoformat() if latest else "none"


def _latest_filed():
    return (
        Dossier.objects.filter(submitted_at__isnull=False)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
    )


def cached_figure(key: str, compute, *, version: str | None = None):
    """``compute()`` cached under ``key`` and the filed dossiers' version (``version``, when the
    caller already read it for another figure of the same page)."""
    cache = caches["fragments"]
    return cache.get_or_set(
        f"{key}:{version or filed_version()}:{cache.get(NAMES_MARK, 0)}", compute, VERSIONED_TTL
    )


def counts_per_state(dossiers, *, key: str, version: str | None = None) -> dict[str, int]:
    """Filed dossiers per state among ``dossiers`` (one aggregate, cached: ``key`` must say who is
    asking and under which filters): it reads every dossier of the territory, which made a large
    department's queue grow with the volume (issue #9)."""

    def compute():
        return {
            row["status"]: row["n"] for row in dossiers.order_by().values("status").annotate(n=Count("pk"))
        }

    return cached_figure(f"counts-per-state:{key}", compute, version=version)


def granted_by_call(*, version: str | None = None) -> dict[int, Decimal]:
    """Amount granted per call: the latest decision of each selected dossier (the rule of
    ``services.granted_total``, for every call at once), an aggregate over every decision, cached
    (``cached_figure``) so the committee's page does not grow with the decisions taken (issue #9)."""
    return cached_figure("granted-by-call", _granted_by_call, version=version)


def _granted_by_call() -> dict[int, Decimal]:
    # Driven by the selected dossiers, each reading its latest decision from the (dossier, version)
    # key: half the time of walking every decision and checking it is its dossier's latest one.
    latest = (
        CommitteeDecision.objects.filter(dossier=OuterRef("pk"))
        .order_by("-version")
        .values("amount_granted_eur")[:1]
    )
    totals = (
        Dossier.objects.filter(status=Status.SELECTED)
        .annotate(amount=Subquery(latest))
        .order_by()
        .values("call")
        .annotate(total=Sum("amount"))
    )
    return {row["call"]: row["total"] or Decimal("0") for row in totals}


def names_changed(**kwargs) -> None:
    """A name shown in lists changed (organisation, call, department, region, a person's name): every
    cached list is rebuilt."""
    caches["fragments"].set(NAMES_MARK, time.time_ns(), None)


# What a person's saves may change that lists show: the author's name on the committee's opinion
# cards. Every sign-in saves ``last_login`` alone, which must not rebuild every list.
PERSON_NAME_FIELDS = frozenset({"first_name", "last_name", "email"})


def person_changed(*, update_fields=None, **kwargs) -> None:
    if update_fields is None or PERSON_NAME_FIELDS & set(update_fields):
        names_changed()


def watch_names() -> None:
    """Connected once the apps are ready (``DossiersConfig.ready``)."""
    for model in ("organisations.Organisation", "calls.Call", "territories.Department", "territories.Region"):
        post_save.connect(names_changed, sender=model, dispatch_uid=f"lists-names:{model}")
        post_delete.connect(names_changed, sender=model, dispatch_uid=f"lists-names-gone:{model}")
    post_save.connect(person_changed, sender="organisations.User", dispatch_uid="lists-names:person")
