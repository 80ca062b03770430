"""Django's paginator without its COUNT when the first page holds every row.

Most people's lists are shorter than a page (a carrier has a few dossiers, a small project a few
households): the page's rows are read with one row more than a page, and when that extra row is
absent their number is the count. Longer lists, and every page past the first, count as Django does.
"""

import re

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property


class FirstPageCountingPaginator(Paginator):
    def __init__(self, object_list, per_page, *, asked=None):
        super().__init__(object_list, per_page)
        self._head = None
        if asked in (None, "", "1", 1):
            # One query: the first page and one row more, if there is one.
            self._head = list(object_list[: per_page + 1])

    @cached_property
    def count(self) -> int:
        if self._head is not None and len(self._head) <= self.per_page:
            return len(self._head)
        return super().count

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if number == 1 and self._head is not None:
            return self._get_page(self._head[: self.per_page], number, self)
        return super().page(number)


def page_of(object_list, per_page: int, asked) -> Page:
    """The page ``asked`` (the ``page`` query parameter, any text) of ``object_list``, as ``get_page``."""
    return FirstPageCountingPaginator(object_list, per_page, asked=asked).get_page(asked)


PLAIN_PAGE = re.compile(r"[1-9][0-9]{0,8}")  # a page number as a link writes it (no 64-bit offset)
COUNTED = "list_length_"  # the window column: every row carries the length of the whole list


def page_counted_with_rows(values, per_page: int, asked) -> Page:
    """The page ``asked`` of ``values`` (a values() queryset) and the list's length in one query,
    ``COUNT(*) OVER ()`` beside the page's rows. For a list whose page query reads and sorts every
    row anyway (a carrier's dossiers by last change: no index gives that order), so the count costs
    nothing more than the round trip and the ORM's work of a second query (« mes dossiers » past 50
    dossiers, issue #9). A page past the end (no row to carry the count) counts apart, as Django does.
    """
    paginator = Paginator(values, per_page)
    if asked in (None, ""):
        asked = "1"
    if not PLAIN_PAGE.fullmatch(str(asked)):
        return paginator.get_page(asked)  # as Django reads any other text: page 1 or the last one
    number = int(asked)
    start = (number - 1) * per_page
    rows = list(values.annotate(**{COUNTED: Window(Count("*"))})[start : start + per_page])
    if rows:
        paginator.count = rows[0][COUNTED]  # the paginator's cached_property, given its value
        for row in rows:
            del row[COUNTED]
        return Page(rows, number, paginator)
    return paginator.get_page(asked)  # no such page: page 1 or the last one, counted apart
