"""Pure tests of the COG reference files and of the name look-ups (no database)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from logement_accompagne.importer import cog


def test_department_counts_and_codes_are_strings():
    departments = cog.departments()
    assert len(departments) == 101
    assert all(isinstance(code, str) for code in departments)
    assert {"01", "2A", "2B", "971", "972", "973", "974", "976"} <= set(departments)
    assert "20" not in departments and "1" not in departments
    overseas = [code for code in departments if code.startswith("97")]
    assert sorted(overseas) == ["971", "972", "973", "974", "976"]


def test_regions_current_and_former():
    regions = cog.regions()
    current = [r for r in regions.values() if r.is_current]
    assert len(current) == 18
    assert regions["75"].name == "Nouvelle-Aquitaine" and regions["75"].is_current
    assert regions["72"].name == "Aquitaine" and not regions["72"].is_current
    # 27 pre-2016 regions: the 16 that disappeared plus 11 that kept their code.
    former_codes = {d.former_region_code for d in cog.departments().values()}
    assert len(former_codes) == 27
    assert former_codes <= set(regions)


@pytest.mark.parametrize(
    ("code", "region", "former"),
    [("40", "75", "72"), ("17", "75", "54"), ("57", "44", "41"), ("45", "24", "24"), ("974", "04", "04")],
)
def test_department_regions(code, region, former):
    department = cog.departments()[code]
    assert (department.region_code, department.former_region_code) == (region, former)


def test_every_department_region_exists():
    regions = cog.regions()
    for department in cog.departments().values():
        assert regions[department.region_code].is_current
        assert department.former_region_code in regions


@pytest.mark.parametrize(
    ("written", "code"),
    [("1", "01"), ("01", "01"), (" 40 ", "40"), ("2a", "2A"), ("2B", "2B"), ("971", "971")],
)
def test_department_by_code_tolerates_spelling(written, code):
    assert cog.department_by_code(written).code == code


@pytest.mark.parametrize("written", ["20", "99", "", "975", "abc"])
def test_department_by_code_unknown(written):
    assert cog.department_by_code(written) is None


def test_normalise():
    assert cog.normalise("St-Paul-lès-Dax") == "saint paul les dax"
    assert cog.normalise("  Côte-d’Or\u00a0 ") == "cote d or"
    assert cog.normalise("Ste-Marie, Cœur") == "sainte marie coeur"
    assert cog.normalise("L'ÎLE-ROUSSE") == "l ile rousse"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Communauté d'agglomération du Grand Dax dans les Landes", ["40"]),
        ("Charente-Maritime", ["17"]),
        ("Loiret", ["45"]),
        ("OPH de la Moselle", ["57"]),
        ("en Charente et en Charente-Maritime", ["16", "17"]),
        ("Haute-Savoie", ["74"]),
        ("Savoie", ["73"]),
        ("Corse-du-Sud et Haute-Corse", ["2A", "2B"]),
        ("Bas-Rhin, Haut-Rhin", ["67", "68"]),
        ("DÉPARTEMENT DES LANDES", ["40"]),
        ("landes", ["40"]),
        ("Seine-St-Denis", ["93"]),
        ("à La Réunion", ["974"]),
    ],
)
def test_departments_by_name(text, codes):
    assert cog.departments_by_name(text) == codes


@pytest.mark.parametrize(
    "text",
    [
        "Région Nord-Pas-de-Calais",  # a former region, not the Nord
        "Pays de la Loire",  # a region, not the Loire
        "Nogent-sur-Marne",  # a commune of Val-de-Marne
        "Lors de la réunion du comité, au nord de la ville",  # common words in a mixed-case text
        "Rien ici",
    ],
)
def test_departments_by_name_ignores_lookalikes(text):
    assert cog.departments_by_name(text) == []


def test_communes_named():
    assert [c.department_code for c in cog.communes_named("Dax")] == ["40"]
    assert cog.communes_named("Orléans")[0].department_code == "45"
    assert cog.communes_named("Metz")[0].department_code == "57"
    rochefort = cog.communes_named("Rochefort")
    assert len(rochefort) >= 2
    assert rochefort[0].department_code == "17"
    populations = [c.population for c in rochefort]
    assert populations == sorted(populations, reverse=True)
    assert cog.communes_named("St-Etienne")[0].insee_code == "42218"
    assert cog.communes_named("Nulle-Part-sur-Rien") == []


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Le projet se situe à Dax.", ["40"]),
        ("Orléans", ["45"]),
        ("Metz, le 13 mai 2014", ["57"]),
        ("sur l'axe Thionville Metz", ["57", "57"]),
        ("à Saint-Paul-lès-Dax", ["40"]),  # not also Dax
    ],
)
def test_find_communes_in_text(text, codes):
    assert [c.department_code for c in cog.find_communes_in_text(text)] == codes


def test_find_communes_in_text_ignores_words_and_small_communes():
    assert cog.find_communes_in_text("L'Union sociale pour l'habitat et les tours de la cité") == []
    assert cog.find_communes_in_text("Seine-Saint-Denis") == []  # the department, not Saint-Denis
    small = cog.communes_named("Rochefort")[-1]
    assert small.population < 2000
    assert small not in cog.find_communes_in_text("Rochefort")
    assert small in cog.find_communes_in_text("Rochefort", min_population=0)


def test_find_communes_in_text_is_fast():
    cog.find_communes_in_text("Dax")  # first load
    text = ("Le projet porté à Dax et à Orléans concerne des ménages de Metz. " * 40)[:2000]
    started = time.perf_counter()
    for _ in range(20):
        cog.find_communes_in_text(text)
    assert (time.perf_counter() - started) / 20 < 0.005


def test_epci_department():
    assert cog.epci_department("Communauté d’agglomération du Grand Dax") == "40"
    assert cog.epci_department("CA du Grand Dax") == "40"
    assert cog.epci_department("Orléans Métropole") == "45"
    assert cog.epci_department("Metz Métropole") == "57"
    assert cog.epci_department("communauté de communes du Pays d'Orthe et Arrigans") == "40"
    assert cog.epci_department("CC des Quatre Rivières") is None  # two homonyms, two departments
    assert cog.epci_department("Aucune intercommunalité") is None


def test_data_files_and_source_are_committed():
    data = Path(cog.DATA_DIR)
    source = (data / "SOURCE.md").read_text(encoding="utf-8")
    assert "@etalab/decoupage-administratif" in source and "Licence Ouverte" in source
    for name in ("regions.csv", "departments.csv", "communes.csv", "epci.csv"):
        assert (data / name).stat().st_size > 0


def test_cog_does_not_import_django():
    """The document importer uses cog.py outside Django: importing and using it must not load Django."""
    code = (
        "import sys; from logement_accompagne.importer import cog; "
        "cog.departments_by_name('Landes'); cog.find_communes_in_text('Dax'); cog.epci_department('x'); "
        "assert not any(name.split('.')[0] == 'django' for name in sys.modules), 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
