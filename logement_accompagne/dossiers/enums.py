from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposé"
    DEPARTMENTAL_REVIEW = "departmental_review", "Instruction départementale"
    REGIONAL_REVIEW = "regional_review", "Avis régional"
    COMMITTEE = "committee", "Comité national"
    RETURNED = "returned", "À compléter"
    SELECTED = "selected", "Retenu"
    NOT_SELECTED = "not_selected", "Non retenu"
    WITHDRAWN = "withdrawn", "Retiré"


# States from which an instructor may ask the carriers to complete the dossier.
REVIEW_STATES = (Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW, Status.REGIONAL_REVIEW, Status.COMMITTEE)
FINAL_STATES = (Status.SELECTED, Status.NOT_SELECTED, Status.WITHDRAWN)
EDITABLE_STATES = (Status.DRAFT, Status.RETURNED)


class Tri(models.TextChoices):
    YES = "yes", "Oui"
    NO = "no", "Non"
    UNKNOWN = "unknown", "Non renseigné"


class CarrierRole(models.TextChoices):
    LANDLORD = "landlord", "Bailleur"
    ASSOCIATION = "association", "Association"
    OTHER = "other", "Autre"


class Mobilisation(models.TextChoices):
    NEW_SUPPLY = "new_supply", "Création d'une offre nouvelle"
    ADAPTED_EXISTING = "adapted_existing", "Aménagement de logement existant"
    EXISTING_UNADAPTED = "existing_unadapted", "Mobilisation de logements existants sans aménagement"
    LOW_RENT_RECLASSIFICATION = (
        "low_rent_reclassification",
        "Reclassement offre existante en offre à bas loyer",
    )


class CostKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Coût du diagnostic"
    SUPPORT = "support", "Coût de l'accompagnement par ménage"
    RENTAL_MANAGEMENT = "rental_management", "Coût de la gestion locative adaptée par logement"
    GLOBAL = "global", "Coût global (gestion locative adaptée + accompagnement)"


class CostBasis(models.TextChoices):
    HOUSEHOLD = "household", "par ménage"
    DWELLING = "dwelling", "par logement"
    PROJECT = "project", "pour le projet"
    UNKNOWN = "unknown", "non précisé"


class CostPeriod(models.TextChoices):
    ONCE = "once", "une fois"
    MONTH = "month", "par mois"
    YEAR = "year", "par an"
    UNKNOWN = "unknown", "non précisé"


class CofundingStatus(models.TextChoices):
    OBTAINED = "obtained", "Obtenu"
    REQUESTED = "requested", "Demandé"
    UNKNOWN = "unknown", "Non précisé"


class Reproducibility(models.TextChoices):
    LOW = "low", "Faible"
    MEDIUM = "medium", "Moyen"
    HIGH = "high", "Fort"


class Verdict(models.TextChoices):
    FAVOURABLE = "favourable", "Favorable"
    UNFAVOURABLE = "unfavourable", "Défavorable"
