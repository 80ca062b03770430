"""Django's paginator without its COUNT when the first page holds every row.

Most people's lists are shorter than a page (a carrier has a few dossiers, a small project a few
households): the page's rows are read with one row more than a page, and when that extra row is
absent their number is the count. Longer lists, and every page past the first, count as Django does.
"""

from django.core.paginator import Page, Paginator
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
