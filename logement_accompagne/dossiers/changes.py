"""What a dossier said at each filing, and what changed from one filing to the next.

A filing (Submission) keeps a snapshot of every field the carriers edit, the departments,
the cost and co-funding lines and the attached files. After a resubmission, the instructor
reads the differences field by field, labelled as on the form, without taking the dossier
in charge again.
"""

from dataclasses import dataclass
from decimal import Decimal

from .checks import french_eur
from .models import Dossier

SCALARS = (
    "name", "location_text", "carriers_text", "summary",
    "households", "households_approximate", "dalo_eligible", "collective_agreements", "pdalpd",
    "target_characteristics",
    "mobilisation_new_supply", "mobilisation_adapted_existing", "mobilisation_existing_unadapted",
    "mobilisation_low_rent_reclassification",
    "dwellings", "dwellings_approximate", "dwellings_text", "housing_typology", "housing_allocation",
    "housing_location",
    "support_method", "support_rental_management", "support_adhesion", "support_offer",
    "support_landlord_relation", "support_needs_fit",
    "partners",
    "finance_overview", "cofunding_text", "requested_amount_eur", "fndollts_funded", "fndollts_applied",
    "duration_text", "duration_months", "duration_renewable", "schedule",
)  # fmt: skip

LISTS = {
    "departments": "Départements",
    "cost_lines": "Lignes de coût",
    "cofunding_lines": "Lignes de cofinancement",
    "attachments": "Pièces jointes",
}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return value


def snapshot(dossier: Dossier) -> dict:
    """The dossier's content as JSON-ready values (one query per list)."""
    data = {name: _plain(getattr(dossier, name)) for name in SCALARS}
    data["departments"] = sorted(dossier.departments.values_list("code", flat=True))
    data["cost_lines"] = [
        f"{line.get_kind_display()} : {_plain(line.amount_eur) if line.amount_eur is not None else '—'} € "
        f"({line.get_basis_display()}, {line.get_period_display()})"
        for line in dossier.cost_lines.all()
    ]
    data["cofunding_lines"] = [
        f"{line.funder} : {_plain(line.amount_eur) if line.amount_eur is not None else '—'} € "
        f"({line.get_status_display()})"
        for line in dossier.cofunding_lines.all()
    ]
    data["attachments"] = sorted(dossier.attachments.values_list("original_name", flat=True))
    return data


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _shown(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "Non renseigné"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list):
        return " ; ".join(str(item) for item in value)
    field = Dossier._meta.get_field(name) if name in SCALARS else None
    if field is not None and field.choices:
        return str(dict(field.choices).get(value, value))
    if name.endswith("_eur"):
        return french_eur(value)
    return str(value)


def _label(name: str) -> str:
    if name in LISTS:
        return LISTS[name]
    label = str(Dossier._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def compare(before: dict, after: dict) -> list[Change]:
    """Fields whose value differs between two snapshots, in the form's order."""
    return [
        Change(_label(name), _shown(name, before.get(name)), _shown(name, after.get(name)))
        for name in (*SCALARS, *LISTS)
        if before.get(name) != after.get(name)
    ]


def since_previous_submission(dossier: Dossier) -> list[Change] | None:
    """What the last filing changed compared with the one before; None if filed only once."""
    last_two = list(dossier.submissions.order_by("-number")[:2])
    if len(last_two) < 2:
        return None
    latest, previous = last_two
    return compare(previous.snapshot, latest.snapshot)
