"""The project's household list: paginated on the episodes' own columns, each page's figures read for its
rows only (issue #9). Filters, order, pages, the rows' contents and the read journal stay as they were."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from logement_accompagne.audit.models import ReadEntry
from logement_accompagne.households import bulk, services
from logement_accompagne.households.audit import EPISODE_TARGET
from logement_accompagne.households.models import SupportEpisode
from logement_accompagne.organisations.enums import Role

from .conftest import register
from .test_bulk_and_pages import GOOD, sheet

LISTED = "liste des ménages (noms)"


def _many(project, n: int) -> list[SupportEpisode]:
    """n households of the project, registered in one sheet (names Nom000, Nom001...)."""
    rows = []
    for i in range(n):
        row = [*GOOD]
        row[0], row[11] = f"Nom{i:03d}", ""
        rows.append(row)
    bulk.import_households(user=project.worker, dossier=project.dossier, name="m.csv", content=sheet(rows))
    return list(SupportEpisode.objects.filter(dossier=project.dossier).select_related("household"))


def _references(page: str) -> list[str]:
    return re.findall(r'<td><a href="/[^"]*">(M-[0-9A-Z]{7})</a></td>', page)


def _list(client, project, **query) -> str:
    response = client.get(reverse("households:list", args=[project.dossier.reference]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_page_two_of_a_filtered_list_follows_the_first(client, project):
    episodes = _many(project, 56)
    ended = sorted(episodes, key=lambda e: e.household.reference)[:3]
    for episode in ended:
        services.end_support(user=project.worker, episode=episode, ended_on=datetime.date(2025, 6, 1),
                             end_reason="refused", destination="shelter")  # fmt: skip
    ongoing = sorted(e.household.reference for e in episodes if e not in ended)
    client.force_login(project.worker)
    first, second = _list(client, project, state="open"), _list(client, project, state="open", page=2)
    assert _references(first) == ongoing[:50] and _references(second) == ongoing[50:]
    assert "Ménages du projet (53)" in second and "2 / 2" in second
    # Unfiltered: the ongoing supports first, then the ended ones, each by reference.
    everything = _references(_list(client, project)) + _references(_list(client, project, page=2))
    assert everything == ongoing + sorted(e.household.reference for e in ended)
    assert "Terminé le 01/06/2025" in _list(client, project, page=2)


def test_the_journal_has_one_entry_per_household_of_the_page(client, project):
    episodes = {e.pk: e for e in _many(project, 53)}
    client.force_login(project.worker)
    shown = _references(_list(client, project, page=2))
    entries = list(ReadEntry.objects.filter(detail=LISTED))
    assert len(shown) == 3 and len(entries) == 3
    assert {(e.target_type, e.actor_id, e.actor_email) for e in entries} == {
        (EPISODE_TARGET, project.worker.pk, project.worker.email)
    }
    assert sorted(episodes[int(e.target_id)].household.reference for e in entries) == sorted(shown)
    assert all(e.household_ref == str(episodes[int(e.target_id)].household_id) for e in entries)
    # A pseudonymous reader (State services) is shown no name and writes no entry.
    client.force_login(project.dept)
    page = _list(client, project, page=2)
    assert len(_references(page)) == 3 and "NOM05" not in page
    assert ReadEntry.objects.filter(detail=LISTED).count() == 3


def test_overdue_and_arrears_filters_after_paginating(client, project):
    today = timezone.localdate()
    late = register(project, last_name="Enretard", referred_on=today - datetime.timedelta(days=200))
    on_time = register(project, last_name="Alheure", referred_on=today - datetime.timedelta(days=200))
    services.record_contact(user=project.worker, episode=on_time, happened_on=today - datetime.timedelta(days=5),
                            kind="review", channel="phone", result="reached")  # fmt: skip
    fresh = register(project, last_name="Recent", referred_on=today - datetime.timedelta(days=10))
    services.open_arrears(user=project.worker, episode=fresh, detected_on=today - datetime.timedelta(days=3),
                          first_unpaid_rent_on=today - datetime.timedelta(days=40), balance_eur="300")  # fmt: skip
    client.force_login(project.worker)
    overdue = _list(client, project, state="overdue")
    assert _references(overdue) == [late.household.reference]
    due = late.referred_on + datetime.timedelta(days=61)
    assert f"en retard : {due:%d/%m/%Y}" in overdue and "<td>ENRETARD</td>" in overdue
    arrears = _list(client, project, state="arrears")
    assert _references(arrears) == [fresh.household.reference] and 'fr-badge--warning">impayé<' in arrears
    # The row of the support reviewed 5 days ago: its next review, its last contact, no arrears.
    every = _list(client, project)
    row = every[every.index(on_time.household.reference) :].split("</tr>")[0]
    next_review = today - datetime.timedelta(days=5) + datetime.timedelta(days=61)
    assert (
        f"<td>{next_review:%d/%m/%Y}</td><td>non</td><td>{today - datetime.timedelta(days=5):%d/%m/%Y}</td>"
        in row
    )
    assert "<td>ALHEURE</td><td>Accès au logement</td>" in row
    # Searching a name still works, and finds nothing else.
    assert _references(_list(client, project, q="alheu")) == [on_time.household.reference]
    assert "Aucun ménage." in _list(client, project, q="personne")


def test_every_episode_carries_its_households_reference(project):
    """The list orders by the episode's copy of the reference: every way of creating one fills it."""
    register(project, last_name="Seul")
    _many(project, 3)
    episodes = list(SupportEpisode.objects.select_related("household"))
    assert len(episodes) == 4
    assert all(e.household_reference == e.household.reference for e in episodes)


def test_the_rows_statement_compiled_once_reads_what_the_orm_reads(project):
    """list_rows runs a statement the ORM built once per process: same rows as the queryset, any page."""
    from logement_accompagne.households import selectors

    today = timezone.localdate()
    first = register(project, last_name="Premier", referred_on=today - datetime.timedelta(days=90))
    services.record_contact(user=project.worker, episode=first, happened_on=today - datetime.timedelta(days=2),
                            kind="review", channel="phone", result="reached")  # fmt: skip
    services.open_arrears(user=project.worker, episode=first, detected_on=today - datetime.timedelta(days=1),
                          first_unpaid_rent_on=today - datetime.timedelta(days=30), balance_eur="100")  # fmt: skip
    _many(project, 4)
    ids = list(SupportEpisode.objects.values_list("pk", flat=True))

    def orm_rows(chosen):  # the ORM's rows, the open case (its id) read as a yes or no
        rows = list(selectors._list_rows_queryset(chosen))
        for row in rows:
            row["in_arrears"] = row.pop("open_arrears_case") is not None
        return rows

    for chosen in (ids, ids[:1], ids[2:]):
        assert selectors.list_rows(chosen) == orm_rows(chosen)
    row = selectors.list_rows([first.pk])[0]
    assert (row["in_arrears"], row["last_contact_on"]) == (True, today - datetime.timedelta(days=2))
    # Pseudonymous rows (they are kept in the cache): the name is read apart, for personal access.
    assert "Premier" not in repr(row)
    assert selectors.head_names([first.household_id]) == {first.household_id: "Premier"}
    assert selectors.list_rows([]) == []
    for query in (selectors._LIST_ROWS, selectors._HEAD_NAMES):
        compiled = query.compiled("default")
        # Kept per process: SQL and constants only, the ids of a page go in place of its markers.
        assert "Premier" not in repr((compiled.sql, compiled.constants)) and "M-" not in compiled.sql
        assert [compiled.constants[position] for position in compiled.slots["ids"]] == list(
            selectors._MARKERS
        )


def test_project_access_is_the_rule_of_visible_projects(project):
    """project_access and episode_for (through project_rights) decide in Python what visible_projects,
    episodes_visible_to, is_personal and is_manager decide in SQL, for every person of the cast and
    every kind of project, and for a household followed by two projects."""
    from django.contrib.auth.models import AnonymousUser

    from logement_accompagne.dossiers.enums import Status
    from logement_accompagne.dossiers.models import Dossier
    from logement_accompagne.households import selectors
    from tests import factories
    from tests.lifecycle import Cast, advance

    cast = project
    # Another organisation's project in department 40 (Nouvelle-Aquitaine), instructed there.
    there = Cast(**{**cast, "carrier": factories.carrier_user(cast.other_organisation),
                    "dept": cast.dept_other, "region": cast.region_other})  # fmt: skip
    elsewhere = factories.DossierFactory(carrier=cast.other_organisation, department_codes=["40"])
    advance(there, Status.SELECTED, dossier=elsewhere)
    not_selected = factories.DossierFactory(carrier=cast.landlord)
    advance(cast, Status.COMMITTEE, dossier=not_selected)
    people = [cast[name] for name in ("carrier", "dept", "dept_other", "region", "region_other", "committee",
                                      "admin", "worker", "worker_two", "manager", "worker_other")]  # fmt: skip
    # A household of each selected project, and one followed by both (its ongoing support elsewhere).
    here_household = register(cast).household
    there_worker = factories.member(cast.other_organisation, Role.SUPPORT_WORKER)
    there_household = services.register_household(
        user=there_worker, dossier=elsewhere, members=[{"first_name": "Léa", "last_name": "Loin"}],
        adults=1, children=0, head="single_woman", kind="access", referral_source="siao",
        referred_on=datetime.date(2025, 2, 1),
    ).household  # fmt: skip
    both = register(cast, referred_on=datetime.date(2024, 5, 1))
    services.end_support(user=cast.worker, episode=both, ended_on=datetime.date(2025, 1, 1),
                         end_reason="refused", destination="shelter")  # fmt: skip
    followed_there = SupportEpisode.objects.create(
        household=both.household, household_reference=both.household.reference, dossier=elsewhere,
        kind="access", referral_source="siao", referred_on=datetime.date(2025, 3, 1),
    )  # fmt: skip
    seen = set()
    for person in [*people, there_worker, AnonymousUser()]:
        for household in (here_household, there_household, both.household):
            visible = selectors.episodes_visible_to(person).filter(household=household)
            try:
                episode, personal = selectors.episode_for(person, household.reference)
            except SupportEpisode.DoesNotExist:
                assert not visible.exists(), (person, household)
                continue
            # The ongoing support among those visible, else the latest.
            expected = sorted(visible, key=lambda e: (e.ended_on is None, e.referred_on, e.pk))[-1]
            assert episode.pk == expected.pk, (person, household)
            assert personal == selectors.is_personal(person, episode.dossier), (person, household)
        if person == cast.worker:
            assert selectors.episode_for(person, both.household.reference)[0].pk == both.pk
        if person == there_worker:
            assert selectors.episode_for(person, both.household.reference)[0].pk == followed_there.pk
    for person in [*people, AnonymousUser()]:
        for dossier in (cast.dossier, elsewhere, not_selected):
            visible = selectors.visible_projects(person).filter(pk=dossier.pk).exists()
            try:
                found, personal, manager = selectors.project_access(person, dossier.reference)
            except Dossier.DoesNotExist:
                assert not visible, (person, dossier)
                continue
            assert visible and found.pk == dossier.pk, (person, dossier)
            # What the list shows of the project, as the ORM reads it (its values put in their fields).
            stored = Dossier.objects.get(pk=dossier.pk)
            assert (found.reference, found.name, found.status, found.submitted_at) == (
                stored.reference, stored.name, stored.status, stored.submitted_at
            ), (person, dossier)  # fmt: skip
            assert personal == selectors.is_personal(person, dossier), (person, dossier)
            assert manager == selectors.is_manager(person, dossier), (person, dossier)
            seen.add((personal, manager))
    assert seen == {(False, False), (True, False), (True, True)}  # every case was met
