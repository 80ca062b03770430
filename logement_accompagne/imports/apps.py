from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "logement_accompagne.imports"
    label = "imports"
    verbose_name = "Imports de documents"
