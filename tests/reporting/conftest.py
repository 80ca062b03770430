"""A hand-made programme: five dossiers over three departments and two calls, with known dates.

Expected figures (worked out by hand, checked in test_indicators):
- d1 Loiret (45, Centre-Val de Loire 24), call A, selected: 25 households, 20 dwellings, GRANTED (tests.lifecycle) each
- d2 Indre-et-Loire (37, region 24), call A, selected: 3 households, 3 dwellings, GRANTED (tests.lifecycle) each
- d3 Landes (40, Nouvelle-Aquitaine 75), call A, not selected: 10 households, 8 dwellings
- d4 Loiret (45), call B, submitted (still waiting): 40 households
- d5 Loiret (45), call B, draft: counted nowhere
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CofundingLine, Transition
from tests import factories
from tests.lifecycle import Cast, advance

BASE = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))
# Days spent in: submitted, departmental review, regional review, committee.
DAYS = {"d1": (1, 10, 4, 2), "d2": (2, 20, 6, 2), "d3": (3, 30, 8, 5)}


def _people(code: str, region: str, landlord):
    return Cast(
        carrier=factories.carrier_user(landlord),
        dept=factories.departmental_instructor(code),
        region=factories.regional_instructor(region),
        committee=factories.committee_member(),
    )


def _date_transitions(dossier, days):
    moments = [BASE]
    for spent in days:
        moments.append(moments[-1] + datetime.timedelta(days=spent))
    for transition, moment in zip(dossier.transitions.order_by("at", "pk"), moments, strict=False):
        Transition.objects.filter(pk=transition.pk).update(at=moment)


@pytest.fixture
def programme(db):
    call_a = factories.CallFactory(slug="aap-a", title="Appel A", year=2025, envelope_eur=Decimal("5000000"))
    call_b = factories.CallFactory(
        slug="aap-b", title="Appel B", year=2026, envelope_eur=Decimal("2000000"), national_target=3000
    )
    org45 = factories.OrganisationFactory(name="OPH du Loiret", department=factories.department("45"))
    org37 = factories.OrganisationFactory(name="Touraine Logement", department=factories.department("37"))
    org40 = factories.OrganisationFactory(name="Habitat Landes", department=factories.department("40"))
    in45, in37, in40 = _people("45", "24", org45), _people("37", "24", org37), _people("40", "75", org40)

    def make(name, call, org, code, households, dwellings, **extra):
        return factories.DossierFactory(
            name=name, call=call, carrier=org, department_codes=[code],
            households=households, dwellings=dwellings, **extra,
        )  # fmt: skip

    d1 = make("Bail glissant Orléans", call_a, org45, "45", 25, 20)
    d2 = make("Petit projet Tours", call_a, org37, "37", 3, 3)
    d3 = make("Landes accompagnées", call_a, org40, "40", 10, 8)
    d4 = make("Nouveau Loiret", call_b, org45, "45", 40, 30)
    d5 = make("Brouillon Loiret", call_b, org45, "45", 99, 99)
    CofundingLine.objects.create(dossier=d2, funder="CAF d'Indre-et-Loire", amount_eur=Decimal("4000"),
                                 status="obtained")  # fmt: skip
    CofundingLine.objects.create(dossier=d2, funder="Ville de Tours", amount_eur=Decimal("1000"))

    advance(in45, Status.SELECTED, d1)
    advance(in37, Status.SELECTED, d2)
    advance(in40, Status.NOT_SELECTED, d3)
    advance(in45, Status.SUBMITTED, d4)
    for key, dossier in (("d1", d1), ("d2", d2), ("d3", d3)):
        _date_transitions(dossier, DAYS[key])
    # d4 waits since a date far enough back that it is the slowest in « Déposé ».
    Transition.objects.filter(dossier=d4).update(at=BASE - datetime.timedelta(days=365))
    return Cast(
        call_a=call_a, call_b=call_b, d1=d1, d2=d2, d3=d3, d4=d4, d5=d5,
        in45=in45, in37=in37, in40=in40,
        committee=in45.committee, dept45=in45.dept, dept37=in37.dept, region24=in45.region,
        region75=in40.region, admin=factories.UserFactory(is_staff=True, is_superuser=True),
    )  # fmt: skip
