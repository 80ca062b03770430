"""The web tests use the shared cast (tests/conftest.py), a logged-in client, and `advance`."""

import pytest

from tests.lifecycle import advance  # noqa: F401 (advance is imported from here by the tests)


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
