from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "logement_accompagne.households"
    label = "households"
    verbose_name = "Ménages accompagnés"

    def ready(self):
        from logement_accompagne.dossiers.demo import demo_loaded

        from . import aggregates  # noqa: F401 (registers the SQLite median aggregate)
        from .demo import load_households_demo
        from .listing import watch_writes

        demo_loaded.connect(load_households_demo, dispatch_uid="households_demo")
        watch_writes()
