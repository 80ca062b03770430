"""Bearer tokens of the read API: issued and revoked by an organisation's administrator, stored hashed.

A token acts as its organisation: `principal_of(token)` is an object that the domain selectors
(`dossiers_visible_to`, `scope_of`) read like a person whose only membership would be the
organisation's own reach — a carrier organisation its dossiers, a State service its territory,
the national level every filed dossier. Nothing more: never the administrator's own reach.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from logement_accompagne.organisations.enums import STATE_KINDS, OrganisationKind
from logement_accompagne.organisations.selectors import Scope, managed_organisations

from .models import ApiToken

TOKEN_PREFIX = "la_"
RATE_LIMIT = 60  # requests per token and per minute
RATE_WINDOW = 60  # seconds


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- who may manage the tokens, and which ---------------------------------------------------------


def manageable_organisations(user):
    """Organisations whose tokens this person manages: as administrator of a carrier organisation,
    as head of a State service (the same rule as the members page)."""
    return managed_organisations(user)


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation__in=manageable_organisations(user)).select_related(
        "organisation", "created_by"
    )


def issue(*, user, organisation, label: str) -> tuple[ApiToken, str]:
    """A new token for the organisation: (stored token, the raw token to show once)."""
    if not manageable_organisations(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied("Seul l'administrateur de l'organisme peut créer ses jetons d'API.")
    label = (label or "").strip()
    if not label:
        raise ValidationError("Donnez un libellé au jeton (par exemple le nom de l'application).")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation, label=label[:100], digest=digest_of(raw), prefix=raw[:10], created_by=user
    )
    return token, raw


def revoke(*, user, token: ApiToken) -> ApiToken:
    if not manageable_organisations(user).filter(pk=token.organisation_id).exists():
        raise PermissionDenied("Seul l'administrateur de l'organisme peut révoquer ses jetons d'API.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- using a token --------------------------------------------------------------------------------


def authenticate(raw: str) -> ApiToken | None:
    """The active token with this value, its last use recorded; None if unknown or revoked."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("organisation", "created_by")
        .filter(digest=digest_of(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # At most one write a minute per token: the API is read-mostly.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def over_rate_limit(token: ApiToken) -> bool:
    """Counts the request in the token's current minute (Django's cache); True beyond the limit."""
    window = int(timezone.now().timestamp()) // RATE_WINDOW
    key = f"api-rate:{token.pk}:{window}"
    if cache.add(key, 1, RATE_WINDOW + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_WINDOW + 5)
            count = 1
    return count > RATE_LIMIT


def scope_of_organisation(organisation) -> Scope:
    """The organisation's own reach, as `scope_of` would compute it for one of its members."""
    kind = organisation.kind
    if kind == OrganisationKind.STATE_DEPARTMENT:
        codes = {organisation.department_id} if organisation.department_id else set()
        return Scope(departmental_codes=frozenset(codes))
    if kind == OrganisationKind.STATE_REGION:
        codes = {organisation.region_id} if organisation.region_id else set()
        return Scope(regional_codes=frozenset(codes))
    if kind == OrganisationKind.NATIONAL:
        return Scope(committee=True)
    if kind in STATE_KINDS:  # pragma: no cover - every State kind is handled above
        return Scope()
    return Scope(carrier_organisation_ids=frozenset({organisation.pk}))


class OrganisationPrincipal:
    """Who a token acts as, read by the selectors like a user (its scope cached as `scope_of` does)."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False
    pk = id = None

    def __init__(self, token: ApiToken):
        self.token = token
        self.organisation = token.organisation
        self._platform_scope = scope_of_organisation(token.organisation)

    def __str__(self) -> str:
        return f"Jeton « {self.token.label} » de {self.organisation}"


def principal_of(token: ApiToken) -> OrganisationPrincipal:
    return OrganisationPrincipal(token)
