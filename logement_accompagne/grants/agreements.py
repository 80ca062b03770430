"""Agreements (conventions), their versions (amendments), payment tranches and reports.

An agreement follows a committee decision selecting a dossier. Its terms live in versions: version 1
is the convention, each later version an amendment (avenant); a version is in force once both sides
signed it on the platform (the carrier's organisation administrator and the State's departmental
service head). The amount in force and the money paid sit on the agreement row, so that the database
itself refuses a payment above the grant (``agreement_paid_within_amount``); the services check the
same rule under a row lock and say it in French.

Reports: the six-month review (number 0) and the yearly reports (1, 2, ...) with due dates derived
from the version in force (start + 6 months, then start + 12, 24, ... months up to the end).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from logement_accompagne.dossiers.models import CommitteeDecision, Dossier
from logement_accompagne.organisations.models import Organisation

MONEY = {"max_digits": 12, "decimal_places": 2}


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    REQUESTED = "requested", "Demandée"
    PAID = "paid", "Versée"


class ReportKind(models.TextChoices):
    SIX_MONTH = "six_month", "Bilan à six mois"
    YEARLY = "yearly", "Rapport annuel"


class ReportStatus(models.TextChoices):
    DUE = "due", "À déposer"
    FILED = "filed", "Déposé"
    MORE_REQUESTED = "more_requested", "Compléments demandés"
    VALIDATED = "validated", "Validé"


class Agreement(models.Model):
    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="agreement", verbose_name="dossier"
    )
    decision = models.ForeignKey(
        CommitteeDecision, on_delete=models.PROTECT, related_name="+", verbose_name="décision du comité"
    )
    # The terms of the version in force (of version 1 while nothing is signed yet).
    amount_eur = models.DecimalField("montant de la convention (€)", **MONEY)
    starts_on = models.DateField("début")
    duration_months = models.PositiveSmallIntegerField("durée (mois)")
    in_force_version = models.PositiveSmallIntegerField("version en vigueur", null=True, blank=True)
    # Sum of the tranches paid, kept in the same transaction as each payment: the database compares it
    # with the amount in force.
    paid_eur = models.DecimalField("montant versé (€)", default=0, **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "convention"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="agreement_amount_positive",
                condition=Q(amount_eur__gt=0),
                violation_error_message="Le montant de la convention doit être positif.",
            ),
            models.CheckConstraint(
                name="agreement_duration_positive",
                condition=Q(duration_months__gt=0),
                violation_error_message="La durée de la convention doit être d'au moins un mois.",
            ),
            models.CheckConstraint(
                name="agreement_paid_within_amount",
                condition=Q(paid_eur__gte=0) & Q(paid_eur__lte=F("amount_eur")),
                violation_error_message="Les sommes versées ne peuvent pas dépasser le montant accordé.",
            ),
        ]

    def __str__(self) -> str:
        return f"Convention — {self.dossier}"

    @property
    def remaining_eur(self):
        return self.amount_eur - self.paid_eur


class AgreementVersion(models.Model):
    """The terms as signed: version 1 is the convention, the next ones amendments (avenants)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField("version")
    amount_eur = models.DecimalField("montant (€)", **MONEY)
    starts_on = models.DateField("date de début")
    duration_months = models.PositiveSmallIntegerField("durée (mois)")
    # The commitments copied from the dossier when the version was drawn up.
    households = models.PositiveIntegerField("ménages accompagnés (engagement)", null=True, blank=True)
    dwellings = models.PositiveIntegerField("logements mobilisés (engagement)", null=True, blank=True)
    partners = models.TextField("partenaires mobilisés", blank=True, default="")
    costs = models.JSONField("coûts", default=list, blank=True)
    cofunding = models.JSONField("cofinancements", default=list, blank=True)
    conditions = models.TextField("conditions", blank=True, default="")
    reason = models.TextField("objet de l'avenant", blank=True, default="")
    # The payment schedule when the version came into force (the history of the tranches).
    schedule = models.JSONField("échéancier signé", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    carrier_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="signée pour le porteur par",
    )  # fmt: skip
    carrier_signed_at = models.DateTimeField("signée pour le porteur le", null=True, blank=True)
    carrier_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="signée pour l'État par",
    )  # fmt: skip
    state_signed_at = models.DateTimeField("signée pour l'État le", null=True, blank=True)
    state_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "version de la convention"
        verbose_name_plural = "versions de la convention"
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(name="agreement_version_number", fields=["agreement", "number"]),
            # One version waiting for signatures at a time.
            models.UniqueConstraint(
                name="one_unsigned_agreement_version",
                fields=["agreement"],
                condition=Q(carrier_signed_at__isnull=True) | Q(state_signed_at__isnull=True),
                violation_error_message="Une version de la convention attend déjà les signatures.",
            ),
            models.CheckConstraint(name="agreement_version_amount_positive", condition=Q(amount_eur__gt=0)),
            models.CheckConstraint(
                name="agreement_version_duration_positive", condition=Q(duration_months__gt=0)
            ),
            models.CheckConstraint(
                name="amendment_has_a_reason",
                condition=Q(number=1) | ~Q(reason=""),
                violation_error_message="Un avenant doit dire ce qu'il change.",
            ),
            models.CheckConstraint(
                name="carrier_signature_complete",
                condition=Q(carrier_signed_at__isnull=True, carrier_signed_by__isnull=True)
                | Q(carrier_signed_at__isnull=False, carrier_signed_by__isnull=False),
            ),
            models.CheckConstraint(
                name="state_signature_complete",
                condition=Q(state_signed_at__isnull=True, state_signed_by__isnull=True)
                | Q(state_signed_at__isnull=False, state_signed_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return "Convention initiale" if self.number == 1 else f"Avenant n° {self.number - 1}"

    @property
    def is_amendment(self) -> bool:
        return self.number > 1

    @property
    def signed(self) -> bool:
        return self.carrier_signed_at is not None and self.state_signed_at is not None


class Report(models.Model):
    """The six-month review (number 0) or a yearly report (number n, at start + n years)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveSmallIntegerField("numéro")
    kind = models.CharField("nature", max_length=16, choices=ReportKind.choices)
    period_start = models.DateField("période du")
    period_end = models.DateField("au")
    due_on = models.DateField("à déposer le")
    status = models.CharField("état", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DUE)
    # What the carrier declares (pre-filled from the records), and what it was compared with.
    households_accompanied = models.PositiveIntegerField("ménages accompagnés", null=True, blank=True)
    diagnostics = models.PositiveIntegerField("diagnostics réalisés", null=True, blank=True)
    dwellings = models.PositiveIntegerField("logements mobilisés", null=True, blank=True)
    narrative = models.TextField("bilan de l'action", blank=True, default="")
    variance_explanation = models.TextField("explication des écarts", blank=True, default="")
    comparison = models.JSONField("engagements et constats au dépôt", default=dict, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField("déposé le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("instruit le", null=True, blank=True)
    review_comment = models.TextField("observations du service", blank=True, default="")
    reminded_on = models.DateField("rappel avant échéance envoyé le", null=True, blank=True)
    late_reminded_on = models.DateField("dernier rappel de retard envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "rapport"
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(name="report_number_per_agreement", fields=["agreement", "number"]),
            models.CheckConstraint(name="report_kind_valid", condition=Q(kind__in=ReportKind.values)),
            models.CheckConstraint(name="report_status_valid", condition=Q(status__in=ReportStatus.values)),
            models.CheckConstraint(
                name="report_six_month_is_number_zero",
                condition=Q(kind=ReportKind.SIX_MONTH, number=0) | Q(kind=ReportKind.YEARLY, number__gt=0),
            ),
            models.CheckConstraint(
                name="report_period_ordered", condition=Q(period_end__gt=F("period_start"))
            ),
            models.CheckConstraint(
                name="report_filed_has_author",
                condition=Q(status=ReportStatus.DUE) | Q(filed_at__isnull=False, filed_by__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="report_status_due_idx")]

    def __str__(self) -> str:
        label = (
            "Bilan à six mois" if self.kind == ReportKind.SIX_MONTH else f"Rapport annuel n° {self.number}"
        )
        return f"{label} — {self.agreement.dossier}"

    @property
    def title(self) -> str:
        return "Bilan à six mois" if self.kind == ReportKind.SIX_MONTH else f"Rapport annuel n° {self.number}"


class Tranche(models.Model):
    """One payment of the grant: planned, requested by the carrier, then paid by the State."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="tranches")
    position = models.PositiveSmallIntegerField("n°")
    label = models.CharField("libellé", max_length=200)
    due_on = models.DateField("date prévue")
    amount_eur = models.DecimalField("montant (€)", **MONEY)
    status = models.CharField(
        "état", max_length=16, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED
    )
    # A tranche paid on a validated report (the balance after the six-month review, say): the report's
    # number (0 = six-month review, n = yearly report n), since tranches are planned before the reports
    # exist (reports are scheduled when the agreement comes into force).
    after_report = models.PositiveSmallIntegerField(
        "versée après validation du rapport n°", null=True, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField("demandée le", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField("versée le", null=True, blank=True)

    class Meta:
        verbose_name = "tranche de paiement"
        verbose_name_plural = "tranches de paiement"
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(name="tranche_position_per_agreement", fields=["agreement", "position"]),
            models.CheckConstraint(
                name="tranche_amount_positive",
                condition=Q(amount_eur__gt=0),
                violation_error_message="Le montant d'une tranche doit être positif.",
            ),
            models.CheckConstraint(name="tranche_status_valid", condition=Q(status__in=TrancheStatus.values)),
            models.CheckConstraint(
                name="tranche_paid_has_date",
                condition=~Q(status=TrancheStatus.PAID) | Q(paid_on__isnull=False, paid_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Tranche {self.position} — {self.label}"
