"""List pages cost what their page costs, not what the database holds (quality.md, issue #9)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from logement_accompagne.calls.models import Call
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
    envelopes = {row["call_id"]: row for row in response.context["envelopes"]}
    # One aggregate for all calls gives what the service's rule gives call by call.
    for row in envelopes.values():
        assert row["granted"] == services.granted_total(Call.objects.get(pk=row["call_id"]))
        assert row["remaining"] == row["envelope"] - row["granted"]
    assert sum(row["granted"] for row in envelopes.values()) >= Decimal("50000")
    assert envelopes[other_call.pk]["granted"] == 0


@pytest.fixture
def real_fragment_cache(settings):
    """The test settings cache nothing (DummyCache): here the fragments cache keeps what it is given."""
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "list-costs"},
    }
    from django.core.cache import caches

    caches["fragments"].clear()
    yield
    caches["fragments"].clear()


def queue_counts(client, **params):
    response = client.get(reverse("review:queue"), params)
    return {row["status"]: row["count"] for row in response.context["counts"]}


def test_cached_counts_per_state_follow_every_change_of_state(
    login, cast, real_fragment_cache, django_assert_max_num_queries
):
    client = login(cast.dept)
    advance(cast, Status.SUBMITTED)
    assert queue_counts(client)[Status.SUBMITTED] == 1
    with django_assert_max_num_queries(30) as cached:
        assert queue_counts(client)[Status.SUBMITTED] == 1
    assert not any("GROUP BY" in q["sql"] for q in cached.captured_queries)  # served from the cache
    services.start_departmental_review(user=cast.dept, dossier=cast.dossier)
    counts = queue_counts(client)
    assert counts[Status.SUBMITTED] == 0 and counts[Status.DEPARTMENTAL_REVIEW] == 1
    other = factories.DossierFactory(carrier=cast.landlord, department_codes=["45"])
    advance(cast, Status.SUBMITTED, dossier=other)
    assert queue_counts(client)[Status.SUBMITTED] == 1
    # Each person's reach has its own figures: another department sees none of these.
    assert queue_counts(login(cast.dept_other))[Status.SUBMITTED] == 0
    assert queue_counts(login(cast.committee))[Status.SUBMITTED] == 1


def test_cached_granted_amounts_follow_decisions_and_reopened_decisions(login, cast, real_fragment_cache):
    client = login(cast.committee)

    def granted():
        envelopes = client.get(reverse("committee:index")).context["envelopes"]
        return {row["call_id"]: row["granted"] for row in envelopes}[cast.dossier.call_id]

    advance(cast, Status.COMMITTEE)
    assert granted() == 0
    services.decide(
        user=cast.committee, dossier=cast.dossier, selected=True, amount_granted_eur=Decimal("30000")
    )
    assert granted() == Decimal("30000") == services.granted_total(cast.dossier.call)
    services.reopen_decision(user=cast.committee, dossier=cast.dossier, reason="Montant à corriger")
    assert granted() == 0
    services.decide(
        user=cast.committee, dossier=cast.dossier, selected=True, amount_granted_eur=Decimal("20000")
    )
    assert granted() == Decimal("20000")


def test_recent_decisions_are_the_latest_decided_of_both_verdicts(login, cast):
    decided = []
    for verdict in (Status.SELECTED, Status.NOT_SELECTED, Status.SELECTED):
        dossier = factories.DossierFactory(
            carrier=cast.landlord, department_codes=["45"], call=cast.dossier.call
        )
        decided.append(advance(cast, verdict, dossier=dossier))
    html = login(cast.committee).get(reverse("committee:index")).content.decode()
    table = html[html.index('id="decides"') :]
    # Newest first, both verdicts, with the latest decision's amount (none for a refusal).
    positions = [table.index(str(dossier)) for dossier in reversed(decided)]
    assert positions == sorted(positions)
    assert "Non retenu" in table and "—" in table


def test_committee_page_queries_do_not_grow_with_the_decisions_taken(
    login, cast, django_assert_max_num_queries
):
    client = login(cast.committee)

    def decided(verdict):
        dossier = factories.DossierFactory(
            carrier=cast.landlord, department_codes=["45"], call=cast.dossier.call
        )
        advance(cast, verdict, dossier=dossier)

    decided(Status.SELECTED)
    client.get(reverse("committee:index"))
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("committee:index"))
    for verdict in (Status.SELECTED, Status.NOT_SELECTED, Status.SELECTED, Status.NOT_SELECTED):
        decided(verdict)
    with django_assert_max_num_queries(len(one.captured_queries)) as five:
        response = client.get(reverse("committee:index"))
    assert len(five.captured_queries) == len(one.captured_queries)
    assert len(response.context["decided"]) == 5


def test_opinion_cards_from_values_rows_are_those_of_the_dossier_page(cast):
    from logement_accompagne.dossiers.enums import Reproducibility
    from logement_accompagne.dossiers.models import DepartmentalOpinion, RegionalOpinion
    from logement_accompagne.www.review.cards import opinion_cards, opinion_rows

    dossier = advance(cast, Status.COMMITTEE)
    DepartmentalOpinion.objects.create(
        dossier=dossier, version=2, relevance="<b>Très</b> pertinent", reproducibility=Reproducibility.LOW,
        author=cast.dept,
    )  # fmt: skip
    for model in (DepartmentalOpinion, RegionalOpinion):
        instances = list(model.objects.filter(dossier=dossier).select_related("author"))
        rows = opinion_rows(model, [dossier.pk])[dossier.pk]
        if model is DepartmentalOpinion:
            assert opinion_cards(instances, None) == opinion_cards(rows, None)
        else:
            assert opinion_cards(None, instances) == opinion_cards(None, rows)
    html = opinion_cards(opinion_rows(DepartmentalOpinion, [dossier.pk])[dossier.pk], None)
    assert "&lt;b&gt;Très&lt;/b&gt; pertinent" in html and "<b>" not in html
    assert "Version 2," in html and f"par {cast.dept}" in html and "Versions précédentes" in html
    assert "v1 (" in html and "Faible" in html
    assert "Pas encore d'avis régional." in html


def test_carrier_list_queries_do_not_grow_with_the_dossiers(login, cast, django_assert_max_num_queries):
    client = login(cast.carrier)
    client.get(reverse("dossiers:list"))
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("dossiers:list"))
    for n in range(30):
        factories.DossierFactory(carrier=cast.landlord, name=f"Projet <{n}>")
    with django_assert_max_num_queries(len(one.captured_queries)) as more:
        html = client.get(reverse("dossiers:list")).content.decode()
    assert len(more.captured_queries) == len(one.captured_queries)
    assert (
        "Projet &lt;29&gt;" in html
        and "Projet <29>" not in html
        and f"Réf. {str(cast.dossier.reference)[:8].upper()}" in html
    )


def queue_table(client, **params) -> str:
    html = client.get(reverse("review:queue"), params).content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_cached_queue_rows_follow_states_edits_and_names(
    login, cast, real_fragment_cache, django_assert_max_num_queries
):
    """The queue's rows are kept per version of the filed dossiers: whatever a row shows (state,
    carriers, call, name) changes on the next page, and an unchanged queue reads no row again."""
    client = login(cast.dept)
    advance(cast, Status.SUBMITTED)
    assert str(cast.dossier) in queue_table(client) and "Déposé" in queue_table(client)
    with django_assert_max_num_queries(30) as cached:
        queue_table(client)
    assert not any("dossiers_dossiercarrier" in q["sql"] for q in cached.captured_queries)
    services.start_departmental_review(user=cast.dept, dossier=cast.dossier)
    assert "Instruction départementale" in queue_table(client)
    cast.landlord.name = "Bailleur <renommé>"
    cast.landlord.save()
    assert "Bailleur &lt;renommé&gt;" in queue_table(client)
    call = cast.dossier.call
    call.title = "Appel renommé"
    call.save()
    assert "Appel renommé" in queue_table(client)
    # A filter has its own rows.
    assert str(cast.dossier) in queue_table(client, status=Status.DEPARTMENTAL_REVIEW)
    assert "Aucun dossier" in queue_table(client, status=Status.SUBMITTED)
    # Another person with another reach never reads these rows.
    assert "Aucun dossier" in queue_table(login(cast.dept_other))
