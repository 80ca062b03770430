from django.db import migrations


def create_site_config(apps, schema_editor):
    from logement_accompagne.www.site import ensure_site_config

    ensure_site_config(apps.get_model("dsfr", "DsfrConfig"))


class Migration(migrations.Migration):
    dependencies = [("dsfr", "0012_dsfrconfig_notice_description_and_more")]

    operations = [migrations.RunPython(create_site_config, migrations.RunPython.noop)]
