"""The DSFR site configuration (django-dsfr reads it from a DsfrConfig row on every page)."""

SITE_CONFIG = {
    "site_title": "Logement accompagné",
    "site_tagline": "Appels à projets « 10 000 logements HLM accompagnés »",
    "header_brand": "République française",
    "header_brand_html": "République<br>française",
    "footer_brand": "République française",
    "footer_brand_html": "République<br>française",
    "footer_description": (
        "Plateforme de dépôt, d'instruction et de sélection des projets de logements HLM accompagnés."
    ),
    "accessibility_status": "NOT",
}


def ensure_site_config(model=None):
    """Create or update the French configuration row (used by the migration and by browser tests)."""
    if model is None:
        from dsfr.models import DsfrConfig as model
    config, _ = model.objects.update_or_create(language="fr", defaults=SITE_CONFIG)
    return config
