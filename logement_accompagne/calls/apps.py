from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "logement_accompagne.calls"
    label = "calls"
    verbose_name = "Appels à projets"
