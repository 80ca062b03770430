"""An import of one uploaded document, from upload to the draft it creates.

The parser (the ``importer`` library) knows nothing of Django; this model
keeps the uploaded file and holds what the parser understood until the person
confirms.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportJob(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "Analyse en cours"
        DONE = "done", "Analysé"
        FAILED = "failed", "Échec"
        CONFIRMED = "confirmed", "Brouillon créé"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="organisation porteuse",
    )
    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="+", verbose_name="appel")
    original_name = models.CharField("fichier", max_length=255)
    file = models.FileField(upload_to="imports/", max_length=255)
    size_bytes = models.PositiveBigIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    canonical = models.JSONField(null=True, blank=True)
    sources = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    # How many times the document was handed to the parser: a worker killed during the analysis
    # is retried once by the stale-job sweep (jobs.sweep_stale), then the job fails.
    attempts = models.PositiveSmallIntegerField("passages à l'analyse", default=0)
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="import_job"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "import de document"
        verbose_name_plural = "imports de documents"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="import_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="import_confirmed_has_dossier",
                condition=~Q(state="confirmed") | Q(dossier__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
