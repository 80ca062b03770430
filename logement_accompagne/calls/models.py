"""Calls for projects (editions): each has its own dates, envelope, cap and target."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Call(models.Model):
    slug = models.SlugField("identifiant", unique=True, max_length=64)
    title = models.CharField("intitulé", max_length=255)
    year = models.PositiveSmallIntegerField("année")
    opens_on = models.DateField("ouverture des candidatures")
    closes_on = models.DateField("clôture des candidatures")
    envelope_eur = models.DecimalField("enveloppe (€)", max_digits=14, decimal_places=2)
    project_cap_eur = models.DecimalField("plafond par projet (€)", max_digits=12, decimal_places=2)
    min_duration_months = models.PositiveSmallIntegerField("durée minimale (mois)", default=12)
    max_duration_months = models.PositiveSmallIntegerField("durée maximale (mois)", default=36)
    national_target = models.PositiveIntegerField("objectif national (logements / ménages)", default=10000)

    class Meta:
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                name="call_dates_ordered",
                condition=Q(closes_on__gte=F("opens_on")),
                violation_error_message="La clôture doit suivre l'ouverture.",
            ),
            models.CheckConstraint(
                name="call_amounts_positive",
                condition=Q(envelope_eur__gte=0) & Q(project_cap_eur__gte=0),
                violation_error_message="Les montants ne peuvent pas être négatifs.",
            ),
            models.CheckConstraint(
                name="call_cap_within_envelope",
                condition=Q(project_cap_eur__lte=F("envelope_eur")),
                violation_error_message="Le plafond par projet dépasse l'enveloppe.",
            ),
            models.CheckConstraint(
                name="call_durations_ordered",
                condition=Q(min_duration_months__lte=F("max_duration_months")),
                violation_error_message="La durée minimale dépasse la durée maximale.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.opens_on <= day <= self.closes_on


class RequiredDocument(models.Model):
    """A document every dossier of the call must carry to be filed (statuts, budget prévisionnel...)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    label = models.CharField("pièce obligatoire", max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "pièce obligatoire"
        verbose_name_plural = "pièces obligatoires"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                name="required_document_label_unique_per_call",
                fields=["call", "label"],
                violation_error_message="Cette pièce figure déjà dans la liste de l'appel.",
            ),
            models.CheckConstraint(name="required_document_label_not_empty", condition=~Q(label="")),
        ]

    def __str__(self) -> str:
        return self.label
