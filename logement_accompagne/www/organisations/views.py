"""« Mon organisation » : invitations to co-carry dossiers, members and their roles, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from logement_accompagne.dossiers import services as dossier_services
from logement_accompagne.dossiers.models import CarrierInvitation
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.organisations import selectors, services
from logement_accompagne.organisations.models import Membership
from logement_accompagne.www.access import error_text
from logement_accompagne.www.dossiers.views import crumbs
from logement_accompagne.www.header import notifications_seen

from .forms import AnswerForm, InviteMemberForm, RoleForm

# --- invitations to co-carry a dossier ----------------------------------------------------------


@login_required
def invitations(request):
    organisations = selectors.administered_organisations(request.user)
    received = (
        CarrierInvitation.objects.filter(organisation__in=organisations)
        .select_related("dossier", "dossier__call", "organisation", "invited_by", "answered_by")
        .order_by("-invited_at", "-pk")
    )
    pending = [invitation for invitation in received if invitation.state == CarrierInvitation.State.PENDING]
    answered = [invitation for invitation in received if invitation.state != CarrierInvitation.State.PENDING][
        :20
    ]
    return render(
        request,
        "www/organisations/invitations.html",
        {
            "title": "Invitations à co-porter un dossier",
            "pending": pending,
            "answered": answered,
            "answers_for": list(organisations.order_by("name")),
            "breadcrumb_data": crumbs(None, "Invitations"),
        },
    )


@login_required
@require_POST
def answer_invitation(request, pk):
    invitation = CarrierInvitation.objects.filter(
        pk=pk, organisation__in=selectors.administered_organisations(request.user)
    ).first()
    if invitation is None:
        raise Http404("Invitation introuvable.")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez d'accepter ou de décliner l'invitation.")
        return redirect("organisations:invitations")
    accept = form.cleaned_data["answer"] == "accept"
    try:
        dossier_services.answer_invitation(user=request.user, invitation=invitation, accept=accept)
    except (InvalidTransition, ValidationError) as error:
        messages.error(request, error_text(error))
        return redirect("organisations:invitations")
    if accept:
        messages.success(
            request,
            f"« {invitation.organisation} » co-porte désormais le dossier « {invitation.dossier} » : "
            "ses membres y ont accès.",
        )
        return redirect("dossiers:detail", reference=invitation.dossier.reference)
    messages.success(
        request, f"Invitation déclinée : « {invitation.organisation} » n'a pas accès au dossier."
    )
    return redirect("organisations:invitations")


# --- members ------------------------------------------------------------------------------------


def _managed_or_403(request):
    organisations = list(selectors.managed_organisations(request.user))
    if not organisations:
        raise PermissionDenied("Cette page est réservée aux administrateurs d'organisme et chefs de service.")
    return organisations


@login_required
def members(request):
    organisations = _managed_or_403(request)
    blocks = [
        {
            "organisation": organisation,
            "members": [
                {
                    "membership": membership,
                    "form": RoleForm(
                        organisation=organisation,
                        initial={"role": membership.role},
                        prefix=f"m{membership.pk}",
                    ),
                }  # fmt: skip
                for membership in selectors.members_of(organisation)
            ],
            "invite_form": InviteMemberForm(organisation=organisation, prefix=f"o{organisation.pk}"),
            "history": list(selectors.membership_history(organisation, limit=20)),
        }
        for organisation in organisations
    ]
    return render(
        request,
        "www/organisations/members.html",
        {
            "title": "Membres de mon organisation",
            "blocks": blocks,
            "breadcrumb_data": crumbs(None, "Membres"),
        },
    )


def _managed_membership(request, pk) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    if not selectors.may_manage_members(request.user, membership.organisation):
        raise PermissionDenied("Vous ne gérez pas les membres de cette organisation.")
    return membership


@login_required
@require_POST
def invite_member(request, organisation_id):
    organisations = _managed_or_403(request)
    organisation = next((item for item in organisations if item.pk == organisation_id), None)
    if organisation is None:
        raise PermissionDenied("Vous ne gérez pas les membres de cette organisation.")
    form = InviteMemberForm(request.POST, organisation=organisation, prefix=f"o{organisation.pk}")
    if form.is_valid():
        try:
            membership = services.invite_member(
                actor=request.user, organisation=organisation, email=form.cleaned_data["email"],
                role=form.cleaned_data["role"], first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                f"{membership.user.email} a le rôle « {membership.get_role_display()} » dans « {organisation} » : "
                "un e-mail l'en informe.",
            )
    else:
        messages.error(request, "Invitation non envoyée : " + " ".join(
            str(error) for errors in form.errors.values() for error in errors))  # fmt: skip
    return redirect("organisations:members")


@login_required
@require_POST
def change_role(request, pk):
    membership = _managed_membership(request, pk)
    form = RoleForm(request.POST, organisation=membership.organisation, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            changed = services.change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"{changed.user} : rôle « {changed.get_role_display()} ».")
    else:
        messages.error(request, "Choisissez un rôle de la liste.")
    return redirect("organisations:members")


@login_required
@require_POST
def end_membership(request, pk):
    membership = _managed_membership(request, pk)
    try:
        services.end_membership(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"{membership.user} n'a plus le rôle « {membership.get_role_display()} » dans « {membership.organisation} ».",
        )
    return redirect("organisations:members")


# --- the notification centre ---------------------------------------------------------------------


@login_required
def notification_centre(request):
    seen_before = selectors.last_visit(request.user)
    notifications = list(selectors.notifications_of(request.user))
    for notification in notifications:
        notification.is_new = seen_before is None or notification.created_at > seen_before
    services.mark_notifications_seen(request.user, at=timezone.now())
    notifications_seen(request)  # the header badge of the next page, whichever worker serves it
    return render(
        request,
        "www/organisations/notifications.html",
        {
            "title": "Notifications",
            "notifications": notifications,
            "new_count": sum(1 for notification in notifications if notification.is_new),
            "seen_before": seen_before,
            "breadcrumb_data": crumbs(None, "Notifications"),
        },
    )
