"""The national committee: dossiers awaiting decision with both opinions side by side, each
call's envelope, what is granted and what is left, and the decision form."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers import listing, services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import DossierCarrier
from logement_accompagne.dossiers.permissions import Action, InvalidTransition
from logement_accompagne.dossiers.selectors import dossiers_visible_to, review_facts
from logement_accompagne.organisations.selectors import scope_of
from logement_accompagne.www.access import dossier_for_action, error_text
from logement_accompagne.www.dossiers.views import crumbs

from .forms import CallFilterForm, DecisionForm, ReopenForm

PAGE_SIZE = 50


def envelope(call: Call) -> dict:
    granted = services.granted_total(call)
    return {
        "call": call,
        "envelope": call.envelope_eur,
        "granted": granted,
        "remaining": call.envelope_eur - granted,
    }


@login_required
def index(request):
    scope = scope_of(request.user)
    if not (scope.committee or scope.administrator):
        raise PermissionDenied("Cette page est réservée au comité national.")
    form = CallFilterForm(request.GET or None)
    call = form.cleaned_data.get("call") if form.is_valid() else None
    calls = [call] if call else list(Call.objects.order_by("-year", "title"))
    visible = dossiers_visible_to(request.user)
    if call:
        visible = visible.filter(call=call)
    waiting = dict(
        visible.filter(status=Status.COMMITTEE).order_by().values_list("call").annotate(n=Count("pk"))
    )
    # One aggregate for every call's granted amount (not one query per call).
    granted = listing.granted_by_call()
    envelopes = [
        {"call": item, "envelope": item.envelope_eur, "granted": granted.get(item.pk, Decimal("0")),
         "remaining": item.envelope_eur - granted.get(item.pk, Decimal("0")), "waiting": waiting.get(item.pk, 0)}
        for item in calls
    ]  # fmt: skip
    awaiting = (
        visible.filter(status=Status.COMMITTEE)
        .select_related("call")
        .prefetch_related(
            "departments",
            "departmental_opinions__author",
            "regional_opinions__author",
            Prefetch("carrier_links", queryset=DossierCarrier.objects.select_related("organisation")),
        )
        .order_by("call__year", "name", "pk")
    )
    # 50 per page: the page costs the same with 10 or 1 000 dossiers waiting (issue #9).
    paginator = Paginator(awaiting, PAGE_SIZE)
    paginator.count = sum(waiting.values())
    page = paginator.get_page(request.GET.get("page"))
    decided = (
        visible.filter(status__in=(Status.SELECTED, Status.NOT_SELECTED))
        .select_related("call")
        .prefetch_related("committee_decisions")
        .order_by("-updated_at")[:50]
    )
    return render(
        request,
        "www/committee/index.html",
        {
            "title": "Comité",
            "form": form,
            # The administrator sees the committee's page but decides nothing.
            "can_decide": scope.committee,
            "envelopes": envelopes,
            "awaiting": [
                {
                    "dossier": dossier,
                    "departmental_opinions": list(dossier.departmental_opinions.all()),
                    "regional_opinions": list(dossier.regional_opinions.all()),
                }
                for dossier in page.object_list
            ],  # fmt: skip
            "page_obj": page,
            "awaiting_count": paginator.count,
            "decided": list(decided),
            "breadcrumb_data": crumbs(None, "Comité"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, reference):
    dossier, refusal = dossier_for_action(request, reference, Action.DECIDE)
    if dossier.status in (Status.SELECTED, Status.NOT_SELECTED):
        messages.info(request, "La décision du comité a déjà été enregistrée pour ce dossier.")
        return redirect("dossiers:detail", reference=reference)
    if refusal:
        return refusal
    money = envelope(dossier.call)
    form = DecisionForm(request.POST or None, cap=dossier.call.project_cap_eur, remaining=money["remaining"],
                        requested=dossier.requested_amount_eur)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                user=request.user, dossier=dossier, selected=data["selected"],
                amount_granted_eur=data["amount_granted_eur"], conditions=data["conditions"],
                refusal_reason=data["refusal_reason"], above_request_confirmed=data["above_request_confirmed"],
                above_request_reason=data["above_request_reason"],
            )  # fmt: skip
        except ValidationError as error:
            field = {"above_request": "above_request_reason", "no_reason": "refusal_reason"}.get(
                getattr(error, "code", None), "amount_granted_eur" if data["selected"] else None
            )
            form.add_error(field, error_text(error))
            # What the envelope holds now, not what it held when the page was opened.
            money = envelope(dossier.call)
        except InvalidTransition as error:
            messages.error(request, error_text(error))
            return redirect("dossiers:detail", reference=reference)
        else:
            verdict = "retenu" if data["selected"] else "non retenu"
            messages.success(request, f"Décision enregistrée : projet {verdict}. Les porteurs sont prévenus.")
            return redirect("committee:index")
    return render(
        request,
        "www/committee/decide.html",
        {
            "title": f"Décision du comité — {dossier}",
            "dossier": dossier,
            "form": form,
            "money": money,
            **review_facts(dossier),
            "decisions": list(dossier.committee_decisions.select_related("author")),
            "breadcrumb_data": crumbs(dossier, "Décision du comité", request=request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request, reference):
    """The committee takes back a decision to correct it (reason logged; next decision = new version)."""
    dossier, refusal = dossier_for_action(request, reference, Action.REOPEN_DECISION)
    if dossier.status == Status.COMMITTEE:
        messages.info(
            request, "La décision de ce dossier est déjà rouverte : le comité peut décider à nouveau."
        )
        return redirect("committee:decide", reference=reference)
    if refusal:
        return refusal
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_decision(user=request.user, dossier=dossier, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error_text(error))
        except InvalidTransition as error:
            messages.error(request, error_text(error))
            return redirect("dossiers:detail", reference=reference)
        else:
            messages.success(request, "La décision est rouverte : enregistrez la décision corrigée.")
            return redirect("committee:decide", reference=reference)
    return render(
        request,
        "www/committee/reopen.html",
        {
            "title": f"Corriger la décision — {dossier}",
            "dossier": dossier,
            "form": form,
            "decision": dossier.committee_decisions.select_related("author").first(),
            "breadcrumb_data": crumbs(dossier, "Corriger la décision", request=request),
        },
    )
