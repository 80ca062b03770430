"""The national level manages the calls for projects: dates, envelope, cap, durations, target and
required documents (the rules the dossiers are checked against)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.permissions import may_manage_calls
from logement_accompagne.dossiers.services import granted_total, manage_call
from logement_accompagne.www.access import error_text
from logement_accompagne.www.dossiers.views import crumbs

from .forms import CallForm


def _national_or_403(request) -> None:
    if not may_manage_calls(request.user):
        raise PermissionDenied("Cette page est réservée au niveau national.")


@login_required
def call_list(request):
    _national_or_403(request)
    calls = Call.objects.annotate(
        filed=Count("dossiers", filter=Q(dossiers__submitted_at__isnull=False)),
        documents=Count("required_documents", distinct=True),
    ).order_by("-year", "title")
    rows = [{"call": call, "granted": granted_total(call)} for call in calls]
    return render(
        request,
        "www/calls/list.html",
        {"title": "Appels à projets", "rows": rows, "breadcrumb_data": crumbs(None, "Appels à projets")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, slug=None):
    _national_or_403(request)
    call = get_object_or_404(Call, slug=slug) if slug else None
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            saved = manage_call(
                user=request.user, call=call, values=form.values(), required_documents=form.labels(),
                slug=form.cleaned_data.get("slug", ""),
            )  # fmt: skip
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error_text(error))
        else:
            messages.success(request, f"Appel « {saved} » enregistré.")
            return redirect("calls:list")
    title = f"Modifier l'appel « {call} »" if call else "Nouvel appel à projets"
    return render(
        request,
        "www/calls/edit.html",
        {
            "title": title,
            "form": form,
            "call": call,
            "breadcrumb_data": crumbs(
                None, title, {"url": reverse("calls:list"), "title": "Appels à projets"}
            ),
        },
    )
