"""Reporting reads on a PostgreSQL read replica (REPLICA_DATABASE_URL), writes always on the primary.

Only reads made inside ``reading_from_replica()`` go to the replica: a reporting query or an export
opts in explicitly, so a page that has just written never reads a replica lagging behind it.
Without a "replica" database alias, everything stays on "default".
"""

from __future__ import annotations

import contextlib
import threading

from django.conf import settings

REPLICA = "replica"
_state = threading.local()


@contextlib.contextmanager
def reading_from_replica():
    depth = getattr(_state, "depth", 0)
    _state.depth = depth + 1
    try:
        yield REPLICA if REPLICA in settings.DATABASES else "default"
    finally:
        _state.depth = depth


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if getattr(_state, "depth", 0) and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
