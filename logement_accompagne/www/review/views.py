"""The instructors' pages: the queue of filed dossiers, the opinions, the requests for completion."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_POST

from logement_accompagne.dossiers import listing, services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.permissions import Action, InvalidTransition
from logement_accompagne.dossiers.selectors import dossiers_visible_to, review_facts
from logement_accompagne.organisations.selectors import departments_covered_by, scope_of
from logement_accompagne.www.access import dossier_for_action, error_text
from logement_accompagne.www.dossiers.views import crumbs
from logement_accompagne.www.rows import reference_url, short_date
from logement_accompagne.www.templatetags.www_tags import euros, status_badge

from .forms import QUEUE_STATES, DepartmentalOpinionForm, QueueFilterForm, RegionalOpinionForm, ReturnForm

PAGE_SIZE = 50


def _instructor_scope_or_403(request):
    scope = scope_of(request.user)
    if not (scope.is_instructor or scope.administrator):
        raise PermissionDenied("Cette page est réservée aux services instructeurs de l'État.")
    return scope


def departments_in_scope(scope):
    return departments_covered_by(scope).order_by("code")


@login_required
def queue(request):
    scope = _instructor_scope_or_403(request)
    # The departments are read only if the filter form is built (cached fragment) or a department
    # is asked for: 101 of them for the national level, on every page otherwise.
    form = QueueFilterForm(request.GET or None, departments=lambda: departments_in_scope(scope))
    filters = form.cleaned_data if form.is_valid() else {}
    version = listing.filed_version()
    reach = counts_key(scope, filters)
    counted = listing.counts_per_state(
        filtered(dossiers_visible_to(request.user), filters), key=reach, version=version
    )
    status = filters.get("status")
    # The per-state counts already give the total: no second COUNT over the same filters. The
    # paginator only places the page (positions); its rows are read below, on a cache miss only.
    paginator = Paginator(range(counted.get(status, 0) if status else sum(counted.values())), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))

    def page_rows():
        # The page walks the filing-order index (see dossiers.selectors.dossiers_visible_to).
        dossiers = filtered(dossiers_visible_to(request.user, in_filing_order=True), filters)
        if status:
            dossiers = dossiers.filter(status=status)
        first = (page.number - 1) * PAGE_SIZE
        return queue_rows_html(dossiers.order_by("-submitted_at", "-pk")[first : first + PAGE_SIZE])

    # The page's rows, written once per version of the filed dossiers (dossiers.listing.cached_figure):
    # an instructor going through the pages and back reads them from the cache until a dossier moves.
    rows_html = listing.cached_figure(
        f"queue-rows:{reach}:{status or ''}:{page.number}", page_rows, version=version
    )
    params = request.GET.copy()
    params.pop("page", None)
    counts = []
    for state in QUEUE_STATES:
        params["status"] = state.value
        counts.append(
            {"status": state, "label": state.label, "count": counted.get(state.value, 0),
             "url": f"?{params.urlencode()}", "current": status == state.value}
        )  # fmt: skip
    params.pop("status", None)
    return render(
        request,
        "www/review/queue.html",
        {
            "title": "À instruire",
            "form": form,
            "page_obj": page,
            "rows_html": rows_html,
            "counts": counts,
            "total": sum(counted.values()),
            "all_url": f"?{params.urlencode()}",
            "status_filter": status,
            "breadcrumb_data": crumbs(None, "À instruire"),
            # The filter form is rendered once per scope and query string (fragment cache).
            "filters_cache_key": filters_cache_key(scope, request),
        },
    )


def filtered(dossiers, filters: dict):
    dossiers = dossiers.filter(submitted_at__isnull=False)
    if filters.get("call"):
        dossiers = dossiers.filter(call=filters["call"])
    if filters.get("department"):
        dossiers = dossiers.filter(departments__code=filters["department"])
    return dossiers


QUEUE_ROW = (
    '<tr><td class="www-break"><a href="{}">{}</a></td><td class="www-break">{}</td><td>{}</td><td>{}</td>'
    "<td>{}</td><td>{}</td><td>{}</td></tr>"
)


def queue_rows_html(dossiers) -> SafeString:
    """The page's dossiers as table rows rendered here in one pass each: a template loop costs ten
    variable lookups and filters per row, which made the queue several times its floor (issue #9)."""
    badges = {status: status_badge(status, True) for status in Status.values}
    detail = reference_url("dossiers:detail")
    return SafeString(
        "".join(
            format_html(
                QUEUE_ROW,
                detail(row.reference),
                str(row),
                row.carriers_display,
                row.department_codes,
                row.call_title,
                badges[row.status],
                euros(row.requested_amount_eur),
                short_date(row.submitted_at),
            )  # fmt: skip
            for row in listing.rows(dossiers)
        )
    )


def counts_key(scope, filters: dict) -> str:
    """Who sees which filed dossiers (dossiers.selectors.dossiers_visible_to) and under which filters."""
    reach = (scope.committee or scope.administrator, sorted(scope.departmental_codes),
             sorted(scope.regional_codes), sorted(scope.carrier_organisation_ids))  # fmt: skip
    call = filters.get("call")
    wanted = (reach, call.pk if call else None, filters.get("department") or None)
    return hashlib.sha256(repr(wanted).encode()).hexdigest()[:32]


def filters_cache_key(scope, request) -> str:
    territory = sorted(scope.departmental_codes) + sorted(scope.regional_codes)
    wanted = sorted((key, value) for key, value in request.GET.items() if key != "page")
    reach = "all" if (scope.committee or scope.administrator) else ",".join(territory)
    return hashlib.sha256(repr((reach, wanted)).encode()).hexdigest()[:32]


def _done(request, dossier, text: str):
    messages.success(request, text)
    return redirect("dossiers:detail", reference=dossier.reference)


def _post_transition(request, reference, action: Action, service, done_text: str, already_text: str,
                     already_states):  # fmt: skip
    dossier, refusal = dossier_for_action(request, reference, action)
    if dossier.status in already_states:
        # A second click: the first one did it.
        messages.info(request, already_text)
        return redirect("dossiers:detail", reference=reference)
    if refusal:
        return refusal
    try:
        service(user=request.user, dossier=dossier)
    except (InvalidTransition, ValidationError) as error:
        messages.error(request, error_text(error))
        return redirect("dossiers:detail", reference=reference)
    return _done(request, dossier, done_text)


@login_required
@require_POST
def start(request, reference):
    return _post_transition(
        request, reference, Action.START_REVIEW, services.start_departmental_review,
        "Vous avez pris en charge l'instruction de ce dossier.", "L'instruction de ce dossier a déjà commencé.",
        (Status.DEPARTMENTAL_REVIEW,),
    )  # fmt: skip


@login_required
@require_POST
def forward_to_region(request, reference):
    return _post_transition(
        request, reference, Action.FORWARD_TO_REGION, services.forward_to_region,
        "Le dossier a été transmis au niveau régional.", "Ce dossier a déjà été transmis au niveau régional.",
        (Status.REGIONAL_REVIEW,),
    )  # fmt: skip


@login_required
@require_POST
def forward_to_committee(request, reference):
    return _post_transition(
        request, reference, Action.FORWARD_TO_COMMITTEE, services.forward_to_committee,
        "Le dossier a été transmis au comité national.", "Ce dossier a déjà été transmis au comité national.",
        (Status.COMMITTEE,),
    )  # fmt: skip


def _opinion_page(request, dossier, form, template: str, title: str):
    return render(
        request,
        template,
        {
            "title": f"{title} — {dossier}",
            "heading": title,
            "dossier": dossier,
            "form": form,
            **review_facts(dossier),
            "breadcrumb_data": crumbs(dossier, title, request=request),
        },
    )


def _record_opinion(request, dossier, form, give, *, title: str, done: str, forwarded: str, **values):
    """Call the service that records the opinion (and forwards, when asked); a refused opinion
    comes back on the form, a state that changed meanwhile sends the person back to the dossier."""
    try:
        give(user=request.user, dossier=dossier, **values)
    except ValidationError as error:
        form.add_error(None, error_text(error))
    except InvalidTransition as error:
        messages.error(request, error_text(error))
        return redirect("dossiers:detail", reference=dossier.reference)
    else:
        return _done(request, dossier, done + (forwarded if values["forward"] else "."))
    return _opinion_page(request, dossier, form, "www/review/opinion.html", title)


@login_required
@require_http_methods(["GET", "POST"])
def departmental_opinion(request, reference):
    dossier, refusal = dossier_for_action(request, reference, Action.DEPARTMENTAL_OPINION)
    if refusal:
        return refusal
    latest = dossier.departmental_opinions.first()
    initial = (
        {
            "relevance": latest.relevance,
            "reproducibility": latest.reproducibility,
            "conditions": latest.conditions,
        }
        if latest
        else {}
    )
    form = DepartmentalOpinionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _record_opinion(
            request, dossier, form, services.give_departmental_opinion, title="Avis du service départemental",
            done="Avis départemental enregistré", forwarded=" et dossier transmis au niveau régional.",
            relevance=data["relevance"], reproducibility=data["reproducibility"], conditions=data["conditions"],
            forward=data["forward"],
        )  # fmt: skip
    return _opinion_page(request, dossier, form, "www/review/opinion.html", "Avis du service départemental")


@login_required
@require_http_methods(["GET", "POST"])
def regional_opinion(request, reference):
    dossier, refusal = dossier_for_action(request, reference, Action.REGIONAL_OPINION)
    if refusal:
        return refusal
    latest = dossier.regional_opinions.first()
    initial = {"verdict": latest.verdict, "comment": latest.comment} if latest else {}
    form = RegionalOpinionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _record_opinion(
            request, dossier, form, services.give_regional_opinion, title="Avis du niveau régional",
            done="Avis régional enregistré", forwarded=" et dossier transmis au comité national.",
            verdict=data["verdict"], comment=data["comment"], forward=data["forward"],
        )  # fmt: skip
    return _opinion_page(request, dossier, form, "www/review/opinion.html", "Avis du niveau régional")


@login_required
@require_http_methods(["GET", "POST"])
def return_for_completion(request, reference):
    dossier, refusal = dossier_for_action(request, reference, Action.RETURN_FOR_COMPLETION)
    if dossier.status == Status.RETURNED:
        messages.info(request, "Des compléments ont déjà été demandés pour ce dossier.")
        return redirect("dossiers:detail", reference=reference)
    if refusal:
        return refusal
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_for_completion(
                user=request.user, dossier=dossier, message=form.cleaned_data["message"],
                due_on=form.cleaned_data["due_on"],
            )  # fmt: skip
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error("message", error)
        except InvalidTransition as error:
            messages.error(request, error_text(error))
            return redirect("dossiers:detail", reference=reference)
        else:
            return _done(request, dossier, "La demande de compléments a été envoyée aux porteurs.")
    return render(
        request,
        "www/review/return.html",
        {
            "title": f"Demander des compléments — {dossier}",
            "dossier": dossier,
            "form": form,
            "breadcrumb_data": crumbs(dossier, "Demander des compléments", request=request),
            "queue_url": reverse("review:queue"),
        },
    )
