"""The purge: told 30 days before, personal data gone after 2 years, snapshot kept, indicators unchanged."""

import datetime

from django.core import mail
from django.core.management import call_command

from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.households import indicators
from logement_accompagne.households.models import (
    Contact,
    Household,
    Member,
    OutcomeSnapshot,
    PrivateNote,
    SupportEpisode,
)
from logement_accompagne.households.retention import purge_personal_data

from .fixture import TODAY, build

D = datetime.date


def figures(dossier):
    dossiers = Dossier.objects.filter(pk=dossier.pk)
    return [
        (f.key, f.value, f.base, [(d.key, d.value) for d in f.details])
        for f in indicators.all_figures(
            SupportEpisode.objects.filter(dossier__in=dossiers), OutcomeSnapshot.objects.filter(dossier__in=dossiers),
            dossiers, today=TODAY,
        )
    ]  # fmt: skip


def test_purge_after_notice_keeps_snapshots_and_figures(project, django_capture_on_commit_callbacks):
    episodes = build(project)
    from logement_accompagne.households import services

    services.add_private_note(user=project.worker, episode=episodes["b"], body="Rappeler la CAF")
    before = figures(project.dossier)
    snapshots_before = list(
        OutcomeSnapshot.objects.values_list("household_reference", "end_month", "destination")
    )
    # B's last contact is 15/06/2025 and its support ended 01/10/2025: 2 years after is 01/10/2027.
    assert purge_personal_data(today=D(2027, 8, 1)).noticed == []
    with django_capture_on_commit_callbacks(execute=True):
        report = purge_personal_data(today=D(2027, 9, 1))
    b = episodes["b"].household
    assert b.reference in report.noticed and report.purged == []
    assert len(mail.outbox) >= 1 and b.reference in mail.outbox[0].subject
    assert Member.objects.filter(household=b).exists()  # told, not yet deleted
    again = purge_personal_data(today=D(2027, 9, 2))
    assert again.noticed == [] and again.purged == []  # idempotent: told once
    report = purge_personal_data(today=D(2027, 10, 1))
    assert b.reference in report.purged
    b.refresh_from_db()
    assert b.purged_at is not None and not Member.objects.filter(household=b).exists()
    assert not PrivateNote.objects.filter(episode__household=b).exists()
    assert not Contact.objects.filter(episode__household=b).exclude(note="").exists()
    # the open supports (D, F) are never purged, only listed
    assert episodes["d"].household.reference in report.still_open
    assert Member.objects.filter(household=episodes["d"].household).exists()
    assert (
        list(OutcomeSnapshot.objects.values_list("household_reference", "end_month", "destination"))
        == snapshots_before
    )
    assert figures(project.dossier) == before
    assert purge_personal_data(today=D(2027, 10, 2)).purged == []


def test_a_new_contact_cancels_the_notice(project):
    episodes = build(project)
    purge_personal_data(today=D(2027, 9, 1))
    b = Household.objects.get(pk=episodes["b"].household_id)
    assert b.purge_notice_on == D(2027, 9, 1)
    Contact.objects.create(episode=episodes["d"], happened_on=D(2025, 10, 1), kind="attempt", channel="phone",
                           result="not_reached")  # fmt: skip
    # the clock restarts only for the household that had a new contact, through the service
    from logement_accompagne.households import services

    services.record_contact(user=project.worker, episode=episodes["f"], happened_on=D(2026, 6, 1), kind="attempt",
                            channel="phone", result="not_reached")  # fmt: skip
    assert Household.objects.get(pk=episodes["f"].household_id).purge_notice_on is None


def test_the_command_runs_daily(project):
    build(project)
    call_command("purge_personal_data", "--dry-run")
    assert Member.objects.count() == 6
