"""Where the household records plug into the steering figures.

The `households` app keeps support episodes and outcome snapshots; its `indicators` take
scoped querysets. The dashboards pass the episodes and snapshots of the dossiers a person may
see in a territory, so scoping stays in one place (`territories.dossiers_in`). `grants`
(payments) is not built yet: `paid` is None until it is installed.
"""

from django.apps import apps


def _installed() -> bool:
    return apps.is_installed("logement_accompagne.households")


def _scoped(dossiers):
    from logement_accompagne.households.models import OutcomeSnapshot, SupportEpisode

    ids = dossiers.values("pk")
    return SupportEpisode.objects.filter(dossier__in=ids), OutcomeSnapshot.objects.filter(dossier__in=ids)


def accompanied(dossiers):
    """Households actually accompanied by the dossiers' projects (distinct households, SQL count)."""
    if not _installed():
        return None
    from logement_accompagne.households import indicators

    episodes, _ = _scoped(dossiers)
    return indicators.households_accompanied(episodes, dossiers)[0].value


def outcomes(dossiers, *, national: bool = False):
    """The household indicators (delays, lease transfers, arrears, exits, outcomes), secret under 5."""
    if not _installed():
        return None
    from logement_accompagne.households import indicators

    episodes, snapshots = _scoped(dossiers)
    return indicators.all_figures(episodes, snapshots, dossiers, suppress_small=True, national=national)


def paid(dossiers):
    if not apps.is_installed("logement_accompagne.grants"):
        return None
    try:  # the grants app is installed before its payments (issue #12, items 3-4) are built
        from logement_accompagne.grants import indicators
    except ImportError:
        return None

    function = getattr(indicators, "paid_total", None)
    return function(dossiers) if function else None
