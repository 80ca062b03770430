"""Readable everywhere (issue #7, item 10): open calls on the home page, the department picker,
dates and amounts in French."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

from .test_carrier import section_url

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_open_calls_with_their_closing_dates(login, cast):
    today = timezone.localdate()
    factories.CallFactory(title="Appel clos", opens_on=today - datetime.timedelta(days=90),
                          closes_on=today - datetime.timedelta(days=1))  # fmt: skip
    open_call = factories.CallFactory(
        title="Appel ouvert jusqu'au printemps", closes_on=today + datetime.timedelta(days=9)
    )
    for person in (cast.carrier, cast.dept):
        html = login(person).get(reverse("home")).content.decode()
        assert "Appels à projets ouverts" in html
        assert "Appel ouvert jusqu&#x27;au printemps" in html and "Appel clos" not in html
        closing = open_call.closes_on
        assert f"{closing.day} " in html and str(closing.year) in html and "encore 9 jours" in html


def test_the_department_picker_is_a_list_of_boxes_pre_filled_with_the_carriers_department(login, cast):
    cast.dossier.departments.clear()
    response = login(cast.carrier).get(section_url(cast.dossier, "localisation"))
    html = response.content.decode()
    assert "<select" not in html.split('id="checkboxes-id_departments"')[0][-2000:]
    assert 'type="checkbox" name="departments" value="45"' in html
    assert 'data-checklist="département"' in html and "www/js/checklist" in html
    # Pre-filled with the carrier organisation's department (Loiret), not yet saved.
    assert response.context["form"]["departments"].value() == ["45"]
    assert not cast.dossier.departments.exists()


def test_the_dossiers_own_departments_are_never_replaced_by_the_pre_filling(login, cast):
    from logement_accompagne.territories.models import Department

    cast.landlord.department = Department.objects.get(code="18")
    cast.landlord.save()
    cast.dossier.departments.set(["45"])
    response = login(cast.carrier).get(section_url(cast.dossier, "localisation"))
    assert response.context["form"]["departments"].value() == ["45"]
