"""Closes background work whose worker died: run every few minutes (cron, systemd timer)."""

from django.core.management.base import BaseCommand

from logement_accompagne.operations.recovery import sweep_stale_jobs


class Command(BaseCommand):
    help = (
        "Relance une fois les imports dont le traitement s'est arrêté, puis les marque en échec ; "
        "marque en échec les exports et tâches abandonnés."
    )

    def handle(self, *args, **options):
        swept = sweep_stale_jobs()
        self.stdout.write(
            f"Imports relancés : {swept.imports_retried}, imports en échec : {swept.imports_failed}, "
            f"exports en échec : {swept.exports_failed}, tâches en échec : {swept.tasks_failed}."
        )
