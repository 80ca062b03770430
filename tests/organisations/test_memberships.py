"""Memberships have services and pages: administrators and service heads invite, change roles and end
memberships; every change is logged with who, when and what; an organisation keeps a manager."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from logement_accompagne.organisations import services
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership, MembershipEvent, User
from tests import factories


@pytest.fixture
def admin_of_landlord(cast):
    return factories.member(cast.landlord, Role.ORGANISATION_ADMIN, email="admin@logem.fr", first_name="Alex",
                            last_name="Admin")  # fmt: skip


def test_invite_a_new_person_creates_the_account_logs_and_mails(
    client, cast, admin_of_landlord, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://logement-accompagne.example.gouv.fr"
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.invite_member(actor=admin_of_landlord, organisation=cast.landlord,
                                            email="Nouvelle@Exemple.fr", role=Role.CARRIER)  # fmt: skip
    person = User.objects.get(email="nouvelle@exemple.fr")
    assert membership.user == person and not person.has_usable_password()
    event = MembershipEvent.objects.get(person=person)
    assert (event.actor, event.action, event.role_before, event.role_after) == (
        admin_of_landlord, "invited", "", Role.CARRIER)  # fmt: skip
    assert event.at is not None and event.actor_email == "admin@logem.fr"
    [mail] = mailoutbox
    assert mail.to == ["nouvelle@exemple.fr"] and "Logem Test" in mail.subject
    # The link to choose a password works: absolute, and it opens the form to set one.
    link = next(line for line in mail.body.splitlines() if "https://" in line).split(": ", 1)[1]
    assert link.startswith("https://logement-accompagne.example.gouv.fr/mot-de-passe/nouveau/")
    path = link.removeprefix("https://logement-accompagne.example.gouv.fr")
    response = client.get(path, follow=True)
    assert response.status_code == 200 and "new_password1" in response.content.decode()


def test_change_role_and_end_membership_are_logged(cast, admin_of_landlord):
    membership = Membership.objects.get(user=cast.support_worker, organisation=cast.landlord)
    services.change_role(actor=admin_of_landlord, membership=membership, role=Role.SUPPORT_MANAGER)
    services.end_membership(actor=admin_of_landlord, membership=membership)
    assert not Membership.objects.filter(user=cast.support_worker, organisation=cast.landlord).exists()
    history = list(MembershipEvent.objects.filter(person=cast.support_worker).order_by("at", "pk"))
    assert [(e.action, e.role_before, e.role_after, e.actor) for e in history] == [
        ("role_changed", Role.SUPPORT_WORKER, Role.SUPPORT_MANAGER, admin_of_landlord),
        ("ended", Role.SUPPORT_MANAGER, "", admin_of_landlord),
    ]
    with pytest.raises(ValueError):
        history[0].delete()  # the history is append-only


def test_only_managers_of_that_organisation_act(cast, admin_of_landlord):
    membership = Membership.objects.get(user=cast.support_worker, organisation=cast.landlord)
    for outsider in (cast.carrier, cast.carrier_other, cast.dept, cast.admin):
        with pytest.raises(PermissionDenied):
            services.change_role(actor=outsider, membership=membership, role=Role.CARRIER)
        with pytest.raises(PermissionDenied):
            services.invite_member(
                actor=outsider, organisation=cast.landlord, email="x@y.fr", role=Role.CARRIER
            )
    assert not MembershipEvent.objects.exists()


def test_an_organisation_keeps_its_last_manager(cast, admin_of_landlord):
    own = Membership.objects.get(user=admin_of_landlord, role=Role.ORGANISATION_ADMIN)
    with pytest.raises(ValidationError, match="au moins un"):
        services.end_membership(actor=admin_of_landlord, membership=own)
    with pytest.raises(ValidationError, match="au moins un"):
        services.change_role(actor=admin_of_landlord, membership=own, role=Role.CARRIER)
    second = services.invite_member(actor=admin_of_landlord, organisation=cast.landlord, email="bis@logem.fr",
                                    role=Role.ORGANISATION_ADMIN)  # fmt: skip
    services.end_membership(actor=admin_of_landlord, membership=own)
    assert list(cast.landlord.memberships.filter(role=Role.ORGANISATION_ADMIN)) == [second]


def test_state_service_head_manages_agents_with_state_roles_only(cast):
    service = factories.departmental_service("45")
    head = factories.member(service, Role.SERVICE_HEAD)
    agent = services.invite_member(actor=head, organisation=service, email="agent@loiret.gouv.fr",
                                   role=Role.DEPARTMENTAL_INSTRUCTOR)  # fmt: skip
    assert agent.user.memberships.get().role == Role.DEPARTMENTAL_INSTRUCTOR
    with pytest.raises(ValidationError):
        services.invite_member(actor=head, organisation=service, email="porteur@x.fr", role=Role.CARRIER)
    with pytest.raises(PermissionDenied):  # a head of service does not manage a landlord
        services.invite_member(actor=head, organisation=cast.landlord, email="x@y.fr", role=Role.CARRIER)
    services.end_membership(actor=head, membership=agent)
    assert MembershipEvent.objects.filter(organisation=service, action="ended", person=agent.user).exists()


def test_members_page_shows_members_and_history(client, cast, admin_of_landlord):
    client.force_login(admin_of_landlord)
    prefix = f"o{cast.landlord.pk}"
    response = client.post(reverse("organisations:invite_member", args=[cast.landlord.pk]),
                           {f"{prefix}-email": "invitee@logem.fr", f"{prefix}-role": "carrier"}, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "invitee@logem.fr a le rôle « Porteur de projet »" in page
    assert "Invitation : invitee@logem.fr" in page and "(par admin@logem.fr)" in page
    membership = Membership.objects.get(user__email="invitee@logem.fr")
    response = client.post(reverse("organisations:change_role", args=[membership.pk]),
                           {f"m{membership.pk}-role": "support_worker"}, follow=True)  # fmt: skip
    assert "Changement de rôle : invitee@logem.fr" in response.content.decode()
    response = client.post(reverse("organisations:end_membership", args=[membership.pk]), follow=True)
    assert "Fin du rattachement : invitee@logem.fr" in response.content.decode()
    client.force_login(cast.carrier)  # a carrier who administers nothing
    assert client.get(reverse("organisations:members")).status_code == 403
