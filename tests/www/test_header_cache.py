"""The header of every page (menu by role, notification badge) is cached per session (www/header.py):
each role still sees its own menu, and a change of role or of notifications shows on the next page."""

import pytest
from django.urls import reverse

from logement_accompagne.organisations import notices
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

ACCESSIBILITY = "/accessibilite/"


def menu(client) -> list[str]:
    html = client.get(ACCESSIBILITY).content.decode()
    nav = html.split('id="fr-navigation"', 1)[1].split("</nav>", 1)[0] if 'id="fr-navigation"' in html else ""
    return [part.split("</a>", 1)[0].rsplit(">", 1)[1] for part in nav.split('class="fr-nav__link"')[1:]]


@pytest.mark.parametrize(
    ("person", "expected", "absent"),
    [
        ("carrier", ["Accueil", "Mes dossiers", "Conventions", "Invitations"], ["À instruire", "Pilotage"]),
        ("dept", ["Accueil", "À instruire", "Ménages accompagnés", "Pilotage"], ["Mes dossiers", "Comité"]),
        ("committee", ["Accueil", "À instruire", "Comité", "Appels à projets", "Pilotage"], ["Mes dossiers"]),
        ("support_worker", ["Accueil", "Ménages accompagnés"], ["Mes dossiers", "À instruire"]),
        ("admin", ["Accueil", "À instruire", "Comité", "Administration"], ["Mes dossiers"]),
    ],
)
def test_each_role_sees_its_own_menu_page_after_page(client, cast, person, expected, absent):
    client.force_login(cast[person])
    for _ in range(2):  # the second page comes from the cache
        entries = menu(client)
        assert all(entry in entries for entry in expected), entries
        assert not any(entry in entries for entry in absent), entries


def test_two_people_one_after_the_other_never_share_a_header(client, cast):
    client.force_login(cast.carrier)
    assert "Mes dossiers" in menu(client)
    client.force_login(cast.dept)  # a new session
    entries = menu(client)
    assert "Mes dossiers" not in entries and "À instruire" in entries


def test_the_header_costs_no_query_on_the_next_pages(client, cast, django_assert_max_num_queries):
    client.force_login(cast.carrier)
    client.get(ACCESSIBILITY)
    with django_assert_max_num_queries(1):  # the signed-in person; no membership, no notification count
        response = client.get(ACCESSIBILITY)
    assert "Mes dossiers" in response.content.decode()


def test_a_new_role_shows_in_the_menu_on_the_next_page(client, cast):
    client.force_login(cast.dept)
    assert "Mes dossiers" not in menu(client)
    membership = Membership.objects.create(user=cast.dept, organisation=cast.landlord, role=Role.CARRIER)
    assert "Mes dossiers" in menu(client)
    membership.delete()
    assert "Mes dossiers" not in menu(client)


def test_a_changed_role_shows_in_the_menu_on_the_next_page(client, cast):
    person = factories.member(cast.landlord, Role.SUPPORT_WORKER)
    client.force_login(person)
    assert "Mes dossiers" not in menu(client)
    membership = Membership.objects.get(user=person)
    membership.role = Role.CARRIER
    membership.save()
    assert "Mes dossiers" in menu(client)


def test_the_badge_counts_a_new_notice_and_clears_once_the_centre_is_opened(client, cast):
    client.force_login(cast.carrier)
    assert "www-count" not in client.get(ACCESSIBILITY).content.decode()
    notices.send(subject="Essai", body="Bonjour,\nUn message.", recipients=[cast.carrier], url="/")
    assert ">1</span>" in client.get(ACCESSIBILITY).content.decode().split('id="www-notifications"')[1][:400]
    client.get(reverse("organisations:notifications"))
    assert "www-count" not in client.get(ACCESSIBILITY).content.decode()


def test_opening_the_centre_clears_the_badge_even_where_the_mark_is_not_seen(client, cast):
    """Another worker (per-process cache) does not see the mark of the change: the session's own
    "seen" mark still gives it a fresh header on the person's next page."""
    from django.core.cache import cache

    from logement_accompagne.organisations.freshness import mark_key

    client.force_login(cast.carrier)
    notices.send(subject="Essai", body="Un message.", recipients=[cast.carrier], url="/")
    assert "www-count" in client.get(ACCESSIBILITY).content.decode()
    mark = cache.get(mark_key(cast.carrier.pk))
    client.get(reverse("organisations:notifications"))
    cache.set(mark_key(cast.carrier.pk), mark)  # as if the centre had been served by another process
    assert "www-count" not in client.get(ACCESSIBILITY).content.decode()


def test_a_badge_outside_the_cache_reach_is_refreshed_within_the_ttl(client, cast, monkeypatch):
    """Without a shared cache, a notice written by another process reaches the badge when the
    entry expires (HEADER_TTL_SECONDS): here, a zero lifetime means every page counts afresh."""
    from logement_accompagne.organisations.models import Notification
    from logement_accompagne.www import header

    monkeypatch.setattr(header, "HEADER_TTL_SECONDS", 0)
    client.force_login(cast.carrier)
    client.get(ACCESSIBILITY)
    Notification.objects.create(recipient=cast.carrier, subject="Écrit ailleurs", body="")  # no mark
    assert "www-count" in client.get(ACCESSIBILITY).content.decode()
