"""ImportJob moves here from the former ``importer`` Django app, with its rows.

A database migrated before the move already holds the table ``importer_importjob`` (and a row of
``django_migrations`` for ``importer``); a new database holds nothing. So the model enters the
migration state under its old table name, the table is created only where it is missing, the
content type (and so the permissions given on it) follows the model, and the table then takes
this app's name.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "importer_importjob"


def adopt_or_create_table(apps, schema_editor):
    model = apps.get_model("imports", "ImportJob")
    if OLD_TABLE not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(model)
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="imports", model="importjob").exists():
        ContentType.objects.using(db).filter(app_label="importer", model="importjob").update(app_label="imports")


def give_back_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="imports", model="importjob"
    ).update(app_label="importer")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("calls", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dossiers", "0002_initial"),
        ("organisations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportJob",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("original_name", models.CharField(max_length=255, verbose_name="fichier")),
                        ("file", models.FileField(max_length=255, upload_to="imports/")),
                        ("size_bytes", models.PositiveBigIntegerField()),
                        ("state", models.CharField(choices=[("pending", "En attente"), ("running", "Analyse en cours"), ("done", "Analysé"), ("failed", "Échec"), ("confirmed", "Brouillon créé")], default="pending", max_length=16)),
                        ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="avancement (%)")),
                        ("canonical", models.JSONField(blank=True, null=True)),
                        ("sources", models.JSONField(blank=True, default=dict)),
                        ("warnings", models.JSONField(blank=True, default=list)),
                        ("error", models.TextField(blank=True, default="")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("call", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="calls.call", verbose_name="appel")),
                        ("dossier", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="import_job", to="dossiers.dossier")),
                        ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organisations.organisation", verbose_name="organisation porteuse")),
                        ("uploaded_by", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "import de document",
                        "verbose_name_plural": "imports de documents",
                        "ordering": ["-created_at"],
                        "db_table": OLD_TABLE,
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("progress__lte", 100)), name="import_progress_percent"),
                            models.CheckConstraint(condition=models.Q(models.Q(("state", "confirmed"), _negated=True), ("dossier__isnull", False), _connector="OR"), name="import_confirmed_has_dossier"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(adopt_or_create_table, give_back_content_type),
        migrations.AlterModelTable(name="importjob", table=None),
    ]
