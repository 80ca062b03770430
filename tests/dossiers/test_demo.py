"""The demo dataset: every state present, idempotent, accounts usable."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from logement_accompagne.dossiers.demo import DEMO_PASSWORD, DOMAIN
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier, Transition
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership, User

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state_and_is_idempotent(client):
    call_command("load_demo", verbosity=0)
    counts = (Dossier.objects.count(), Transition.objects.count(), User.objects.count())
    assert set(Dossier.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Dossier.objects.values_list("call__slug", flat=True)) == {"aap-2014", "aap-2016"}
    call_command("load_demo", verbosity=0)
    assert (Dossier.objects.count(), Transition.objects.count(), User.objects.count()) == counts
    # One account per role in each of the four departments.
    for code in ("45", "40", "17", "57"):
        assert Membership.objects.filter(
            role=Role.DEPARTMENTAL_INSTRUCTOR, organisation__department_id=code
        ).exists()
        assert Membership.objects.filter(role=Role.CARRIER, organisation__department_id=code).count() == 2
    # Through the sign-in page (django-axes needs the request to count attempts).
    response = client.post(reverse("login"), {"username": f"comite@{DOMAIN}", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
