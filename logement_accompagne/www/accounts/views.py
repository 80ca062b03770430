"""Sign in, sign out, password reset, second factor, and the home page of each role."""

import base64

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from logement_accompagne.audit.services import register_password_reset_request
from logement_accompagne.calls.selectors import open_calls
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.selectors import dossiers_visible_to
from logement_accompagne.organisations.selectors import scope_of

from .. import proconnect
from .. import second_factor as factor
from ..dossiers.display import dossier_table_rows
from ..security import request_ip
from .forms import LoginForm, NewPasswordForm, ResetRequestForm, SecondFactorForm


class LoginView(auth_views.LoginView):
    template_name = "www/accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, proconnect=proconnect.enabled())


class LogoutView(auth_views.LogoutView):
    """Signs out here and, for a ProConnect session, at ProConnect as well (single sign-out)."""

    def post(self, request, *args, **kwargs):
        provider_logout = proconnect.end_session_url(request)
        response = super().post(request, *args, **kwargs)
        return redirect(provider_logout) if provider_logout else response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once an address has failed too often from one client: a French page, 429."""
    context = {
        "title": "Connexion temporairement bloquée",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "www/accounts/locked_out.html", context, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "www/accounts/password_reset.html"
    form_class = ResetRequestForm
    email_template_name = "www/accounts/password_reset_email.txt"
    subject_template_name = "www/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}

    def form_valid(self, form):
        allowed = register_password_reset_request(
            email=form.cleaned_data["email"], ip_address=request_ip(self.request)
        )
        if not allowed:
            form.add_error(
                None,
                "Trop de demandes de réinitialisation pour cette adresse ou depuis ce poste : "
                "aucun e-mail n'a été envoyé. Réessayez dans une heure.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "www/accounts/password_reset_done.html"
    extra_context = {"title": "Lien envoyé"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "www/accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"title": "Nouveau mot de passe"}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "www/accounts/password_reset_complete.html"
    extra_context = {"title": "Mot de passe modifié"}


@login_required
def home(request):
    """One block per role the person holds: a person with several roles sees several blocks."""
    scope = scope_of(request.user)
    context = {"title": "Accueil", "scope": scope}
    # Everyone sees the calls open today and until when: carriers to file in time, the State
    # services to know what is coming.
    today = timezone.localdate()
    context["open_calls"] = [
        {"call": call, "days_left": (call.closes_on - today).days} for call in open_calls(today)
    ]
    visible = dossiers_visible_to(request.user)
    if scope.is_carrier:
        own = visible.filter(carrier_links__organisation_id__in=scope.carrier_organisation_ids).distinct()
        context["own_dossiers"] = dossier_table_rows(own.order_by("-updated_at")[:10])
        context["own_total"] = own.count()
    if (
        scope.is_departmental_instructor
        or scope.is_regional_instructor
        or scope.committee
        or scope.administrator
    ):
        rows = visible.filter(submitted_at__isnull=False).order_by().values("status").annotate(n=Count("pk"))
        counts = {row["status"]: row["n"] for row in rows}
        context["review_counts"] = [
            {"status": status, "label": Status(status).label, "count": counts.get(status, 0)}
            for status in (
                Status.SUBMITTED,
                Status.DEPARTMENTAL_REVIEW,
                Status.REGIONAL_REVIEW,
                Status.COMMITTEE,
            )
        ]
        context["review_total"] = sum(counts.values())
    if scope.committee or scope.administrator:
        context["awaiting_decision"] = visible.filter(status=Status.COMMITTEE).count()
    context["no_role"] = not (
        scope.is_carrier
        or scope.is_instructor
        or scope.administrator
        or request.user.is_staff
        or scope.manages_members
    )
    return render(request, "www/accounts/home.html", context)


def accessibility(request):
    return render(request, "www/accounts/accessibility.html", {"title": "Déclaration d'accessibilité"})


@login_required
def second_factor(request):
    """Enrol an authenticator app (QR code, then ten recovery codes shown once), or type its code."""
    import segno
    from django_otp import login as otp_login
    from django_otp import match_token

    next_url = factor.safe_next(request, reverse("home"))
    context = {"title": "Double authentification", "next": next_url}
    if getattr(request.user, "is_verified", lambda: False)():
        return redirect(next_url)
    form = SecondFactorForm(request.POST or None)
    app = factor.confirmed_app(request.user)
    if app is None:  # first time: enrolment
        device = factor.pending_app(request.user)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                context["codes"] = factor.new_recovery_codes(request.user)
                return render(request, "www/accounts/second_factor_codes.html", context)
            form.add_error(
                "token", "Ce code ne correspond pas : vérifiez l'heure de votre téléphone et réessayez."
            )
        context.update(
            form=form,
            enrolling=True,
            qr_svg=segno.make(device.config_url, error="m").svg_inline(
                scale=4, light="#fff", title="Code QR à scanner"
            ),
            secret=base64.b32encode(device.bin_key).decode(),
        )
        return render(request, "www/accounts/second_factor.html", context)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])  # a recovery code is used up
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", "Code incorrect ou déjà utilisé.")
    context["form"] = form
    return render(request, "www/accounts/second_factor.html", context)
