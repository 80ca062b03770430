"""The sections of the "Présentation synthétique du projet" form, in the form's order.

Used by the carrier's section-by-section editor, the completeness panel (which
links to the section of each missing field) and the instructor's dossier page.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]


SECTIONS = (
    Section(
        "localisation", "Localisation et porteurs", ("name", "location_text", "carriers_text", "summary")
    ),
    Section(
        "publics",
        "Publics cibles",
        (
            "households",
            "households_approximate",
            "dalo_eligible",
            "collective_agreements",
            "pdalpd",
            "target_characteristics",
        ),
    ),  # fmt: skip
    Section(
        "logements",
        "Logements",
        (
            "mobilisation_new_supply",
            "mobilisation_adapted_existing",
            "mobilisation_existing_unadapted",
            "mobilisation_low_rent_reclassification",
            "dwellings",
            "dwellings_approximate",
            "dwellings_text",
            "housing_typology",
            "housing_allocation",
            "housing_location",
        ),
    ),  # fmt: skip
    Section(
        "accompagnement",
        "Accompagnement",
        (
            "support_method",
            "support_rental_management",
            "support_adhesion",
            "support_offer",
            "support_landlord_relation",
            "support_needs_fit",
        ),
    ),  # fmt: skip
    Section("partenariat", "Partenariat", ("partners",)),
    Section(
        "financement",
        "Montage financier",
        ("finance_overview", "cofunding_text", "requested_amount_eur", "fndollts_funded", "fndollts_applied"),
    ),
    Section("duree", "Durée", ("duration_text", "duration_months", "duration_renewable")),
    Section("echeancier", "Échéancier", ("schedule",)),
)
SECTION_BY_SLUG = {section.slug: section for section in SECTIONS}
SECTION_OF_FIELD = {name: section.slug for section in SECTIONS for name in section.fields}
