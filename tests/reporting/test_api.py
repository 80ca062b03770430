"""The read API (issue #11 item 5): tokens per organisation, scoping, revocation, pagination, rate limit.

Uses the hand-made programme of conftest.py: d1, d4 (filed) and d5 (draft) in the Loiret (45) carried
by « OPH du Loiret »; d2 in Indre-et-Loire (37); d3 in the Landes (40).
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership
from logement_accompagne.reporting import tokens
from logement_accompagne.reporting.models import ApiToken
from tests import factories

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


def head_of(organisation, role=Role.SERVICE_HEAD):
    user = factories.UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def token_for(organisation, role=None) -> str:
    from logement_accompagne.organisations.enums import STATE_KINDS

    role = role or (Role.SERVICE_HEAD if organisation.kind in STATE_KINDS else Role.ORGANISATION_ADMIN)
    _, raw = tokens.issue(user=head_of(organisation, role), organisation=organisation, label="Outil")
    return raw


def get(client, path, raw, **params):
    return client.get(API + path, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


# --- scoping: the token sees what the pages show to its organisation --------------------------


def test_a_departmental_service_token_sees_only_its_department(client, programme):
    raw = token_for(factories.departmental_service("45"))
    # Filed dossiers of the Loiret only: not the draft d5, not Tours (37) nor the Landes (40).
    assert names(get(client, "/dossiers", raw)) == {"Bail glissant Orléans", "Nouveau Loiret"}
    assert get(client, f"/dossiers/{programme.d2.reference}", raw).status_code == 404
    assert get(client, f"/dossiers/{programme.d1.reference}", raw).json()["departments"] == ["45"]


def test_a_carrier_token_sees_only_its_own_dossiers_drafts_included(client, programme):
    raw = token_for(programme.d1.carrier_links.get().organisation)
    assert names(get(client, "/dossiers", raw)) == {
        "Bail glissant Orléans",
        "Nouveau Loiret",
        "Brouillon Loiret",
    }
    for other in (programme.d2, programme.d3):
        assert get(client, f"/dossiers/{other.reference}", raw).status_code == 404
        assert get(client, f"/dossiers/{other.reference}/avis", raw).status_code == 404
        assert get(client, f"/dossiers/{other.reference}/decisions", raw).status_code == 404


def test_a_regional_token_sees_its_region_and_the_national_level_every_filed_dossier(client, programme):
    region = token_for(factories.regional_service("24"))
    assert names(get(client, "/dossiers", region)) == {
        "Bail glissant Orléans",
        "Nouveau Loiret",
        "Petit projet Tours",
    }
    national = token_for(factories.national_body())
    assert len(names(get(client, "/dossiers", national))) == 4


def test_the_token_is_its_organisation_never_its_administrator(client, programme):
    """An administrator who is also a committee member issues a token for his landlord: the token
    sees the landlord's dossiers, not the nation's."""
    landlord = programme.d2.carrier_links.get().organisation
    admin = head_of(landlord, Role.ORGANISATION_ADMIN)
    Membership.objects.create(user=admin, organisation=factories.national_body(), role=Role.COMMITTEE)
    _, raw = tokens.issue(user=admin, organisation=landlord, label="Outil")
    assert names(get(client, "/dossiers", raw)) == {"Petit projet Tours"}


def test_opinions_and_decisions_follow_the_dossier_page(client, programme):
    dept = token_for(factories.departmental_service("45"))
    opinions = get(client, f"/dossiers/{programme.d1.reference}/avis", dept).json()
    assert len(opinions["departmental"]) == 1 and len(opinions["regional"]) == 1
    decisions = get(client, f"/dossiers/{programme.d1.reference}/decisions", dept).json()
    assert [decision["selected"] for decision in decisions] == [True]
    carrier = token_for(programme.d4.carrier_links.get().organisation)
    # Still under review: the carrier does not read the State services' opinions yet.
    assert get(client, f"/dossiers/{programme.d4.reference}/avis", carrier).json() == {
        "departmental": [], "regional": []
    }  # fmt: skip
    # Decided: the carrier reads them, as on the dossier page.
    assert len(get(client, f"/dossiers/{programme.d1.reference}/avis", carrier).json()["departmental"]) == 1
    assert [
        d["selected"] for d in get(client, f"/dossiers/{programme.d1.reference}/decisions", carrier).json()
    ] == [True]
    assert get(client, f"/dossiers/{programme.d4.reference}/decisions", carrier).json() == []
    # The decision's internal justification stays with the State services.
    assert "above_request_reason" not in decisions[0]


def test_every_dossier_read_through_the_api_is_journaled_with_its_token(client, programme):
    from logement_accompagne.audit.models import ReadEntry

    service = factories.departmental_service("45")
    raw = token_for(service)
    token = ApiToken.objects.get(organisation=service)
    reference = programme.d1.reference
    for path in ("", "/avis", "/decisions"):
        assert get(client, f"/dossiers/{reference}{path}", raw).status_code == 200
    entries = ReadEntry.objects.filter(target_type="dossiers.dossier", target_id=str(programme.d1.pk))
    assert [entry.detail.split(" · ")[0] for entry in entries.order_by("pk")] == [
        "API dossier", "API avis", "API décisions"
    ]  # fmt: skip
    assert {entry.actor_id for entry in entries} == {token.created_by_id}
    assert all(f"« Outil » ({token.prefix}…) de {service}" in entry.detail for entry in entries)
    # A dossier out of the token's territory is a 404 and nothing is journaled as read.
    assert get(client, f"/dossiers/{programme.d3.reference}", raw).status_code == 404
    assert not ReadEntry.objects.filter(target_id=str(programme.d3.pk)).exists()


def test_figures_are_the_dashboard_of_the_token_territory(client, programme):
    raw = token_for(factories.departmental_service("45"))
    figures = get(client, "/chiffres", raw).json()
    assert figures["territory"] == {"level": "department", "code": "45", "name": figures["territory"]["name"]}
    # Loiret: d1 selected (25 households, 20 dwellings) and d4 waiting.
    assert figures["counter"]["filed"] == 2
    assert figures["counter"]["selected"] == 1
    assert figures["counter"]["households"] == 25
    assert figures["counter"]["dwellings"] == 20
    region = get(client, "/chiffres", token_for(factories.regional_service("24"))).json()
    # Region 24: d1 (25) + d2 (3) selected.
    assert region["counter"]["households"] == 28
    carrier = token_for(programme.d1.carrier_links.get().organisation)
    response = get(client, "/chiffres", carrier)
    assert response.status_code == 403
    assert "réservés aux services de l'État" in response.json()["detail"]


# --- tokens: revoked, unknown, session ----------------------------------------------------------


def test_a_revoked_token_gets_401(client, programme):
    organisation = factories.departmental_service("45")
    admin = head_of(organisation)
    token, raw = tokens.issue(user=admin, organisation=organisation, label="Outil")
    assert get(client, "/dossiers", raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    tokens.revoke(user=admin, token=token)
    response = get(client, "/dossiers", raw)
    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton d'API absent, inconnu ou révoqué."}


def test_no_token_an_unknown_one_or_a_session_gets_401(client, programme):
    assert client.get(API + "/dossiers").status_code == 401
    assert get(client, "/dossiers", "la_inconnu").status_code == 401
    client.force_login(programme.committee)
    assert client.get(API + "/dossiers").status_code == 401


def test_tokens_are_stored_hashed(programme):
    organisation = factories.departmental_service("45")
    token, raw = tokens.issue(user=head_of(organisation), organisation=organisation, label="Outil")
    assert raw.startswith("la_") and len(raw) > 40
    assert token.digest == tokens.digest_of(raw) and raw not in token.digest
    assert not ApiToken.objects.filter(digest=raw).exists()


def test_only_an_administrator_issues_tokens(programme):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        tokens.issue(user=programme.dept45, organisation=factories.departmental_service("45"), label="x")
    # The head of a State service is the one; an "organisation admin" role on a State service is not.
    with pytest.raises(PermissionDenied):
        tokens.issue(
            user=head_of(factories.departmental_service("45"), Role.ORGANISATION_ADMIN),
            organisation=factories.departmental_service("45"),
            label="x",
        )


# --- pagination and rate limit ----------------------------------------------------------------


def test_lists_are_paginated_at_most_100(client, programme):
    raw = token_for(factories.national_body())
    page = get(client, "/dossiers", raw, limit=2).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    rest = get(client, "/dossiers", raw, limit=2, offset=2).json()
    assert len(rest["items"]) == 2
    assert not {item["reference"] for item in page["items"]} & {item["reference"] for item in rest["items"]}
    assert get(client, "/dossiers", raw, limit=101).status_code == 422
    assert get(client, "/dossiers", raw, limit=100).status_code == 200


def test_a_token_is_limited_to_60_requests_a_minute(client, programme):
    raw = token_for(factories.departmental_service("45"))
    # The counter is per clock minute: the clock is held still so that a slow machine cannot cross a
    # minute's boundary in the middle of the 61 requests.
    still = timezone.now().replace(second=1)
    with mock.patch("logement_accompagne.reporting.tokens.timezone.now", return_value=still):
        for _ in range(tokens.RATE_LIMIT):
            assert get(client, "/dossiers", raw).status_code == 200
        response = get(client, "/dossiers", raw)
        assert response.status_code == 429
        assert "Trop de requêtes" in response.json()["detail"]
        assert response["Retry-After"] == "60"
        # Another token of the same organisation has its own counter.
        assert get(client, "/dossiers", token_for(factories.departmental_service("45"))).status_code == 200


def test_list_queries_do_not_grow_with_the_page(client, programme, django_assert_max_num_queries):
    raw = token_for(factories.national_body())
    with django_assert_max_num_queries(8):
        assert len(get(client, "/dossiers", raw, limit=100).json()["items"]) == 4


# --- the OpenAPI description --------------------------------------------------------------------


def test_the_openapi_description_and_docs_are_served(client, db):
    response = client.get(API + "/openapi.json")
    assert response.status_code == 200
    description = response.json()
    assert {"/api/v1/dossiers", "/api/v1/dossiers/{reference}", "/api/v1/dossiers/{reference}/avis",
            "/api/v1/dossiers/{reference}/decisions", "/api/v1/chiffres"} <= set(description["paths"])  # fmt: skip
    assert (
        "BearerAuth" in str(description["components"]["securitySchemes"])
        or description["components"]["securitySchemes"]
    )
    docs = client.get(API + "/docs")
    assert docs.status_code == 200
    # Swagger UI from the project's static files: no CDN, no inline script.
    page = docs.content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn." not in page and "https://" not in page


# --- the token page ---------------------------------------------------------------------------


def test_the_token_page_creates_shows_once_lists_and_revokes(client, programme):
    organisation = factories.departmental_service("45")
    head = head_of(organisation)
    client.force_login(head)
    url = reverse("organisations:api_tokens")
    assert url in client.get(reverse("home")).content.decode()  # « Mon organisation » on the home page
    assert "Créer un jeton" in client.get(url).content.decode()
    response = client.post(url, {"organisation": organisation.pk, "label": "Tableau de bord du département"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    page = response.content.decode()
    raw = page.split('id="jeton">')[1].split("<")[0]
    assert token.digest == tokens.digest_of(raw)
    assert token.created_by == head and token.organisation == organisation
    # Shown once: the list page no longer holds it.
    listed = client.get(url).content.decode()
    assert raw not in listed and "Tableau de bord du département" in listed and token.prefix in listed
    assert get(client, "/dossiers", raw).status_code == 200
    response = client.post(reverse("organisations:revoke_api_token", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Révoqué le" in client.get(url).content.decode()
    client.logout()
    assert get(client, "/dossiers", raw).status_code == 401


def test_the_token_page_is_for_administrators_only(client, programme):
    url = reverse("organisations:api_tokens")
    client.force_login(programme.dept45)  # an instructor, not the head of his service
    assert client.get(url).status_code == 403
    assert client.post(url, {"label": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_an_administrator_cannot_revoke_another_organisation_token(client, programme):
    organisation = factories.departmental_service("45")
    token, _ = tokens.issue(user=head_of(organisation), organisation=organisation, label="Outil")
    client.force_login(head_of(factories.departmental_service("37")))
    assert client.post(reverse("organisations:revoke_api_token", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_without_a_label_is_refused_in_french(client, programme):
    organisation = factories.departmental_service("45")
    client.force_login(head_of(organisation))
    response = client.post(
        reverse("organisations:api_tokens"), {"organisation": organisation.pk, "label": ""}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "Ce champ est obligatoire" in response.content.decode()
