"""ProConnect (OpenID Connect) sign-in for State agents and administrators, driven end to end
against a tiny OpenID provider run in a thread by the test: RS256 id_token, userinfo as a signed
JWT (as ProConnect answers), JWKS with a key generated for the run."""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from jwt.algorithms import RSAAlgorithm

from logement_accompagne.www.second_factor import PROCONNECT

pytestmark = pytest.mark.django_db

CLIENT_ID = "logement-accompagne"
CLIENT_SECRET = "secret-de-test"
BACKEND = "logement_accompagne.www.proconnect.ProConnectBackend"


class Provider:
    """An OpenID provider: /authorize, /token, /userinfo, /jwks. `email` is who signs in next."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "cle-de-test"
        self.email = ""
        self.codes: dict[str, dict] = {}  # code -> the authorize request's parameters
        self.tokens: dict[str, str] = {}  # access token -> e-mail
        self.id_tokens: list[str] = []  # every id_token issued, in order
        self.logouts: list[dict] = []  # the end_session requests received
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body, content_type="application/json", headers=()):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {**query, "email": provider.email}
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    return self.answer(302, "", headers=[("Location", target)])
                if url.path == "/logout":
                    provider.logouts.append(query)
                    return self.answer(302, "", headers=[("Location", query["post_logout_redirect_uri"])])
                if url.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self.answer(
                        200, json.dumps({"keys": [{**jwk, "kid": provider.kid, "alg": "RS256"}]})
                    )
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self.answer(401, "{}")
                    claims = {"sub": "agent-1", "email": provider.tokens[token], "iss": provider.url}
                    return self.answer(200, provider.sign(claims), content_type="application/jwt")
                return self.answer(404, "{}")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if (
                    urlparse(self.path).path != "/token"
                    or grant is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != grant["redirect_uri"]
                ):
                    return self.answer(400, json.dumps({"error": "invalid_grant"}))
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = grant["email"]
                now = int(time.time())
                id_token = provider.sign(
                    {
                        "iss": provider.url,
                        "aud": CLIENT_ID,
                        "sub": "agent-1",
                        "email": grant["email"],
                        "nonce": grant.get("nonce"),
                        "iat": now,
                        "exp": now + 60,
                    }  # fmt: skip
                )
                provider.id_tokens.append(id_token)
                body = {
                    "access_token": access,
                    "id_token": id_token,
                    "token_type": "Bearer",
                    "expires_in": 60,
                }
                return self.answer(200, json.dumps(body))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture
def provider():
    op = Provider()
    op.thread.start()
    yield op
    op.server.shutdown()
    op.server.server_close()


@pytest.fixture
def configured(settings, provider):
    """What the OIDC_* environment variables set in config/settings/base.py."""
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{provider.url}/logout"
    settings.OIDC_STORE_ID_TOKEN = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    settings.SECOND_FACTOR_REQUIRED = True  # as in production: ProConnect must spare the TOTP code
    return provider


def sign_in(client, provider, email, next_url=""):
    """The browser's trip: our start URL -> the provider's /authorize -> our callback."""
    provider.email = email
    start = reverse("proconnect_start") + (f"?next={next_url}" if next_url else "")
    to_provider = client.get(start)
    assert to_provider.status_code == 302
    assert to_provider["Location"].startswith(f"{provider.url}/authorize?")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlparse(back.headers["Location"])
    assert callback.path == reverse("proconnect_callback")
    return client.get(f"{callback.path}?{callback.query}")


def test_a_state_agent_signs_in_with_proconnect_without_a_totp_code(client, cast, configured):
    page = client.get(reverse("login")).content.decode()
    # The button ProConnect prescribes on the DSFR: the FranceConnect button, branded ProConnect.
    button = page[page.index('class="fr-connect"') : page.index("</a>", page.index('class="fr-connect"'))]
    assert "S’identifier avec" in button and '<span class="fr-connect__brand">ProConnect</span>' in button
    assert 'href="https://proconnect.gouv.fr/"' in page and "Qu’est-ce que ProConnect ?" in page
    queue = reverse("review:queue")
    response = sign_in(client, configured, cast.dept.email.upper(), next_url=queue)  # e-mail case ignored
    assert response.status_code == 302 and response["Location"] == queue
    assert int(client.session["_auth_user_id"]) == cast.dept.pk
    assert client.session[PROCONNECT] is True
    assert client.get(queue).status_code == 200  # no « Double authentification » asked


def test_signing_out_ends_the_proconnect_session_too(client, cast, configured):
    sign_in(client, configured, cast.dept.email)
    response = client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(f"{configured.url}/logout?")
    # The browser follows: ProConnect receives the id_token it issued, and sends it back to our sign-in page.
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    (logout,) = configured.logouts
    assert logout["id_token_hint"] == configured.id_tokens[-1]
    assert logout["state"]
    assert back.headers["Location"] == "http://testserver" + reverse("login")


def test_a_password_session_signs_out_here_only(client, cast, configured):
    cast.admin.set_password("Mot-de-passe-solide-42")
    cast.admin.save()
    client.force_login(cast.admin)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert configured.logouts == []


def test_the_administrator_signs_in_with_proconnect(client, cast, configured):
    response = sign_in(client, configured, cast.admin.email)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_an_unknown_email_is_refused_in_french_and_no_account_is_created(client, cast, configured):
    from django.contrib.auth import get_user_model

    before = get_user_model().objects.count()
    response = sign_in(client, configured, "inconnu@interieur.gouv.fr")
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == before
    page = client.get(reverse("login")).content.decode()
    assert "Aucun compte actif ne correspond" in page


def test_an_inactive_account_is_refused(client, cast, configured):
    cast.region.is_active = False
    cast.region.save(update_fields=["is_active"])
    sign_in(client, configured, cast.region.email)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("actor", ["carrier", "support_worker"])
def test_carrier_accounts_are_refused(client, cast, configured, actor):
    sign_in(client, configured, cast[actor].email)
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("login")).content.decode()
    assert "réservée aux agents de l" in page


def test_a_password_sign_in_still_asks_the_totp_code_when_configured(client, cast, configured):
    cast.dept.set_password("Mot-de-passe-solide-42")
    cast.dept.save()
    response = client.post(
        reverse("login"), {"username": cast.dept.email, "password": "Mot-de-passe-solide-42"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor"))


def test_unconfigured_the_login_page_is_unchanged_and_the_urls_do_not_exist(client, settings):
    settings.PROCONNECT_ENABLED = False
    page = client.get(reverse("login")).content.decode()
    assert "ProConnect" not in page
    assert client.get(reverse("proconnect_start")).status_code == 404
    assert client.get(reverse("proconnect_callback") + "?code=x&state=y").status_code == 404
    assert not any("proconnect" in b.lower() for b in settings.AUTHENTICATION_BACKENDS)
