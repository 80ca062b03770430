"""The dashboards as people see them: their territory's figures, secrecy, drill-down links."""

import pytest
from django.urls import reverse


def page(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_national_dashboard_shows_the_counter_against_the_target(client, programme):
    html = page(client, programme.committee, "reporting:national")
    assert "28 ménages" in html and "10\u202f000" in html and "(0,3 %)" in html
    assert "23 logements" in html
    assert reverse("reporting:region", args=["24"]) in html
    assert "Landes accompagnées" in html  # the slowest of a stage is named, with a link


def test_home_sends_each_person_to_their_territory(client, programme):
    client.force_login(programme.region24)
    assert client.get(reverse("reporting:home"))["Location"] == reverse("reporting:region", args=["24"])
    client.force_login(programme.dept45)
    assert client.get(reverse("reporting:home"))["Location"] == reverse("reporting:department", args=["45"])
    client.force_login(programme.committee)
    assert client.get(reverse("reporting:home"))["Location"] == reverse("reporting:national")


def test_a_department_of_three_households_is_secret_on_the_region_page(client, programme):
    html = page(client, programme.region24, "reporting:region", "24")
    assert "Indre-et-Loire" in html and "secret" in html
    assert "Landes" not in html  # another region's dossier is nowhere
    html = page(client, programme.dept37, "reporting:department", "37")
    assert "Petit projet Tours" in html  # the project level shows its own figures


def test_an_instructor_cannot_open_another_territory(client, programme):
    client.force_login(programme.dept45)
    assert client.get(reverse("reporting:department", args=["37"])).status_code == 403
    assert client.get(reverse("reporting:region", args=["24"])).status_code == 403
    assert client.get(reverse("reporting:national")).status_code == 403
    client.force_login(programme.committee)
    assert client.get(reverse("reporting:department", args=["999"])).status_code == 404


# --- Figures kept 5 minutes in the shared cache (www/reporting/views.py) ------------------------


def shared_cache_on(settings):
    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                     "LOCATION": "dashboards-under-test"}}  # fmt: skip
    from django.core.cache import caches

    caches["shared"].clear()


def test_the_figures_are_computed_once_then_read_from_the_shared_cache(
    client, programme, settings, django_assert_max_num_queries
):
    shared_cache_on(settings)
    first = page(client, programme.committee, "reporting:national")
    assert "28 ménages" in first and "recalculés toutes les 5 minutes" in first
    with django_assert_max_num_queries(3):  # the person and their scope (for the key): no indicator SQL
        again = client.get(reverse("reporting:national")).content.decode()
    assert "28 ménages" in again


def test_cached_figures_stay_within_their_territory_and_reach(client, programme, settings):
    shared_cache_on(settings)
    region = page(client, programme.region24, "reporting:region", "24")
    assert "Indre-et-Loire" in region and "Landes" not in region
    department = page(client, programme.dept37, "reporting:department", "37")
    assert "Petit projet Tours" in department and "Landes" not in department
    # The same department seen by the region's service: its own entry, the same dossiers.
    from_region = page(client, programme.region24, "reporting:department", "37")
    assert "Petit projet Tours" in from_region and "Landes" not in from_region
    national = page(client, programme.committee, "reporting:national")
    assert "28 ménages" in national


def test_the_figures_are_recomputed_once_their_time_is_up(client, programme, settings, monkeypatch):
    from logement_accompagne.www.reporting import views

    shared_cache_on(settings)
    monkeypatch.setattr(views, "DASHBOARD_TTL_SECONDS", 0)  # expired at once
    calls = []
    compute = views._compute_figures
    monkeypatch.setattr(views, "_compute_figures", lambda *a: calls.append(1) or compute(*a))
    page(client, programme.committee, "reporting:national")
    page(client, programme.committee, "reporting:national")
    assert len(calls) == 2


def test_while_someone_recomputes_the_others_see_the_previous_figures_or_wait_without_blocking(
    client, programme, settings, monkeypatch
):
    from django.core.cache import caches

    from logement_accompagne.www.reporting import views

    shared_cache_on(settings)
    client.force_login(programme.committee)
    url = reverse("reporting:national")
    key = views._figures_key(programme.committee, views.t.national())
    caches["shared"].add(f"{key}:en-calcul", 1)  # another request is computing the first figures
    html = client.get(url).content.decode()
    assert "Chiffres en cours de calcul" in html and "28 ménages" not in html
    caches["shared"].delete(f"{key}:en-calcul")
    assert "28 ménages" in client.get(url).content.decode()  # computed here, then kept
    monkeypatch.setattr(views, "DASHBOARD_TTL_SECONDS", 0)  # now out of date…
    caches["shared"].add(f"{key}:en-calcul", 1)  # …and being recomputed elsewhere
    monkeypatch.setattr(views, "_compute_figures", lambda *a: pytest.fail("computed twice at once"))
    assert "28 ménages" in client.get(url).content.decode()  # the previous figures, with their date
