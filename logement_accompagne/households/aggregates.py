"""A median that runs in the database on PostgreSQL and SQLite alike.

PostgreSQL has `percentile_cont(0.5) WITHIN GROUP (ORDER BY ...)`; SQLite has no
median, so one is registered on each new SQLite connection (a small aggregate
class, run by SQLite itself over the rows of the query).
"""

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField, Func, IntegerField
from django.dispatch import receiver


class Median(Aggregate):
    function = "MEDIAN"
    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra_context,
        )  # fmt: skip


class DaysBetween(Func):
    """Whole days from `start` to `end` (two date columns), NULL when either is NULL."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(", **extra_context,
        )  # fmt: skip

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return float(statistics.median(self.values)) if self.values else None


@receiver(connection_created)
def _register_sqlite_median(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)
