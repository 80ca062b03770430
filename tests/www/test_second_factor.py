"""A TOTP second factor for State agents and administrators (django-otp), with recovery codes."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.SECOND_FACTOR_REQUIRED = True  # as in production (off for the rest of the suite)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client, user) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("second_factor"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.context["secret"] in page.content.decode()  # the key, for typing it by hand
    done = client.post(reverse("second_factor"), {"token": code_of(device)})
    assert done.status_code == 200
    codes = re.findall(r"<code>(\d{10})</code>", done.content.decode())
    assert len(codes) == 10 and "ne seront plus affichés" in done.content.decode()
    return codes


def test_a_state_agent_must_enrol_an_app_before_anything_else(client, cast):
    client.force_login(cast.dept)
    queue = reverse("review:queue")
    response = client.get(queue)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('second_factor')}?next={queue}"
    assert client.get(reverse("accessibility")).status_code == 200  # the statement stays readable
    enrol(client, cast.dept)
    assert TOTPDevice.objects.get(user=cast.dept).confirmed
    assert client.get(queue).status_code == 200  # verified for this session


def test_every_state_role_and_the_administrator_are_asked_carriers_are_not(client, cast):
    for actor in ("dept", "region", "committee", "admin"):
        client.force_login(cast[actor])
        assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor")), actor
    for actor in ("carrier", "support_worker"):
        client.force_login(cast[actor])
        assert client.get(reverse("home")).status_code == 200, actor


def test_a_wrong_code_is_refused_in_french(client, cast):
    client.force_login(cast.region)
    client.get(reverse("second_factor"))
    response = client.post(reverse("second_factor"), {"token": "000000"})
    assert "Ce code ne correspond pas" in response.content.decode()
    response = client.post(reverse("second_factor"), {"token": "abc"})
    assert "Le code ne contient que des chiffres." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.region, confirmed=True).exists()
    assert client.get(reverse("review:queue")).status_code == 302  # still not through


def test_next_sign_in_asks_the_code_and_a_recovery_code_works_once(client, cast):
    codes = enrol(client, cast.committee)
    client.logout()
    client.force_login(cast.committee)
    target = reverse("committee:index")
    assert client.get(target).status_code == 302
    page = client.get(reverse("second_factor"), {"next": target})
    assert "Saisissez le code affiché par votre application" in page.content.decode()
    assert "<svg" not in page.content.decode()  # no second enrolment, no secret shown again
    response = client.post(reverse("second_factor"), {"token": codes[0], "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200
    client.logout()
    client.force_login(cast.committee)
    reused = client.post(reverse("second_factor"), {"token": codes[0]})
    assert "Code incorrect ou déjà utilisé." in reused.content.decode()
    device = TOTPDevice.objects.get(user=cast.committee)
    device.refresh_from_db()
    # The code used for the enrolment cannot be replayed; the app's next one is accepted.
    replayed = client.post(reverse("second_factor"), {"token": code_of(device)})
    assert "Code incorrect ou déjà utilisé." in replayed.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a failure delays the next try (2 s, doubling): as after waiting
    following = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=1):06d}"
    assert client.post(reverse("second_factor"), {"token": following})["Location"] == reverse("home")


def test_the_next_page_never_leaves_the_site(client, cast):
    codes = enrol(client, cast.admin)
    client.logout()
    client.force_login(cast.admin)
    response = client.post(reverse("second_factor"), {"token": codes[1], "next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("home")
