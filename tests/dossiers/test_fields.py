"""The dossier's fields are declared once (importer/form.py); the model and the importer follow it."""

from django.db import models

from logement_accompagne.dossiers.fields import EDITABLE_COLUMNS, NOT_ON_THE_FORM, SCALAR_FIELDS
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.sections import SECTIONS
from logement_accompagne.importer import form, labels, schema


def _model_fields() -> set[str]:
    return {field.name for field in Dossier._meta.get_fields() if not field.auto_created or field.concrete}


def _declared() -> set[str]:
    return {name for field in form.FIELDS for name in (field.name, *form.columns_of(field))}


def test_every_column_of_the_dossier_is_declared_or_excluded():
    undeclared = _model_fields() - _declared() - set(NOT_ON_THE_FORM)
    assert not undeclared, (
        f"Champs du modèle Dossier ni déclarés dans importer/form.py ni exclus dans "
        f"dossiers/fields.py (NOT_ON_THE_FORM) : {sorted(undeclared)}"
    )


def test_every_declared_column_exists_and_nothing_is_both_declared_and_excluded():
    rows = {field.name for field in form.FIELDS if field.type in ("money", "cofunding", "mobilisation")}
    assert EDITABLE_COLUMNS <= _model_fields()
    assert (_declared() - rows) <= _model_fields()
    assert not (_declared() & set(NOT_ON_THE_FORM))


def test_declared_types_match_the_columns():
    expected = {
        "line": models.CharField, "text": models.TextField, "count": models.PositiveIntegerField,
        "months": models.PositiveSmallIntegerField, "flag": models.BooleanField, "tri": models.CharField,
        "amount": models.DecimalField,
    }  # fmt: skip
    for field in form.scalar_fields():
        column = Dossier._meta.get_field(field.name)
        assert isinstance(column, expected[field.type]), (field.name, field.type, type(column))
        assert bool(column.choices) == (field.type == "tri"), field.name


def test_sections_follow_the_declaration_and_cover_every_shown_field():
    assert [section.slug for section in SECTIONS] == [section.slug for section in form.SECTIONS]
    shown = [item.name for section in SECTIONS for item in section.shown]
    assert shown == [field.name for field in form.FIELDS if field.shown]
    assert {field.section for field in form.FIELDS} == {section.slug for section in form.SECTIONS}


def test_the_canonical_document_is_the_declaration():
    document = schema.empty_canonical()
    for field in form.FIELDS:
        schema.get(document, field.path)  # every declared path exists
    assert list(SCALAR_FIELDS) == [field.path for field in form.scalar_fields()]


def test_every_label_the_importer_reads_goes_to_a_declared_field():
    opinions = ("department_opinion.", "regional_opinion.")
    for label in labels.LABELS:
        if label.field is None or label.field.startswith(opinions):
            continue
        assert label.field in form.FIELD_BY_PATH, label.field
