"""Read-only presentation of a dossier: every section with its labels, in the form's order."""

from dataclasses import dataclass

from django.urls import reverse

from logement_accompagne.dossiers.checks import ATTACHMENTS, french_eur
from logement_accompagne.dossiers.enums import Mobilisation
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.sections import SECTIONS, Section

# Where the completeness panel sends the person for each missing field.
ANCHORS = {"mobilisation_new_supply": "id_mobilisation_0", "finance_overview": "lignes-de-cout"}


@dataclass
class Row:
    label: str
    value: str
    multiline: bool = False


def _value(dossier: Dossier, name: str) -> tuple[str, bool]:
    field = Dossier._meta.get_field(name)
    value = getattr(dossier, name)
    if field.choices:
        return getattr(dossier, f"get_{name}_display")(), False
    if value is None or value == "":
        return "Non renseigné", False
    if isinstance(value, bool):
        return ("Oui" if value else "Non"), False
    if name.endswith("_eur"):
        return french_eur(value), False
    if name == "duration_months":
        return f"{value} mois", False
    return str(value), field.get_internal_type() == "TextField"


def section_rows(dossier: Dossier, section: Section) -> list[Row]:
    """The section's fields as the form declares them, in its order (cost lines are shown apart)."""
    rows = []
    for item in section.shown:
        if item.type == "departments":
            names = ", ".join(str(department) for department in dossier.departments.all())
            rows.append(Row(item.label, names or "Non renseigné"))
        elif item.type == "mobilisation":
            chosen = [Mobilisation(key).label for key in dossier.mobilisation]
            text = ", ".join(chosen) if chosen else "Aucune modalité cochée"
            if not dossier.mobilisation_known:
                text = "Non connue (le document d'origine a perdu l'état des cases)"
            rows.append(Row(item.label, text))
        elif item.is_column:
            value, multiline = _value(dossier, item.name)
            rows.append(Row(item.label, value, multiline))
        if item.name == "carriers_text":
            carriers = ", ".join(str(link.organisation) for link in dossier.carrier_links.all())
            rows.append(Row("Organisations porteuses sur la plateforme", carriers or "Aucune"))
    return rows


def dossier_sections(dossier: Dossier) -> list[dict]:
    return [
        {
            "section": section,
            "rows": section_rows(dossier, section),
            "edit_url": reverse("dossiers:edit_section", args=[dossier.reference, section.slug]),
        }
        for section in SECTIONS
    ]


def _missing_url(dossier: Dossier, item) -> str:
    if item.section == ATTACHMENTS:
        return reverse("dossiers:attachments", args=[dossier.reference]) + "#ajouter"
    return (
        reverse("dossiers:edit_section", args=[dossier.reference, item.section])
        + "#"
        + ANCHORS.get(item.field, f"id_{item.field}")
    )


def missing_links(dossier: Dossier, missing) -> list[dict]:
    """Missing fields first, then the call's rules not respected (the template groups them)."""
    ordered = sorted(missing, key=lambda item: bool(item.rule))
    return [
        {"label": item.label, "url": _missing_url(dossier, item), "is_rule": bool(item.rule)}
        for item in ordered
    ]
