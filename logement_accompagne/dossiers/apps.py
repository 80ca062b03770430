from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "logement_accompagne.dossiers"
    label = "dossiers"
    verbose_name = "Dossiers"

    def ready(self):
        from . import listing

        listing.watch_names()
