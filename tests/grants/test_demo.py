"""The demo's conventions: made through the grants services, idempotent, and visible where people look."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from logement_accompagne.dossiers.checks import french_eur
from logement_accompagne.dossiers.demo import DOMAIN
from logement_accompagne.grants.agreements import ReportStatus, TrancheStatus
from logement_accompagne.grants.models import Agreement, AgreementVersion, Tranche
from logement_accompagne.organisations.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_signs_conventions_pays_tranches_and_the_steering_shows_what_was_paid(client):
    call_command("load_territories", verbosity=0)
    call_command("load_demo", verbosity=0)
    counts = (Agreement.objects.count(), AgreementVersion.objects.count(), Tranche.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Agreement.objects.count(), AgreementVersion.objects.count(), Tranche.objects.count()) == counts
    agreements = {a.dossier.departments.get().code: a for a in Agreement.objects.select_related("dossier")}
    assert set(agreements) == {"45", "40"}
    for agreement in agreements.values():
        assert agreement.in_force_version == 1  # signed by both sides
        assert sum(t.amount_eur for t in agreement.tranches.all()) == agreement.amount_eur
    loiret, landes = agreements["45"], agreements["40"]
    assert loiret.paid_eur == loiret.amount_eur
    assert loiret.reports.get(number=0).status == ReportStatus.VALIDATED
    assert landes.tranches.get(position=2).status == TrancheStatus.PLANNED
    assert landes.reports.get(number=0).status == ReportStatus.DUE
    paid = loiret.paid_eur + landes.paid_eur
    assert paid > Decimal("0")
    client.force_login(User.objects.get(email=f"comite@{DOMAIN}"))
    response = client.get(reverse("reporting:home"), follow=True)
    assert response.status_code == 200, response
    page = response.content.decode()
    assert f"Versé au titre des conventions : <strong>{french_eur(paid)}</strong>" in page
