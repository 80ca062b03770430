from django.db import models


class OrganisationKind(models.TextChoices):
    OPH = "oph", "Office public de l'habitat (OPH)"
    ESH = "esh", "Entreprise sociale pour l'habitat (ESH / SA d'HLM)"
    SEM = "sem", "Société d'économie mixte (SEM)"
    COOP_HLM = "coop_hlm", "Coopérative HLM"
    LANDLORD = "landlord", "Organisme HLM (statut non précisé)"
    ASSOCIATION = "association", "Association"
    LOCAL_AUTHORITY = "local_authority", "Collectivité territoriale"
    STATE_DEPARTMENT = "state_department", "Service départemental de l'État"
    STATE_REGION = "state_region", "Service régional de l'État"
    NATIONAL = "national", "Niveau national"
    OTHER = "other", "Autre"


LANDLORD_KINDS = (
    OrganisationKind.OPH,
    OrganisationKind.ESH,
    OrganisationKind.SEM,
    OrganisationKind.COOP_HLM,
    OrganisationKind.LANDLORD,
)
CARRIER_KINDS = (
    *LANDLORD_KINDS,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.OTHER,
)
STATE_KINDS = (OrganisationKind.STATE_DEPARTMENT, OrganisationKind.STATE_REGION, OrganisationKind.NATIONAL)


class StateService(models.TextChoices):
    """Which State service an organisation of a State kind is: names changed over the years."""

    DDCS = "ddcs", "DDCS"
    DDT = "ddt", "DDT / DDTM"
    DDETS = "ddets", "DDETS"
    DREAL = "dreal", "DREAL"
    DRJSCS = "drjscs", "DRJSCS"
    DREETS = "dreets", "DREETS"
    DHUP = "dhup", "DHUP"
    DIHAL = "dihal", "DIHAL"
    USH = "ush", "Union sociale pour l'habitat"


class Role(models.TextChoices):
    CARRIER = "carrier", "Porteur de projet"
    SUPPORT_WORKER = "support_worker", "Accompagnateur"
    DEPARTMENTAL_INSTRUCTOR = "departmental_instructor", "Instructeur départemental"
    REGIONAL_INSTRUCTOR = "regional_instructor", "Instructeur régional"
    COMMITTEE = "committee", "Comité national"
    # Declared once, before the households, memberships and grants work starts on several branches.
    ORGANISATION_ADMIN = "organisation_admin", "Administrateur de l'organisme"
    SUPPORT_MANAGER = "support_manager", "Responsable de l'accompagnement"
    SERVICE_HEAD = "service_head", "Chef de service de l'État"
