"""Context processors of the web layer that every page runs: kept free of per-request queries."""

import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from dsfr.models import DsfrConfig

# The DSFR site configuration changes a few times a year; reading it once a minute per process
# instead of once per page takes one query off every request (django-dsfr's own processor).
SITE_CONFIG_TTL_SECONDS = 60
_cached: dict[str, object] = {}


def site_config(request):
    now = time.monotonic()
    entry = _cached.get("site_config")
    if entry is None or now - entry[0] > SITE_CONFIG_TTL_SECONDS:
        config = DsfrConfig.objects.filter(language="fr").first() or DsfrConfig.objects.first()
        entry = (now, config)
        _cached["site_config"] = entry
    return {"SITE_CONFIG": entry[1]}


@receiver([post_save, post_delete], sender=DsfrConfig)
def forget_site_config(**kwargs):
    _cached.clear()
