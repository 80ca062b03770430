"""Instructors: the queue (filters, counts, constant query count), the dossier page, opinions,
forwarding, requests for completion."""

import pytest
from django.urls import reverse

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import DepartmentalOpinion, Message, RegionalOpinion, Transition
from tests import factories

from .conftest import advance

pytestmark = pytest.mark.django_db


def detail(dossier):
    return reverse("dossiers:detail", args=[dossier.reference])


def filed_dossiers(cast, count, call=None, department="45"):
    dossiers = []
    for _ in range(count):
        dossier = factories.DossierFactory(
            carrier=cast.landlord, department_codes=[department], **({"call": call} if call else {})
        )
        advance(cast, Status.SUBMITTED, dossier=dossier)
        dossiers.append(dossier)
    return dossiers


def test_queue_lists_filed_dossiers_of_the_territory_with_counts_per_state(login, cast):
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    filed_dossiers(cast, 2)
    factories.DossierFactory(carrier=cast.landlord, name="Brouillon invisible")
    response = login(cast.dept).get(reverse("review:queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bail glissant Orléans" in html and "Brouillon invisible" not in html
    counts = {row["status"]: row["count"] for row in response.context["counts"]}
    assert counts[Status.SUBMITTED] == 2 and counts[Status.DEPARTMENTAL_REVIEW] == 1
    assert "Déposé : 2" in html


def test_queue_filters_by_state_call_and_department(login, cast):
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    other_call = factories.CallFactory(title="Appel 2027")
    filed_dossiers(cast, 1, call=other_call)
    filed_dossiers(cast, 1, department="18")
    client = login(cast.region)

    def rows(**params) -> list[str]:
        return client.get(reverse("review:queue"), params).context["rows_html"].split("</tr>")[:-1]

    by_state = rows(status=Status.DEPARTMENTAL_REVIEW)
    assert len(by_state) == 1 and str(cast.dossier.reference) in by_state[0]
    by_call = rows(call=other_call.pk)
    assert len(by_call) == 1 and "Appel 2027" in by_call[0]
    by_department = rows(department="18")
    assert len(by_department) == 1 and "<td>18</td>" in by_department[0]
    # The counts follow the call/department filters, not the state filter.
    response = client.get(reverse("review:queue"), {"department": "18", "status": Status.SUBMITTED})
    assert {row["status"]: row["count"] for row in response.context["counts"]}[Status.SUBMITTED] == 1


def test_queue_is_scoped_to_the_territory(login, cast):
    advance(cast, Status.SUBMITTED)
    assert len(login(cast.dept_other).get(reverse("review:queue")).context["page_obj"]) == 0
    assert len(login(cast.region_other).get(reverse("review:queue")).context["page_obj"]) == 0
    assert len(login(cast.committee).get(reverse("review:queue")).context["page_obj"]) == 1


def test_queue_query_count_does_not_grow_with_the_page(login, cast, django_assert_max_num_queries):
    from django.core.cache import cache

    client = login(cast.committee)
    filed_dossiers(cast, 1)
    client.get(reverse("review:queue"))  # warm caches (content types, session)
    # Both pages built from the same state: the header kept per session for 30 s could be in one
    # measure and not the other on a slow run.
    cache.clear()
    # 13: 9 for the page, the session and the header's 3 read afresh after the clear.
    with django_assert_max_num_queries(13) as one:
        client.get(reverse("review:queue"))
    filed_dossiers(cast, 29)
    cache.clear()
    with django_assert_max_num_queries(len(one.captured_queries)) as thirty:
        response = client.get(reverse("review:queue"))
    assert len(response.context["page_obj"]) == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)


def test_queue_is_paginated_by_50(login, cast):
    filed_dossiers(cast, 51)
    response = login(cast.dept).get(reverse("review:queue"))
    assert len(response.context["page_obj"]) == 50
    assert "fr-pagination" in response.content.decode()


def test_instructor_dossier_page_has_summary_attachments_history_and_actions(login, cast):
    advance(cast, Status.SUBMITTED)
    html = login(cast.dept).get(detail(cast.dossier)).content.decode()
    assert "Synthèse financière" in html and "Coût par ménage" in html
    assert "Pièces jointes" in html and "Historique" in html
    assert "Prendre en charge l&#x27;instruction" in html or "Prendre en charge l'instruction" in html
    assert "Demander des compléments" in html
    assert "Avis des services instructeurs" in html


def test_financial_incoherence_is_flagged(login, cast):
    advance(cast, Status.SUBMITTED)
    # The call's cap lowered after the filing: the instructor still sees the request above it.
    cast.dossier.call.project_cap_eur = 20000
    cast.dossier.call.save()
    html = login(cast.dept).get(detail(cast.dossier)).content.decode()
    assert "dépasse le plafond de l&#x27;appel" in html
    assert "À vérifier" in html


def test_start_review_then_departmental_opinion_and_forward(login, cast, django_capture_on_commit_callbacks,
                                                             mailoutbox):  # fmt: skip
    advance(cast, Status.SUBMITTED)
    client = login(cast.dept)
    client.post(reverse("review:start", args=[cast.dossier.reference]))
    again = client.post(reverse("review:start", args=[cast.dossier.reference]), follow=True)
    assert "déjà commencé" in again.content.decode()
    url = reverse("review:departmental_opinion", args=[cast.dossier.reference])
    page = client.get(url).content.decode()
    assert "Pertinence du projet" in page and "Caractère reproductible" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"relevance": "Très pertinent", "reproducibility": "medium",
                                     "conditions": "Suivi trimestriel", "forward": "on"})  # fmt: skip
    assert response.status_code == 302
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.REGIONAL_REVIEW
    opinion = DepartmentalOpinion.objects.get(dossier=cast.dossier)
    assert (opinion.author, opinion.reproducibility) == (cast.dept, "medium")
    # The regional instructor is told.
    assert cast.region.email in [address for message in mailoutbox for address in message.to]


def test_departmental_opinion_requires_relevance_and_reproducibility(login, cast):
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    response = login(cast.dept).post(
        reverse("review:departmental_opinion", args=[cast.dossier.reference]), {"relevance": ""}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not DepartmentalOpinion.objects.exists()


def test_opinion_without_forward_keeps_the_state_and_a_new_opinion_is_a_new_version(login, cast):
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    client = login(cast.dept)
    url = reverse("review:departmental_opinion", args=[cast.dossier.reference])
    client.post(url, {"relevance": "v1", "reproducibility": "low"})
    client.post(url, {"relevance": "v2", "reproducibility": "high"})
    assert list(DepartmentalOpinion.objects.values_list("version", "relevance")) == [(2, "v2"), (1, "v1")]
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DEPARTMENTAL_REVIEW
    client.post(reverse("review:forward_to_region", args=[cast.dossier.reference]))
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.REGIONAL_REVIEW


def test_regional_opinion_and_forward_to_committee(login, cast):
    advance(cast, Status.REGIONAL_REVIEW)
    client = login(cast.region)
    url = reverse("review:regional_opinion", args=[cast.dossier.reference])
    assert "Avis global" in client.get(url).content.decode()
    client.post(url, {"verdict": "favourable", "comment": "Bon projet"})
    assert RegionalOpinion.objects.get().verdict == "favourable"
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.REGIONAL_REVIEW
    client.post(reverse("review:forward_to_committee", args=[cast.dossier.reference]))
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.COMMITTEE


def test_the_departmental_instructor_cannot_give_the_regional_opinion(login, cast):
    advance(cast, Status.REGIONAL_REVIEW)
    response = login(cast.dept).get(reverse("review:regional_opinion", args=[cast.dossier.reference]))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_request_for_completion_sends_a_message_and_returns_the_dossier(login, cast,
                                                                       django_capture_on_commit_callbacks,
                                                                       mailoutbox):  # fmt: skip
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    client = login(cast.dept)
    url = reverse("review:return_for_completion", args=[cast.dossier.reference])
    assert client.post(url, {"message": ""}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Joindre le budget prévisionnel.", "due_on": "2099-01-15"})
    assert response.status_code == 302
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.RETURNED
    assert Message.objects.get(dossier=cast.dossier).body == (
        "Joindre le budget prévisionnel.\n\nCompléments attendus au plus tard le 15/01/2099."
    )
    assert cast.carrier.email in [address for message in mailoutbox for address in message.to]
    assert Transition.objects.filter(dossier=cast.dossier, to_status=Status.RETURNED).exists()


def test_opinion_form_on_a_dossier_in_the_wrong_state_explains(login, cast):
    advance(cast, Status.SUBMITTED)
    response = login(cast.dept).get(
        reverse("review:departmental_opinion", args=[cast.dossier.reference]), follow=True
    )
    assert "Impossible pour l&#x27;instant" in response.content.decode()


def test_a_refused_form_says_so_in_a_summary_at_the_top(cast, login):
    dossier = advance(cast, Status.DEPARTMENTAL_REVIEW)
    response = login(cast.dept).post(
        reverse("review:departmental_opinion", args=[dossier.reference]), {"conditions": "Aucune"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    summary = html.index("Le formulaire contient")
    assert summary < html.index('name="relevance"')
    assert 'href="#id_relevance"' in html
