"""Department codes from a code, a department name, an EPCI, a commune, a city's adjective or a carrier."""

import pytest

from logement_accompagne.importer import parse_text


def _departments(text: str):
    """Department codes and warnings read from a text form."""
    result = parse_text(text)
    return result.canonical["location"]["department_codes"], result.warnings


@pytest.mark.parametrize(
    ("location", "codes"),
    [
        ("Rochefort (17)", ["17"]),
        ("Communauté d’agglomération du Grand Dax dans les Landes", ["40"]),
        ("dans le Loiret (45) et le Loir-et-Cher (41)", ["45", "41"]),
        ("Agglomération orléanaise", ["45"]),
        ("Quartier de la gare, 40100 Dax", ["40"]),
        ("Ville de Dax", ["40"]),
        ("Département 2A", ["2A"]),
    ],
)
def test_department_from_the_location(location, codes):
    found, warnings = _departments(f"Localisation du projet : {location}\nNom du projet : X")
    assert found == codes
    assert warnings == []


def test_department_from_the_offer_location_when_the_project_location_says_nothing():
    found, _ = _departments(
        "Localisation du projet : quartiers prioritaires\nLocalisation de l'offre de logements accompagnés : Dax"
    )
    assert found == ["40"]


def test_department_from_a_carrier_name_is_flagged():
    found, warnings = _departments(
        "Localisation du projet : centre-ville\nStatut et nom du ou des porteur(s) du "
        "projet : OPH Logemloiret"
    )
    assert found == ["45"]
    assert any("déduit du nom du porteur" in warning for warning in warnings)


def test_unknown_place_is_left_empty_and_flagged():
    found, warnings = _departments("Localisation du projet : quartiers prioritaires\nNom du projet : X")
    assert found == []
    assert any("Département non déterminé" in warning for warning in warnings)


def test_ambiguous_commune_is_left_empty_and_flagged():
    found, warnings = _departments("Localisation du projet : Saint-Denis et Valence\nNom du projet : X")
    if found:  # the lookup may know one of them as dominant; then it must be a single department
        assert len(found) == 1
    else:
        assert any("incertain" in warning or "non déterminé" in warning for warning in warnings)
