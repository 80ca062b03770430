# The grants app's first node: committee sessions and agreements each add their tables on top of it.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("dossiers", "0007_list_page_indexes"),
        ("households", "0002_no_contact_after_exit"),
    ]

    operations = []
