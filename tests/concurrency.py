"""Two (or more) people at once, on real PostgreSQL connections: the tools the concurrency tests share."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections


def run_together(*calls, timeout: float = 60):
    """Start every call on its own thread (hence its own database connection) at the same instant;
    returns ("ok", result) or ("error", exception) for each, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as error:  # the outcome is what the test looks at
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def require_postgresql(what: str) -> None:
    """Skip with a printed reason on SQLite; on PostgreSQL reload the reference territories, since a
    transactional test starts from an empty database."""
    if connection.vendor != "postgresql":
        reason = f"{what} testé(e)s sur PostgreSQL seulement (DATABASE_URL=postgres://...)"
        print(reason)
        pytest.skip(reason)
    call_command("load_territories", verbosity=0)
