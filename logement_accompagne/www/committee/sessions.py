"""Committee sessions (issue #12): the list of sessions, a session's agenda (every dossier waiting
for the committee, paged and sorted by the database), proposing a decision, recording one, and
confirming them all at once; the minutes are in ``documents``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_POST

from logement_accompagne.dossiers import listing
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.dossiers.selectors import review_facts
from logement_accompagne.grants import agenda as agenda_selectors
from logement_accompagne.grants import session_services
from logement_accompagne.grants.sessions import CommitteeSession
from logement_accompagne.organisations.selectors import scope_of
from logement_accompagne.www.access import error_text, visible_dossier
from logement_accompagne.www.dossiers.views import crumbs
from logement_accompagne.www.rows import escaped, reference_url
from logement_accompagne.www.templatetags.www_tags import euros

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
    # The session, what marks its proposals (the latest proposed_at, their number: a proposal made,
    # changed or withdrawn moves it) and the filed dossiers' version, in one query.
    try:
        session = CommitteeSession.objects.annotate(
            proposals_mark=Max("proposals__proposed_at"), proposals_count=Count("proposals"),
            filed_version=listing.filed_version_subquery(),
        ).get(reference=reference)  # fmt: skip
    except CommitteeSession.DoesNotExist as missing:
        raise Http404("Séance introuvable.") from missing
    form = CallFilterForm(request.GET or None)
    call = form.cleaned_data.get("call") if form.is_valid() else None
    sort = request.GET.get("tri") or agenda_selectors.DEFAULT_SORT
    if sort.lstrip("-") not in agenda_selectors.SORTS:
        sort = agenda_selectors.DEFAULT_SORT
    # What the agenda shows is kept per version of the filed dossiers (states, opinions, amounts:
    # services._move, services._touch), per names mark (calls, carriers, departments, regions) and
    # per mark of the session's proposals (dossiers.listing.cached_figure): the agenda seen again,
    # sorted or paged back, costs the session's query and cache reads (issue #9).
    version = listing.version_text(session.filed_version)
    mark = session.proposals_mark.isoformat() if session.proposals_mark else "none"
    reach = (f"{session.pk}:{mark}:{session.proposals_count}:{scope.committee}:{scope.administrator}:"
             f"{call.pk if call else ''}")  # fmt: skip
    head = listing.cached_figure(
        f"agenda-head:{reach}", lambda: agenda_head(request.user, session, call, version), version=version
    )
    # The paginator only places the page; its rows are read on a cache miss only.
    paginator = Paginator(range(head["waiting_count"]), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))

    def page_rows():
        first = (page.number - 1) * PAGE_SIZE
        dossiers = agenda_selectors.agenda(request.user, session, sort=sort, call=call)
        return agenda_rows(agenda_selectors.page_rows(dossiers[first : first + PAGE_SIZE]), session,
                           can_decide=scope.committee)  # fmt: skip

    rows = listing.cached_figure(f"agenda-rows:{reach}:{sort}:{page.number}", page_rows, version=version)
    rows_html = rows["html"]
    if scope.committee:
        # The rows' forms carry this person's CSRF token, never kept in the cache.
        rows_html = SafeString(rows_html.replace(CSRF_MARK, str(csrf_input(request))))
    return render(
        request,
        "www/committee/session.html",
        {
            "title": f"{session} — ordre du jour",
            "session": session,
            "form": form,
            "can_decide": scope.committee,
            **head,
            "rows": rows["rows"],
            "rows_html": rows_html,
            "page_obj": page,
            "sort": sort,
            "sort_links": _sort_links(request, sort),
            "breadcrumb_data": _session_crumbs(session, "Ordre du jour"),
        },
    )


ENVELOPE_ROW = "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"


def agenda_head(user, session, call, version: str) -> dict:
    """The envelopes, the calls overspent, the dossiers waiting and the proposals to confirm, as
    plain values and HTML written here (what the cache keeps: no model instance)."""
    envelopes, pending = agenda_selectors.agenda_figures(user, session, call=call, version=version)
    html = "".join(
        format_html(
            ENVELOPE_ROW,
            row["call"],
            euros(row["envelope"]),
            euros(row["granted"]),
            euros(row["proposed"]),
            format_html("<strong>{}</strong>", euros(row["remaining"]))
            if row["overspent"]
            else euros(row["remaining"]),
            row["waiting"],
        )  # fmt: skip
        for row in envelopes
    )
    return {
        "envelopes": envelopes,
        "envelopes_html": SafeString(html or '<tr><td colspan="6">Aucun appel à projets.</td></tr>'),
        "overspent": [row for row in envelopes if row["overspent"]],
        "waiting_count": sum(row["waiting"] for row in envelopes),
        "pending_count": pending,
    }


# The CSRF token of the person reading the page takes this mark's place in the rows kept in cache.
CSRF_MARK = "<!--csrf-->"
AGENDA_ROW = (
    '<tr><td class="www-break"><a href="{}">{}</a><br><span class="fr-text--xs">{} · {}</span></td>'
    '<td>{}<br><span class="fr-text--xs">{}</span></td>'
    '<td>Régional : {}<br><span class="fr-text--xs">Reproductible : {}</span></td>'
    '<td>{}<br><span class="fr-text--xs">{} ménages · {} par ménage</span></td><td>{}</td>{}</tr>'
)
ACTIONS = (
    '<td><a class="fr-btn fr-btn--sm fr-btn--secondary fr-mb-1w" href="{}">{}'
    '<span class="fr-sr-only"> la décision sur {}</span></a>{}</td>'
)
RECORD = (
    '<form method="post" action="{}" data-once>{}<button type="submit" class="fr-btn fr-btn--sm">'
    'Enregistrer<span class="fr-sr-only"> la décision sur {}</span></button></form>'
)


def agenda_rows(rows, session, *, can_decide: bool) -> dict:
    """The page's rows as HTML written here in one pass each (a template loop costs a dozen lookups
    and filters per row, issue #9), and each row's key and title (``rows``)."""
    detail = reference_url("dossiers:detail")
    propose_url = reference_url("committee:propose", session.reference)
    record_url = reference_url("committee:record", session.reference)
    verdicts, levels = dict(Verdict.choices), dict(Reproducibility.choices)
    html = []
    # str.format over escaped values (www.rows.escaped), not format_html: lazy-wrapped escapes were a
    # large part of the agenda built after a change.
    for row in rows:
        extra, reference, title = row.extra, str(row.reference), escaped(row)
        selected = extra["proposal_selected"]
        if selected is None:
            proposal = "—"
        else:
            proposal = f"Retenu, {escaped(euros(extra['proposal_amount_eur']))}" if selected else "Non retenu"
        actions = ""
        if can_decide:
            record = RECORD.format(record_url(reference), CSRF_MARK, title) if selected is not None else ""
            actions = ACTIONS.format(propose_url(reference),
                                     "Proposer" if selected is None else "Modifier", title, record)  # fmt: skip
        html.append(AGENDA_ROW.format(
            detail(reference), title, escaped(row.carriers_display), escaped(row.call_title),
            escaped(extra["region_name"] or "—"), escaped(row.department_codes),
            escaped(verdicts.get(extra["regional_verdict"], "—")) if extra["regional_verdict"] else "—",
            escaped(levels.get(extra["reproducibility"], "—")) if extra["reproducibility"] else "—",
            escaped(euros(row.requested_amount_eur)), escaped(row.households or "?"),
            escaped(euros(extra["cost_per_household_eur"])), proposal, actions,
        ))  # fmt: skip
    return {
        "rows": [{"pk": row.pk, "title": str(row)} for row in rows],
        "html": SafeString(
            "".join(html) or '<tr><td colspan="6">Aucun dossier n\'attend de décision.</td></tr>'
        ),
    }


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
