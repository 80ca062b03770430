"""A GIN index for the catalogue's French full-text search on PostgreSQL (issue #11 item 6).

`unaccent()` is only STABLE (its dictionary could change), so an index cannot use it directly: an
IMMUTABLE wrapper that names its dictionary is the usual way. The indexed expression is the one
`reporting.catalogue.search` filters on (`catalogue.DOCUMENT_SQL`), so the planner can use it. Nothing
happens on SQLite, nor on a PostgreSQL without the `unaccent` extension (the search then folds text).
"""

from django.db import migrations

from logement_accompagne.reporting.catalogue import DOCUMENT_SQL, INDEX_NAME, UNACCENT_FUNCTION

COLUMNS = {"name": "name", "summary": "summary", "support_method": "support_method", "partners": "partners"}


def _has_unaccent(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
    return cursor.fetchone() is not None


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not _has_unaccent(cursor):
            return
        cursor.execute("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                       " WHERE e.extname = 'unaccent'")  # fmt: skip
        schema = cursor.fetchone()[0]
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {UNACCENT_FUNCTION}(text) RETURNS text"
            f" LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
            f" AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
        )
        document = DOCUMENT_SQL.format(**COLUMNS)
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON dossiers_dossier USING gin (({document}))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {UNACCENT_FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_publication_consent"),
        ("dossiers", "0008_carrier_invitations"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
