"""The canonical schema: an empty document is valid, and the validator is strict about keys, types and enums."""

import copy
import json

import pytest

from logement_accompagne.importer import (
    CanonicalValidationError,
    DocumentImportError,
    empty_canonical,
    parse_text,
    validate_canonical,
)
from logement_accompagne.importer.schema import put


def test_empty_document_is_valid_and_fresh():
    first = empty_canonical()
    validate_canonical(first)
    first["housing"]["mobilisation"].append("new_supply")
    assert empty_canonical()["housing"]["mobilisation"] == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("schema", "presentation-synthetique/2"),
        ("name", None),
        ("target_public.households", True),
        ("target_public.households", -1),
        ("target_public.households", 2.5),
        ("target_public.households", "25"),
        ("target_public.dalo_eligible", "oui"),
        ("target_public.dalo_eligible", None),
        ("housing.mobilisation", ["new_supply", "new_supply"]),
        ("housing.mobilisation", ["everything"]),
        ("housing.mobilisation_known", 1),
        ("location.department_codes", [40]),
        ("location.department_codes", "40"),
        ("carriers.organisations", [{"name": "X", "kind": "hlm"}]),
        ("carriers.organisations", [{"name": "X"}]),
        ("finance.support_cost", {"amount_eur": 10, "basis": "household", "period": "week", "text": ""}),
        ("finance.support_cost", {"amount_eur": "10", "basis": "household", "period": "year", "text": ""}),
        (
            "finance.support_cost",
            {"amount_eur": float("nan"), "basis": "unknown", "period": "year", "text": ""},
        ),
        ("finance.support_cost", {"amount_eur": 10, "basis": "household", "period": "year"}),
        ("finance.cofunding", [{"funder": "Etat", "amount_eur": 10, "status": "maybe"}]),
        ("finance.requested_amount_eur", False),
        ("duration.months", "12"),
        ("department_opinion.reproducibility", "unknown"),
        ("regional_opinion.verdict", "yes"),
        ("unmapped", [1]),
        ("unmapped", "texte"),
    ],
)
def test_wrong_values_are_refused(key, value):
    document = empty_canonical()
    put(document, key, value)
    with pytest.raises(CanonicalValidationError) as caught:
        validate_canonical(document)
    assert isinstance(caught.value, DocumentImportError) and isinstance(caught.value, ValueError)
    assert key.split(".")[-1] in caught.value.message


def test_missing_and_extra_keys_are_all_listed():
    document = empty_canonical()
    del document["summary"]
    del document["finance"]["overview"]
    document["extra"] = 1
    document["housing"]["colour"] = "blue"
    with pytest.raises(CanonicalValidationError) as caught:
        validate_canonical(document)
    assert len(caught.value.problems) == 4
    assert "« summary » manque" in caught.value.problems


@pytest.mark.parametrize("value", [None, [], "document", 3])
def test_not_an_object(value):
    with pytest.raises(CanonicalValidationError):
        validate_canonical(value)


def test_parse_then_json_round_trip_stays_valid():
    """parse → canonical → JSON text → dict gives the same, valid document (the store side is the dossiers app)."""
    result = parse_text(
        "Nom du projet : Toit\nNombre de ménages accompagnés : 30 environ\n"
        "Coût de l'accompagnement par ménage : 1 440,50 € par an\n"
        "Cofinancements apportés : Etat = 7 000 €\nAppel à projets = 30 000 €\n"
    )
    text = json.dumps(result.canonical, ensure_ascii=False)
    again = json.loads(text)
    validate_canonical(again)
    assert again == result.canonical
    assert again["finance"]["support_cost"]["amount_eur"] == 1440.5
    assert again["finance"]["requested_amount_eur"] == 30000
    copy.deepcopy(again)
