from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "logement_accompagne.reporting"
    verbose_name = "Pilotage"
