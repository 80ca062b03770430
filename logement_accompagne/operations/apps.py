from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "logement_accompagne.operations"
    verbose_name = "Exploitation"
