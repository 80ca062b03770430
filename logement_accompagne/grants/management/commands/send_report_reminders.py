"""Daily: remind carriers of the reports due within 14 days, and of the late ones (every 7 days)."""

import datetime

from django.core.management.base import BaseCommand

from logement_accompagne.grants.services import send_report_reminders


class Command(BaseCommand):
    help = (
        "Envoie les rappels de rapports : avant l'échéance (une fois, 14 jours avant) et en retard "
        "(tous les 7 jours). À lancer chaque jour ; relancée le même jour, elle n'envoie rien de plus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None,
                            help="Jour de référence (AAAA-MM-JJ), aujourd'hui par défaut.")  # fmt: skip

    def handle(self, *args, date=None, **options):
        sent = send_report_reminders(date)
        self.stdout.write(f"Rappels envoyés : {sent['before']} avant échéance, {sent['late']} pour retard.")
