"""E-mails sent after a transition or a message, to the people concerned.

Sent from a background task (Django tasks) enqueued once the transaction has
committed, so a rolled-back transition never sends anything and a slow mail
server never slows a page.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django_tasks import task

from logement_accompagne.organisations.enums import OrganisationKind, Role
from logement_accompagne.organisations.models import User

from .enums import Status


def carriers_of(dossier):
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.CARRIER,
        memberships__organisation__carrier_links__dossier=dossier,
    )


def reviewers_in_charge(dossier, status: str):
    """The State agents who now have to act on the dossier."""
    codes = list(dossier.departments.values_list("code", flat=True))
    regions = set(dossier.departments.values_list("region_id", flat=True))
    if status in (Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW):
        condition = Q(
            memberships__role=Role.DEPARTMENTAL_INSTRUCTOR,
            memberships__organisation__kind=OrganisationKind.STATE_DEPARTMENT,
            memberships__organisation__department_id__in=codes,
        )
    elif status == Status.REGIONAL_REVIEW:
        condition = Q(
            memberships__role=Role.REGIONAL_INSTRUCTOR,
            memberships__organisation__kind=OrganisationKind.STATE_REGION,
            memberships__organisation__region_id__in=regions,
        )
    elif status == Status.COMMITTEE:
        condition = Q(
            memberships__role=Role.COMMITTEE, memberships__organisation__kind=OrganisationKind.NATIONAL
        )
    else:
        return User.objects.none()
    return User.objects.filter(condition, is_active=True)


def _send(subject: str, body: str, recipients) -> int:
    subject = " ".join(subject.split())  # a header holds one line, whatever a name contains
    addresses = sorted({user.email for user in recipients})
    if not addresses:
        return 0
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    return send_mass_mail(messages, fail_silently=False)


@task()
def send_transition_email(transition_id: int) -> int:
    from .models import Transition

    transition = Transition.objects.select_related("dossier", "actor").get(pk=transition_id)
    dossier = transition.dossier
    recipients = set(carriers_of(dossier)) | set(reviewers_in_charge(dossier, transition.to_status))
    recipients.discard(transition.actor)
    subject = f"[Logement accompagné] {dossier} : {transition.get_to_status_display()}"
    body = (
        f"Bonjour,\n\nLe dossier « {dossier} » ({dossier.call}) est passé de l'état "
        f"« {transition.get_from_status_display()} » à l'état « {transition.get_to_status_display()} ».\n"
        + (f"\nCommentaire :\n{transition.comment}\n" if transition.comment else "")
        + "\nConnectez-vous à la plateforme pour le consulter.\n"
    )
    return _send(subject, body, recipients)


@task()
def send_message_email(message_id: int) -> int:
    from .models import Message

    message = Message.objects.select_related("dossier", "author").get(pk=message_id)
    dossier = message.dossier
    recipients = set(carriers_of(dossier)) | set(reviewers_in_charge(dossier, dossier.status))
    recipients.discard(message.author)
    subject = f"[Logement accompagné] Nouveau message sur le dossier « {dossier} »"
    body = f"Bonjour,\n\n{message.author} a écrit :\n\n{message.body}\n\nRépondez depuis la plateforme.\n"
    return _send(subject, body, recipients)


def transition_made(transition_id: int) -> None:
    send_transition_email.enqueue(transition_id)


def message_posted(message_id: int) -> None:
    send_message_email.enqueue(message_id)
