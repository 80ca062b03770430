import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def create_unaccent(apps, schema_editor):
    """The catalogue's search ignores accents on PostgreSQL through `unaccent` (when allowed)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT unaccent_extension")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        except Exception:  # no right to create it: the search folds the query only
            cursor.execute("ROLLBACK TO SAVEPOINT unaccent_extension")
        else:
            cursor.execute("RELEASE SAVEPOINT unaccent_extension")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_api_tokens"),
        ("dossiers", "0008_carrier_invitations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_unaccent, migrations.RunPython.noop, elidable=True),
        migrations.CreateModel(
            name="PublicationConsent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("given_at", models.DateTimeField(verbose_name="donné le")),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="retiré le")),
                (
                    "dossier",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="publication_consent",
                        to="dossiers.dossier",
                        verbose_name="dossier",
                    ),
                ),
                (
                    "given_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="donné par",
                    ),
                ),
            ],
            options={
                "verbose_name": "accord de publication",
                "verbose_name_plural": "accords de publication",
            },
        ),
    ]
