"""The dossier's fields as the one declaration of the form says (``importer.form``), and the
columns of the model that are not on the form, each with the reason why.

``tests/dossiers/test_fields.py`` fails when a column of ``Dossier`` is in neither.
"""

from logement_accompagne.importer import form

from .enums import CostKind

# canonical dotted key → Dossier column, for every value stored as-is (the form's order).
SCALAR_FIELDS = {field.path: field.name for field in form.scalar_fields()}
# canonical dotted key → the kind of its cost line.
MONEY_FIELDS = {field.path: CostKind(field.name) for field in form.FIELDS if field.type == "money"}
# Columns a carrier edits through the form (everything but workflow and identity).
EDITABLE_COLUMNS = frozenset(column for field in form.FIELDS for column in form.columns_of(field))

NOT_ON_THE_FORM = {
    "id": "identifiant technique",
    "reference": "référence donnée par la plateforme",
    "call": "choisi à la création du dossier",
    "status": "cycle de vie (services)",
    "returned_from_status": "cycle de vie (services)",
    "version": "contrôle des modifications concurrentes",
    "created_by": "journal",
    "created_at": "journal",
    "updated_at": "journal",
    "updated_by": "journal",
    "submitted_at": "cycle de vie (services)",
    "imported": "origine du dossier",
    "unmapped": "passages du document d'origine non rattachés, montrés à part",
    "assigned_to": "instruction : agent de l'État chargé du dossier",
    "completion_due_on": "instruction : échéance de la demande de compléments",
    "completion_reminded_on": "instruction : date du dernier rappel de l'échéance",
}


def label_of(name: str) -> str:
    """The form's label of a field, or the model's verbose name for a column off the form."""
    if name in form.FIELD_BY_NAME:
        return form.label_of(name)
    from .models import Dossier

    return str(Dossier._meta.get_field(name).verbose_name).capitalize()
