"""The canonical JSON of a dossier (schema "presentation-synthetique/1"), both ways.

The same document is produced by the importer, by the JSON export and by the
API, so a dossier round-trips: import → store → export gives back the same
values. Scalar fields map one-to-one to columns (TEXT_FIELDS...); the rest
(carriers, departments, money, co-funding, opinions) are rows.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from logement_accompagne.calls.models import Call
from logement_accompagne.organisations.enums import STATE_KINDS, OrganisationKind
from logement_accompagne.organisations.models import Organisation, organisation_name_key
from logement_accompagne.territories.models import Department

from .enums import CofundingStatus, CostBasis, CostKind, CostPeriod, Mobilisation
from .models import CofundingLine, CostLine, DepartmentalOpinion, Dossier, DossierCarrier, RegionalOpinion
from .services import carrier_role_for, clean_values

SCHEMA = "presentation-synthetique/1"

# canonical dotted key → Dossier column, for every value stored as-is.
SCALAR_FIELDS = {
    "location.text": "location_text",
    "name": "name",
    "carriers.text": "carriers_text",
    "summary": "summary",
    "target_public.households": "households",
    "target_public.households_approximate": "households_approximate",
    "target_public.dalo_eligible": "dalo_eligible",
    "target_public.collective_agreements": "collective_agreements",
    "target_public.pdalpd": "pdalpd",
    "target_public.characteristics": "target_characteristics",
    "housing.mobilisation_known": "mobilisation_known",
    "housing.dwellings": "dwellings",
    "housing.dwellings_approximate": "dwellings_approximate",
    "housing.dwellings_text": "dwellings_text",
    "housing.typology": "housing_typology",
    "housing.allocation": "housing_allocation",
    "housing.location": "housing_location",
    "support.method": "support_method",
    "support.rental_management": "support_rental_management",
    "support.adhesion": "support_adhesion",
    "support.offer": "support_offer",
    "support.landlord_relation": "support_landlord_relation",
    "support.needs_fit": "support_needs_fit",
    "partnership.partners": "partners",
    "finance.overview": "finance_overview",
    "finance.cofunding_text": "cofunding_text",
    "finance.requested_amount_eur": "requested_amount_eur",
    "finance.fndollts_funded": "fndollts_funded",
    "finance.fndollts_applied": "fndollts_applied",
    "duration.text": "duration_text",
    "duration.months": "duration_months",
    "duration.renewable": "duration_renewable",
    "schedule": "schedule",
}
MONEY_FIELDS = {
    "finance.diagnostic_cost": CostKind.DIAGNOSTIC,
    "finance.support_cost": CostKind.SUPPORT,
    "finance.rental_management_cost": CostKind.RENTAL_MANAGEMENT,
    "finance.global_cost": CostKind.GLOBAL,
}
CANONICAL_KINDS = {"oph", "esh", "sem", "coop_hlm", "association", "landlord", "other"}


def empty_money() -> dict:
    return {"amount_eur": None, "basis": "unknown", "period": "unknown", "text": ""}


def get_path(document: dict, dotted: str):
    """The value at a dotted key such as \"target_public.households\"."""
    value = document
    for part in dotted.split("."):
        value = value[part]
    return value


def set_path(document: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    node = document
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _number(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- export ---------------------------------------------------------------------------------


def export_canonical(dossier: Dossier) -> dict:
    document: dict = {"schema": SCHEMA}
    for key, column in SCALAR_FIELDS.items():
        value = getattr(dossier, column)
        if column == "requested_amount_eur":
            value = _number(value)
        set_path(document, key, value)
    set_path(
        document, "location.department_codes", sorted(dossier.departments.values_list("code", flat=True))
    )
    set_path(
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
    set_path(document, "housing.mobilisation", dossier.mobilisation)
    lines = {line.kind: line for line in dossier.cost_lines.all()}
    for key, kind in MONEY_FIELDS.items():
        line = lines.get(kind)
        money = empty_money()
        if line is not None:
            money = {"amount_eur": _number(line.amount_eur), "basis": line.basis, "period": line.period,
                     "text": line.text}  # fmt: skip
        set_path(document, key, money)
    set_path(
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
    from logement_accompagne.importer import validate_canonical

    try:
        validate_canonical(document)
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
        if money == empty_money():
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


@transaction.atomic
def create_draft_from_canonical(
    canonical: dict,
    *,
    call: Call,
    created_by=None,
    original_file: tuple[str, bytes] | None = None,
    attach_carriers: bool = True,
) -> Dossier:
    """A draft dossier holding every value of an imported document, and the document itself attached."""
    from .models import Transition
    from .services import add_attachment

    dossier = Dossier.objects.create(call=call, created_by=created_by, imported=True)
    apply_canonical(dossier, canonical, attach_carriers=attach_carriers)
    Transition.objects.create(
        dossier=dossier, actor=created_by, from_status=dossier.status, to_status=dossier.status,
        comment="Créé par import d'un document" + (f" ({original_file[0]})" if original_file else ""),
    )  # fmt: skip
    if original_file is not None:
        name, content = original_file
        add_attachment(
            user=None, dossier=dossier, name=name, content=content,
            content_type=_content_type(content), description="Document d'origine importé",
        )  # fmt: skip
    return dossier


def _content_type(content: bytes) -> str:
    """What the original really is, judged by content like any attachment; unknown → opaque bytes."""
    from .attachments import Refused, detect

    try:
        return detect(content).content_type
    except Refused:
        return "application/octet-stream"
