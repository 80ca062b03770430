"""Sign-in with ProConnect (OpenID Connect, through mozilla-django-oidc) for State agents and
administrators.

Configured by the environment only (see config/settings/base.py and the README): without
``OIDC_RP_CLIENT_ID`` nothing changes, the two URLs answer 404 and the sign-in page shows no
ProConnect button. When configured, the provider's e-mail is matched to an existing active account
(no account is ever created), only a State role or an administrator may use it, and the session
counts as strongly authenticated: no TOTP code is asked (see ``second_factor``).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
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
