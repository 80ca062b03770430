from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "logement_accompagne.organisations"
    label = "organisations"
    verbose_name = "Organisations et personnes"

    def ready(self):
        from . import freshness  # noqa: F401  (signals: the header cache's marks)
