"""The national committee: dossiers awaiting decision with both opinions side by side, each
call's envelope, what is granted and what is left, and the decision form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers import listing, services
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import DepartmentalOpinion, RegionalOpinion
from logement_accompagne.dossiers.permissions import Action, InvalidTransition
from logement_accompagne.dossiers.selectors import dossiers_visible_to, review_facts
from logement_accompagne.grants import agenda
from logement_accompagne.organisations.selectors import scope_of
from logement_accompagne.www.access import dossier_for_action, error_text
from logement_accompagne.www.dossiers.views import crumbs
from logement_accompagne.www.review.cards import opinion_cards, opinion_rows
from logement_accompagne.www.rows import escaped, reference_url
from logement_accompagne.www.templatetags.www_tags import euros, status_badge

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
    # Everything below the filter is kept per version of the filed dossiers and per names mark
    # (dossiers.listing.cached_figure): decisions, reopened decisions and opinions move a dossier's
    # updated_at (services._move, services._touch); a renamed call, organisation, department or
    # person writes a new names mark. A page seen again costs one indexed query and cache reads.
    version = listing.filed_version()
    reach = f"{scope.committee}:{scope.administrator}:{call.pk if call else ''}"
    head = listing.cached_figure(
        f"committee-head:{reach}", lambda: committee_head(request.user, call, version), version=version
    )
    # The paginator only places the page (positions); its rows are read on a cache miss only.
    paginator = Paginator(range(head["awaiting_count"]), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    first = (page.number - 1) * PAGE_SIZE
    awaiting = listing.cached_figure(
        f"committee-awaiting:{reach}:{page.number}",
        lambda: awaiting_articles(
            waiting_in_order(request.user, call)[first : first + PAGE_SIZE], can_decide=scope.committee
        ),
        version=version,
    )
    return render(
        request,
        "www/committee/index.html",
        {
            "title": "Comité",
            "form": form,
            # The administrator sees the committee's page but decides nothing.
            "can_decide": scope.committee,
            **head,
            "awaiting": awaiting,
            "page_obj": page,
            "breadcrumb_data": crumbs(None, "Comité"),
        },
    )


def waiting_in_order(user, call):
    """The dossiers awaiting a decision, in the committee's order (dossier_committee_order_idx)."""
    visible = dossiers_visible_to(user).filter(status=Status.COMMITTEE)
    if call:
        visible = visible.filter(call=call)
    return visible.order_by("call__year", "name", "pk")


ENVELOPE_ROW = "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"


def committee_head(user, call, version: str) -> dict:
    """The envelopes (per call: envelope, granted, remaining, waiting) and the recent decisions, as
    plain values and HTML written here: what the cache keeps for the page, no model instance."""
    visible = dossiers_visible_to(user)
    if call:
        visible = visible.filter(call=call)
    # The agenda's rows with nothing proposed: envelope, granted (one aggregate for every call,
    # cached on its own), remaining, waiting.
    calls = agenda.calls_with_waiting(user, call=call).values_list("title", "pk", "envelope_eur", "waiting")
    envelopes = agenda.envelope_rows(list(calls), {}, version=version)
    return {
        "envelopes": envelopes,
        "envelopes_html": SafeString(
            "".join(
                format_html(
                    ENVELOPE_ROW,
                    row["call"],
                    euros(row["envelope"]),
                    euros(row["granted"]),
                    euros(row["remaining"]),
                    row["waiting"],
                )  # fmt: skip
                for row in envelopes
            )
            or '<tr><td colspan="5">Aucun appel à projets.</td></tr>'
        ),
        "awaiting_count": sum(row["waiting"] for row in envelopes),
        "decided": decided_rows(listing.recently_decided(visible)),
    }


ARTICLE = (
    '<article class="fr-mb-5w fr-pb-3w" aria-labelledby="dossier-{}">'
    '<h3 id="dossier-{}" class="fr-h5 fr-mb-1w www-break"><a href="{}">{}</a></h3>'
    '<p class="fr-text--sm fr-mb-2w">{} · {} · {} · {} ménages · demandé : {}</p>{}{}</article>'
)
DECIDE = (
    '<p class="fr-mt-2w"><a class="fr-btn" href="{}">Décider<span class="fr-sr-only"> pour le dossier {}'
    "</span></a></p>"
)


def awaiting_articles(dossiers, *, can_decide: bool) -> list:
    """The page's dossiers (a sliced, ordered queryset) awaiting a decision, each with both opinions,
    as HTML written here in one pass: values rows in three queries, the opinions in two (issue #9: a
    template loop with three includes per dossier made this page many times its floor)."""
    rows = listing.rows(dossiers)
    pks = [row.pk for row in rows]
    opinions = {model: opinion_rows(model, pks) for model in (DepartmentalOpinion, RegionalOpinion)}
    detail, decide_url = reference_url("dossiers:detail"), reference_url("committee:decide")
    articles = []
    # str.format over escaped values (www.rows.escaped), not format_html: a thousand lazy-wrapped
    # escapes per page were a tenth of the page built after a change.
    for row in rows:
        reference, title = str(row.reference), escaped(row)
        decide_button = DECIDE.format(decide_url(reference), title) if can_decide else ""
        articles.append(SafeString(ARTICLE.format(
            row.pk, row.pk, detail(reference), title, escaped(row.carriers_display),
            escaped(row.departments_display), escaped(row.call_title), escaped(row.households or "?"),
            escaped(euros(row.requested_amount_eur)),
            opinion_cards(opinions[DepartmentalOpinion].get(row.pk), opinions[RegionalOpinion].get(row.pk)),
            decide_button,
        )))  # fmt: skip
    return articles


DECIDED_ROW = '<tr><td class="www-break"><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>'


def decided_rows(decided: list[dict]) -> list:
    """« Décisions récentes » as table rows written here (no template loop, no ``{% url %}`` per row)."""
    detail = reference_url("dossiers:detail")
    badges = {status: status_badge(status, True) for status in listing.DECIDED}
    return [
        SafeString(
            DECIDED_ROW.format(
                detail(row["reference"]),
                escaped(row["title"]),
                escaped(row["call_title"]),
                badges[row["status"]],
                escaped(euros(row["amount"])),
            )
        )  # fmt: skip
        for row in decided
    ]


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
