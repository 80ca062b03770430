"""The load_territories command: what it loads, and that a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from logement_accompagne.territories import cog
from logement_accompagne.territories.models import Department, Region


def run_load() -> str:
    out = StringIO()
    call_command("load_territories", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loaded_territories_match_the_reference_files():
    run_load()
    assert Department.objects.count() == 101
    assert Region.objects.filter(is_current=True).count() == 18
    assert Region.objects.count() == len(cog.regions())
    landes = Department.objects.select_related("region", "former_region").get(code="40")
    assert (landes.name, landes.region.code, landes.former_region.code) == ("Landes", "75", "72")
    assert landes.former_region.name == "Aquitaine" and not landes.former_region.is_current
    assert Department.objects.get(code="2A").region_id == "94"
    assert Department.objects.get(code="971").former_region_id == "01"


@pytest.mark.django_db
def test_load_is_idempotent_and_repairs_rows():
    run_load()
    Department.objects.filter(code="45").update(name="Loiret (modifié)")
    Department.objects.filter(code="976").delete()
    out = run_load()
    assert "1 créé(s), 1 mis à jour" in out
    assert Department.objects.get(code="45").name == "Loiret"
    assert Department.objects.filter(code="976").exists()

    out = run_load()
    assert "Régions : 34 dans le référentiel — 0 créé(s), 0 mis à jour, 34 inchangé(s)" in out
    assert "Départements : 101 dans le référentiel — 0 créé(s), 0 mis à jour, 101 inchangé(s)" in out


@pytest.mark.django_db
def test_load_keeps_rows_absent_from_the_files():
    run_load()
    Region.objects.create(code="99", name="Région de test", is_current=False)
    out = run_load()
    assert "1 absent(s) du référentiel conservé(s) en base" in out
    assert Region.objects.filter(code="99").exists()


@pytest.mark.django_db
def test_load_is_silent_at_verbosity_zero():
    out = StringIO()
    call_command("load_territories", verbosity=0, stdout=out)
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_admin_lists_and_searches_territories(admin_client):
    run_load()
    response = admin_client.get("/admin/territories/department/", {"q": "Landes"})
    assert response.status_code == 200
    assert "Landes" in response.content.decode()
    response = admin_client.get("/admin/territories/region/", {"is_current__exact": "0"})
    assert response.status_code == 200
    assert "Aquitaine" in response.content.decode()
