"""make bench's SQL floor: an operation's own statements, replayed raw (transaction control left out)."""

import pytest
from django.db import transaction

from logement_accompagne.operations.management.commands.run_bench import count_queries, sql_floor
from logement_accompagne.organisations.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_floor_replays_the_same_queries_without_the_orm():
    factories.UserFactory.create_batch(3)
    seen = []

    def operation(client):
        with transaction.atomic():  # savepoints are not replayed
            seen.append([u.email for u in User.objects.order_by("pk")])
            return User.objects.filter(is_active=True).count()

    floor = sql_floor(operation)
    floor(None)  # captures (runs the operation once), then replays
    assert len(seen) == 1
    replayed = count_queries(floor, None)
    assert replayed == 2 and len(seen) == 1  # the same two statements, the Python side not run again
