"""Querysets the ORM compiles once per process, run again with new values where their markers stood.

Every page runs the same few queries on every request with other values (the person's memberships,
a project's carriers, the page's households). Building and compiling such a queryset costs the ORM
more than running it: 1.0 ms against 0.6 ms for the project's access (a join and a subquery), 0.35 ms
against 0.2 ms for the heads' names (issue #9). A `CompiledQuery` keeps, per database, the SQL text
and the constants of its expressions only (nothing of any person or household), and the positions
of its markers; each run puts its values there and converts the rows as the ORM does (dates and
references from SQLite's text).

A marker is a value no run can have (a negative key, a reference of zeros), given once as a scalar
or as a tuple standing for an IN list (a run fills the tuple's places it does not use with NULL,
which is in no IN list). Compiling checks that each marker appears where the SQL takes values:
a marker the ORM folded into the SQL text, or a constant equal to one, fails loudly. Values are
handed to the database as the ORM hands them (`_adapter`: SQLite takes dates and references as
text), and the rows come back through the ORM's own converters.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import QuerySet


@dataclass(frozen=True)
class _Compiled:
    """What is kept of a compiled query: nothing tied to a connection (each thread has its own)."""

    sql: str
    constants: tuple
    slots: dict[str, list[int]]  # marker name → the positions of its values among the parameters
    kinds: dict[str, type]  # marker name → the type its values must have
    names: tuple[str, ...]  # the values() names, in the order of the columns
    columns: tuple  # the selected expressions, whose converters turn the database's values into Python


# The types a marker may have: those whose adaptation to the database is known here.
MARKER_TYPES = (int, str, uuid.UUID, datetime.date, datetime.datetime)


def _adapter(connection, kind: type) -> Callable:
    """How the ORM hands a value of this type to this database (SQLite takes dates, times and
    references as text)."""
    if kind is uuid.UUID:
        return (
            (lambda value: value) if connection.features.has_native_uuid_field else (lambda value: value.hex)
        )
    if kind is datetime.datetime:
        return connection.ops.adapt_datetimefield_value
    if kind is datetime.date:
        return connection.ops.adapt_datefield_value
    return lambda value: value


def _converters(connection, columns) -> list[tuple[int, list, object]]:
    """The ORM's converters of each column (SQLCompiler.get_converters), for this connection."""
    found = []
    for position, expression in enumerate(columns):
        if expression is None:
            continue
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if converters:
            found.append((position, converters, expression))
    return found


class CompiledQuery:
    """``build(**markers)`` gives a ``values()`` queryset; `rows(**values)` runs it with the values."""

    def __init__(self, build: Callable[..., QuerySet], **markers):
        for name, marker in markers.items():
            values = marker if isinstance(marker, tuple) else (marker,)
            if (
                not values
                or len({type(value) for value in values}) > 1
                or type(values[0]) not in MARKER_TYPES
            ):
                raise TypeError(f"CompiledQuery : marqueur {name}={marker!r} (un type parmi {MARKER_TYPES}).")
        self._build = build
        self._markers = markers
        self._by_alias: dict[str, _Compiled] = {}
        self._model = None  # the queryset's model, for the database router

    def compiled(self, alias: str) -> _Compiled:
        found = self._by_alias.get(alias)
        if found is None:
            found = self._by_alias[alias] = self._compile(alias)
        return found

    def _compile(self, alias: str) -> _Compiled:
        queryset = self._build(**self._markers)
        query = queryset.query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        connection = connections[alias]
        slots, kinds = {}, {}
        for name, marker in self._markers.items():
            values = marker if isinstance(marker, tuple) else (marker,)
            kind = kinds[name] = type(values[0])
            adapt = _adapter(connection, kind)
            places = []
            for value in values:
                prepared = adapt(value)
                matches = [i for i, p in enumerate(params) if type(p) is type(prepared) and p == prepared]
                if len(matches) != 1:
                    raise ValueError(
                        f"CompiledQuery : le marqueur {name}={value!r} paraît {len(matches)} fois."
                    )
                places.append(matches[0])
            slots[name] = places
        # The columns' names as ValuesIterable reads them: in the SELECT's order (Django 5.2 orders the
        # fields and annotations of values() as they were named), else extra, fields, annotations.
        if query.selected:
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        columns = tuple(column for column, _, _ in compiler.select)
        return _Compiled(sql, tuple(params), slots, kinds, names, columns)

    def rows(self, *, using: str | None = None, **values) -> list[dict]:
        """The rows (dicts by ``values()`` name) for these values, one per marker: a scalar, or a
        sequence no longer than its marker's tuple."""
        if using is None:
            if self._model is None:
                self._model = self._build(**self._markers).model
            using = router.db_for_read(self._model)
        compiled = self.compiled(using)
        connection = connections[using]  # this thread's
        params = list(compiled.constants)
        for name, places in compiled.slots.items():
            given = values[name]
            if isinstance(self._markers[name], tuple):
                given = list(given)
                if len(given) > len(places):
                    raise ValueError(
                        f"CompiledQuery : {len(given)} valeurs pour {len(places)} places ({name})."
                    )
                given += [None] * (len(places) - len(given))
            else:
                given = [given] * len(places)
            kind = compiled.kinds[name]
            adapt = _adapter(connection, kind)
            for position, value in zip(places, given, strict=True):
                if value is not None and type(value) is not kind:
                    # A datetime where a date is compared, a text where a key is: SQLite would compare
                    # them as text and answer wrongly rather than fail.
                    raise TypeError(
                        f"CompiledQuery : {name} attend {kind.__name__}, pas {type(value).__name__}."
                    )
                params[position] = None if value is None else adapt(value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        converters = _converters(connection, compiled.columns)
        rows = []
        for fetched_row in fetched:
            row = list(fetched_row)
            for position, functions, expression in converters:
                value = row[position]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[position] = value
            rows.append(dict(zip(compiled.names, row, strict=True)))
        return rows
