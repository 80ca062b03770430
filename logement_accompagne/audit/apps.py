from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "logement_accompagne.audit"
    label = "audit"
    verbose_name = "Journal de sécurité"
