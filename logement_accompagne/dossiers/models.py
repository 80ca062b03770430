"""The dossier ("Présentation synthétique du projet"), its review and its history.

Every field of the form is a real column so that instructors can filter on it;
cost and co-funding lines are rows. Opinions are append-only versions: a changed
opinion is a new row, earlier ones stay readable.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from logement_accompagne.calls.models import Call, RequiredDocument
from logement_accompagne.organisations.models import Organisation
from logement_accompagne.territories.models import Department

from .enums import (
    CarrierRole,
    CofundingStatus,
    CostBasis,
    CostKind,
    CostPeriod,
    Reproducibility,
    Status,
    Tri,
    Verdict,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


def tri_field(label: str) -> models.CharField:
    return models.CharField(label, max_length=8, choices=Tri.choices, default=Tri.UNKNOWN)


def text_field(label: str) -> models.TextField:
    return models.TextField(label, blank=True, default="")


class Dossier(models.Model):
    reference = models.UUIDField("référence", default=uuid.uuid4, unique=True, editable=False)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="dossiers", verbose_name="appel")
    status = models.CharField("état", max_length=32, choices=Status.choices, default=Status.DRAFT)
    returned_from_status = models.CharField(
        "état avant demande de compléments", max_length=32, choices=Status.choices, blank=True, default=""
    )
    # Optimistic locking: every save bumps it, a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who saved last: an edit refused for being stale can name the person.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    # While returned for completion: the date the carriers are asked to answer by.
    completion_due_on = models.DateField("compléments attendus pour le", null=True, blank=True)
    completion_reminded_on = models.DateField("dernier rappel envoyé le", null=True, blank=True)
    # The State agent who handles the dossier at its current level (shown in the queue).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="suivi par",
    )
    imported = models.BooleanField("importé d'un document", default=False)

    # Localisation
    location_text = text_field("Localisation du projet")
    departments = models.ManyToManyField(
        Department, blank=True, related_name="dossiers", verbose_name="départements"
    )
    name = models.CharField("Nom du projet", max_length=500, blank=True, default="")
    carriers_text = text_field("Statut et nom du ou des porteur(s) du projet")
    carriers = models.ManyToManyField(
        Organisation, through="DossierCarrier", related_name="dossiers", verbose_name="porteurs"
    )
    summary = text_field("Descriptif sommaire du projet et objectifs poursuivis")

    # Publics cibles
    households = models.PositiveIntegerField("Nombre de ménages accompagnés", null=True, blank=True)
    households_approximate = models.BooleanField("nombre de ménages approximatif", default=False)
    dalo_eligible = tri_field("Ménages éligibles au DALO")
    collective_agreements = tri_field("ou des accords collectifs")
    pdalpd = tri_field("ou relevant globalement des publics cibles du PDALPD")
    target_characteristics = text_field("Caractéristiques des publics cibles")

    # Logements
    mobilisation_new_supply = models.BooleanField("Création d'une offre nouvelle", default=False)
    mobilisation_adapted_existing = models.BooleanField("Aménagement de logement existant", default=False)
    mobilisation_existing_unadapted = models.BooleanField(
        "Mobilisation de logements existants sans aménagement", default=False
    )
    mobilisation_low_rent_reclassification = models.BooleanField(
        "Reclassement offre existante en offre à bas loyer", default=False
    )
    mobilisation_known = models.BooleanField(
        "modalités de mobilisation connues",
        default=True,
        help_text="Faux quand le document source a perdu l'état des cases.",
    )
    dwellings = models.PositiveIntegerField("Nombre de logements", null=True, blank=True)
    dwellings_approximate = models.BooleanField("nombre de logements approximatif", default=False)
    dwellings_text = text_field("Nombre de logements (tel qu'écrit)")
    housing_typology = text_field("Typologie des logements")
    housing_allocation = text_field("Modalités de réservation et d'attribution des logements")
    housing_location = text_field("Localisation de l'offre de logements accompagnés")

    # Accompagnement
    support_method = text_field("Méthodologie de réalisation de l'accompagnement")
    support_rental_management = text_field("Complémentarité avec la gestion locative")
    support_adhesion = text_field("Démarche mise en place pour favoriser l'adhésion du ménage")
    support_offer = text_field("Modalités de mobilisation de l'offre d'accompagnement existante ou nouvelle")
    support_landlord_relation = text_field("Structuration de la relation bailleur/accompagnateur")
    support_needs_fit = text_field("Adéquation du projet aux besoins spécifiques des publics ciblés")

    # Partenariat
    partners = text_field("Partenaires mobilisés")

    # Montage financier
    finance_overview = text_field("Montage financier")
    cofunding_text = text_field("Cofinancements apportés")
    requested_amount_eur = models.DecimalField(
        "montant demandé à l'appel (€)", null=True, blank=True, **MONEY
    )
    fndollts_funded = tri_field("Financement à l'investissement du FNDOLLTS")
    fndollts_applied = tri_field("Candidature à un appel à projets FNDOLLTS en cours")

    # Durée
    duration_text = text_field("Inscription de la démarche dans la durée")
    duration_months = models.PositiveSmallIntegerField("durée (mois)", null=True, blank=True)
    duration_renewable = models.BooleanField("renouvelable", default=False)
    schedule = text_field("Échéancier de la mise en œuvre du projet")

    # Passages of the source document that are neither labels, hints nor values.
    unmapped = models.JSONField("passages non rattachés", default=list, blank=True)

    class Meta:
        verbose_name = "dossier"
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                name="dossier_requested_amount_positive",
                condition=Q(requested_amount_eur__isnull=True) | Q(requested_amount_eur__gte=0),
                violation_error_message="Le montant demandé ne peut pas être négatif.",
            ),
            models.CheckConstraint(name="dossier_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(
                name="dossier_returned_has_origin",
                condition=~Q(status=Status.RETURNED) | ~Q(returned_from_status=""),
            ),
            *[
                models.CheckConstraint(
                    name=f"dossier_{field}_valid", condition=Q(**{f"{field}__in": Tri.values})
                )
                for field in (
                    "dalo_eligible",
                    "collective_agreements",
                    "pdalpd",
                    "fndollts_funded",
                    "fndollts_applied",
                )
            ],
        ]
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["status", "-updated_at"]),
            # Lists of filed dossiers: newest first without sorting the table; counts per state
            # read from the index alone (make bench, issue #9).
            models.Index(fields=["-submitted_at", "-id"], name="dossier_filed_order_idx"),
            models.Index(fields=["status", "submitted_at"], name="dossier_status_filed_idx"),
            # The committee's page: the dossiers awaiting a decision sorted by call and name from
            # the index alone, before reading the page's 50 rows.
            models.Index(
                fields=["status", "call", "name", "submitted_at"], name="dossier_committee_order_idx"
            ),
            # The version of the figures cached over filed dossiers (listing.filed_version).
            models.Index(
                fields=["-updated_at"],
                condition=Q(submitted_at__isnull=False),
                name="dossier_filed_updated_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Dossier {str(self.reference)[:8]}"

    @property
    def short_reference(self) -> str:
        return str(self.reference)[:8].upper()

    @property
    def mobilisation(self) -> list[str]:
        from .enums import Mobilisation

        return [key for key in Mobilisation.values if getattr(self, f"mobilisation_{key}")]


class DossierCarrier(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="carrier_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="carrier_links")
    role = models.CharField("rôle", max_length=16, choices=CarrierRole.choices, default=CarrierRole.OTHER)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "porteur"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                name="unique_carrier_per_dossier",
                fields=["dossier", "organisation"],
                violation_error_message="Cette organisation porte déjà ce dossier.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class CarrierInvitation(models.Model):
    """An organisation asked to co-carry a dossier. Until an administrator of that organisation
    accepts, it is not a carrier (no DossierCarrier row) and its members see nothing of the dossier."""

    class State(models.TextChoices):
        PENDING = "pending", "En attente de réponse"
        ACCEPTED = "accepted", "Acceptée"
        DECLINED = "declined", "Déclinée"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="carrier_invitations")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="carrier_invitations",
        verbose_name="organisation",
    )
    state = models.CharField("état", max_length=16, choices=State.choices, default=State.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="invitée par")  # fmt: skip
    invited_at = models.DateTimeField("invitée le", auto_now_add=True)
    # Set when the invitation comes from an imported document naming that organisation.
    from_import = models.BooleanField("proposée par un import", default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name="réponse de")  # fmt: skip
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation à co-porter"
        verbose_name_plural = "invitations à co-porter"
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                name="one_pending_invitation_per_dossier_and_organisation",
                fields=["dossier", "organisation"],
                condition=Q(state="pending"),
                violation_error_message="Cette organisation est déjà invitée sur ce dossier.",
            ),
            models.CheckConstraint(
                name="carrier_invitation_state_valid",
                condition=Q(state__in=["pending", "accepted", "declined"]),
            ),
            models.CheckConstraint(
                name="carrier_invitation_answer_recorded",
                condition=Q(state="pending") | Q(answered_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} invitée sur {self.dossier} ({self.get_state_display()})"


class CostLine(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="cost_lines")
    kind = models.CharField("poste", max_length=32, choices=CostKind.choices)
    amount_eur = models.DecimalField("montant (€)", null=True, blank=True, **MONEY)
    basis = models.CharField("assiette", max_length=16, choices=CostBasis.choices, default=CostBasis.UNKNOWN)
    period = models.CharField(
        "période", max_length=16, choices=CostPeriod.choices, default=CostPeriod.UNKNOWN
    )
    text = text_field("tel qu'écrit")

    class Meta:
        verbose_name = "ligne de coût"
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(name="one_cost_line_per_kind", fields=["dossier", "kind"]),
            models.CheckConstraint(
                name="cost_line_choices_valid",
                condition=Q(kind__in=CostKind.values)
                & Q(basis__in=CostBasis.values)
                & Q(period__in=CostPeriod.values),
            ),
            models.CheckConstraint(
                name="cost_amount_positive",
                condition=Q(amount_eur__isnull=True) | Q(amount_eur__gte=0),
                violation_error_message="Un coût ne peut pas être négatif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.amount_eur} €"


class CofundingLine(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="cofunding_lines")
    funder = models.CharField("financeur", max_length=500)
    amount_eur = models.DecimalField("montant (€)", null=True, blank=True, **MONEY)
    status = models.CharField(
        "état", max_length=16, choices=CofundingStatus.choices, default=CofundingStatus.UNKNOWN
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "ligne de cofinancement"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                name="cofunding_status_valid", condition=Q(status__in=CofundingStatus.values)
            ),
            models.CheckConstraint(
                name="cofunding_amount_positive",
                condition=Q(amount_eur__isnull=True) | Q(amount_eur__gte=0),
                violation_error_message="Un cofinancement ne peut pas être négatif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} : {self.amount_eur} €"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never reuses the user's file name: no path tricks, no collisions.
    return f"dossiers/{instance.dossier.reference}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size_bytes = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    description = models.CharField("description", max_length=255, blank=True, default="")
    # Which of the call's required documents this file is, if any.
    required_document = models.ForeignKey(
        RequiredDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name="pièce obligatoire",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Transition(models.Model):
    """One line of a dossier's history: who moved it, when, from where to where, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField("de", max_length=32, choices=Status.choices)
    to_status = models.CharField("vers", max_length=32, choices=Status.choices)
    comment = text_field("commentaire")
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "transition"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


ATTESTATION_TEXT = (
    "J'atteste sur l'honneur l'exactitude des informations de ce dossier et l'engagement des "
    "porteurs à mettre en œuvre le projet tel qu'il est décrit."
)


class Submission(models.Model):
    """One filing of the dossier (first submission or resubmission after completion):
    who attested on their honour, when, and what the dossier said at that moment, so that
    instructors see what changed from one filing to the next."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveSmallIntegerField("dépôt n°")
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="attesté par")  # fmt: skip
    attested_at = models.DateTimeField("attesté le", auto_now_add=True)
    attestation_text = models.TextField("texte de l'attestation sur l'honneur")
    snapshot = models.JSONField("contenu du dossier à ce dépôt", default=dict)

    class Meta:
        verbose_name = "dépôt"
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(name="submission_number_unique", fields=["dossier", "number"]),
            models.CheckConstraint(name="submission_attested", condition=~Q(attestation_text="")),
        ]

    def __str__(self) -> str:
        return f"Dépôt n° {self.number} — {self.dossier}"


class OpinionBase(models.Model):
    """Common to the three levels: signed, timestamped, versioned, never edited."""

    version = models.PositiveSmallIntegerField("version")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported = models.BooleanField("repris d'un document importé", default=False)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-version"]


class DepartmentalOpinion(OpinionBase):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="departmental_opinions")
    relevance = text_field("Pertinence du projet au regard des objectifs visés par l'appel à projets")
    reproducibility = models.CharField(
        "Caractère reproductible de la démarche", max_length=8, choices=Reproducibility.choices, blank=True
    )
    conditions = text_field("Conditions jugées nécessaires")

    class Meta(OpinionBase.Meta):
        verbose_name = "avis départemental"
        verbose_name_plural = "avis départementaux"
        constraints = [
            models.UniqueConstraint(name="departmental_opinion_version", fields=["dossier", "version"]),
            models.CheckConstraint(
                name="reproducibility_valid",
                condition=Q(reproducibility__in=[*Reproducibility.values, ""]),
                violation_error_message="Caractère reproductible : faible, moyen ou fort.",
            ),
        ]

    def __str__(self) -> str:
        return f"Avis départemental v{self.version} — {self.dossier}"


class RegionalOpinion(OpinionBase):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="regional_opinions")
    verdict = models.CharField("Avis global", max_length=16, choices=Verdict.choices, blank=True)
    comment = text_field("Commentaire")

    class Meta(OpinionBase.Meta):
        verbose_name = "avis régional"
        verbose_name_plural = "avis régionaux"
        constraints = [
            models.UniqueConstraint(name="regional_opinion_version", fields=["dossier", "version"]),
            models.CheckConstraint(
                name="verdict_valid",
                condition=Q(verdict__in=[*Verdict.values, ""]),
                violation_error_message="Avis global : favorable ou défavorable.",
            ),
        ]

    def __str__(self) -> str:
        return f"Avis régional v{self.version} — {self.dossier}"


class CommitteeDecision(OpinionBase):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="committee_decisions")
    selected = models.BooleanField("retenu")
    amount_granted_eur = models.DecimalField("montant accordé (€)", null=True, blank=True, **MONEY)
    # The call's cap when the decision was taken, copied so the database itself
    # can refuse a grant above it.
    cap_eur = models.DecimalField("plafond de l'appel (€)", **MONEY)
    conditions = text_field("Conditions")
    # A grant above the amount requested is a deliberate choice: its reason is kept with it.
    above_request_reason = text_field("Motif d'un montant supérieur à la demande")
    refusal_reason = text_field("Motif du refus")

    class Meta(OpinionBase.Meta):
        verbose_name = "décision du comité"
        verbose_name_plural = "décisions du comité"
        constraints = [
            models.UniqueConstraint(name="committee_decision_version", fields=["dossier", "version"]),
            models.CheckConstraint(
                name="granted_amount_within_cap",
                condition=Q(amount_granted_eur__isnull=True)
                | (Q(amount_granted_eur__gte=0) & Q(amount_granted_eur__lte=F("cap_eur"))),
                violation_error_message="Le montant accordé doit être positif et ne pas dépasser le plafond.",
            ),
            models.CheckConstraint(
                name="not_selected_has_no_amount",
                condition=Q(selected=True) | Q(amount_granted_eur__isnull=True),
                violation_error_message="Un dossier non retenu ne reçoit pas de financement.",
            ),
            models.CheckConstraint(
                name="refusal_has_a_reason",
                condition=Q(selected=True) | Q(imported=True) | ~Q(refusal_reason=""),
                violation_error_message="Un refus doit être motivé.",
            ),
        ]

    def __str__(self) -> str:
        return f"Décision du comité v{self.version} — {self.dossier}"


class PrivateNote(models.Model):
    """A note between State services about one dossier: never shown to its carriers."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField("note")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "note interne"
        verbose_name_plural = "notes internes"
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(name="private_note_not_empty", condition=~Q(body=""))]

    def __str__(self) -> str:
        return self.body[:60]


class Message(models.Model):
    """The thread between carriers and instructors about one dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("message")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "message"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
