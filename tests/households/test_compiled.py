"""Querysets compiled once per process (logement_accompagne.compiled): the same rows as the ORM, nothing kept."""

import datetime
import uuid

import pytest
from django.db.models import F

from logement_accompagne.compiled import CompiledQuery
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.households import selectors
from tests.households.conftest import register


def test_rows_are_those_of_the_orm_with_new_values_each_run(project):
    first = register(project, referred_on=datetime.date(2024, 5, 2))
    second = register(project, referred_on=datetime.date(2025, 1, 3))
    by_ids = CompiledQuery(
        lambda ids, after: (
            first.__class__.objects.filter(pk__in=ids, referred_on__gte=after)
            .order_by("pk")
            .values("pk", "referred_on", dossier_reference=F("dossier__reference"))
        ),
        ids=(-1, -2, -3),
        after=datetime.date(1900, 1, 1),
    )
    orm = first.__class__.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")
    expected = list(orm.values("pk", "referred_on", dossier_reference=F("dossier__reference")))
    assert by_ids.rows(ids=[first.pk, second.pk], after=datetime.date(2000, 1, 1)) == expected
    # Converted as the ORM converts (SQLite gives dates and references as text).
    row = by_ids.rows(ids=[second.pk], after=datetime.date(2025, 1, 1))
    assert row == [expected[1]] and isinstance(row[0]["dossier_reference"], uuid.UUID)
    assert isinstance(row[0]["referred_on"], datetime.date)
    assert by_ids.rows(ids=[first.pk], after=datetime.date(2025, 1, 1)) == []
    assert by_ids.rows(ids=[], after=datetime.date(2000, 1, 1)) == []
    with pytest.raises(ValueError, match="4 valeurs pour 3 places"):
        by_ids.rows(ids=[1, 2, 3, 4], after=datetime.date(2000, 1, 1))
    # Nothing of a run is kept: its places still hold the markers.
    compiled = by_ids.compiled("default")
    assert [compiled.constants[position] for position in compiled.slots["ids"]] == [-1, -2, -3]


def test_a_marker_the_query_does_not_take_as_a_value_is_refused(project):
    # The marker equal to a constant of the query: its place is ambiguous.
    ambiguous = CompiledQuery(
        lambda status: Dossier.objects.filter(status=status, name="selected").values("pk"), status="selected"
    )
    with pytest.raises(ValueError, match="paraît 2 fois"):
        ambiguous.rows(status="draft")
    # A marker the query does not take as a value at all.
    missing = CompiledQuery(
        lambda reference: Dossier.objects.filter(pk=1).values("pk"), reference=uuid.UUID(int=0)
    )
    with pytest.raises(ValueError, match="paraît 0 fois"):
        missing.rows(reference=uuid.uuid4())


def test_project_access_refuses_a_malformed_reference_as_an_unknown_project(project):
    with pytest.raises(Dossier.DoesNotExist):
        selectors.project_access(project.worker, "pas-une-référence")
    with pytest.raises(Dossier.DoesNotExist):
        selectors.project_access(project.worker, uuid.uuid4())


def test_columns_keep_their_names_whatever_the_order_they_are_named_in(project):
    """An annotation named before a field, fields out of the model's order: each value under its name
    (Django 5.2 selects them in the order values() names them)."""
    episode = register(project, referred_on=datetime.date(2024, 5, 2))
    Episode = episode.__class__
    query = CompiledQuery(
        lambda ids: (
            Episode.objects.filter(pk__in=ids)
            .annotate(referred=F("referred_on"), reference=F("household_reference"))
            .values("reference", "pk", "referred", "kind")
        ),
        ids=(-1,),
    )
    orm = (
        Episode.objects.filter(pk=episode.pk)
        .annotate(referred=F("referred_on"), reference=F("household_reference"))
        .values("reference", "pk", "referred", "kind")
    )
    assert query.rows(ids=[episode.pk]) == list(orm)
    assert query.rows(ids=[episode.pk])[0]["referred"] == datetime.date(2024, 5, 2)


def test_markers_and_values_of_the_wrong_type_are_refused(project):
    by_day = CompiledQuery(
        lambda day: Dossier.objects.filter(submitted_at__date__gte=day).values("pk"),
        day=datetime.date(1900, 1, 1),
    )
    with pytest.raises(TypeError, match="attend date, pas datetime"):
        by_day.rows(day=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(TypeError, match="attend date, pas str"):
        by_day.rows(day="2025-01-01")
    with pytest.raises(TypeError, match="marqueur ids"):
        CompiledQuery(lambda ids: Dossier.objects.filter(pk__in=ids).values("pk"), ids=())
    with pytest.raises(TypeError, match="marqueur amount"):
        CompiledQuery(lambda amount: Dossier.objects.filter(pk=amount).values("pk"), amount=1.5)
