"""The grants tests: the shared cast; for committee sessions, dossiers brought to the committee and a
session; for agreements, the cast's dossier selected by the committee (25 000 €), the carrier made its
organisation's administrator and the departmental instructor head of the service (both sign)."""

import datetime
from decimal import Decimal

import pytest

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.grants import services, session_services
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership
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


START = datetime.date(2026, 1, 15)


def signatories(cast):
    Membership.objects.get_or_create(
        user=cast.carrier, organisation=cast.landlord, role=Role.ORGANISATION_ADMIN
    )
    Membership.objects.get_or_create(
        user=cast.dept, organisation=factories.departmental_service("45"), role=Role.SERVICE_HEAD
    )
    for person in (cast.carrier, cast.dept):
        person.__dict__.pop("_platform_scope", None)


def prepared(cast, *, tranches=(("Avance à la signature", START, "15000", None),
                                ("Solde après le bilan à six mois", datetime.date(2026, 7, 31), "10000", 0))):  # fmt: skip
    dossier = advance(cast, Status.SELECTED)
    signatories(cast)
    agreement = services.prepare_agreement(user=cast.dept, dossier=dossier, starts_on=START)
    for label, due_on, amount, after_report in tranches:
        services.add_tranche(user=cast.dept, agreement=agreement, label=label, due_on=due_on,
                             amount_eur=Decimal(amount), after_report=after_report)  # fmt: skip
    agreement.refresh_from_db()
    return agreement


def in_force(cast, **kwargs):
    agreement = prepared(cast, **kwargs)
    services.sign(user=cast.carrier, agreement=agreement)
    services.sign(user=cast.dept, agreement=agreement)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def agreement(cast):
    return in_force(cast)
