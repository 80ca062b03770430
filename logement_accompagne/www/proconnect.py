"""Sign-in with ProConnect (OpenID Connect, through mozilla-django-oidc) for State agents and
administrators.

Configured by the environment only (see config/settings/base.py and the README): without
``OIDC_RP_CLIENT_ID`` nothing changes, the two URLs answer 404 and the sign-in page shows no
ProConnect button. When configured, the provider's e-mail is matched to an existing active account
(no account is ever created), only a State role or an administrator may use it, and the session
counts as strongly authenticated: no TOTP code is asked (see ``second_factor``).
"""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import second_factor as factor

STRONG = factor.PROCONNECT


def enabled() -> bool:
    return bool(getattr(settings, "PROCONNECT_ENABLED", False))


class ProConnectBackend(OIDCAuthenticationBackend):
    """Finds the account by the e-mail ProConnect vouches for; never creates one."""

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(email__iexact=email, is_active=True)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            messages.error(
                self.request,
                "Aucun compte actif ne correspond à l'adresse e-mail transmise par ProConnect. "
                "Demandez à l'administrateur de la plateforme de vous ouvrir un compte.",
            )
            return None
        if not factor.is_concerned(user):
            messages.error(
                self.request,
                "La connexion avec ProConnect est réservée aux agents de l'État et aux "
                "administrateurs : connectez-vous avec votre adresse e-mail et votre mot de passe.",
            )
            return None
        return user

    def create_user(self, claims):  # belt and braces: OIDC_CREATE_USER is False
        return None


class ProConnectStart(OIDCAuthenticationRequestView):
    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class ProConnectCallback(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def login_success(self):
        response = super().login_success()
        self.request.session[STRONG] = True  # ProConnect is the strong authentication: no TOTP asked
        return response


ID_TOKEN = "oidc_id_token"  # where mozilla-django-oidc keeps the id_token (OIDC_STORE_ID_TOKEN)


def end_session_url(request) -> str:
    """Where to send the browser after our own sign-out so that ProConnect's session ends too.

    Empty when the person did not sign in with ProConnect (no id_token in the session) or when no
    end_session_endpoint is configured. Read before the session is flushed.
    """
    endpoint = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    id_token = request.session.get(ID_TOKEN)
    if not (enabled() and endpoint and id_token):
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": secrets.token_urlsafe(16),
            "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
        }
    )
    return f"{endpoint}?{query}"
