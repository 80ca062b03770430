"""Writes on people and memberships: one function each, one transaction, every change logged.

An organisation's administrator (ORGANISATION_ADMIN) manages its members; a State service's head
(SERVICE_HEAD) manages the service's agents. Each invitation, change of role and end of membership
writes a MembershipEvent (who, when, what); an organisation never loses its last manager.
"""

import logging

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .enums import STATE_KINDS, Role
from .freshness import header_changed
from .models import Membership, MembershipEvent, NotificationVisit, Organisation, User
from .selectors import MANAGER_ROLES, assignable_roles, may_manage_members

logger = logging.getLogger(__name__)


def _require_manager(actor, organisation: Organisation) -> None:
    if not may_manage_members(actor, organisation):
        raise PermissionDenied(f"Vous ne gérez pas les membres de « {organisation} ».")


def _require_assignable(organisation: Organisation, role: str) -> None:
    if role not in assignable_roles(organisation):
        raise ValidationError(
            f"Le rôle « {Role(role).label if role in Role.values else role} » n'existe pas dans "
            f"« {organisation} ».",
            code="role",
        )


def _log(*, actor, membership_or_person, organisation, action, before="", after="") -> MembershipEvent:
    person = getattr(membership_or_person, "user", membership_or_person)
    return MembershipEvent.objects.create(
        organisation=organisation, person=person, person_email=person.email, actor=actor,
        actor_email=getattr(actor, "email", "") or "", action=action, role_before=before, role_after=after,
    )  # fmt: skip


def _manager_role(organisation: Organisation) -> str:
    return Role.SERVICE_HEAD if organisation.kind in STATE_KINDS else Role.ORGANISATION_ADMIN


def _refuse_if_last_manager(membership: Membership) -> None:
    if membership.role not in MANAGER_ROLES:
        return
    others = (
        Membership.objects.filter(organisation_id=membership.organisation_id, role__in=MANAGER_ROLES)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise ValidationError(
            f"« {membership.organisation} » doit garder au moins un "
            f"{Role(_manager_role(membership.organisation)).label.lower()} : nommez-en un autre d'abord.",
            code="last_manager",
        )


@transaction.atomic
def invite_member(*, actor, organisation: Organisation, email: str, role: str, first_name: str = "",
                  last_name: str = "") -> Membership:  # fmt: skip
    """Give a person (known or not, by e-mail) a role in the organisation, and tell them.

    A person without an account gets one, without a password: the e-mail carries the link to
    choose it (the platform's password-reset link, valid once)."""
    _require_manager(actor, organisation)
    _require_assignable(organisation, role)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError("Saisissez une adresse e-mail valide.", code="email") from error
    person = User.objects.filter(email__iexact=email).first()
    created = person is None
    if created:
        person = User.objects.create_user(email, first_name=first_name.strip(), last_name=last_name.strip())
        person.set_unusable_password()
        person.save(update_fields=["password"])
    elif Membership.objects.filter(user=person, organisation=organisation, role=role).exists():
        raise ValidationError(f"{person} a déjà le rôle « {Role(role).label} » dans « {organisation} ».")
    membership = Membership.objects.create(user=person, organisation=organisation, role=role)
    _log(actor=actor, membership_or_person=membership, organisation=organisation,
         action=MembershipEvent.Action.INVITED, after=role)  # fmt: skip
    transaction.on_commit(lambda: _tell_invited(membership.pk, actor.pk, created))
    logger.info("membership %s created by %s", membership.pk, actor.pk)
    return membership


def _tell_invited(membership_id: int, actor_id: int, new_account: bool) -> None:
    from . import notices

    membership = Membership.objects.select_related("user", "organisation").get(pk=membership_id)
    actor = User.objects.get(pk=actor_id)
    person = membership.user
    body = (
        f"Bonjour,\n\n{actor} vous a donné le rôle « {membership.get_role_display()} » "
        f"dans « {membership.organisation} » sur la plateforme Logement accompagné.\n"
    )
    url = reverse("home")
    if new_account:
        token = default_token_generator.make_token(person)
        uid = urlsafe_base64_encode(force_bytes(person.pk))
        url = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        body += "\nUn compte a été créé à votre adresse : choisissez votre mot de passe depuis le lien ci-dessous.\n"
    notices.send(
        subject=f"[Logement accompagné] Vous êtes membre de « {membership.organisation} »",
        body=body, recipients=[person], url=url,
    )  # fmt: skip


@transaction.atomic
def change_role(*, actor, membership: Membership, role: str) -> Membership:
    current = (
        Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    )
    _require_manager(actor, current.organisation)
    _require_assignable(current.organisation, role)
    if current.role == role:
        return current
    if Membership.objects.filter(user=current.user, organisation=current.organisation, role=role).exists():
        raise ValidationError(
            f"{current.user} a déjà le rôle « {Role(role).label} » dans cette organisation."
        )
    if role not in MANAGER_ROLES:
        _refuse_if_last_manager(current)
    before = current.role
    current.role = role
    current.save(update_fields=["role"])
    _log(actor=actor, membership_or_person=current, organisation=current.organisation,
         action=MembershipEvent.Action.ROLE_CHANGED, before=before, after=role)  # fmt: skip
    return current


@transaction.atomic
def end_membership(*, actor, membership: Membership) -> None:
    current = (
        Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    )
    _require_manager(actor, current.organisation)
    _refuse_if_last_manager(current)
    _log(actor=actor, membership_or_person=current, organisation=current.organisation,
         action=MembershipEvent.Action.ENDED, before=current.role)  # fmt: skip
    current.delete()


def mark_notifications_seen(user, *, at) -> None:
    """The person opened the notification centre: what came before `at` is no longer new."""
    NotificationVisit.objects.update_or_create(user=user, defaults={"seen_at": at})
    header_changed([user.pk])


def log_back_office_change(*, actor, person, before: tuple | None, after: tuple | None) -> None:
    """A membership changed in the Django admin, logged like one changed on the pages.

    ``before`` and ``after`` are (organisation, role) pairs, None when there was or is no membership;
    moving a membership to another organisation ends it there and starts it here."""
    if before == after:
        return
    if before and after and before[0] == after[0]:
        _log(actor=actor, membership_or_person=person, organisation=after[0],
             action=MembershipEvent.Action.ROLE_CHANGED, before=before[1], after=after[1])  # fmt: skip
        return
    if before:
        _log(actor=actor, membership_or_person=person, organisation=before[0],
             action=MembershipEvent.Action.ENDED, before=before[1])  # fmt: skip
    if after:
        _log(actor=actor, membership_or_person=person, organisation=after[0],
             action=MembershipEvent.Action.INVITED, after=after[1])  # fmt: skip
