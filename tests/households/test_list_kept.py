"""The household list's pseudonymous rows kept per project version (households.listing, issue #9): every
write the list shows is on the next page read, names are never kept and always read afresh, and every
page with names is journaled, kept rows or not. Run with a real cache (the tests' is a dummy one)."""

import datetime
import pickle

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from logement_accompagne.audit.models import ReadEntry
from logement_accompagne.households import listing, services
from logement_accompagne.households.enums import Phase
from logement_accompagne.households.models import ListVersion, Member, SupportEpisode

from .conftest import register

KEPT = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept-default"},
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept-lists"},
    "shared": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a write as if its transaction committed: the version changes on commit (on_commit), and a
    test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def kept_cache():
    with override_settings(CACHES=KEPT):
        caches["fragments"].clear()
        yield caches["fragments"]
        caches["fragments"].clear()


def _row(client, project, reference, **query) -> str:
    """The list's row of the household ``reference`` (its HTML), on the page the query gives."""
    response = client.get(reverse("households:list", args=[project.dossier.reference]), query)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index(f">{reference}</a>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def _kept_values(cache) -> list[bytes]:
    return list(cache._cache.values())  # locmem keeps pickled values


def _kept_list_keys(cache) -> list[str]:
    """The keys of the list's rows and of its filter form (the base layout keeps fragments too)."""
    return [key for key in cache._cache if "households:list" in key or "www_households_filters" in key]


def test_each_write_the_list_shows_is_on_the_next_page(client, project, kept_cache, committed):
    today = timezone.localdate()
    with committed():
        first = register(project, last_name="Premier", referred_on=today - datetime.timedelta(days=100))
    reference = first.household.reference
    client.force_login(project.worker)
    row = _row(client, project, reference)
    assert "PREMIER" in row and "Diagnostic" in row and "<td>non</td>" in row
    assert _row(client, project, reference) == row  # read again: the same, from the kept rows
    assert any(f"households:list:{project.dossier.pk}:" in key for key in kept_cache._cache)

    with committed():
        services.record_contact(user=project.worker, episode=first, kind="review", channel="phone",
                                result="reached", happened_on=today - datetime.timedelta(days=3))  # fmt: skip
    row = _row(client, project, reference)
    assert f"{today - datetime.timedelta(days=3):%d/%m/%Y}" in row  # last contact

    first.refresh_from_db()
    with committed():
        services.change_phase(user=project.worker, episode=first, to_phase=Phase.PLAN, on=today)
    assert "Plan d&#x27;accompagnement" in _row(client, project, reference)

    with committed():
        case = services.open_arrears(user=project.worker, episode=first, detected_on=today, balance_eur="250",
                                     first_unpaid_rent_on=today - datetime.timedelta(days=30))  # fmt: skip
    assert "impayé" in _row(client, project, reference)
    with committed():
        services.close_arrears(user=project.worker, case=case, on=today)
    assert "<td>non</td>" in _row(client, project, reference)

    before = _row(client, project, reference)
    with committed():
        services.set_review_rhythm(user=project.manager, dossier=project.dossier, months=6)
    after = _row(client, project, reference)
    assert after != before  # the next review moved with the rhythm
    assert f"{today - datetime.timedelta(days=3) + datetime.timedelta(days=6 * 61 // 2):%d/%m/%Y}" in after

    with committed():
        second = register(project, last_name="Second")
    assert "SECOND" in _row(client, project, second.household.reference)
    page = client.get(reverse("households:list", args=[project.dossier.reference])).content.decode()
    assert "Ménages du projet (2)" in page

    first.refresh_from_db()
    with committed():
        services.end_support(user=project.worker, episode=first, ended_on=today, end_reason="refused",
                             destination="shelter")  # fmt: skip
    assert f"Terminé le {today:%d/%m/%Y}" in _row(client, project, reference)
    assert ListVersion.objects.get(dossier=project.dossier).number == 8  # one per write above


def test_a_write_not_yet_committed_leaves_the_kept_rows(
    client, project, kept_cache, django_capture_on_commit_callbacks
):
    """Until the write's transaction commits, the version stays: the kept rows are what others see."""
    with django_capture_on_commit_callbacks(execute=True):
        episode = register(project, last_name="Attente")
    client.force_login(project.worker)
    assert "Diagnostic" in _row(client, project, episode.household.reference)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.change_phase(
            user=project.worker, episode=episode, to_phase=Phase.PLAN, on=timezone.localdate()
        )
        assert "Diagnostic" in _row(client, project, episode.household.reference)
    assert len(pending) == 1  # the one version change, waiting for the commit
    pending[0]()
    assert "Plan d&#x27;accompagnement" in _row(client, project, episode.household.reference)


def test_odd_page_numbers_and_invalid_filters_are_not_kept(client, project, kept_cache, committed):
    """``?page=-1`` is the last page for Django's paginator, ``?phase=abc`` an unfiltered list with an
    error: neither is kept under a key another page would read; a search is never kept."""
    with committed():
        episode = register(project, last_name="Cherche")
    client.force_login(project.worker)
    for query in ({"page": "-1"}, {"page": "2.0"}, {"phase": "abc"}, {"q": "Cherche"}, {"q": "x" * 300}):
        kept_cache.clear()
        _row(client, project, episode.household.reference, **query)
        assert not [key for key in kept_cache._cache if "households:list" in key], query
        if "page" not in query:  # an invalid or typed filter: its form (bound, typed text) not kept either
            assert not _kept_list_keys(kept_cache), query
    kept_cache.clear()
    _row(client, project, episode.household.reference, page="1")
    assert len(_kept_list_keys(kept_cache)) == 2  # the rows of page 1 and the filter form (nothing typed)
    assert all(b"Cherche" not in value for value in _kept_values(kept_cache))


def test_names_are_never_kept_and_read_afresh(client, project, kept_cache, committed):
    with committed():
        episode = register(project, last_name="Confidentiel")
    reference = episode.household.reference
    client.force_login(project.worker)
    assert "CONFIDENTIEL" in _row(client, project, reference)
    kept = _kept_values(kept_cache)
    assert kept and all(b"Confidentiel" not in value for value in kept)
    assert any(reference.encode() in value for value in kept)  # the pseudonymous rows are there
    # A name changed without any write the list's version follows: shown at once, being read each time.
    Member.objects.filter(household=episode.household).update(last_name="Renommé")
    assert "RENOMMÉ" in _row(client, project, reference)


def test_kept_rows_are_journaled_and_shared_with_pseudonymous_readers(client, project, kept_cache, committed):
    with committed():
        episode = register(project, last_name="Journal")
    reference = episode.household.reference
    client.force_login(project.worker)
    before = ReadEntry.objects.count()
    for _ in range(3):
        _row(client, project, reference)
    assert ReadEntry.objects.count() == before + 3  # one entry per page shown, kept rows or not
    # The State service of the department reads the same kept rows, without any name nor journal entry.
    client.force_login(project.dept)
    row = _row(client, project, reference)
    assert "JOURNAL" not in row and "Diagnostic" in row
    assert ReadEntry.objects.count() == before + 3
    entries = [pickle.loads(value) for value in _kept_values(kept_cache) if reference.encode() in value]
    assert len(entries) == 1


def _version(project) -> int:
    found = ListVersion.objects.filter(dossier=project.dossier).first()
    return found.number if found else 0


def test_the_version_changes_once_per_transaction_when_it_commits(project, committed):
    before = _version(project)
    with committed():
        episodes = [register(project, last_name=f"Nom{n}") for n in range(3)]
        assert _version(project) == before  # not inside the transaction: no row held locked
    assert _version(project) == before + 1  # once for three households and all their records
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        services.change_phase(user=project.worker, episode=episodes[0], to_phase=Phase.PLAN,
                              on=timezone.localdate())  # fmt: skip
        raise RuntimeError("annulé")
    assert _version(project) == before + 1  # rolled back: nothing changed, no new version
    listing.bump(project.dossier.pk)
    assert _version(project) == before + 2
    with committed():
        SupportEpisode.objects.filter(pk=episodes[0].pk).get().delete()
    assert _version(project) == before + 3
