from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from logement_accompagne.dossiers.demo import load_demo
from logement_accompagne.territories.models import Department


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : une seconde exécution ne crée rien)."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            # The demo's accounts share a published password: never in a production database.
            raise CommandError(
                "Refusé : les données de démonstration (mots de passe connus) ne se chargent jamais "
                "avec les réglages de production (config.settings.prod)."
            )
        if not Department.objects.filter(code__in=["45", "40", "17", "57"]).count() == 4:
            raise CommandError(
                "Référentiel territorial absent : lancez d'abord « manage.py load_territories »."
            )
        result = load_demo()
        self.stdout.write(
            f"Démo : {result['dossiers_created']} dossier(s) créé(s), {result['dossiers']} au total, "
            f"{result['accounts']} comptes."
        )
