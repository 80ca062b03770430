"""The dossier tests use the shared cast (tests/conftest.py) and bring its dossier to any state."""

from tests.lifecycle import advance  # noqa: F401 (advance is imported from here by the tests)
