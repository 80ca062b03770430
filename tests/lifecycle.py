"""Bring a dossier to any state of its life through the services, with the right person at each step.

Shared by the domain tests and the web tests; `cast` is any mapping with the
people `carrier`, `dept`, `region` and `committee` and a `dossier`.
"""

from decimal import Decimal

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict

# What `advance` grants a selected dossier (below the factory's requested 30 000 €).
GRANTED = Decimal("25000")


class Cast(dict):
    def __getattr__(self, name):
        return self[name]


def advance(cast, to: str, dossier=None):
    """Move a dossier from draft to `to`, with the right person at each step (through the services)."""
    dossier = dossier or cast.dossier
    if to == Status.DRAFT:
        return dossier
    if to == Status.WITHDRAWN:
        services.withdraw(user=cast.carrier, dossier=dossier)
        return _refresh(dossier)
    services.submit(user=cast.carrier, dossier=dossier, attested=True)
    if to == Status.SUBMITTED:
        return _refresh(dossier)
    services.start_departmental_review(user=cast.dept, dossier=dossier)
    if to == Status.RETURNED:
        services.return_for_completion(user=cast.dept, dossier=dossier, message="Compléter le budget.")
        return _refresh(dossier)
    if to == Status.DEPARTMENTAL_REVIEW:
        return _refresh(dossier)
    services.record_departmental_opinion(
        user=cast.dept, dossier=dossier, relevance="Projet pertinent", reproducibility=Reproducibility.HIGH
    )
    services.forward_to_region(user=cast.dept, dossier=dossier)
    if to == Status.REGIONAL_REVIEW:
        return _refresh(dossier)
    services.record_regional_opinion(user=cast.region, dossier=dossier, verdict=Verdict.FAVOURABLE)
    services.forward_to_committee(user=cast.region, dossier=dossier)
    if to == Status.COMMITTEE:
        return _refresh(dossier)
    if to == Status.SELECTED:
        services.decide(user=cast.committee, dossier=dossier, selected=True, amount_granted_eur=GRANTED)
    else:
        services.decide(
            user=cast.committee, dossier=dossier, selected=False, refusal_reason="Projet peu reproductible."
        )
    return _refresh(dossier)


def _refresh(dossier):
    dossier.refresh_from_db()
    return dossier
