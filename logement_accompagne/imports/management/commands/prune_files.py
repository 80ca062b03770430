"""Remove stored files nothing points to any more, and imports left unconfirmed.

A file is written before its transaction commits (Django has no on-rollback
hook), so a rolled-back upload can leave one behind; unconfirmed imports keep
documents nobody turned into a dossier. Meant to run daily (cron or a task).
"""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from logement_accompagne.dossiers.models import Attachment
from logement_accompagne.imports.models import ImportJob


def _walk(directory: str):
    if not default_storage.exists(directory):
        return
    folders, files = default_storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _walk(f"{directory}/{folder}")


class Command(BaseCommand):
    help = "Supprime les fichiers orphelins et les imports non confirmés trop anciens."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours", type=int, default=24, help="âge minimal d'un fichier orphelin supprimé"
        )
        parser.add_argument(
            "--import-days", type=int, default=7, help="âge d'un import non confirmé supprimé"
        )
        parser.add_argument("--dry-run", action="store_true", help="affiche sans rien supprimer")

    def handle(self, *args, grace_hours, import_days, dry_run, **options):
        now = timezone.now()
        stale_jobs = ImportJob.objects.exclude(state=ImportJob.State.CONFIRMED).filter(
            created_at__lt=now - datetime.timedelta(days=import_days)
        )
        jobs = list(stale_jobs.only("pk", "file"))
        referenced = set(Attachment.objects.values_list("file", flat=True)) | set(
            ImportJob.objects.exclude(pk__in=[job.pk for job in jobs]).values_list("file", flat=True)
        )
        cutoff = now - datetime.timedelta(hours=grace_hours)
        orphans = [
            path
            for root in ("dossiers", "imports")
            for path in _walk(root)
            if path not in referenced and default_storage.get_modified_time(path) < cutoff
        ]
        if not dry_run:
            for job in jobs:
                job.file.delete(save=False)
            stale_jobs.filter(pk__in=[job.pk for job in jobs]).delete()
            for path in orphans:
                default_storage.delete(path)
        verb = "à supprimer" if dry_run else "supprimé(s)"
        self.stdout.write(
            f"Imports non confirmés {verb} : {len(jobs)} ; fichiers orphelins {verb} : {len(orphans)}."
        )
