"""The read API (issue #11 item 5): dossiers, their opinions and decisions, and figures, as JSON.

Served at /api/v1/ with its OpenAPI description (/api/v1/openapi.json, /api/v1/docs). Each request
carries a bearer token issued to an organisation (page « Jetons d'API » of « Mon organisation »); the
token acts as its organisation through the same scoped reads as the pages (`dossiers_visible_to`,
the dashboards' territory and indicators), never more. Lists are paginated (at most 100 items a
page); each token may make 60 requests a minute. Each read of one dossier (its page, opinions or
decisions) is journaled like the dossier page's, naming the token. Writes stay in the web application.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.http import Http404
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from logement_accompagne.audit.services import record_read
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.permissions import relation_to
from logement_accompagne.dossiers.selectors import dossier_for, dossiers_visible_to
from logement_accompagne.organisations.selectors import scope_of

from . import households, indicators, tokens
from . import territories as t

MAX_LIMIT = 100


class RateLimited(Exception):
    pass


class TokenAuth(HttpBearer):
    """Authorization: Bearer <jeton>. Unknown or revoked token → 401; beyond the rate → 429."""

    def authenticate(self, request, token):
        found = tokens.authenticate(token)
        if found is None:
            return None
        if tokens.over_rate_limit(found):
            raise RateLimited
        request.api_token = found
        return tokens.principal_of(found)


api = NinjaAPI(
    title="API du programme Logement accompagné",
    version="1",
    description=(
        "Lecture des dossiers, de leurs avis et décisions, et des chiffres du territoire. "
        "Authentification par jeton (en-tête `Authorization: Bearer <jeton>`) délivré à un organisme "
        "par son administrateur ; le jeton voit ce que voient les pages pour cet organisme. "
        f"Listes paginées (`limit` ≤ {MAX_LIMIT}, `offset`) ; {tokens.RATE_LIMIT} requêtes par minute "
        "et par jeton. Chaque lecture d'un dossier, de ses avis ou de ses décisions est inscrite au journal "
        "de sécurité, au nom du jeton et de la personne qui l'a délivré."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    response = api.create_response(
        request,
        {"detail": f"Trop de requêtes : {tokens.RATE_LIMIT} requêtes par minute au plus pour un jeton. "
         "Réessayez dans une minute."},
        status=429,
    )  # fmt: skip
    response["Retry-After"] = str(tokens.RATE_WINDOW)
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# ninja's default 401 says "Unauthorized": the API speaks French like the site.
@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Jeton d'API absent, inconnu ou révoqué."}, status=401)


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"Nombre d'éléments (≤ {MAX_LIMIT})")
        offset: int = Field(0, ge=0)


# --- schemas --------------------------------------------------------------------------------------


class CallOut(Schema):
    slug: str
    title: str
    year: int


class DossierOut(Schema):
    reference: uuid.UUID
    name: str
    status: str
    status_label: str
    call: CallOut
    submitted_at: datetime.datetime | None
    households: int | None
    dwellings: int | None
    requested_amount_eur: Decimal | None
    departments: list[str]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return Status(obj.status).label

    @staticmethod
    def resolve_departments(obj) -> list[str]:
        return [department.code for department in obj.departments.all()]


class DepartmentalOpinionOut(Schema):
    version: int
    created_at: datetime.datetime
    relevance: str
    reproducibility: str
    conditions: str


class RegionalOpinionOut(Schema):
    version: int
    created_at: datetime.datetime
    verdict: str
    comment: str


class OpinionsOut(Schema):
    departmental: list[DepartmentalOpinionOut]
    regional: list[RegionalOpinionOut]


class DecisionOut(Schema):
    version: int
    created_at: datetime.datetime
    selected: bool
    amount_granted_eur: Decimal | None
    conditions: str
    refusal_reason: str


class ErrorOut(Schema):
    detail: str


# --- dossiers -------------------------------------------------------------------------------------


def _visible(request, reference: uuid.UUID, what: str) -> Dossier:
    """The dossier, if the token's organisation may see it; its read is journaled as the dossier page's is."""
    try:
        dossier = dossier_for(request.auth, reference=reference)
    except Dossier.DoesNotExist as missing:
        raise Http404 from missing
    # A token is no person: the journal names the token and its organisation, and who issued it.
    token = request.api_token
    record_read(
        token.created_by,
        dossier,
        detail=f"API {what} · jeton « {token.label} » ({token.prefix}…) de {token.organisation}",
    )
    return dossier


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Dossier introuvable."}, status=404)


@api.get(
    "/dossiers",
    response=list[DossierOut],
    url_name="dossiers",
    summary="Dossiers visibles par l'organisme",
    tags=["dossiers"],
)
@paginate(Pagination)
def list_dossiers(request, status: str = "", call: str = ""):
    dossiers = dossiers_visible_to(request.auth).select_related("call").prefetch_related("departments")
    if status:
        dossiers = dossiers.filter(status=status)
    if call:
        dossiers = dossiers.filter(call__slug=call)
    return dossiers.order_by("-submitted_at", "-pk")


@api.get(
    "/dossiers/{reference}",
    response={200: DossierOut, 404: ErrorOut},
    url_name="dossier",
    summary="Un dossier",
    tags=["dossiers"],
)
def get_dossier(request, reference: uuid.UUID):
    return _visible(request, reference, "dossier")


def _review_readable(request, dossier: Dossier) -> bool:
    """As on the dossier page: the State services read the opinions and decisions; carriers once
    the dossier is decided (a decision being corrected is not shown to them)."""
    relation = relation_to(scope_of(request.auth), dossier)
    return (relation.reviewer or relation.administrator) or (
        relation.carrier and dossier.status in (Status.SELECTED, Status.NOT_SELECTED)
    )


@api.get(
    "/dossiers/{reference}/avis",
    response={200: OpinionsOut, 404: ErrorOut},
    url_name="opinions",
    summary="Avis départementaux et régionaux d'un dossier",
    tags=["dossiers"],
)
def get_opinions(request, reference: uuid.UUID):
    dossier = _visible(request, reference, "avis")
    if not _review_readable(request, dossier):
        return {"departmental": [], "regional": []}
    return {
        "departmental": list(dossier.departmental_opinions.all()),
        "regional": list(dossier.regional_opinions.all()),
    }


@api.get(
    "/dossiers/{reference}/decisions",
    response={200: list[DecisionOut], 404: ErrorOut},
    url_name="decisions",
    summary="Décisions du comité national sur un dossier",
    tags=["dossiers"],
)
def get_decisions(request, reference: uuid.UUID):
    dossier = _visible(request, reference, "décisions")
    if not _review_readable(request, dossier):
        return []
    return list(dossier.committee_decisions.all())


# --- figures --------------------------------------------------------------------------------------


@api.get("/chiffres", url_name="figures", summary="Chiffres du territoire de l'organisme", tags=["chiffres"])
def get_figures(request):
    """The dashboard's figures for the token's territory (State services only), statistical
    secrecy applied (under 5 households: null)."""
    territory = t.home_territory(request.auth)
    if territory is None:
        raise HttpError(403, "Les chiffres de territoire sont réservés aux services de l'État.")
    dossiers = t.dossiers_in(request.auth, territory)
    counter = indicators.counter(dossiers)
    calls = indicators.by_call(dossiers)
    for row in calls:
        row["households"] = indicators.suppressed(row["households"])
    money = indicators.money(dossiers, territory_is_national=territory.is_national)
    return {
        "territory": {"level": territory.level, "code": territory.code, "name": territory.name},
        "target": indicators.PROGRAMME_TARGET if territory.is_national else None,
        "counter": {
            "filed": counter["filed"],
            "selected": counter["selected"],
            "households": indicators.suppressed(counter["households"]),
            "dwellings": counter["dwellings"],
            "accompanied": indicators.suppressed(counter["accompanied"]),
        },
        "calls": calls,
        "money": money,
        "states": [
            {
                "call": row["call__title"],
                "year": row["call__year"],
                "total": row["total"],
                "by_status": {status: row[f"n_{status}"] for status in Status.values},
            }
            for row in indicators.states_by_call(dossiers)
        ],  # fmt: skip
        "outcomes": _plain(
            households.outcomes(dossiers.filter(status=Status.SELECTED), national=territory.is_national)
        ),
    }


def _plain(value):
    """Outcomes as JSON-ready values (tuples → lists, unknown objects → text)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool, Decimal)):
        return value
    return str(value)
