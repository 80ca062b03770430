from django.apps import AppConfig


class ImporterConfig(AppConfig):
    name = "logement_accompagne.importer"
    label = "importer"
    verbose_name = "Imports de documents"
