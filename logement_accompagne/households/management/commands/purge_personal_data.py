"""Delete households' personal data 2 years after the last contact (run daily; see households/retention.py)."""

from django.core.management.base import BaseCommand

from logement_accompagne.households.retention import purge_personal_data


class Command(BaseCommand):
    help = "Supprime les données personnelles des ménages deux ans après le dernier contact (à lancer chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="N'écrit rien, affiche ce qui serait fait."
        )

    def handle(self, *args, dry_run=False, **options):
        report = purge_personal_data(dry_run=dry_run)
        prefix = "(simulation) " if dry_run else ""
        self.stdout.write(
            f"{prefix}{len(report.noticed)} ménage(s) signalé(s) aux accompagnateurs (suppression dans 30 jours)"
        )
        self.stdout.write(
            f"{prefix}{len(report.purged)} ménage(s) dont les données personnelles ont été supprimées"
        )
        if report.still_open:
            self.stdout.write(
                f"{len(report.still_open)} ménage(s) sans contact depuis deux ans mais avec un accompagnement ouvert "
                f"(à clore) : {', '.join(report.still_open[:20])}"
            )
