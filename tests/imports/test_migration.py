"""The move of ImportJob out of the former ``importer`` app keeps existing databases' rows."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from logement_accompagne.imports.models import ImportJob
from tests import factories


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _latest(app):
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes(app)


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_imports():
    # A transactional test starts from an emptied database: reference data comes back first.
    call_command("load_territories", verbosity=0)
    job = ImportJob.objects.create(
        uploaded_by=factories.UserFactory(), organisation=factories.OrganisationFactory(),
        call=factories.CallFactory(), original_name="ancien.docx", size_bytes=3, file="imports/x",
        canonical={"name": "Toit d'abord"},
    )  # fmt: skip
    try:
        # Back to the previous schema: the table under the old app's name, the model unknown here.
        _migrate([("imports", None)])
        tables = connection.introspection.table_names()
        assert "importer_importjob" in tables and "imports_importjob" not in tables
    finally:
        _migrate(_latest("imports"))
    tables = connection.introspection.table_names()
    assert "imports_importjob" in tables and "importer_importjob" not in tables
    assert ImportJob.objects.get(pk=job.pk).canonical == {"name": "Toit d'abord"}
