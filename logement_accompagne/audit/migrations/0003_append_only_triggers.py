"""On PostgreSQL, the journal tables refuse UPDATE and DELETE in the database itself.

TRUNCATE stays possible (test databases are emptied that way, and a retention purge would be a
deliberate operation by the database owner).
"""

from django.db import migrations

TABLES = ("audit_fieldchange", "audit_readentry")

CREATE = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'le journal de sécurité (%%) est en ajout seul', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_journal_of_changes_and_reads")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
