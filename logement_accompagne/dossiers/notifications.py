"""E-mails (and notification-centre lines) sent after a transition, a message or an invitation.

Sent from a background task (Django tasks) enqueued once the transaction has committed, so a
rolled-back transition never sends anything and a slow mail server never slows a page. Every
notice names the dossier (name and reference), says what happened — the amount and conditions
of a decision, in French format — and links to the page (organisations.notices).
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import localtime
from django_tasks import task

from logement_accompagne.organisations import notices
from logement_accompagne.organisations.enums import OrganisationKind, Role
from logement_accompagne.organisations.models import User
from logement_accompagne.organisations.selectors import services_covering_q

from .enums import Status

SUBJECT_PREFIX = notices.SUBJECT_PREFIX


def carriers_of(dossier):
    """The carriers' people: members of the organisations that carry it (accepted invitations only)."""
    return User.objects.filter(
        is_active=True,
        memberships__role=Role.CARRIER,
        memberships__organisation__carrier_links__dossier=dossier,
    ).distinct()


def reviewers_in_charge(dossier, status: str):
    """The State agents who now have to act on the dossier: the territory rule of
    organisations.selectors (pre-2016 regions included)."""
    codes = list(dossier.departments.values_list("code", flat=True))
    if status in (Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW):
        condition = Q(memberships__role=Role.DEPARTMENTAL_INSTRUCTOR) & services_covering_q(
            codes, level="departmental", prefix="memberships__organisation__"
        )
    elif status == Status.REGIONAL_REVIEW:
        condition = Q(memberships__role=Role.REGIONAL_INSTRUCTOR) & services_covering_q(
            codes, level="regional", prefix="memberships__organisation__"
        )
    elif status == Status.COMMITTEE:
        condition = Q(
            memberships__role=Role.COMMITTEE, memberships__organisation__kind=OrganisationKind.NATIONAL
        )
    else:
        return User.objects.none()
    return User.objects.filter(condition, is_active=True).distinct()


def named(dossier) -> str:
    """How every notice names a dossier: its name and short reference."""
    return f"« {dossier} » (réf. {dossier.short_reference})"


def dossier_path(dossier) -> str:
    return reverse("dossiers:detail", kwargs={"reference": dossier.reference})


def decision_text(decision) -> str:
    """The committee's decision in words: amount and conditions, or the reason of a refusal."""
    from .services import french_eur

    if decision.selected:
        text = f"Décision du comité national : projet retenu, pour un montant de {french_eur(decision.amount_granted_eur)}."
        if decision.conditions:
            text += f"\nConditions : {decision.conditions}"
        else:
            text += "\nAucune condition particulière."
        return text
    return f"Décision du comité national : projet non retenu.\nMotif : {decision.refusal_reason or 'non précisé'}"


def _what_happened(transition) -> str:
    dossier = transition.dossier
    if transition.to_status in (Status.SELECTED, Status.NOT_SELECTED):
        decision = dossier.committee_decisions.order_by("-version").first()
        if decision is not None:
            return decision_text(decision)
    if transition.to_status == Status.RETURNED:
        due = dossier.completion_due_on
        return (
            "Des compléments sont demandés aux porteurs"
            + (f", attendus pour le {due:%d/%m/%Y}" if due else "")
            + f".\nDemande :\n{transition.comment}"
        )
    text = (
        f"Le dossier est passé de l'état « {transition.get_from_status_display()} » "
        f"à l'état « {transition.get_to_status_display()} »"
        + (f" ({transition.actor})" if transition.actor else "")
        + "."
    )
    if transition.comment:
        text += f"\nCommentaire : {transition.comment}"
    return text


def _is_filing(transition) -> bool:
    return transition.to_status == Status.SUBMITTED or transition.from_status == Status.RETURNED


@task()
def send_transition_email(transition_id: int) -> int:
    from .models import Transition

    transition = Transition.objects.select_related("dossier", "dossier__call", "actor").get(pk=transition_id)
    dossier = transition.dossier
    carriers = set(carriers_of(dossier))
    recipients = carriers | set(reviewers_in_charge(dossier, transition.to_status))
    recipients.discard(transition.actor)
    sent = 0
    if _is_filing(transition):
        # The carriers get their acknowledgement, with the receipt, instead (the one who filed included).
        sent += send_acknowledgement(dossier)
        recipients -= carriers
    body = (
        f"Bonjour,\n\nDossier {named(dossier)}, appel « {dossier.call} ».\n\n{_what_happened(transition)}\n"
    )
    sent += notices.send(
        subject=f"{SUBJECT_PREFIX} {dossier} (réf. {dossier.short_reference}) : {transition.get_to_status_display()}",
        body=body, recipients=recipients, url=dossier_path(dossier),
    )  # fmt: skip
    return sent


def send_acknowledgement(dossier) -> int:
    """The carriers' acknowledgement of a filing, with its PDF receipt."""
    from .receipt import receipt_pdf

    submission = dossier.submissions.select_related("attested_by").order_by("-number").first()
    if submission is None:
        return 0
    when = submission.attested_at
    body = (
        f"Bonjour,\n\nLe dossier {named(dossier)} a bien été déposé sur l'appel « {dossier.call} » "
        f"le {localtime(when):%d/%m/%Y à %H:%M} par {submission.attested_by} "
        f"(dépôt n° {submission.number}).\n\n"
        "Le récépissé de dépôt est joint à ce message. Les services de l'État vont instruire le dossier ; "
        "vous serez prévenu de chaque étape.\n"
    )
    return notices.send(
        subject=f"{SUBJECT_PREFIX} Accusé de réception : {dossier} (réf. {dossier.short_reference})",
        body=body, recipients=carriers_of(dossier), url=dossier_path(dossier),
        attachments=[(f"recepisse-{dossier.short_reference}-{submission.number}.pdf", receipt_pdf(submission),
                      "application/pdf")],
    )  # fmt: skip


@task()
def send_message_email(message_id: int) -> int:
    from .models import Message

    message = Message.objects.select_related("dossier", "author").get(pk=message_id)
    dossier = message.dossier
    recipients = set(carriers_of(dossier)) | set(reviewers_in_charge(dossier, dossier.status))
    recipients.discard(message.author)
    return notices.send(
        subject=f"{SUBJECT_PREFIX} Nouveau message sur le dossier {dossier} (réf. {dossier.short_reference})",
        body=f"Bonjour,\n\n{message.author} a écrit sur le dossier {named(dossier)} :\n\n{message.body}\n",
        recipients=recipients, url=reverse("dossiers:messages", kwargs={"reference": dossier.reference}),
    )  # fmt: skip


def _answerers(organisation):
    """Who may answer an invitation for the organisation (its administrators, else its carriers)."""
    admins = User.objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__role=Role.ORGANISATION_ADMIN
    )
    if admins.exists():
        return admins
    return User.objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__role=Role.CARRIER
    )


@task()
def send_invitation_email(invitation_id: int) -> int:
    from .models import CarrierInvitation

    invitation = CarrierInvitation.objects.select_related("dossier", "dossier__call", "organisation",
                                                          "invited_by").get(pk=invitation_id)  # fmt: skip
    dossier = invitation.dossier
    recipients = _answerers(invitation.organisation)
    return notices.send(
        subject=f"{SUBJECT_PREFIX} « {invitation.organisation} » est invitée à co-porter le dossier {dossier}",
        body=(
            f"Bonjour,\n\n{invitation.invited_by} invite « {invitation.organisation} » à co-porter le dossier "
            f"{named(dossier)}, appel « {dossier.call} ».\n\nTant que vous n'avez pas accepté, votre organisation "
            "n'a aucun accès au dossier. Acceptez ou déclinez l'invitation depuis la page des invitations.\n"
        ),
        recipients=recipients, url=reverse("organisations:invitations"),
    )  # fmt: skip


@task()
def send_invitation_answer_email(invitation_id: int) -> int:
    from .models import CarrierInvitation

    invitation = CarrierInvitation.objects.select_related("dossier", "organisation", "answered_by",
                                                          "invited_by").get(pk=invitation_id)  # fmt: skip
    dossier = invitation.dossier
    accepted = invitation.state == CarrierInvitation.State.ACCEPTED
    recipients = set(carriers_of(dossier)) | {invitation.invited_by}
    recipients.discard(invitation.answered_by)
    verdict = "accepté" if accepted else "décliné"
    return notices.send(
        subject=f"{SUBJECT_PREFIX} « {invitation.organisation} » a {verdict} de co-porter le dossier {dossier}",
        body=(
            f"Bonjour,\n\n{invitation.answered_by} a {verdict}, au nom de « {invitation.organisation} », "
            f"l'invitation à co-porter le dossier {named(dossier)}.\n"
            + ("Ses membres ont désormais accès au dossier.\n" if accepted else "Elle n'a pas accès au dossier.\n")
        ),
        recipients=recipients, url=reverse("dossiers:carriers", kwargs={"reference": dossier.reference}),
    )  # fmt: skip


def transition_made(transition_id: int) -> None:
    send_transition_email.enqueue(transition_id)


def message_posted(message_id: int) -> None:
    send_message_email.enqueue(message_id)


def carrier_invited(invitation_id: int) -> None:
    send_invitation_email.enqueue(invitation_id)


def invitation_answered(invitation_id: int) -> None:
    send_invitation_answer_email.enqueue(invitation_id)


def send_completion_reminder(dossier, *, late: bool) -> int:
    """The carriers (and, once late, the departmental instructors) reminded of a completion deadline."""
    due = f"{dossier.completion_due_on:%d/%m/%Y}"
    if late:
        subject = f"{SUBJECT_PREFIX} Compléments en retard : {dossier} (réf. {dossier.short_reference})"
        what = (f"Les compléments demandés étaient attendus au plus tard le {due} : ils n'ont pas encore été "
                "déposés. Le service instructeur de l'État est en copie de ce message.")  # fmt: skip
        recipients = {*carriers_of(dossier), *reviewers_in_charge(dossier, Status.DEPARTMENTAL_REVIEW)}
    else:
        subject = f"{SUBJECT_PREFIX} Compléments attendus avant le {due} : {dossier} (réf. {dossier.short_reference})"
        what = f"Les compléments demandés par le service instructeur sont attendus au plus tard le {due}."
        recipients = set(carriers_of(dossier))
    body = (f"Bonjour,\n\nDossier {named(dossier)}, appel « {dossier.call} ».\n\n{what}\n"
            "Complétez le dossier puis redéposez-le sur la plateforme.\n")  # fmt: skip
    return notices.send(subject=subject, body=body, recipients=recipients, url=dossier_path(dossier))
