"""Read-only presentation of a dossier: every section with its labels, in the form's order."""

from dataclasses import dataclass

from django.urls import reverse

from logement_accompagne.dossiers.enums import Mobilisation
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.sections import SECTIONS, Section

from .forms import MOBILISATION_FIELDS, label_of

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
        return f"{value:,.0f} €".replace(",", "\u202f"), False
    if name == "duration_months":
        return f"{value} mois", False
    return str(value), field.get_internal_type() == "TextField"


def section_rows(dossier: Dossier, section: Section) -> list[Row]:
    rows = []
    if section.slug == "localisation":
        names = ", ".join(str(department) for department in dossier.departments.all())
        rows.append(Row(label_of("departments"), names or "Non renseigné"))
        carriers = ", ".join(str(link.organisation) for link in dossier.carrier_links.all())
        rows.append(Row("Organisations porteuses sur la plateforme", carriers or "Aucune"))
    if section.slug == "logements":
        chosen = [Mobilisation(key).label for key in dossier.mobilisation]
        text = ", ".join(chosen) if chosen else "Aucune modalité cochée"
        if not dossier.mobilisation_known:
            text = "Non connue (le document d'origine a perdu l'état des cases)"
        rows.append(Row(label_of("mobilisation"), text))
    for name in section.fields:
        if name in MOBILISATION_FIELDS:
            continue
        value, multiline = _value(dossier, name)
        rows.append(Row(label_of(name), value, multiline))
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


def missing_links(dossier: Dossier, missing) -> list[dict]:
    return [
        {
            "label": item.label,
            "url": reverse("dossiers:edit_section", args=[dossier.reference, item.section])
            + "#"
            + ANCHORS.get(item.field, f"id_{item.field}"),
        }
        for item in missing
    ]
