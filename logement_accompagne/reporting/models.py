"""Exports produced in the background (beyond a size), kept for their requester only."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Export(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "En préparation"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec"

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(
        "format", max_length=8, choices=[("csv", "CSV"), ("xlsx", "XLSX"), ("ods", "ODS")]
    )
    columns = models.JSONField("colonnes", default=list)
    filters = models.JSONField("filtres", default=dict)
    state = models.CharField("état", max_length=16, choices=State.choices, default=State.PENDING)
    file = models.FileField(upload_to="exports/", blank=True, max_length=255)
    rows = models.PositiveIntegerField("lignes", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "export"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="export_format_valid", condition=Q(format__in=["csv", "xlsx", "ods"])
            ),
            models.CheckConstraint(name="export_ready_has_file", condition=~Q(state="ready") | ~Q(file="")),
        ]

    def __str__(self) -> str:
        return f"Export {self.format} du {self.created_at:%d/%m/%Y %H:%M}"


class PublicationConsent(models.Model):
    """The carrier's agreement to show its selected project in the public catalogue of practices.

    One record per dossier: given (by whom, when), and withdrawn when ``withdrawn_at`` is set; giving
    it again clears the withdrawal. The catalogue shows a selected dossier only while it is given.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="publication_consent",
        verbose_name="dossier",
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="donné par"
    )
    given_at = models.DateTimeField("donné le")
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)

    class Meta:
        verbose_name = "accord de publication"
        verbose_name_plural = "accords de publication"

    def __str__(self) -> str:
        return f"Accord de publication — {self.dossier}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class ApiToken(models.Model):
    """A bearer token of the read API, issued to an organisation by its administrator.

    Only the SHA-256 of the token is stored: the token itself is shown once, at creation.
    The token acts as its organisation (the same scoped reads as the pages), never more.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField("libellé", max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField("début du jeton", max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
