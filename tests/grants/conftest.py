"""Committee sessions' tests: the shared cast, dossiers brought to the committee, a session."""

import datetime
from decimal import Decimal

import pytest

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.grants import session_services
from tests import factories
from tests.lifecycle import advance


def waiting_dossiers(cast, call, amounts, **fields):
    """One dossier at the committee per requested amount, on `call`."""
    dossiers = []
    for amount in amounts:
        dossier = factories.DossierFactory(carrier=cast.landlord, call=call, requested_amount_eur=Decimal(amount),
                                           **fields)  # fmt: skip
        dossiers.append(advance(cast, Status.COMMITTEE, dossier=dossier))
    return dossiers


def open_session(cast, day=datetime.date(2026, 12, 3)):
    return session_services.open_session(
        user=cast.committee, held_on=day, members_present="Claude Comité, DGALN\nAlex Martin, DIHAL"
    )


@pytest.fixture
def small_call(db):
    return factories.CallFactory(title="Appel 2026 — logement accompagné", envelope_eur=Decimal("60000"),
                                 project_cap_eur=Decimal("40000"))  # fmt: skip
