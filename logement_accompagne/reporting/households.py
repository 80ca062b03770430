"""Where the household records and the payments plug into the steering figures.

The `households` app keeps support episodes and outcome snapshots; its `indicators` take scoped
querysets. The dashboards pass the episodes and snapshots of the dossiers a person may see in a
territory, so scoping stays in one place (`territories.dossiers_in`); the money paid comes from the
`grants` agreements of the same dossiers.
"""

from logement_accompagne.grants import indicators as grant_indicators
from logement_accompagne.households import indicators
from logement_accompagne.households.models import OutcomeSnapshot, SupportEpisode


def _scoped(dossiers):
    ids = dossiers.values("pk")
    return SupportEpisode.objects.filter(dossier__in=ids), OutcomeSnapshot.objects.filter(dossier__in=ids)


def accompanied(dossiers):
    """Households actually accompanied by the dossiers' projects (distinct households, SQL count)."""
    episodes, _ = _scoped(dossiers)
    return indicators.households_accompanied(episodes, dossiers)[0].value


def outcomes(dossiers, *, national: bool = False):
    """The household indicators (delays, lease transfers, arrears, exits, outcomes), secret under 5."""
    episodes, snapshots = _scoped(dossiers)
    return indicators.all_figures(episodes, snapshots, dossiers, suppress_small=True, national=national)


def paid(dossiers):
    """Money paid under the dossiers' agreements (one SQL aggregate)."""
    return grant_indicators.paid_total(dossiers)
