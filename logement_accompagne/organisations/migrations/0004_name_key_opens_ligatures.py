"""Organisation name keys now open ligatures ("Cœur" → "coeur", as everywhere else in the project)
instead of dropping them: the keys of the names that hold one are computed again."""

from django.db import migrations
from django.db.models import Q


def recompute(apps, schema_editor):
    from logement_accompagne.importer.textnorm import name_key

    Organisation = apps.get_model("organisations", "Organisation")
    with_ligature = Q()
    for letter in "œŒæÆß":
        with_ligature |= Q(name__contains=letter)
    for organisation in Organisation.objects.filter(with_ligature).only("pk", "name"):
        Organisation.objects.filter(pk=organisation.pk).update(name_key=name_key(organisation.name)[:255])


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_more_roles")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
