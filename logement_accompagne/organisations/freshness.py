"""When what the page header shows about a person changes: their roles (menu) or their notifications.

The header of every page (menu by role, new-notification badge) is cached per session for a
short time by the web layer (``www.header``). This module only says "what the header shows of
these people changed": it writes a new mark for each person in the default cache, and the web
layer's key contains the mark, so the next page is built afresh.

Reach of a mark: the processes sharing the default cache. With Redis (REDIS_URL) that is every
worker; with the per-process memory cache, only the process that made the change: the others
see it when their entry expires (``www.header.HEADER_TTL_SECONDS``). Access itself never depends
on this cache: every view still checks the person's memberships from the database.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

MARK_TTL_SECONDS = 24 * 3600  # longer than any header entry: a lost mark only means a fresh header


def mark_key(user_id) -> str:
    return f"people:mark:{user_id}"


def header_changed(user_ids) -> None:
    """What the header shows of these people changed. Marked now and again after commit: a page
    built meanwhile from the data not yet committed is not kept past the commit (and a rollback
    only costs one header rebuilt for nothing)."""
    user_ids = [user_id for user_id in user_ids if user_id is not None]
    if not user_ids:
        return

    def mark():
        cache.set_many({mark_key(user_id): time.time_ns() for user_id in user_ids}, MARK_TTL_SECONDS)

    mark()
    transaction.on_commit(mark)


def mark_of(user_id) -> int:
    return cache.get(mark_key(user_id), 0)


@receiver([post_save, post_delete], sender="organisations.Membership")
def _membership_changed(sender, instance, **kwargs):
    header_changed([instance.user_id])


@receiver([post_save, post_delete], sender="organisations.User")
def _person_changed(sender, instance, **kwargs):
    # is_staff (the « Administration » entry), is_active, the name shown in the header.
    header_changed([instance.pk])
