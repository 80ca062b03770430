from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "logement_accompagne.grants"
    label = "grants"
    verbose_name = "Comité, conventions et paiements"

    def ready(self):
        from logement_accompagne.dossiers.demo import demo_loaded

        from .demo import load_grants_demo

        demo_loaded.connect(load_grants_demo, dispatch_uid="grants_demo")
