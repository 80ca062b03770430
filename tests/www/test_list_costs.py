"""List pages cost what their page costs, not what the database holds (quality.md, issue #9)."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
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
    # Both pages built from the same state: the header kept per session in the default cache (and
    # whatever an earlier test left there) would otherwise count in one measure and not the other.
    cache.clear()
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("committee:index"))
    waiting_for_committee(cast, 52)
    cache.clear()
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
    cache.clear()  # both pages built from the same state (the header kept per session for 30 s)
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("committee:index"))
    for verdict in (Status.SELECTED, Status.NOT_SELECTED, Status.SELECTED, Status.NOT_SELECTED):
        decided(verdict)
    cache.clear()
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
    cache.clear()  # both pages built from the same state (the header kept per session for 30 s)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("dossiers:list"))
    for n in range(30):
        factories.DossierFactory(carrier=cast.landlord, name=f"Projet <{n}>")
    cache.clear()
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


def committee_sections(client, **params) -> tuple[str, str, str]:
    """The committee page's envelopes, dossiers awaiting a decision and recent decisions."""
    html = client.get(reverse("committee:index"), params).content.decode()
    envelopes, awaiting, decided = (
        html.index(f'id="{name}"') for name in ("enveloppes", "en-attente", "decides")
    )
    return html[envelopes:awaiting], html[awaiting:decided], html[decided:]


def reads_no_rows(queries) -> bool:
    return not any(
        table in q["sql"]
        for q in queries
        for table in ("dossiers_dossiercarrier", "dossiers_regionalopinion", "dossiers_committeedecision")
    )


def test_cached_committee_page_follows_decisions_opinions_and_names(
    login, cast, real_fragment_cache, django_assert_max_num_queries
):
    """The committee's page is kept per version of the filed dossiers and names mark: whatever it
    shows (dossiers waiting, their opinions, envelopes, recent decisions, names) changes on the next
    page, and an unchanged page reads none of its rows again."""
    client = login(cast.committee)
    advance(cast, Status.COMMITTEE)
    _, awaiting, _ = committee_sections(client)
    assert "Bail glissant Orléans" in awaiting and "Favorable" in awaiting and "Décider" in awaiting
    with django_assert_max_num_queries(30) as cached:
        committee_sections(client)
    assert reads_no_rows(cached.captured_queries)
    # Another dossier reaches the committee, with an unfavourable regional opinion.
    other = factories.DossierFactory(carrier=cast.landlord, department_codes=["45"], name="Second projet",
                                     call=cast.dossier.call)  # fmt: skip
    advance(cast, Status.REGIONAL_REVIEW, dossier=other)
    services.record_regional_opinion(
        user=cast.region, dossier=other, verdict="unfavourable", comment="Trop cher"
    )
    services.forward_to_committee(user=cast.region, dossier=other)
    envelopes, awaiting, _ = committee_sections(client)
    assert "Second projet" in awaiting and "Trop cher" in awaiting
    assert "Dossiers en attente de décision (2)" in awaiting
    # A decision: out of the awaiting dossiers, into the recent decisions and the amount granted.
    services.decide(
        user=cast.committee, dossier=cast.dossier, selected=True, amount_granted_eur=Decimal("30000")
    )
    envelopes, awaiting, decided = committee_sections(client)
    assert "Bail glissant Orléans" not in awaiting and "Bail glissant Orléans" in decided
    assert "30\u202f000,00\u00a0€" in envelopes and "Retenu" in decided
    # A reopened decision: back among the dossiers awaiting, nothing granted any more.
    services.reopen_decision(user=cast.committee, dossier=cast.dossier, reason="Montant à corriger")
    envelopes, awaiting, decided = committee_sections(client)
    assert "Bail glissant Orléans" in awaiting and "30\u202f000,00\u00a0€" not in envelopes
    # Names kept elsewhere: the carrier, the call (and its envelope), a department, an opinion's author.
    cast.landlord.name = "Bailleur <renommé>"
    cast.landlord.save()
    call = cast.dossier.call
    call.title, call.envelope_eur = "Appel renommé", Decimal("4000000")
    call.save()
    department = factories.department("45")
    department.name = "Loiret renommé"
    department.save()
    cast.region.last_name = "Dreal-Renommé"
    cast.region.save(update_fields=["last_name"])
    envelopes, awaiting, _ = committee_sections(client)
    assert "Bailleur &lt;renommé&gt;" in awaiting and "Appel renommé" in awaiting
    assert "Appel renommé" in envelopes and "4\u202f000\u202f000,00\u00a0€" in envelopes
    assert "Loiret renommé" in awaiting and "Dreal-Renommé" in awaiting
    # A sign-in (last_login saved alone) rebuilds nothing.
    login(cast.committee)
    with django_assert_max_num_queries(30) as cached:
        committee_sections(client)
    assert reads_no_rows(cached.captured_queries)
    # The administrator reads the same page without the committee's buttons.
    _, awaiting, _ = committee_sections(login(cast.admin))
    assert "Bail glissant Orléans" in awaiting and "Décider" not in awaiting


def test_recording_an_opinion_or_attaching_a_carrier_moves_the_filed_version(cast):
    """What the committee's lists show outside the dossier's row changes its updated_at (the key of
    the lists kept in cache, dossiers.listing.filed_version)."""
    from logement_accompagne.dossiers import listing

    advance(cast, Status.DEPARTMENTAL_REVIEW)
    before = listing.filed_version()
    services.record_departmental_opinion(user=cast.dept, dossier=cast.dossier, relevance="Oui",
                                         reproducibility="high")  # fmt: skip
    after_departmental = listing.filed_version()
    assert after_departmental > before
    services.forward_to_region(user=cast.dept, dossier=cast.dossier)
    moved = listing.filed_version()
    services.record_regional_opinion(user=cast.region, dossier=cast.dossier, verdict="favourable")
    assert listing.filed_version() > moved
    attached = listing.filed_version()
    services._attach_carrier(cast.dossier, cast.other_landlord)
    assert listing.filed_version() > attached


def agenda_sections(client, session, **params) -> tuple[str, str]:
    """A session agenda's envelopes (with the confirmation button) and rows."""
    html = client.get(reverse("committee:session", args=[session.reference]), params).content.decode()
    envelopes, rows = html.index('id="enveloppes"'), html.index('id="ordre-du-jour"')
    return html[envelopes:rows], html[rows:]


def test_cached_agenda_follows_proposals_decisions_opinions_and_names(
    login, cast, real_fragment_cache, django_assert_max_num_queries
):
    """A session's agenda is kept per version of the filed dossiers, names mark and mark of the
    session's proposals: whatever it shows changes on the next page, an unchanged agenda reads none
    of its rows again, and each person's forms carry their own CSRF token."""
    from django.test import Client

    from logement_accompagne.grants import session_services
    from tests.grants.conftest import open_session, waiting_dossiers

    call = factories.CallFactory(title="Appel national", envelope_eur=Decimal("100000"),
                                 project_cap_eur=Decimal("80000"))  # fmt: skip
    first, second = waiting_dossiers(cast, call, ["30000", "60000"], department_codes=["45"])
    session, other_session = open_session(cast), open_session(cast)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.committee)
    envelopes, rows = agenda_sections(client, session)
    assert str(first) in rows and "Proposer" in rows and "Confirmer les 0 décision(s)" in envelopes
    with django_assert_max_num_queries(30) as cached:
        agenda_sections(client, session)
    assert reads_no_rows(cached.captured_queries)
    # A proposal, then a change of it: the row, the envelopes and the confirmation button follow.
    session_services.propose(user=cast.committee, session=session, dossier=first, selected=True,
                             amount_eur=Decimal("25000"))  # fmt: skip
    envelopes, rows = agenda_sections(client, session)
    assert "Retenu, 25\u202f000,00\u00a0€" in rows and "Confirmer les 1 décision(s)" in envelopes
    assert "75\u202f000,00\u00a0€" in envelopes  # left once the session's proposals are recorded
    session_services.propose(user=cast.committee, session=session, dossier=first, selected=True,
                             amount_eur=Decimal("20000"))  # fmt: skip
    envelopes, rows = agenda_sections(client, session)
    assert "Retenu, 20\u202f000,00\u00a0€" in rows and "80\u202f000,00\u00a0€" in envelopes
    # Another session's agenda has its own proposals.
    assert "Retenu" not in agenda_sections(client, other_session)[1]
    # The row's form posts with this person's token (never the one of whoever filled the cache).
    assert "<!--csrf-->" not in rows
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', rows).group(1)
    record = reverse("committee:record", args=[session.reference, first.reference])
    assert client.post(record, {"csrfmiddlewaretoken": token}).status_code == 302
    # Recorded: the dossier leaves the agenda, its amount is granted.
    envelopes, rows = agenda_sections(client, session)
    assert str(first) not in rows and "Confirmer les 0 décision(s)" in envelopes
    assert "20\u202f000,00\u00a0€" in envelopes
    # A reopened decision brings it back.
    services.reopen_decision(user=cast.committee, dossier=first, reason="Montant à corriger")
    assert str(first) in agenda_sections(client, session)[1]
    # Names kept elsewhere: the carrier, the call, the region.
    cast.landlord.name = "Bailleur <renommé>"
    cast.landlord.save()
    call.title = "Appel renommé"
    call.save()
    region = factories.region("24")
    region.name = "Centre renommé"
    region.save()
    envelopes, rows = agenda_sections(client, session)
    assert "Bailleur &lt;renommé&gt;" in rows and "Appel renommé" in rows and "Appel renommé" in envelopes
    assert "Centre renommé" in rows
    # The administrator reads the same agenda without the committee's buttons.
    _, rows = agenda_sections(login(cast.admin), session)
    assert str(second) in rows and "Proposer" not in rows and "csrfmiddlewaretoken" not in rows


def test_the_filed_version_read_with_a_session_is_the_filed_version(cast):
    """The agenda reads the filed dossiers' version in the session's query: the same text."""
    from logement_accompagne.dossiers import listing
    from logement_accompagne.grants.sessions import CommitteeSession
    from tests.grants.conftest import open_session

    session = open_session(cast)

    def read():
        return CommitteeSession.objects.annotate(v=listing.filed_version_subquery()).get(pk=session.pk).v

    assert listing.version_text(read()) == listing.filed_version() == "none"
    advance(cast, Status.COMMITTEE)
    assert listing.version_text(read()) == listing.filed_version() != "none"


def test_cached_queue_rows_show_a_carrier_who_joins_a_filed_dossier(login, cast, real_fragment_cache):
    """An invitation sent on the draft can be accepted once the dossier is filed."""
    from logement_accompagne.organisations.enums import Role

    partner = factories.OrganisationFactory(kind="association", name="Association Habitat Solidaire")
    admin = factories.member(partner, Role.ORGANISATION_ADMIN, email="admin@ahs.fr")
    invitation = services.invite_carrier(user=cast.carrier, dossier=cast.dossier, organisation=partner)
    advance(cast, Status.SUBMITTED)
    client = login(cast.dept)
    assert "Association Habitat Solidaire" not in queue_table(client)
    services.answer_invitation(user=admin, invitation=invitation, accept=True)
    assert "Association Habitat Solidaire" in queue_table(client)


def test_cached_committee_page_and_agenda_keep_each_call_and_page_apart(login, cast, real_fragment_cache):
    """Each call filter, page and sort has its own rows in the cache."""
    from tests.grants.conftest import open_session, waiting_dossiers

    one, two = factories.CallFactory(title="Appel un"), factories.CallFactory(title="Appel deux")
    first = waiting_dossiers(cast, one, ["10000"], name="Projet appel un")[0]
    second = waiting_dossiers(cast, two, ["20000"], name="Projet appel deux")[0]
    session = open_session(cast)
    client = login(cast.committee)
    for call, shown, hidden in ((one, first, second), (two, second, first), (None, first, second)):
        params = {"call": call.pk} if call else {}
        _, awaiting, _ = committee_sections(client, **params)
        _, rows = agenda_sections(client, session, **params)
        assert str(shown) in awaiting and str(shown) in rows
        if call:
            assert str(hidden) not in awaiting and str(hidden) not in rows
    # Sorted by amount, each way: each order its own rows.
    _, ascending = agenda_sections(client, session, tri="montant")
    _, descending = agenda_sections(client, session, tri="-montant")
    assert ascending.index(str(first)) < ascending.index(str(second))
    assert descending.index(str(second)) < descending.index(str(first))
