"""The paginator that spares its COUNT when the first page holds every row (www.pagination)."""

import pytest
from django.urls import reverse

from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.www.pagination import page_counted_with_rows, page_of
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rows", "asked", "number", "shown", "pages"),
    [
        (0, None, 1, 0, 1),
        (3, None, 1, 3, 1),
        (5, "1", 1, 5, 1),
        (5, "", 1, 5, 1),
        (5, 2, 1, 5, 1),  # past the end: the last page, as get_page
        (5, "x", 1, 5, 1),  # not a number: the first page, as get_page
        (6, None, 1, 5, 2),
        (6, "2", 2, 1, 2),
        (6, "last", 1, 5, 2),  # not a number either
        (10, None, 1, 5, 2),
        (11, "9", 3, 1, 3),
    ],
)
def test_pages_are_those_of_django(rows, asked, number, shown, pages):
    page = page_of(list(range(rows)), 5, asked)
    assert (page.number, len(page.object_list), page.paginator.num_pages) == (number, shown, pages)
    assert page.paginator.count == rows


def test_a_short_list_is_read_in_one_query(cast, django_assert_num_queries):
    for _ in range(3):
        factories.DossierFactory(carrier=cast.landlord)
    every, total = Dossier.objects.order_by("pk").values("pk"), Dossier.objects.count()
    with django_assert_num_queries(1):
        page = page_of(every, 50, None)
        assert page.paginator.count == len(page.object_list) == total
    with django_assert_num_queries(2):  # the first page is full: its rows, then Django's COUNT
        page = page_of(every, 2, None)
        assert page.paginator.count == total and len(page.object_list) == 2


def test_carrier_list_pages_past_fifty(login, cast):
    for n in range(55):
        factories.DossierFactory(carrier=cast.landlord, name=f"Projet {n:02d}")
    client = login(cast.carrier)
    first = client.get(reverse("dossiers:list"))
    assert len(first.context["page_obj"].object_list) == 50 and "fr-pagination" in first.content.decode()
    second = client.get(reverse("dossiers:list"), {"page": 2})
    total = Dossier.objects.filter(carrier_links__organisation=cast.landlord).count()
    assert len(second.context["page_obj"].object_list) == total - 50


@pytest.mark.parametrize(
    ("rows", "asked", "number", "shown", "pages", "queries"),
    [
        (0, None, 1, 0, 1, 2),  # nothing: no row carries the count
        (3, None, 1, 3, 1, 1),
        (6, None, 1, 5, 2, 1),
        (6, "2", 2, 1, 2, 1),
        (11, "3", 3, 1, 3, 1),
        (11, "4", 3, 1, 3, 3),  # past the end: counted, then the last page, as get_page
        (11, "x", 1, 5, 3, 2),  # not a number: the first page, as get_page
        (11, "-1", 3, 1, 3, 2),  # Django reads it as past the end
        (11, "0", 3, 1, 3, 2),
        (11, "99999999999999999999", 3, 1, 3, 2),  # no offset beyond 64 bits sent to the database
    ],
)
def test_a_page_counted_with_its_rows_is_the_page_of_django(
    cast, django_assert_num_queries, rows, asked, number, shown, pages, queries
):
    for n in range(rows):
        factories.DossierFactory(carrier=cast.landlord, name=f"Projet {n:02d}")
    listed = (
        Dossier.objects.filter(carrier_links__organisation=cast.landlord, name__startswith="Projet ")
        .order_by("name")
        .values("pk", "name")
    )
    expected = page_of(listed, 5, asked)
    with django_assert_num_queries(queries):
        page = page_counted_with_rows(listed, 5, asked)
        assert (page.number, len(page.object_list), page.paginator.num_pages) == (number, shown, pages)
        assert page.paginator.count == rows
    assert list(page.object_list) == list(expected.object_list)  # the same rows, without the count column
