"""Daily: remind carriers of the completions due within a few days, and of the late ones (weekly)."""

import datetime

from django.core.management.base import BaseCommand

from logement_accompagne.dossiers.services import remind_completion_deadlines


class Command(BaseCommand):
    help = (
        "Envoie les rappels d'échéance des demandes de compléments : une fois quelques jours avant, puis "
        "en retard (chaque semaine, le service instructeur en copie). À lancer chaque jour ; relancée le "
        "même jour, elle n'envoie rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None,
                            help="Jour de référence (AAAA-MM-JJ), aujourd'hui par défaut.")  # fmt: skip

    def handle(self, *args, date=None, **options):
        sent = remind_completion_deadlines(date)
        self.stdout.write(
            f"Rappels de compléments envoyés : {sent['before']} avant échéance, {sent['late']} pour retard."
        )
