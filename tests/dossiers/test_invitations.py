"""Consent before access: an invited organisation sees nothing of the dossier until one of its
administrators accepts; declined, it never does."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.models import CarrierInvitation
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.dossiers.selectors import dossiers_visible_to
from logement_accompagne.organisations.enums import Role
from tests import factories


@pytest.fixture
def partner(cast):
    """An association with an administrator and a plain carrier member."""
    association = factories.OrganisationFactory(kind="association", name="Association Habitat Solidaire")
    return {
        "organisation": association,
        "admin": factories.member(association, Role.ORGANISATION_ADMIN, email="admin@ahs.fr"),
        "member": factories.carrier_user(association, email="membre@ahs.fr"),
    }


def invite(cast, partner):
    return services.invite_carrier(
        user=cast.carrier, dossier=cast.dossier, organisation=partner["organisation"]
    )


def sees(user, dossier) -> bool:
    return dossiers_visible_to(user).filter(pk=dossier.pk).exists()


def test_pending_invitation_gives_no_access(client, cast, partner):
    invite(cast, partner)
    assert not sees(partner["member"], cast.dossier) and not sees(partner["admin"], cast.dossier)
    client.force_login(partner["member"])
    assert client.get(reverse("dossiers:detail", args=[cast.dossier.reference])).status_code == 404
    assert not cast.dossier.carrier_links.filter(organisation=partner["organisation"]).exists()


def test_accepted_invitation_gives_access(cast, partner):
    invitation = invite(cast, partner)
    services.answer_invitation(user=partner["admin"], invitation=invitation, accept=True)
    invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.answered_by == partner["admin"]
    assert invitation.answered_at is not None
    assert sees(partner["member"], cast.dossier)


def test_declined_invitation_never_gives_access_and_cannot_be_reanswered(cast, partner):
    invitation = invite(cast, partner)
    services.answer_invitation(user=partner["admin"], invitation=invitation, accept=False)
    assert not sees(partner["member"], cast.dossier) and not sees(partner["admin"], cast.dossier)
    with pytest.raises(InvalidTransition):
        services.answer_invitation(user=partner["admin"], invitation=invitation, accept=True)
    assert not sees(partner["member"], cast.dossier)
    # The carriers may invite again (a new invitation, the declined one stays in the history).
    again = invite(cast, partner)
    assert again.pk != invitation.pk and CarrierInvitation.objects.filter(state="declined").count() == 1


def test_only_an_administrator_of_the_invited_organisation_answers(cast, partner):
    invitation = invite(cast, partner)
    # The organisation has an administrator: its plain members do not answer for it.
    for outsider in (
        partner["member"],
        cast.carrier,
        cast.carrier_other,
        cast.dept,
        cast.committee,
        cast.admin,
    ):
        with pytest.raises(PermissionDenied):
            services.answer_invitation(user=outsider, invitation=invitation, accept=True)
    assert not sees(partner["member"], cast.dossier)


def test_without_administrator_its_carriers_answer(cast):
    association = factories.OrganisationFactory(kind="association", name="Petite association")
    member = factories.carrier_user(association)
    invitation = services.invite_carrier(user=cast.carrier, dossier=cast.dossier, organisation=association)
    services.answer_invitation(user=member, invitation=invitation, accept=True)
    assert sees(member, cast.dossier)


def test_invitation_and_answer_are_mailed_with_links(
    cast, partner, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://la.example.fr"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(cast, partner)
    [mail] = mailoutbox
    assert mail.to == ["admin@ahs.fr"]  # the administrator, not the plain member
    assert "Bail glissant Orléans" in mail.subject and "Bail glissant Orléans" in mail.body
    assert cast.dossier.short_reference in mail.body
    assert "https://la.example.fr/organisation/invitations/" in mail.body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_invitation(user=partner["admin"], invitation=invitation, accept=False)
    assert {address for message in mailoutbox for address in message.to} == {cast.carrier.email}
    assert "a décliné" in mailoutbox[0].subject
    assert f"https://la.example.fr/dossiers/{cast.dossier.reference}/porteurs/" in mailoutbox[0].body


def test_invitations_page_accept_and_decline(client, cast, partner):
    invitation = invite(cast, partner)
    client.force_login(partner["admin"])
    page = client.get(reverse("organisations:invitations")).content.decode()
    assert "Bail glissant Orléans" in page and "Accepter" in page and "Décliner" in page
    client.force_login(partner["member"])  # sees the page, not the invitation (not an administrator)
    assert "Bail glissant Orléans" not in client.get(reverse("organisations:invitations")).content.decode()
    assert client.post(reverse("organisations:answer_invitation", args=[invitation.pk]),
                       {"answer": "accept"}).status_code == 404  # fmt: skip
    client.force_login(partner["admin"])
    response = client.post(
        reverse("organisations:answer_invitation", args=[invitation.pk]), {"answer": "accept"}
    )
    assert response.status_code == 302 and response.url == reverse(
        "dossiers:detail", args=[cast.dossier.reference]
    )
    assert sees(partner["member"], cast.dossier)
