"""Committee sessions (issue #12, item 1): a dated meeting of the national committee, who sat, and
the decisions it proposed on the dossiers of its agenda, then recorded one by one or confirmed
together. The decision itself stays a ``dossiers.CommitteeDecision`` (taken by
``dossiers.services.decide``); a proposal only says what the session means to decide and, once
recorded, which decision it became."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format

from logement_accompagne.dossiers.models import MONEY, CommitteeDecision, Dossier


class CommitteeSession(models.Model):
    reference = models.UUIDField("référence", default=uuid.uuid4, unique=True, editable=False)
    held_on = models.DateField("date de la séance")
    members_present = models.TextField("membres présents", help_text="Un nom par ligne, avec la qualité.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "séance du comité"
        verbose_name_plural = "séances du comité"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="committee_session_has_members",
                condition=~Q(members_present=""),
                violation_error_message="Indiquez les membres présents.",
            )
        ]

    def __str__(self) -> str:
        return f"Séance du comité du {date_format(self.held_on, 'j F Y')}"

    @property
    def members(self) -> list[str]:
        return [line.strip() for line in self.members_present.splitlines() if line.strip()]


class ProposedDecision(models.Model):
    """What a session proposes for one dossier; ``decision`` is set once it is recorded."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.CASCADE, related_name="proposals")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="session_proposals")
    selected = models.BooleanField("retenu")
    amount_eur = models.DecimalField("montant proposé (€)", null=True, blank=True, **MONEY)
    conditions = models.TextField("conditions", blank=True, default="")
    above_request_reason = models.TextField(
        "motif d'un montant supérieur à la demande", blank=True, default=""
    )
    refusal_reason = models.TextField("motif du refus", blank=True, default="")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now=True)
    decision = models.OneToOneField(
        CommitteeDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="session_proposal"
    )

    class Meta:
        verbose_name = "décision proposée en séance"
        verbose_name_plural = "décisions proposées en séance"
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                name="one_proposal_per_dossier_and_session", fields=["session", "dossier"]
            ),
            models.CheckConstraint(
                name="proposal_amount_only_when_selected",
                condition=(Q(selected=True) & Q(amount_eur__gt=0))
                | (Q(selected=False) & Q(amount_eur__isnull=True)),
                violation_error_message="Un projet retenu a un montant positif ; un projet non retenu n'en a pas.",
            ),
            models.CheckConstraint(
                name="proposal_refusal_has_a_reason",
                condition=Q(selected=True) | ~Q(refusal_reason=""),
                violation_error_message="Un refus doit être motivé.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} — {self.dossier}"
