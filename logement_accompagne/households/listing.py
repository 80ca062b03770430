"""The household list's pseudonymous part, kept per project version.

Which households a page of a project's list holds, in which order, and what the list shows of each but
the name (phase, next review, open arrears, last contact) are kept in the fragments cache under the
project's list version (`ListVersion`), read with the project by `selectors.project_access`. Every
save or delete of what those rows are computed from (a support episode, a contact, an arrears case, the
project's review rhythm) changes the version once the transaction that made it commits (receivers
below): the next page read after the write reads a new key, in every process, whatever the cache
backend. The version is changed after the commit, in a statement of its own, rather than inside the
writing transaction: there, its row would stay locked until the commit, making every write of a
project wait for the others (a bulk import of 500 households for the whole file).

Names are never kept: they are read for the page's households on each request (`selectors.head_names`),
and each read is journaled. A page computed while a write commits may be kept under the version
before it: the version the write then sets replaces that key. LIST_TTL bounds what a version number
reused after a database restore could show.

Writes that send no signal (``QuerySet.update``, ``bulk_create``: the reference dataset's generator)
do not change the version: household data is written by `households.services` and the admin only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

LIST_TTL = 60
CACHE = "fragments"


def bump(dossier_id: int) -> None:
    """A new version of the project's household list, now."""
    from .models import ListVersion

    if ListVersion.objects.filter(dossier_id=dossier_id).update(number=F("number") + 1):
        return
    try:
        with transaction.atomic():
            ListVersion.objects.create(dossier_id=dossier_id, number=1)
    except IntegrityError:  # created meanwhile by a concurrent write
        ListVersion.objects.filter(dossier_id=dossier_id).update(number=F("number") + 1)


class _Bump:
    """The callback that bumps one project's version when the transaction commits."""

    def __init__(self, dossier_id: int):
        self.dossier_id, self.done = dossier_id, False

    def __call__(self) -> None:
        self.done = True
        bump(self.dossier_id)


def bump_on_commit(dossier_id: int) -> None:
    """A new version of the project's list once the current transaction commits (at once outside
    one); once per project and transaction, however many of its records the transaction writes."""
    pending = getattr(transaction.get_connection(), "run_on_commit", [])  # (savepoints, callback, robust)
    for entry in pending:
        callback = entry[1]
        if isinstance(callback, _Bump) and callback.dossier_id == dossier_id and not callback.done:
            return
    transaction.on_commit(_Bump(dossier_id))


def cached_page(dossier_id: int, version: int | None, key: str, compute: Callable[[], dict]) -> dict:
    """``compute()`` (pseudonymous rows only) kept under the project, its list version and ``key``
    (the filters, the page asked, the day: what else the rows depend on)."""
    return caches[CACHE].get_or_set(f"households:list:{dossier_id}:{version or 0}:{key}", compute, LIST_TTL)


def _dossier_of_episode(episode_id: int) -> int | None:
    from .models import SupportEpisode

    return SupportEpisode.objects.filter(pk=episode_id).values_list("dossier_id", flat=True).first()


def _episode_changed(sender, instance, **kwargs) -> None:
    bump_on_commit(instance.dossier_id)


def _episode_fact_changed(sender, instance, **kwargs) -> None:
    """A contact or an arrears case: its episode's project, read from the episode when the services
    gave it (they always do), else asked to the database."""
    episode = instance._meta.get_field("episode").get_cached_value(instance, default=None)
    dossier_id = episode.dossier_id if episode is not None else _dossier_of_episode(instance.episode_id)
    if dossier_id is not None:
        bump_on_commit(dossier_id)


def _settings_changed(sender, instance, **kwargs) -> None:
    bump_on_commit(instance.dossier_id)


def watch_writes() -> None:
    """Connected once, by HouseholdsConfig.ready."""
    from .models import ArrearsCase, Contact, ProjectSettings, SupportEpisode

    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(
            _episode_changed, sender=SupportEpisode, dispatch_uid=f"households-list-episode-{name}"
        )
        for model in (Contact, ArrearsCase):
            signal.connect(
                _episode_fact_changed, sender=model, dispatch_uid=f"households-list-{model.__name__}-{name}"
            )
        signal.connect(
            _settings_changed, sender=ProjectSettings, dispatch_uid=f"households-list-settings-{name}"
        )
