"""Completion deadlines are reminded: once a few days before, then when late and weekly after, the
instructors in copy once late; running the daily command twice the same day sends nothing more."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status
from tests.lifecycle import advance

DUE = datetime.date(2031, 3, 20)


@pytest.fixture
def returned(cast, db):
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    services.return_for_completion(
        user=cast.dept, dossier=cast.dossier, message="Joindre le RIB.", due_on=DUE
    )
    mail.outbox.clear()
    return cast.dossier


def addressees():
    return sorted(address for message in mail.outbox for address in message.to)


def test_nothing_is_sent_long_before_the_deadline(returned):
    assert services.remind_completion_deadlines(DUE - datetime.timedelta(days=4)) == {"before": 0, "late": 0}
    assert mail.outbox == []


def test_one_reminder_before_the_deadline_even_if_run_twice(returned, cast):
    day = DUE - datetime.timedelta(days=3)
    assert services.remind_completion_deadlines(day) == {"before": 1, "late": 0}
    assert services.remind_completion_deadlines(day) == {"before": 0, "late": 0}
    assert services.remind_completion_deadlines(day + datetime.timedelta(days=1)) == {"before": 0, "late": 0}
    (message,) = mail.outbox
    assert message.to == [cast.carrier.email]
    assert "20/03/2031" in message.subject and str(returned) in message.subject
    assert f"/dossiers/{returned.reference}/" in message.body


def test_late_then_weekly_with_the_instructors_in_copy(returned, cast):
    services.remind_completion_deadlines(DUE - datetime.timedelta(days=2))
    mail.outbox.clear()
    late = DUE + datetime.timedelta(days=1)
    assert services.remind_completion_deadlines(late) == {"before": 0, "late": 1}
    assert cast.dept.email in addressees() and cast.carrier.email in addressees()
    assert "en retard" in mail.outbox[0].subject
    mail.outbox.clear()
    assert services.remind_completion_deadlines(late + datetime.timedelta(days=6))["late"] == 0
    assert services.remind_completion_deadlines(late + datetime.timedelta(days=7))["late"] == 1


def test_a_resubmitted_dossier_is_not_reminded(returned, cast):
    services.resubmit(user=cast.carrier, dossier=returned, attested=True)
    mail.outbox.clear()
    assert services.remind_completion_deadlines(DUE + datetime.timedelta(days=1)) == {"before": 0, "late": 0}
    assert mail.outbox == []


def test_the_daily_command_says_what_it_sent(returned, capsys):
    call_command("remind_completion_deadlines", "--date", (DUE - datetime.timedelta(days=1)).isoformat())
    assert "1 avant échéance, 0 pour retard" in capsys.readouterr().out
