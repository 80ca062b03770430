"""Faults: the database goes away while the server runs, then comes back (PostgreSQL).

The shared PostgreSQL server is not restarted: the test puts its own TCP proxy between Django and
it, serves the site from a real WSGI server in a thread whose connection goes through the proxy, and cuts the proxy (every open connection dropped, every new
one closed at once, as during a restart), then restores it. Requests in between must get the French
503 page, whatever layer met the error first (the signed-in user's query in a middleware, or the
view), and the same server must answer normally afterwards without being restarted.
"""

import copy
import socket
import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

UNAVAILABLE = "Service momentanément indisponible"


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to the real database; ``cut()`` drops everything, ``restore()``
    lets connections through again."""

    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = threading.Event()
        self.open_sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # listener closed
            if self.down.is_set():
                client.close()  # as a restarting server does: the connection ends at once
                continue
            self.accepted += 1
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.open_sockets |= {client, server}
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    def _pump(self, source, target):
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                self._close(sock)

    def _close(self, sock):
        with self.lock:
            self.open_sockets.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def cut(self):
        self.down.set()
        with self.lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            self._close(sock)

    def restore(self):
        self.down.clear()

    def close(self):
        self.cut()
        self.listener.close()


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server_through_proxy(transactional_db):
    """The site served by a real WSGI server in a thread (request_started/finished signals as under
    gunicorn, one persistent connection per worker thread), whose database connection goes through
    the proxy. Only new connections use the proxied settings: the test's own stays direct."""
    if connection.vendor != "postgresql":
        pytest.skip("coupure de base testée sur PostgreSQL seulement (DATABASE_URL=postgres://...)")
    call_command("load_territories", verbosity=0)  # a transactional test starts from an empty database
    original = connections.settings["default"]
    proxy = CuttableProxy(original["HOST"] or "127.0.0.1", int(original["PORT"] or 5432))
    connections.settings["default"] = {
        **copy.deepcopy(original), "HOST": "127.0.0.1", "PORT": str(proxy.port),
        "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
    }  # fmt: skip
    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        connections.settings["default"] = original
        proxy.close()


def get(url: str, session: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.postgres
def test_database_cut_gives_french_503_then_the_same_server_recovers(server_through_proxy, cast):
    proxy, base = server_through_proxy
    session = signed_in(cast.carrier)
    dossier = cast.dossier
    pages = [reverse("dossiers:list"), reverse("dossiers:detail", args=[dossier.reference])]

    for path in pages:
        status, page, _ = get(base + path, session)
        assert status == 200, (path, status)
    assert dossier.name in page
    assert proxy.accepted == 1  # one persistent connection, through the proxy

    proxy.cut()  # the database goes away: the open connection dies, new ones are refused
    for path in [*pages, reverse("accessibility"), reverse("review:queue")]:
        status, page, headers = get(base + path, session)
        assert status == 503, (path, status)
        assert UNAVAILABLE in page and "Réessayez dans quelques instants" in page
        assert "Traceback" not in page
        assert headers["Retry-After"] == "10"

    proxy.restore()  # the database is back; the server was not restarted
    for path in pages:
        status, page, _ = get(base + path, session)
        assert status == 200, (path, status)
    assert dossier.name in page
    assert proxy.accepted >= 2  # a fresh connection replaced the dead one


@pytest.mark.postgres
def test_a_state_agent_signed_in_before_the_cut_is_still_signed_in_after(server_through_proxy, cast):
    proxy, base = server_through_proxy
    session = signed_in(cast.dept)
    queue = base + reverse("review:queue")
    assert get(queue, session)[0] == 200
    proxy.cut()
    assert get(queue, session)[0] == 503
    assert get(queue, session)[0] == 503  # still down: no stale state, the same clear answer
    proxy.restore()
    status, page, _ = get(queue, session)
    assert status == 200
    assert "Se déconnecter" in page  # the same session, no new sign-in
