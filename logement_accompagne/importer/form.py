"""The « Présentation synthétique du projet » form, declared once: its sections and its fields.

Each field says where it sits on the paper form (section, and its place by its order here), the
form's own French label and hint, where its value goes in the canonical JSON
("presentation-synthetique/1") and of what type it is. Everything else reads this declaration:
the importer's empty document and validator (``schema``), and above it the dossier's editor
sections, its editable columns, the canonical JSON both ways, the import review and the dossier
page. The dossier's model columns are checked against it by a test (tests/dossiers/test_fields.py).

Pure Python, at the ground floor: the importer may not import the dossiers app, the dossiers app
may import this.

Types:
``line`` (one line of text), ``text`` (several lines), ``count`` (a whole number or nothing),
``flag`` (true/false), ``tri`` (yes / no / unknown), ``amount`` (euros or nothing), ``months``,
``departments`` (INSEE codes), ``mobilisation`` (boxes stored as one column each),
``organisations`` (the carriers named), ``money`` (a cost line), ``cofunding`` (co-funding lines).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    slug: str
    title: str


@dataclass(frozen=True)
class Field:
    """One field of the form.

    ``name``: the dossier's column (or, for values kept in rows or several columns, the name the
    editor uses). ``shown``: False for a value the platform keeps but nobody types in (whether
    the boxes of the source document were readable).
    """

    name: str
    section: str
    label: str
    path: str
    type: str
    help: str = ""
    shown: bool = True

    @property
    def is_column(self) -> bool:
        """Stored as-is in one column of the dossier (a « scalar » of the canonical JSON)."""
        return self.type in SCALAR_TYPES


SCALAR_TYPES = frozenset({"line", "text", "count", "flag", "tri", "amount", "months"})

MOBILISATION_OPTIONS = ("new_supply", "adapted_existing", "existing_unadapted", "low_rent_reclassification")
MONEY_KINDS = ("diagnostic", "support", "rental_management", "global")

SECTIONS = (
    Section("localisation", "Localisation et porteurs"),
    Section("publics", "Publics cibles"),
    Section("logements", "Logements"),
    Section("accompagnement", "Accompagnement"),
    Section("partenariat", "Partenariat"),
    Section("financement", "Montage financier"),
    Section("duree", "Durée"),
    Section("echeancier", "Échéancier"),
)

_ = Field  # the table below reads better with short lines
FIELDS = (
    # Localisation et porteurs
    _("location_text", "localisation", "Localisation du projet", "location.text", "text",
      "Commune(s), quartier(s), département."),
    _("departments", "localisation", "Département(s) du projet", "location.department_codes", "departments",
      "Le dossier est instruit par le service de l'État de ce ou ces départements. "
      "Cochez-en un ou plusieurs."),
    _("name", "localisation", "Nom du projet", "name", "line"),
    _("carriers_text", "localisation", "Statut et nom du ou des porteur(s) du projet", "carriers.text", "text",
      "Par exemple : OPH de …, association …"),
    _("carriers", "localisation", "Organisations porteuses", "carriers.organisations", "organisations",
      shown=False),
    _("summary", "localisation", "Descriptif sommaire du projet et objectifs poursuivis", "summary", "text"),
    # Publics cibles
    _("households", "publics", "Nombre de ménages accompagnés", "target_public.households", "count",
      "Un nombre entier."),
    _("households_approximate", "publics", "Ce nombre de ménages est une estimation",
      "target_public.households_approximate", "flag"),
    _("dalo_eligible", "publics", "Ménages éligibles au DALO", "target_public.dalo_eligible", "tri"),
    _("collective_agreements", "publics", "Ménages relevant des accords collectifs",
      "target_public.collective_agreements", "tri"),
    _("pdalpd", "publics", "Ménages relevant globalement des publics cibles du PDALPD", "target_public.pdalpd",
      "tri"),
    _("target_characteristics", "publics", "Caractéristiques des publics cibles",
      "target_public.characteristics", "text",
      "Typologie des ménages, problématiques rencontrées, ressources."),
    # Logements
    _("mobilisation", "logements", "Modalités de mobilisation des logements", "housing.mobilisation",
      "mobilisation", "Cochez toutes les modalités prévues."),
    _("mobilisation_known", "logements", "État des cases de mobilisation connu", "housing.mobilisation_known",
      "flag", "Décoché quand le document d'origine a perdu l'état des cases.", shown=False),
    _("dwellings", "logements", "Nombre de logements", "housing.dwellings", "count", "Un nombre entier."),
    _("dwellings_approximate", "logements", "Ce nombre de logements est une estimation",
      "housing.dwellings_approximate", "flag"),
    _("dwellings_text", "logements", "Précisions sur le nombre de logements", "housing.dwellings_text", "text",
      "Par exemple « selon les besoins », ou la raison pour laquelle aucune modalité n'est cochée."),
    _("housing_typology", "logements", "Typologie des logements", "housing.typology", "text"),
    _("housing_allocation", "logements", "Modalités de réservation et d'attribution des logements",
      "housing.allocation", "text"),
    _("housing_location", "logements", "Localisation de l'offre de logements accompagnés", "housing.location",
      "text"),
    # Accompagnement
    _("support_method", "accompagnement", "Méthodologie de réalisation de l'accompagnement", "support.method",
      "text", "Étendue de l'accompagnement, méthodes (l'aller vers…), durée et adaptabilité."),
    _("support_rental_management", "accompagnement", "Complémentarité avec la gestion locative",
      "support.rental_management", "text", "Type de gestion locative : classique ou adaptée."),
    _("support_adhesion", "accompagnement", "Démarche mise en place pour favoriser l'adhésion du ménage",
      "support.adhesion", "text"),
    _("support_offer", "accompagnement",
      "Modalités de mobilisation de l'offre d'accompagnement existante ou nouvelle", "support.offer", "text"),
    _("support_landlord_relation", "accompagnement", "Structuration de la relation bailleur / accompagnateur",
      "support.landlord_relation", "text"),
    _("support_needs_fit", "accompagnement",
      "Adéquation du projet aux besoins spécifiques des publics ciblés par le projet", "support.needs_fit",
      "text"),
    # Partenariat
    _("partners", "partenariat", "Partenaires mobilisés", "partnership.partners", "text",
      "Exemples : collectivités territoriales, SIAO, associations, coordination entre les organismes…"),
    # Montage financier
    _("finance_overview", "financement", "Montage financier", "finance.overview", "text",
      "Description synthétique du plan de financement et de sa solidité financière."),
    _("diagnostic", "financement", "Coût du diagnostic", "finance.diagnostic_cost", "money"),
    _("support", "financement", "Coût de l'accompagnement par ménage", "finance.support_cost", "money"),
    _("rental_management", "financement", "Coût de la gestion locative adaptée par logement",
      "finance.rental_management_cost", "money"),
    _("global", "financement", "Coût global (gestion locative adaptée + accompagnement)",
      "finance.global_cost", "money"),
    _("cofunding_text", "financement", "Cofinancements apportés (présentation)", "finance.cofunding_text",
      "text", "Apports du conseil départemental, des collectivités territoriales, EPCI et de l'État."),
    _("cofunding", "financement", "Cofinancements apportés", "finance.cofunding", "cofunding", shown=False),
    _("requested_amount_eur", "financement", "Montant demandé à l'appel à projets (en euros)",
      "finance.requested_amount_eur", "amount"),
    _("fndollts_funded", "financement", "Projet bénéficiant d'un financement à l'investissement du FNDOLLTS",
      "finance.fndollts_funded", "tri"),
    _("fndollts_applied", "financement", "Projet ayant candidaté à un appel à projets FNDOLLTS en cours",
      "finance.fndollts_applied", "tri"),
    # Durée
    _("duration_text", "duree", "Inscription de la démarche dans la durée", "duration.text", "text",
      "Les engagements du porteur portent sur une durée de…"),
    _("duration_months", "duree", "Durée des engagements, en mois", "duration.months", "months"),
    _("duration_renewable", "duree", "Engagement renouvelable", "duration.renewable", "flag"),
    # Échéancier
    _("schedule", "echeancier", "Échéancier de la mise en œuvre du projet", "schedule", "text",
      "Étapes et dates prévues."),
)  # fmt: skip
del _

FIELD_BY_NAME = {field.name: field for field in FIELDS}
FIELD_BY_PATH = {field.path: field for field in FIELDS}


def fields_of(section_slug: str) -> tuple[Field, ...]:
    """The fields of one section, in the paper form's order."""
    return tuple(field for field in FIELDS if field.section == section_slug)


def scalar_fields() -> tuple[Field, ...]:
    """The fields kept as-is in one dossier column, in the paper form's order."""
    return tuple(field for field in FIELDS if field.is_column)


def mobilisation_columns() -> tuple[str, ...]:
    """The dossier's columns of the mobilisation boxes, one per option."""
    return tuple(f"mobilisation_{option}" for option in MOBILISATION_OPTIONS)


def columns_of(field: Field) -> tuple[str, ...]:
    """The dossier columns a field is stored in (none for values kept in rows)."""
    if field.is_column:
        return (field.name,)
    if field.type == "mobilisation":
        return mobilisation_columns()
    return ()


def label_of(name: str) -> str:
    """The form's label of a field."""
    return FIELD_BY_NAME[name].label
