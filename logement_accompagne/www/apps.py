from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "logement_accompagne.www"
    label = "www"
