"""Regenerate the open data files (run nightly, e.g. by cron: `manage.py build_open_data`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from logement_accompagne.reporting import opendata


class Command(BaseCommand):
    help = "Écrit les fichiers de données ouvertes (CSV, JSON, schéma), anonymisés, licence Etalab 2.0."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="dossier de sortie (par défaut VAR_DIR/opendata)")

    def handle(self, *args, **options):
        try:
            counts = opendata.build(options["dir"])
        except OSError as error:
            raise CommandError(f"Impossible d'écrire les données ouvertes : {error}") from error
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(
            f"Données ouvertes écrites dans {options['dir'] or opendata.directory()} ({summary})."
        )
