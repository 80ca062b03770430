from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "logement_accompagne.territories"
    label = "territories"
    verbose_name = "Territoires"
