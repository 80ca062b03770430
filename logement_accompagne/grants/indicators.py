"""The grants' figures for the steering dashboards (reporting calls them with its own scoped dossiers)."""

from decimal import Decimal

from django.db.models import Sum

from .agreements import Agreement


def paid_total(dossiers) -> Decimal:
    """Money paid to these dossiers' projects under their agreements (one SQL aggregate)."""
    total = Agreement.objects.filter(dossier__in=dossiers.values("pk")).aggregate(total=Sum("paid_eur"))[
        "total"
    ]
    return total or Decimal("0")
