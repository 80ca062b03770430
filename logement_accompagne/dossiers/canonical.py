"""The canonical JSON of a dossier (schema "presentation-synthetique/1"), both ways.

The same document is produced by the importer, by the JSON export and by the
API, so a dossier round-trips: import → store → export gives back the same
values. Scalar fields map one-to-one to columns (TEXT_FIELDS...); the rest
(carriers, departments, money, co-funding, opinions) are rows.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError

from logement_accompagne.importer import schema
from logement_accompagne.organisations.enums import STATE_KINDS, OrganisationKind
from logement_accompagne.organisations.models import Organisation, organisation_name_key
from logement_accompagne.territories.models import Department

from .enums import CofundingStatus, CostBasis, CostPeriod, Mobilisation
from .fields import MONEY_FIELDS, SCALAR_FIELDS
from .models import CofundingLine, CostLine, DepartmentalOpinion, Dossier, DossierCarrier, RegionalOpinion
from .services import carrier_role_for, clean_values

# The canonical document's shape, its empty values and its paths are the importer's (the form
# declared once, importer/form.py); the columns they map to are read from it in fields.py.
CANONICAL_KINDS = frozenset(schema.KINDS)
get_path = schema.get


def _number(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- export ---------------------------------------------------------------------------------


def export_canonical(dossier: Dossier) -> dict:
    document = schema.empty_canonical()
    for key, column in SCALAR_FIELDS.items():
        value = getattr(dossier, column)
        if column == "requested_amount_eur":
            value = _number(value)
        schema.put(document, key, value)
    schema.put(
        document, "location.department_codes", sorted(dossier.departments.values_list("code", flat=True))
    )
    schema.put(
        document,
        "carriers.organisations",
        [
            {
                "name": link.organisation.name,
                "kind": link.organisation.kind if link.organisation.kind in CANONICAL_KINDS else "other",
            }
            for link in dossier.carrier_links.select_related("organisation")
        ],
    )
    schema.put(document, "housing.mobilisation", dossier.mobilisation)
    lines = {line.kind: line for line in dossier.cost_lines.all()}
    for key, kind in MONEY_FIELDS.items():
        line = lines.get(kind)
        money = schema.empty_money()
        if line is not None:
            money = {"amount_eur": _number(line.amount_eur), "basis": line.basis, "period": line.period,
                     "text": line.text}  # fmt: skip
        schema.put(document, key, money)
    schema.put(
        document,
        "finance.cofunding",
        [
            {"funder": line.funder, "amount_eur": _number(line.amount_eur), "status": line.status}
            for line in dossier.cofunding_lines.all()
        ],
    )
    departmental = dossier.departmental_opinions.order_by("-version").first()
    document["department_opinion"] = {
        "relevance": departmental.relevance if departmental else "",
        "reproducibility": (departmental.reproducibility or None) if departmental else None,
        "conditions": departmental.conditions if departmental else "",
    }
    regional = dossier.regional_opinions.order_by("-version").first()
    document["regional_opinion"] = {
        "verdict": (regional.verdict or None) if regional else None,
        "comment": regional.comment if regional else "",
    }
    document["unmapped"] = list(dossier.unmapped or [])
    return document


# --- import ---------------------------------------------------------------------------------


def validate(document: dict) -> None:
    """Refuse a document that does not follow the schema, with a French message."""
    try:
        schema.validate_canonical(document)
    except Exception as error:  # the importer's own error or ValueError: both carry the reasons
        raise ValidationError(f"Document canonique invalide : {error}") from error


def match_or_create_organisation(name: str, kind: str) -> Organisation:
    """The one existing organisation of that name, else a new one flagged for the operator to review.

    Two organisations sharing the name (in two departments, say) are never guessed between:
    attaching the wrong one would open the dossier to strangers.
    """
    candidates = list(
        Organisation.objects.filter(name_key=organisation_name_key(name)).exclude(kind__in=STATE_KINDS)[:2]
    )
    if len(candidates) == 1:
        return candidates[0]
    return Organisation.objects.create(
        name=name.strip()[:255],
        kind=kind if kind in CANONICAL_KINDS else OrganisationKind.OTHER,
        needs_review=True,
    )


def apply_canonical(dossier: Dossier, document: dict, *, attach_carriers: bool = True) -> None:
    """Write every value of the document onto a saved dossier (its rows are replaced).

    With attach_carriers false, the carriers the document names are left as text: a carrier
    importing its own form attaches only its own organisation and invites the others.
    """
    validate(document)
    values = {}
    for key, column in SCALAR_FIELDS.items():
        value = get_path(document, key)
        if column == "requested_amount_eur":
            value = _decimal(value)
        values[column] = value
    for column, value in clean_values(values).items():
        setattr(dossier, column, value)
    mobilisation = set(get_path(document, "housing.mobilisation"))
    for key in Mobilisation.values:
        setattr(dossier, f"mobilisation_{key}", key in mobilisation)
    dossier.unmapped = list(document.get("unmapped", []))
    dossier.full_clean(exclude=["call", "created_by", "departments"], validate_unique=False)
    dossier.save()

    codes = get_path(document, "location.department_codes")
    known = set(Department.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(f"Départements inconnus : {', '.join(unknown)}.")
    dossier.departments.set(codes)

    dossier.carrier_links.all().delete()
    named_carriers = get_path(document, "carriers.organisations") if attach_carriers else []
    for position, carrier in enumerate(named_carriers):
        organisation = match_or_create_organisation(carrier["name"], carrier["kind"])
        DossierCarrier.objects.get_or_create(
            dossier=dossier,
            organisation=organisation,
            defaults={"role": carrier_role_for(organisation), "position": position},
        )

    dossier.cost_lines.all().delete()
    for key, kind in MONEY_FIELDS.items():
        money = get_path(document, key)
        if money == schema.empty_money():
            continue
        CostLine.objects.create(
            dossier=dossier,
            kind=kind,
            amount_eur=_decimal(money["amount_eur"]),
            basis=money["basis"] if money["basis"] in CostBasis.values else CostBasis.UNKNOWN,
            period=money["period"] if money["period"] in CostPeriod.values else CostPeriod.UNKNOWN,
            text=money["text"],
        )
    dossier.cofunding_lines.all().delete()
    CofundingLine.objects.bulk_create(
        [
            CofundingLine(
                dossier=dossier,
                funder=line["funder"],
                amount_eur=_decimal(line["amount_eur"]),
                status=line["status"]
                if line["status"] in CofundingStatus.values
                else CofundingStatus.UNKNOWN,
                position=position,
            )
            for position, line in enumerate(get_path(document, "finance.cofunding"))
        ]
    )

    # Opinions written on the paper form by the State services are kept as imported versions.
    departmental = document.get("department_opinion") or {}
    if departmental.get("relevance") or departmental.get("reproducibility") or departmental.get("conditions"):
        DepartmentalOpinion.objects.create(
            dossier=dossier,
            version=dossier.departmental_opinions.count() + 1,
            imported=True,
            relevance=departmental.get("relevance") or "",
            reproducibility=departmental.get("reproducibility") or "",
            conditions=departmental.get("conditions") or "",
        )
    regional = document.get("regional_opinion") or {}
    if regional.get("verdict") or regional.get("comment"):
        RegionalOpinion.objects.create(
            dossier=dossier,
            version=dossier.regional_opinions.count() + 1,
            imported=True,
            verdict=regional.get("verdict") or "",
            comment=regional.get("comment") or "",
        )
