"""Vocabularies of the support of households (values stored, labels in French)."""

from django.db import models


class SupportKind(models.TextChoices):
    ACCESS = "access", "Accès au logement"
    KEEPING = "keeping", "Maintien dans le logement"
    BOTH = "both", "Accès et maintien"
    DIAGNOSTIC = "diagnostic", "Diagnostic seul"


class ReferralSource(models.TextChoices):
    DALO = "dalo", "DALO"
    SIAO = "siao", "SIAO"
    PDALPD = "pdalpd", "PDALPD"
    PREFECT_QUOTA = "prefect_quota", "Contingent préfectoral"
    LANDLORD_DETECTION = "landlord_detection", "Repérage par le bailleur"
    OTHER = "other", "Autre"


class Phase(models.IntegerChoices):
    """Ordered: a phase may only go back with a logged reason."""

    DIAGNOSTIC = 10, "Diagnostic"
    PLAN = 20, "Plan d'accompagnement"
    PREPARATION = 30, "Préparation de l'entrée"
    INSTALLATION = 40, "Installation"
    FOLLOW_UP = 50, "Suivi dans le logement"


class Intensity(models.TextChoices):
    LIGHT = "light", "Léger"
    MEDIUM = "medium", "Moyen"
    STRONG = "strong", "Renforcé"


class EndReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", "Objectifs atteints"
    NO_MEASURE = "no_measure", "Non lieu à mesure"
    REFUSED = "refused", "Refus ou abandon du ménage"
    LOST_CONTACT = "lost_contact", "Perte de contact"
    LEFT_AREA = "left_area", "Départ du territoire"
    DECEASED = "deceased", "Décès"
    OTHER = "other", "Autre"


class Destination(models.TextChoices):
    KEPT_OWN_LEASE = "kept_own_lease", "Maintien dans le logement, bail à son nom"
    LEASE_TRANSFERRED = "lease_transferred", "Bail glissé au nom du ménage"
    SOCIAL_HOUSING = "social_housing", "Relogé dans le parc social"
    PRIVATE_HOUSING = "private_housing", "Logement privé"
    SHELTER = "shelter", "Hébergement, logement temporaire"
    INSTITUTION = "institution", "Établissement (santé, médico-social, justice)"
    STREET = "street", "Rue"
    LOST_CONTACT = "lost_contact", "Perdu de vue"
    DECEASED = "deceased", "Décédé"
    OTHER = "other", "Autre"


# Permanent housing (HUD's "permanent" group): what "relogé" / "maintenu" counts.
HOUSED_DESTINATIONS = (
    Destination.KEPT_OWN_LEASE,
    Destination.LEASE_TRANSFERRED,
    Destination.SOCIAL_HOUSING,
    Destination.PRIVATE_HOUSING,
)
# Relocation rate (taux de relogement): a dwelling of one's own at the end.
RELOCATED_DESTINATIONS = (
    Destination.LEASE_TRANSFERRED,
    Destination.SOCIAL_HOUSING,
    Destination.PRIVATE_HOUSING,
)
# Still in the dwelling the support was about (an eviction avoided when a procedure had started).
STAYED_DESTINATIONS = (Destination.KEPT_OWN_LEASE, Destination.LEASE_TRANSFERRED)


class ResourcesCategory(models.TextChoices):
    WORK = "work", "Revenus d'activité"
    MINIMUM_BENEFITS = "minimum_benefits", "Minima sociaux"
    OTHER_BENEFITS = "other_benefits", "Autres prestations, pensions"
    NONE = "none", "Sans ressources"
    UNKNOWN = "unknown", "Non renseigné"


class HeadOfHousehold(models.TextChoices):
    SINGLE_WOMAN = "single_woman", "Femme seule"
    SINGLE_MAN = "single_man", "Homme seul"
    COUPLE = "couple", "Couple"
    OTHER = "other", "Autre"


class CompositionBand(models.TextChoices):
    """What the pseudonymous snapshot keeps of the composition."""

    SINGLE = "single", "Personne seule"
    SINGLE_PARENT = "single_parent", "Famille monoparentale"
    COUPLE = "couple", "Couple sans enfant"
    COUPLE_WITH_CHILDREN = "couple_children", "Couple avec enfant(s)"
    OTHER = "other", "Autre"
    UNKNOWN = "unknown", "Non renseigné"


class Need(models.TextChoices):
    NONE = "none", "Pas de besoin"
    SOME = "some", "Besoin identifié"
    PRIORITY = "priority", "Besoin prioritaire"


class ObjectiveStatus(models.TextChoices):
    TODO = "todo", "À faire"
    IN_PROGRESS = "in_progress", "En cours"
    REACHED = "reached", "Atteint"
    DROPPED = "dropped", "Abandonné"


class ContactKind(models.TextChoices):
    ATTEMPT = "attempt", "Tentative de contact (aller-vers)"
    INTERVIEW = "interview", "Entretien"
    REVIEW = "review", "Bilan d'étape"
    JOINT_MEETING = "joint_meeting", "Rencontre avec le bailleur"
    STEP = "step", "Démarche pour le ménage"


class Channel(models.TextChoices):
    PHONE = "phone", "Téléphone"
    SMS_EMAIL = "sms_email", "SMS ou courriel"
    LETTER = "letter", "Courrier"
    HOME_VISIT = "home_visit", "Visite à domicile"
    OFFICE = "office", "Rendez-vous au bureau"
    LANDLORD_OFFICE = "landlord_office", "Chez le bailleur"
    OTHER = "other", "Autre"


class ContactResult(models.TextChoices):
    REACHED = "reached", "Ménage rencontré / joint"
    NOT_REACHED = "not_reached", "Ménage non joint"


class DwellingType(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5 et plus"


class LeaseKind(models.TextChoices):
    DIRECT = "direct", "Bail direct"
    SUBLET = "sublet", "Sous-location par l'association"
    SLIDING = "sliding", "Bail glissant"


class TenancyChange(models.TextChoices):
    MOVE_IN = "move_in", "Entrée dans le logement"
    LEASE_TRANSFER = "lease_transfer", "Glissement du bail"
    RENT_CHANGE = "rent_change", "Changement de loyer"
    NEW_DWELLING = "new_dwelling", "Changement de logement"
    KNOWN_AT_REFERRAL = "known", "Situation à l'orientation"


class ArrearsStep(models.TextChoices):
    """Dated steps of an arrears case: the procedure stages (ordered) and the other measures."""

    FORMAL_NOTICE = "formal_notice", "Commandement de payer"
    SUMMONS = "summons", "Assignation"
    JUDGMENT = "judgment", "Jugement, résiliation du bail"
    ORDER_TO_LEAVE = "order_to_leave", "Commandement de quitter les lieux"
    POLICE_ASSISTANCE = "police_assistance", "Concours de la force publique"
    EVICTED = "evicted", "Expulsion effective"
    COHESION_PROTOCOL = "cohesion_protocol", "Protocole de cohésion sociale signé"
    REPAYMENT_PLAN = "repayment_plan", "Plan d'apurement signé"
    FSL_REQUESTED = "fsl_requested", "Demande FSL"
    FSL_GRANTED = "fsl_granted", "Aide FSL accordée"
    FSL_REFUSED = "fsl_refused", "Aide FSL refusée"
    HOUSING_BENEFIT_MAINTAINED = "hb_maintained", "Aide au logement maintenue"
    HOUSING_BENEFIT_SUSPENDED = "hb_suspended", "Aide au logement suspendue"
    CCAPEX_REFERRAL = "ccapex", "Saisine de la CCAPEX"


PROCEDURE_STAGES = (
    ArrearsStep.FORMAL_NOTICE,
    ArrearsStep.SUMMONS,
    ArrearsStep.JUDGMENT,
    ArrearsStep.ORDER_TO_LEAVE,
    ArrearsStep.POLICE_ASSISTANCE,
    ArrearsStep.EVICTED,
    ArrearsStep.COHESION_PROTOCOL,
)
