"""Faults: an import interrupted half-way through creating its draft leaves nothing half-written.

The confirmation is cut at two places: in the middle of writing the dossier's rows (after the
dossier, its departments and cost lines, before its co-funding lines are written), and at the very end (after
the original document was stored as an attachment, when the job is marked done). Either way: no
dossier, no line, no attachment row, no stored file, the job still waiting for confirmation, and
confirming again once the fault is gone creates exactly one draft.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from logement_accompagne.audit.models import FieldChange, ReadEntry
from logement_accompagne.dossiers.models import (
    Attachment,
    CofundingLine,
    CostLine,
    Dossier,
    DossierCarrier,
    Transition,
)
from logement_accompagne.imports.models import ImportJob

from .test_import_views import FORM_TEXT, carrier, upload  # noqa: F401 - the carrier fixture

pytestmark = pytest.mark.django_db


class Interrupted(Exception):
    pass


def stored_files() -> set[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def review_data(page) -> dict:
    form = page.context["form"]
    return {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and form[name].value() is not False
    }


def cut_in_the_rows(monkeypatch):
    def boom(*args, **kwargs):
        raise Interrupted("coupure pendant l'écriture des lignes")

    monkeypatch.setattr(CofundingLine.objects, "bulk_create", boom)


def cut_after_the_original_is_stored(monkeypatch):
    def boom(self, *args, **kwargs):
        assert Attachment.objects.filter(description="Document d'origine importé").exists()
        raise Interrupted("coupure après l'enregistrement du document d'origine")

    monkeypatch.setattr(ImportJob, "save", boom)


@pytest.mark.parametrize("cut", [cut_in_the_rows, cut_after_the_original_is_stored])
def test_an_interrupted_confirmation_leaves_nothing_and_can_be_done_again(carrier, monkeypatch, cut):  # noqa: F811
    client = Client(raise_request_exception=False)
    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    job = ImportJob.objects.get()
    review_url = response.url
    data = review_data(client.get(review_url))
    files_before = stored_files()
    assert any(name.startswith("imports/") for name in files_before)  # the uploaded document
    journal_before = FieldChange.objects.count(), ReadEntry.objects.count()

    with monkeypatch.context() as patch:
        cut(patch)
        failed = client.post(review_url, data)
    assert failed.status_code == 500  # an internal error, shown as such, and then...

    # ... nothing half-written: no row of any kind, no file, the job untouched.
    for model in (Dossier, DossierCarrier, CostLine, CofundingLine, Attachment, Transition):
        assert not model.objects.exists(), model.__name__
    assert (FieldChange.objects.count(), ReadEntry.objects.count()) == journal_before
    assert stored_files() == files_before
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.dossier is None

    # The fault gone, the same review confirms normally, once.
    confirmed = client.post(review_url, data)
    assert confirmed.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.cost_lines.exists() and dossier.carrier_links.count() == 1
    assert dossier.attachments.count() == 1
    assert len(stored_files() - files_before) == 1
    job.refresh_from_db()
    assert job.state == ImportJob.State.CONFIRMED and job.dossier == dossier
