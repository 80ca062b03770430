"""Sign-in hardening as a user meets it: lockout after repeated failures, throttled password-reset
e-mails, sessions that end when idle and after a fixed time, and no demo data under production."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from logement_accompagne.audit.models import PasswordResetRequest
from logement_accompagne.organisations.models import User
from logement_accompagne.www.security import LAST_SEEN, STARTED
from tests import factories

pytestmark = pytest.mark.django_db


def sign_in(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_address_from_that_client_with_a_french_page(client):
    user = factories.UserFactory(email="camille@oph45.fr")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, user.email, "mauvais")
        assert response.status_code == 200
        assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    locked = sign_in(client, user.email, "mauvais")
    assert locked.status_code == 429
    assert "Trop de tentatives de connexion" in locked.content.decode()
    # Even the right password is refused while locked, whatever the case of the address.
    right = sign_in(client, user.email.upper(), factories.PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another person, or the same address from another client, is not affected.
    other = factories.UserFactory()
    assert sign_in(client, other.email, factories.PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, user.email, factories.PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_lock_lifts_after_the_cool_off_time(client):
    user = factories.UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.email, "mauvais")
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))  # fmt: skip
    response = sign_in(client, user.email, factories.PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_successful_sign_in_forgets_earlier_failures(client):
    user = factories.UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user.email, "mauvais")
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, user.email, "mauvais").status_code == 200
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 302


def reset(client, email, ip="10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_emails_are_throttled_per_address(client):
    user = factories.UserFactory()
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        assert reset(client, user.email).status_code == 302
    refused = reset(client, user.email.upper())
    assert refused.status_code == 429
    assert "Trop de demandes de réinitialisation" in refused.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    # Another address still gets its e-mail; every request is in the journal.
    other = factories.UserFactory()
    assert reset(client, other.email).status_code == 302
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS + 1
    assert PasswordResetRequest.objects.filter(email=user.email, allowed=False).count() == 1


def test_password_reset_emails_are_throttled_per_client(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 3
    users = factories.UserFactory.create_batch(4)
    for user in users[:3]:
        assert reset(client, user.email, ip="10.9.9.9").status_code == 302
    assert reset(client, users[3].email, ip="10.9.9.9").status_code == 429
    assert reset(client, users[3].email, ip="10.9.9.8").status_code == 302
    assert len(mail.outbox) == 4


def test_unknown_addresses_count_too_but_say_nothing_more(client):
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        response = reset(client, "personne@inconnu.fr")
        assert response.status_code == 302
    assert reset(client, "personne@inconnu.fr").status_code == 429
    assert mail.outbox == []


def test_old_reset_requests_no_longer_count(client):
    user = factories.UserFactory()
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        reset(client, user.email)
    PasswordResetRequest.objects.update(created_at="2020-01-01T00:00:00Z")
    assert reset(client, user.email).status_code == 302


def signed_in(client):
    user = factories.UserFactory()
    assert sign_in(client, user.email, factories.PASSWORD).status_code == 302
    return user


def set_clock(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_an_idle_session_ends(client):
    signed_in(client)
    assert client.get(reverse("home")).status_code == 200
    now = int(time.time())
    set_clock(client, **{LAST_SEEN: now - settings.SESSION_IDLE_TIMEOUT - 5})
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Votre session a expiré" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # signed out for good


def test_activity_keeps_a_session_alive_but_not_beyond_the_absolute_limit(client):
    signed_in(client)
    now = int(time.time())
    # Active a few minutes ago: the request goes through and the last-seen time moves forward.
    set_clock(client, **{LAST_SEEN: now - settings.SESSION_IDLE_TIMEOUT + 120})
    assert client.get(reverse("home")).status_code == 200
    assert client.session[LAST_SEEN] >= now
    # Signed in long ago, however active since: the session ends.
    set_clock(client, **{STARTED: now - settings.SESSION_ABSOLUTE_TIMEOUT - 5, LAST_SEEN: now})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_session_lifetimes_come_from_the_environment():
    code = "from django.conf import settings; print(settings.SESSION_IDLE_TIMEOUT, settings.SESSION_ABSOLUTE_TIMEOUT, settings.SESSION_COOKIE_AGE)"  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "SESSION_IDLE_TIMEOUT_MINUTES": "7", "SESSION_ABSOLUTE_TIMEOUT_MINUTES": "90"}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR, timeout=60,
    )  # fmt: skip
    assert out.stdout.split() == ["420", "5400", "5400"]


def test_load_demo_refuses_production_settings(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_load_demo_refuses_to_run_with_the_production_settings_module(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod", "SECRET_KEY": "x" * 60,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "VAR_DIR": str(tmp_path)}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "démonstration" in result.stderr and "production" in result.stderr
