"""The security journal: append-only records of who did what, kept in the database.

- `FieldChange`: one row per field changed on a record (a dossier): who, when, before, after.
- `ReadEntry`: one row per read of something sensitive (a dossier, an attachment, a household's
  personal data): who, when, what (type and id), and the household concerned when there is one.
- `PasswordResetRequest`: every password-reset request (address, client IP), so that resets can be
  throttled across every server process without a shared cache.

Append-only: the models refuse to update or delete an entry (and so does the queryset); on
PostgreSQL a trigger refuses UPDATE and DELETE on the journal tables as well. The person is kept
(PROTECT: an account with a history is deactivated, not deleted) and their address copied at the
time, so the journal still says who even if the address changes.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AppendOnly(Exception):
    """An attempt to change or remove a journal entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Le journal de sécurité ne se modifie pas.")

    def delete(self):
        raise AppendOnly("Le journal de sécurité ne se supprime pas.")


class JournalEntry(models.Model):
    # The journal names its actor by key and by address (kept as written): no database constraint
    # on the account (PROTECT still stops Django deleting one with entries) and no index of the key
    # alone (the (actor, at) index serves every lookup by actor). A list page journals fifty reads
    # at once: the constraint's fifty checks at commit cost its INSERT a quarter more on PostgreSQL
    # (pgbench, 50 entries: 1.1-1.25 ms without, 1.4-1.7 ms with; the lone index: no measurable
    # cost, only its space; issue #9).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="personne",
        db_constraint=False,
        db_index=False,
    )
    actor_email = models.CharField("adresse de la personne", max_length=254, blank=True, default="")
    at = models.DateTimeField("le", auto_now_add=True)
    target_type = models.CharField("type d'objet", max_length=64)
    target_id = models.CharField("identifiant de l'objet", max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Le journal de sécurité ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Le journal de sécurité ne se supprime pas.")


class FieldChange(JournalEntry):
    field = models.CharField("champ", max_length=100)
    before = models.JSONField("avant", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("après", null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta(JournalEntry.Meta):
        verbose_name = "modification de champ"
        verbose_name_plural = "modifications de champs"
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_change_target_idx"),
            models.Index(fields=["actor", "at"], name="audit_change_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} · {self.field} ({self.at:%d/%m/%Y %H:%M})"


class ReadEntry(JournalEntry):
    household_ref = models.CharField("ménage concerné", max_length=64, blank=True, default="")
    detail = models.CharField("précision", max_length=255, blank=True, default="")

    class Meta(JournalEntry.Meta):
        verbose_name = "consultation"
        verbose_name_plural = "consultations"
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_read_target_idx"),
            models.Index(fields=["actor", "at"], name="audit_read_actor_idx"),
            models.Index(
                fields=["household_ref", "at"],
                name="audit_read_household_idx",
                condition=~models.Q(household_ref=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} lu par {self.actor_email} ({self.at:%d/%m/%Y %H:%M})"


class PasswordResetRequest(models.Model):
    email = models.CharField("adresse demandée", max_length=254)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    allowed = models.BooleanField("e-mail envoyé", default=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "demande de réinitialisation de mot de passe"
        verbose_name_plural = "demandes de réinitialisation de mot de passe"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["email", "created_at"], name="audit_reset_email_idx"),
            models.Index(fields=["ip_address", "created_at"], name="audit_reset_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%d/%m/%Y %H:%M})"
