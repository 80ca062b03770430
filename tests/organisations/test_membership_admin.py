"""Memberships changed by an operator in the Django admin enter the same history as those changed on
the pages: added, role changed, moved to another organisation, ended (alone or in bulk)."""

import pytest
from django.urls import reverse

from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership, MembershipEvent
from tests import factories

pytestmark = pytest.mark.django_db


def events(person):
    return [
        (event.organisation_id, event.action, event.role_before, event.role_after, event.actor_email)
        for event in MembershipEvent.objects.filter(person=person).order_by("pk")
    ]


def test_add_change_move_and_end_a_membership_in_the_admin_are_logged(client, cast):
    client.force_login(cast.admin)
    person = factories.UserFactory(email="agent@exemple.fr")
    response = client.post(reverse("admin:organisations_membership_add"),
                           {"user": person.pk, "organisation": cast.landlord.pk, "role": Role.CARRIER})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=person)
    change = reverse("admin:organisations_membership_change", args=[membership.pk])
    client.post(
        change, {"user": person.pk, "organisation": cast.landlord.pk, "role": Role.ORGANISATION_ADMIN}
    )
    client.post(change, {"user": person.pk, "organisation": cast.other_landlord.pk, "role": Role.CARRIER})
    client.post(reverse("admin:organisations_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.filter(user=person).exists()
    by = cast.admin.email
    assert events(person) == [
        (cast.landlord.pk, "invited", "", Role.CARRIER, by),
        (cast.landlord.pk, "role_changed", Role.CARRIER, Role.ORGANISATION_ADMIN, by),
        (cast.landlord.pk, "ended", Role.ORGANISATION_ADMIN, "", by),
        (cast.other_landlord.pk, "invited", "", Role.CARRIER, by),
        (cast.other_landlord.pk, "ended", Role.CARRIER, "", by),
    ]


def test_ending_memberships_in_bulk_in_the_admin_is_logged(client, cast):
    client.force_login(cast.admin)
    membership = Membership.objects.get(user=cast.carrier_other)
    client.post(reverse("admin:organisations_membership_changelist"),
                {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"})  # fmt: skip
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert events(cast.carrier_other)[-1] == (membership.organisation_id, "ended", membership.role, "",
                                              cast.admin.email)  # fmt: skip


def test_a_membership_added_on_the_person_page_of_the_admin_is_logged(client, cast):
    client.force_login(cast.admin)
    person = factories.UserFactory(email="inline@exemple.fr", first_name="In", last_name="Line")
    url = reverse("admin:organisations_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    inline = client.get(url).context["inline_admin_formsets"][0].formset
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"groups": [], "user_permissions": [], "is_active": "on", "email": person.email,
                 f"{inline.prefix}-TOTAL_FORMS": "1", f"{inline.prefix}-INITIAL_FORMS": "0",
                 f"{inline.prefix}-0-organisation": cast.landlord.pk, f"{inline.prefix}-0-role": Role.CARRIER})  # fmt: skip
    for key in ("last_login", "date_joined", "is_staff", "is_superuser"):
        data.pop(key, None)
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    assert events(person) == [(cast.landlord.pk, "invited", "", Role.CARRIER, cast.admin.email)]
