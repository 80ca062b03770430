from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "logement_accompagne.grants"
    label = "grants"
    verbose_name = "Comité, conventions et paiements"
