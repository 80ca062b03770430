"""Daily clean-up of stored files: orphans and forgotten imports go, everything referenced stays."""

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from logement_accompagne.dossiers import services
from logement_accompagne.imports.models import ImportJob

pytestmark = pytest.mark.django_db


def _age(path: str, hours: float) -> None:
    stamp = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(default_storage.path(path), (stamp, stamp))


def test_orphans_and_old_unconfirmed_imports_are_removed_the_rest_kept(cast):
    kept = services.add_attachment(user=cast.carrier, dossier=cast.dossier, name="budget.pdf",
                                   content=b"%PDF-1.4", content_type="application/pdf")  # fmt: skip
    _age(kept.file.name, 48)
    old_orphan = default_storage.save("dossiers/perdu/ancien", ContentFile(b"x"))
    _age(old_orphan, 48)
    fresh_orphan = default_storage.save("dossiers/perdu/recent", ContentFile(b"x"))  # maybe mid-upload
    call = cast.dossier.call
    old_job = ImportJob(uploaded_by=cast.carrier, organisation=cast.landlord, call=call,
                        original_name="vieux.txt", size_bytes=1)  # fmt: skip
    old_job.file.save("vieux", ContentFile(b"x"))
    ImportJob.objects.filter(pk=old_job.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    recent_job = ImportJob(uploaded_by=cast.carrier, organisation=cast.landlord, call=call,
                           original_name="recent.txt", size_bytes=1)  # fmt: skip
    recent_job.file.save("recent", ContentFile(b"x"))
    _age(recent_job.file.name, 48)

    call_command("prune_files", "--dry-run", verbosity=0)
    assert default_storage.exists(old_orphan)

    call_command("prune_files", verbosity=0)
    assert default_storage.exists(kept.file.name) and default_storage.exists(fresh_orphan)
    assert not default_storage.exists(old_orphan)
    assert not ImportJob.objects.filter(pk=old_job.pk).exists() and not default_storage.exists(
        old_job.file.name
    )
    assert default_storage.exists(recent_job.file.name)
