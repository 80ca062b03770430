"""The import app's tests use the importer's sample documents."""

from tests.importer.conftest import samples, samples_module  # noqa: F401 - fixtures shared with tests/importer
