from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "logement_accompagne.organisations"
    label = "organisations"
    verbose_name = "Organisations et personnes"
