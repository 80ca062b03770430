"""Read-only presentation of a dossier: every section with its labels, in the form's order."""

import html
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

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


def rows_html(rows: list[Row]) -> SafeString:
    """A section's ``<dt>``/``<dd>`` pairs written in one pass (the dossier page has about 60)."""
    return mark_safe(  # noqa: S308 (labels and values escaped here)
        "".join(
            f'<dt>{html.escape(str(row.label))}</dt><dd class="{"www-prewrap" if row.multiline else "www-break"}">'
            f"{html.escape(str(row.value))}</dd>"
            for row in rows
        )
    )


def dossier_sections(dossier: Dossier) -> list[dict]:
    edit = reverse("dossiers:edit_section", args=[dossier.reference, "--section--"])
    sections = []
    for section in SECTIONS:
        rows = section_rows(dossier, section)
        sections.append({"section": section, "rows": rows, "rows_html": rows_html(rows),
                         "edit_url": edit.replace("--section--", section.slug)})  # fmt: skip
    return sections


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


TABLE_ROW = (
    '<tr><td class="www-break"><a href="{}">{}</a><br><span class="fr-text--xs">Réf. {}</span></td>'
    "<td>{}</td><td>{}</td><td>{}</td></tr>"
)


TABLE_VALUES = ("reference", "name", "status", "call__title", "updated_at")


def dossier_table_rows(dossiers) -> list[SafeString]:
    """The rows of includes/dossier_table.html (« Mes dossiers », the home page) from values rows
    (a queryset, or rows already read with ``TABLE_VALUES``), written in one pass: no model
    instance, no ``{% url %}`` or date filter per row (issue #9)."""
    from logement_accompagne.www.rows import escaped, long_date, reference_url
    from logement_accompagne.www.templatetags.www_tags import status_badge

    detail = reference_url("dossiers:detail")
    rows = []
    for row in dossiers.values(*TABLE_VALUES) if hasattr(dossiers, "values") else dossiers:
        reference = str(row["reference"])
        rows.append(mark_safe(TABLE_ROW.format(  # noqa: S308 (every value escaped here)
            detail(reference), escaped(row["name"] or f"Dossier {reference[:8]}"),
            reference[:8].upper(), escaped(row["call__title"]), status_badge(row["status"], True),
            long_date(row["updated_at"]),
        )))  # fmt: skip
    return rows
