"""Sign-in hardening for the web layer: sessions that expire, and the identifier django-axes counts.

A session ends after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
SESSION_ABSOLUTE_TIMEOUT seconds after sign-in, whatever the activity. Both times live in the
session itself; the last-seen time is written at most once a minute so that browsing does not
rewrite the session on every request.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver

STARTED = "security:started_at"
LAST_SEEN = "security:last_seen"
LAST_SEEN_GRANULARITY = 60


def login_identifier(request, credentials) -> str | None:
    """The address as django-axes counts it: "A@X.FR" and "a@x.fr " are one account."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None and request is not None:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return username.strip().lower() if isinstance(username, str) else username


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now


class SessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.get(STARTED)
            last_seen = session.get(LAST_SEEN)
            if started is None or last_seen is None:
                # A session opened before this rule existed: its clock starts now.
                session[STARTED] = started = now if started is None else started
                session[LAST_SEEN] = last_seen = now
            if (
                now - started > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - last_seen > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                messages.info(
                    request, "Votre session a expiré : reconnectez-vous pour continuer.", fail_silently=True
                )
                return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
            if now - last_seen >= LAST_SEEN_GRANULARITY:
                session[LAST_SEEN] = now
        return self.get_response(request)


def request_ip(request) -> str | None:
    """The client's IP as django-axes sees it, so both throttles agree on who the client is."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None
