"""A rule spanning two tables, kept by the database: no contact dated after the end of its support.

Two triggers on each database: a contact inserted or moved after its episode's end
date, and an episode whose end date is moved before one of its contacts, are refused.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER households_contact_not_after_exit_ins BEFORE INSERT ON households_contact
    WHEN EXISTS (SELECT 1 FROM households_supportepisode e WHERE e.id = NEW.episode_id
                 AND e.ended_on IS NOT NULL AND NEW.happened_on > e.ended_on)
    BEGIN SELECT RAISE(ABORT, 'contact_after_exit'); END
    """,
    """
    CREATE TRIGGER households_contact_not_after_exit_upd BEFORE UPDATE ON households_contact
    WHEN EXISTS (SELECT 1 FROM households_supportepisode e WHERE e.id = NEW.episode_id
                 AND e.ended_on IS NOT NULL AND NEW.happened_on > e.ended_on)
    BEGIN SELECT RAISE(ABORT, 'contact_after_exit'); END
    """,
    """
    CREATE TRIGGER households_exit_not_before_contact BEFORE UPDATE OF ended_on ON households_supportepisode
    WHEN NEW.ended_on IS NOT NULL AND EXISTS (SELECT 1 FROM households_contact c
                 WHERE c.episode_id = NEW.id AND c.happened_on > NEW.ended_on)
    BEGIN SELECT RAISE(ABORT, 'contact_after_exit'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS households_contact_not_after_exit_ins",
    "DROP TRIGGER IF EXISTS households_contact_not_after_exit_upd",
    "DROP TRIGGER IF EXISTS households_exit_not_before_contact",
]

POSTGRESQL = [
    """
    CREATE FUNCTION households_contact_not_after_exit() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM households_supportepisode e WHERE e.id = NEW.episode_id
                 AND e.ended_on IS NOT NULL AND NEW.happened_on > e.ended_on) THEN
        RAISE EXCEPTION 'contact_after_exit' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER households_contact_not_after_exit BEFORE INSERT OR UPDATE ON households_contact
    FOR EACH ROW EXECUTE FUNCTION households_contact_not_after_exit()
    """,
    """
    CREATE FUNCTION households_exit_not_before_contact() RETURNS trigger AS $$
    BEGIN
      IF NEW.ended_on IS NOT NULL AND EXISTS (SELECT 1 FROM households_contact c
                 WHERE c.episode_id = NEW.id AND c.happened_on > NEW.ended_on) THEN
        RAISE EXCEPTION 'contact_after_exit' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER households_exit_not_before_contact BEFORE UPDATE OF ended_on ON households_supportepisode
    FOR EACH ROW EXECUTE FUNCTION households_exit_not_before_contact()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS households_contact_not_after_exit ON households_contact",
    "DROP FUNCTION IF EXISTS households_contact_not_after_exit()",
    "DROP TRIGGER IF EXISTS households_exit_not_before_contact ON households_supportepisode",
    "DROP FUNCTION IF EXISTS households_exit_not_before_contact()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("households", "0001_households_support_records")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
