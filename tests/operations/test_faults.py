"""Faults: a database that stops answering gives a clear French 503, and the next request works."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from logement_accompagne.www import unavailable

pytestmark = pytest.mark.django_db


def test_database_down_gives_french_503_then_recovers(client, monkeypatch):
    from logement_accompagne.www.accounts import views

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "render", database_gone)  # the page's first use of the database
    response = client.get(reverse("accessibility"))
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
    assert response["Retry-After"] == "10"
    monkeypatch.undo()  # the database is back: the same server answers again
    assert client.get(reverse("accessibility")).status_code == 200


def test_other_errors_are_left_to_the_500_handler():
    middleware = unavailable.DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(None, ValueError("x")) is None
