"""Committee sessions (issue #12): the list of sessions, a session's agenda (every dossier waiting
for the committee, paged and sorted by the database), proposing a decision, recording one, and
confirming them all at once; the minutes are in ``documents``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.dossiers.selectors import review_facts
from logement_accompagne.grants import agenda as agenda_selectors
from logement_accompagne.grants import session_services
from logement_accompagne.grants.sessions import CommitteeSession
from logement_accompagne.organisations.selectors import scope_of
from logement_accompagne.www.access import error_text, visible_dossier
from logement_accompagne.www.dossiers.views import crumbs

from .forms import CallFilterForm, ProposalForm, SessionForm

PAGE_SIZE = 25
RESERVED = "Cette page est réservée au comité national."


def _scope(request, *, act: bool = False):
    """Committee members read and act; the administrator reads only."""
    scope = scope_of(request.user)
    if not (scope.committee or (scope.administrator and not act)):
        raise PermissionDenied(RESERVED)
    return scope


def _session(reference) -> CommitteeSession:
    try:
        return CommitteeSession.objects.get(reference=reference)
    except CommitteeSession.DoesNotExist as missing:
        raise Http404("Séance introuvable.") from missing


def _session_crumbs(session=None, title=None):
    links = [{"url": reverse("committee:index"), "title": "Comité"}]
    if session is not None:
        links.append({"url": reverse("committee:sessions"), "title": "Séances"})
        if title:
            links.append(
                {"url": reverse("committee:session", args=[session.reference]), "title": str(session)}
            )
    return crumbs(None, title or (str(session) if session else "Séances"), *links)


@login_required
@require_http_methods(["GET", "POST"])
def session_list(request):
    scope = _scope(request, act=request.method == "POST")
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_services.open_session(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("members_present", error_text(error))
        else:
            messages.success(request, f"{session} ouverte : proposez les décisions depuis l'ordre du jour.")
            return redirect("committee:session", reference=session.reference)
    return render(
        request,
        "www/committee/sessions.html",
        {
            "title": "Séances du comité",
            "form": form,
            "can_decide": scope.committee,
            "sessions": list(agenda_selectors.sessions_for(request.user)[:100]),
            "breadcrumb_data": _session_crumbs(),
        },
    )


def _sort_links(request, current: str) -> list[dict]:
    links = []
    for key, sort in agenda_selectors.SORTS.items():
        active = current.lstrip("-") == key
        descending = current.startswith("-") if active else sort.descending_first
        # Clicking the active column reverses it.
        target = ("" if (descending if active else not descending) else "-") + key
        query = request.GET.copy()
        query["tri"] = target
        query.pop("page", None)
        links.append({"label": sort.label, "url": f"?{query.urlencode()}", "active": active,
                      "direction": ("décroissant" if descending else "croissant") if active else ""})  # fmt: skip
    return links


@login_required
def session_agenda(request, reference):
    scope = _scope(request)
    session = _session(reference)
    form = CallFilterForm(request.GET or None)
    call = form.cleaned_data.get("call") if form.is_valid() else None
    sort = request.GET.get("tri") or agenda_selectors.DEFAULT_SORT
    if sort.lstrip("-") not in agenda_selectors.SORTS:
        sort = agenda_selectors.DEFAULT_SORT
    envelopes = agenda_selectors.envelopes(request.user, session, call=call)
    paginator = Paginator(agenda_selectors.agenda(request.user, session, sort=sort, call=call), PAGE_SIZE)
    paginator.count = sum(row["waiting"] for row in envelopes)  # already counted, per call
    page = paginator.get_page(request.GET.get("page"))
    rows = agenda_selectors.page_rows(page.object_list)
    for row in rows:
        row.extra["verdict_label"] = (
            Verdict(row.extra["regional_verdict"]).label if row.extra["regional_verdict"] else "—"
        )
        row.extra["reproducibility_label"] = (
            Reproducibility(row.extra["reproducibility"]).label if row.extra["reproducibility"] else "—"
        )
    pending = session_services.pending_proposals(session).count()
    return render(
        request,
        "www/committee/session.html",
        {
            "title": f"{session} — ordre du jour",
            "session": session,
            "form": form,
            "can_decide": scope.committee,
            "envelopes": envelopes,
            "overspent": [row for row in envelopes if row["overspent"]],
            "rows": rows,
            "page_obj": page,
            "waiting_count": paginator.count,
            "sort": sort,
            "sort_links": _sort_links(request, sort),
            "pending_count": pending,
            "breadcrumb_data": _session_crumbs(session, "Ordre du jour"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, reference, dossier_reference):
    _scope(request, act=True)
    session = _session(reference)
    dossier = visible_dossier(request, dossier_reference)
    agenda_url = reverse("committee:session", args=[session.reference])
    if dossier.status != Status.COMMITTEE:
        messages.info(
            request, f"« {dossier} » n'attend plus de décision du comité ({dossier.get_status_display()})."
        )
        return redirect(agenda_url)
    existing = session.proposals.filter(dossier=dossier).first()
    initial = {}
    if existing:
        initial = {"selected": "yes" if existing.selected else "no", "amount_granted_eur": existing.amount_eur,
                   "conditions": existing.conditions, "refusal_reason": existing.refusal_reason,
                   "above_request_reason": existing.above_request_reason}  # fmt: skip
    money = next((row for row in agenda_selectors.envelopes(request.user, session, call=dossier.call)), None)
    form = ProposalForm(request.POST or None, initial=initial, cap=dossier.call.project_cap_eur,
                        remaining=money["remaining"], requested=dossier.requested_amount_eur)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session_services.propose(
                user=request.user, session=session, dossier=dossier, selected=data["selected"],
                amount_eur=data["amount_granted_eur"], conditions=data["conditions"],
                refusal_reason=data["refusal_reason"], above_request_reason=data["above_request_reason"],
            )  # fmt: skip
        except ValidationError as error:
            field = {"above_request": "above_request_reason", "no_reason": "refusal_reason"}.get(
                getattr(error, "code", None), "amount_granted_eur" if data["selected"] else None
            )
            form.add_error(field, error_text(error))
        except InvalidTransition as error:
            messages.error(request, error_text(error))
            return redirect(agenda_url)
        else:
            messages.success(
                request, f"Décision proposée pour « {dossier} ». Elle sera enregistrée à la confirmation."
            )
            return redirect(agenda_url)
    return render(
        request,
        "www/committee/propose.html",
        {
            "title": f"Proposer une décision — {dossier}",
            "session": session,
            "dossier": dossier,
            "form": form,
            "money": money,
            "existing": existing,
            "agenda_url": agenda_url,
            **review_facts(dossier),
            "breadcrumb_data": _session_crumbs(session, f"Proposer une décision — {dossier}"),
        },
    )


@login_required
@require_POST
def record(request, reference, dossier_reference):
    _scope(request, act=True)
    session = _session(reference)
    dossier = visible_dossier(request, dossier_reference)
    proposal = session.proposals.filter(dossier=dossier).select_related("dossier").first()
    if proposal is None:
        raise Http404("Aucune décision proposée pour ce dossier dans cette séance.")
    try:
        session_services.record(user=request.user, proposal=proposal)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Décision enregistrée pour « {dossier} ». Les porteurs sont prévenus.")
    return redirect("committee:session", reference=session.reference)


@login_required
@require_POST
def confirm(request, reference):
    _scope(request, act=True)
    session = _session(reference)
    try:
        decisions = session_services.confirm(user=request.user, session=session)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{len(decisions)} décision(s) enregistrée(s). Les porteurs sont prévenus.")
    return redirect("committee:session", reference=session.reference)
