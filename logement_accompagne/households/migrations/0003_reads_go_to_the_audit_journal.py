"""The household read log joins the platform's one journal of reads (`audit.ReadEntry`).

Each `PersonalDataRead` row becomes a `ReadEntry` with the same person and instant: its target is
the support episode of that household in that project (the latest one), or the household itself
when there is none; the household in `household_ref`; what was read in `detail`. Then the old
table goes. Going back recreates an empty table (the journal keeps the entries: it is append-only).
"""

from django.db import migrations

EPISODE = "households.supportepisode"
HOUSEHOLD = "households.household"


def copy_reads(apps, schema_editor):
    PersonalDataRead = apps.get_model("households", "PersonalDataRead")
    SupportEpisode = apps.get_model("households", "SupportEpisode")
    ReadEntry = apps.get_model("audit", "ReadEntry")
    at = ReadEntry._meta.get_field("at")
    at.auto_now_add = False  # this historical model only: keep each read's own instant
    try:
        batch = []
        for read in PersonalDataRead.objects.select_related("user").order_by("at", "pk").iterator():
            episode = (
                SupportEpisode.objects.filter(household_id=read.household_id, dossier_id=read.dossier_id)
                .order_by("-referred_on", "-pk")
                .values_list("pk", flat=True)
                .first()
                if read.household_id is not None
                else None
            )
            if episode is not None:
                target_type, target_id = EPISODE, episode
            else:
                target_type, target_id = HOUSEHOLD, read.household_id or read.household_reference
            batch.append(
                ReadEntry(
                    actor_id=read.user_id, actor_email=(read.user.email or "")[:254], at=read.at,
                    target_type=target_type, target_id=str(target_id)[:64],
                    household_ref="" if read.household_id is None else str(read.household_id),
                    detail=read.what[:255],
                )  # fmt: skip
            )
            if len(batch) >= 1000:
                ReadEntry.objects.bulk_create(batch)
                batch = []
        ReadEntry.objects.bulk_create(batch)
    finally:
        at.auto_now_add = True


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_append_only_triggers"),
        ("households", "0002_no_contact_after_exit"),
    ]

    operations = [
        migrations.RunPython(copy_reads, migrations.RunPython.noop, elidable=False),
        migrations.DeleteModel(name="PersonalDataRead"),
    ]
