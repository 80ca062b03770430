"""Two people acting on one dossier at the same moment, on two real connections."""

import pytest
from django.core.exceptions import PermissionDenied

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier, Transition
from logement_accompagne.dossiers.permissions import InvalidTransition
from tests.concurrency import require_postgresql, run_together

from .conftest import advance


@pytest.fixture
def postgres_only(transactional_db):
    require_postgresql("concurrence")


@pytest.mark.postgres
def test_two_concurrent_transitions_exactly_one_wins(postgres_only, cast):
    dossier = advance(cast, Status.DEPARTMENTAL_REVIEW)
    services.record_departmental_opinion(
        user=cast.dept, dossier=dossier, relevance="ok", reproducibility="high"
    )
    first = Dossier.objects.get(pk=dossier.pk)
    second = Dossier.objects.get(pk=dossier.pk)
    outcomes = run_together(
        lambda: services.forward_to_region(user=cast.dept, dossier=first),
        lambda: services.return_for_completion(user=cast.dept, dossier=second, message="Compléter"),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    # The loser reads the dossier after the winner's commit: refused by its state ("état"), or, when
    # the dossier went on to the region, by the permission the departmental instructor no longer has.
    assert (isinstance(error, InvalidTransition) and "état" in str(error)) or isinstance(
        error, PermissionDenied
    )
    dossier.refresh_from_db()
    assert dossier.status in (Status.REGIONAL_REVIEW, Status.RETURNED)
    assert Transition.objects.filter(dossier=dossier, from_status=Status.DEPARTMENTAL_REVIEW).count() == 1


@pytest.mark.postgres
def test_two_concurrent_identical_submissions_do_one_thing(postgres_only, cast):
    dossier = cast.dossier
    outcomes = run_together(
        lambda: services.submit(user=cast.carrier, dossier=Dossier.objects.get(pk=dossier.pk), attested=True),
        lambda: services.submit(user=cast.carrier, dossier=Dossier.objects.get(pk=dossier.pk), attested=True),
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    assert Transition.objects.filter(dossier=dossier, to_status=Status.SUBMITTED).count() == 1


@pytest.mark.postgres
def test_two_concurrent_opinions_get_distinct_versions(postgres_only, cast):
    dossier = advance(cast, Status.DEPARTMENTAL_REVIEW)
    outcomes = run_together(
        *[
            (lambda text=text: services.record_departmental_opinion(
                user=cast.dept, dossier=dossier, relevance=text, reproducibility="medium"))
            for text in ("A", "B", "C")
        ]
    )  # fmt: skip
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert sorted(dossier.departmental_opinions.values_list("version", flat=True)) == [1, 2, 3]


@pytest.mark.postgres
def test_two_concurrent_decisions_on_one_call_never_exceed_its_envelope(postgres_only, cast):
    """Each decision alone fits the envelope, both together do not: exactly one is taken."""
    from decimal import Decimal

    from tests import factories

    call = factories.CallFactory(envelope_eur=Decimal("40000"), project_cap_eur=Decimal("30000"))
    first = factories.DossierFactory(carrier=cast.landlord, call=call)
    second = factories.DossierFactory(carrier=cast.landlord, call=call)
    for dossier in (first, second):
        advance(cast, Status.COMMITTEE, dossier=dossier)
    outcomes = run_together(
        *[
            (lambda d=d: services.decide(user=cast.committee, dossier=Dossier.objects.get(pk=d.pk), selected=True,
                                         amount_granted_eur=Decimal("25000")))
            for d in (first, second)
        ]
    )  # fmt: skip
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.EnvelopeExceeded) and error.remaining == Decimal("15000")
    assert services.granted_total(call) == Decimal("25000")
    statuses = sorted(Dossier.objects.filter(call=call).values_list("status", flat=True))
    assert statuses == sorted([Status.SELECTED, Status.COMMITTEE])
