"""List pages cost what their page costs, not what the database holds (quality.md, issue #9)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status
from tests import factories

from .conftest import advance

pytestmark = pytest.mark.django_db


def waiting_for_committee(cast, count):
    for _ in range(count):
        dossier = factories.DossierFactory(carrier=cast.landlord, department_codes=["45"])
        advance(cast, Status.COMMITTEE, dossier=dossier)


def test_committee_page_queries_and_size_do_not_grow_with_waiting_dossiers(
    login, cast, django_assert_max_num_queries
):
    client = login(cast.committee)
    waiting_for_committee(cast, 1)
    client.get(reverse("committee:index"))
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("committee:index"))
    waiting_for_committee(cast, 52)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("committee:index"))
    html = response.content.decode()
    assert len(response.context["awaiting"]) == 50
    assert "Dossiers en attente de décision (53)" in html
    assert "fr-pagination" in html
    second = client.get(reverse("committee:index"), {"page": 2})
    assert len(second.context["awaiting"]) == 3


def test_committee_envelopes_show_what_was_granted_per_call(login, cast):
    for _ in range(2):
        dossier = factories.DossierFactory(
            carrier=cast.landlord, department_codes=["45"], call=cast.dossier.call
        )
        advance(cast, Status.SELECTED, dossier=dossier)
    other_call = factories.CallFactory(title="Appel 2027")
    response = login(cast.committee).get(reverse("committee:index"))
    envelopes = {row["call"].pk: row for row in response.context["envelopes"]}
    # One aggregate for all calls gives what the service's rule gives call by call.
    for row in envelopes.values():
        assert row["granted"] == services.granted_total(row["call"])
        assert row["remaining"] == row["envelope"] - row["granted"]
    assert sum(row["granted"] for row in envelopes.values()) >= Decimal("50000")
    assert envelopes[other_call.pk]["granted"] == 0
