"""A second factor for State agents and administrators: a TOTP code from an authenticator app
(django-otp), with single-use recovery codes.

Signed in with a password, a State agent (departmental or regional instructor, committee member,
administrator) is sent to « Double authentification » until the session is verified: the first
time, to enrol an app by its QR code and receive ten recovery codes; afterwards, to type the
app's six-digit code (or one recovery code). Carriers and support workers are not concerned.
``SECOND_FACTOR_REQUIRED`` (environment, on by default) turns the rule off for the test suite,
whose tests sign State agents in directly; tests/www/test_second_factor.py turns it on.
"""

import secrets

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from logement_accompagne.organisations.selectors import scope_of

CHECKED = "second_factor:not_concerned"  # in the session: this person needs no second factor
PROCONNECT = "second_factor:proconnect"  # in the session: signed in through ProConnect (strong)
RECOVERY_CODES = 10
APP_DEVICE = "Application d'authentification"
RECOVERY_DEVICE = "Codes de secours"


def is_concerned(user) -> bool:
    return user.is_staff or user.is_superuser or scope_of(user).is_instructor


def confirmed_app(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_app(user) -> TOTPDevice:
    """The device being enrolled (its secret shown as a QR code until a first code confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def new_recovery_codes(user) -> list[str]:
    """Ten fresh single-use codes (the previous ones stop working)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: a State agent's unverified session reaches only the
    second-factor page, sign-out and the accessibility statement."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            getattr(settings, "SECOND_FACTOR_REQUIRED", True)
            and user is not None
            and user.is_authenticated
            and not request.session.get(CHECKED)
            and not request.session.get(PROCONNECT)
            and not user.is_verified()
            and not self._open_path(request.path)
        ):
            if is_concerned(user):
                return redirect(f"{reverse('second_factor')}?next={request.get_full_path()}")
            request.session[CHECKED] = True  # a carrier: not asked again during this session
        return self.get_response(request)

    @staticmethod
    def _open_path(path: str) -> bool:
        open_paths = (reverse("second_factor"), reverse("logout"), reverse("accessibility"))
        return path in open_paths or path.startswith(settings.STATIC_URL)
