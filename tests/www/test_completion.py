"""The instructors' day (issue #7, item 8) as pages: a request for completion has a deadline shown
to both sides, and after resubmission the instructor reads what changed, field by field."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Status

from .conftest import advance

pytestmark = pytest.mark.django_db


def return_url(dossier):
    return reverse("review:return_for_completion", args=[dossier.reference])


def test_the_deadline_is_required_in_the_future_and_shown_to_both_sides(login, cast):
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    client = login(cast.dept)
    form = client.get(return_url(cast.dossier)).context["form"]
    assert form["due_on"].value() == timezone.localdate() + datetime.timedelta(days=15)
    html = client.post(return_url(cast.dossier), {"message": "Joindre le RIB."}).content.decode()
    assert "Indiquez la date à laquelle les compléments sont attendus." in html
    assert "Le formulaire contient une erreur" in html
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    html = client.post(
        return_url(cast.dossier), {"message": "Joindre le RIB.", "due_on": yesterday}
    ).content.decode()
    assert "L&#x27;échéance doit être postérieure à aujourd&#x27;hui." in html
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DEPARTMENTAL_REVIEW
    assert (
        client.post(
            return_url(cast.dossier), {"message": "Joindre le RIB.", "due_on": "2099-01-15"}
        ).status_code
        == 302
    )
    detail = reverse("dossiers:detail", args=[cast.dossier.reference])
    carrier_html = login(cast.carrier).get(detail).content.decode()
    assert "Des compléments vous sont demandés pour le jeudi 15 janvier 2099" in carrier_html
    dept_html = login(cast.dept).get(detail).content.decode()
    assert "attendus au plus tard le jeudi 15 janvier 2099" in dept_html


def test_after_resubmission_the_instructor_reads_what_changed(login, cast):
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    services.return_for_completion(user=cast.dept, dossier=cast.dossier, message="Préciser le nombre de ménages.",
                                   due_on=timezone.localdate() + datetime.timedelta(days=10))  # fmt: skip
    cast.dossier.refresh_from_db()
    households = cast.dossier.households
    services.update_dossier(user=cast.carrier, dossier=cast.dossier, expected_version=cast.dossier.version,
                            values={"households": households + 5, "requested_amount_eur": 28000})  # fmt: skip
    services.resubmit(user=cast.carrier, dossier=cast.dossier, attested=True)
    cast.dossier.refresh_from_db()
    assert cast.dossier.status == Status.DEPARTMENTAL_REVIEW and cast.dossier.completion_due_on is None
    detail = reverse("dossiers:detail", args=[cast.dossier.reference])
    response = login(cast.dept).get(detail)
    html = response.content.decode()
    assert "Modifications depuis le dépôt précédent" in html
    rows = {
        change.label: (change.before, change.after) for change in response.context["changes_since_previous"]
    }
    assert rows["Nombre de ménages accompagnés"] == (str(households), str(households + 5))
    assert rows["Montant demandé à l'appel (€)"][1] == "28\u202f000,00\u00a0€"
    # The carriers do not get the instructors' comparison.
    assert "Modifications depuis le dépôt précédent" not in login(cast.carrier).get(detail).content.decode()


def test_dates_are_typed_and_shown_day_first_whatever_the_browser_language(login, cast):
    advance(cast, Status.DEPARTMENTAL_REVIEW)
    client = login(cast.dept)
    html = client.get(return_url(cast.dossier)).content.decode()
    shown = (timezone.localdate() + datetime.timedelta(days=15)).strftime("%d/%m/%Y")
    assert f'value="{shown}"' in html and 'placeholder="jj/mm/aaaa"' in html and 'type="date"' not in html
    assert (
        client.post(return_url(cast.dossier), {"message": "RIB", "due_on": "15/01/2099"}).status_code == 302
    )
    cast.dossier.refresh_from_db()
    assert cast.dossier.completion_due_on == datetime.date(2099, 1, 15)
