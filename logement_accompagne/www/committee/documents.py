"""Printed documents (issue #12, item 2), made with WeasyPrint from print templates, in French:
the dossier in the layout of the « Présentation synthétique du projet » form with its opinions,
the committee's decision letter to the carriers, and the minutes of a session."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from logement_accompagne.audit.services import record_read
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.permissions import relation_to
from logement_accompagne.dossiers.sections import SECTIONS
from logement_accompagne.dossiers.selectors import review_facts
from logement_accompagne.grants import agenda as agenda_selectors
from logement_accompagne.organisations.selectors import scope_of
from logement_accompagne.www.access import visible_dossier
from logement_accompagne.www.dossiers.display import section_rows

from .sessions import RESERVED, _session

DECIDED = (Status.SELECTED, Status.NOT_SELECTED)


def render_pdf(template: str, context: dict) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as missing:  # pango absent: say so rather than fail
        raise Http404("Documents PDF indisponibles sur ce serveur (WeasyPrint ou pango absent).") from missing
    context = {"printed_at": timezone.localtime(), **context}
    return HTML(string=render_to_string(template, context)).write_pdf()


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def decision_reference(decision) -> str:
    """The letter's reference: call year, dossier, decision version (stable, printed on the letter)."""
    dossier = decision.dossier
    return f"CN-{dossier.call.year}-{dossier.short_reference}-V{decision.version}"


def dossier_document(dossier, *, with_opinions: bool) -> dict:
    facts = review_facts(dossier, with_opinions=with_opinions)
    return {
        "dossier": dossier,
        "sections": [{"section": section, "rows": section_rows(dossier, section)} for section in SECTIONS],
        "cost_lines": list(dossier.cost_lines.all()),
        "cofunding_lines": list(dossier.cofunding_lines.all()),
        "with_opinions": with_opinions,
        "decisions": list(dossier.committee_decisions.select_related("author")) if with_opinions else [],
        **facts,
    }


@login_required
def dossier_pdf(request, reference):
    """The dossier as the paper form laid it out; its opinions for the State services, and for its
    carriers once the committee has decided (the rule of the dossier page)."""
    dossier = visible_dossier(request, reference)
    record_read(request.user, dossier)
    relation = relation_to(scope_of(request.user), dossier)
    reviewer = relation.reviewer or relation.administrator
    with_opinions = reviewer or (relation.carrier and dossier.status in DECIDED)
    data = render_pdf("www/documents/dossier.html", dossier_document(dossier, with_opinions=with_opinions))
    return pdf_response(data, f"dossier-{dossier.short_reference}.pdf")


@login_required
def decision_letter(request, reference):
    """The committee's letter to the carriers: decision, amount, conditions, reference."""
    dossier = visible_dossier(request, reference)
    decision = (
        dossier.committee_decisions.select_related("author").first() if dossier.status in DECIDED else None
    )
    if decision is None:
        raise Http404("Le comité n'a pas encore décidé sur ce dossier.")
    session = getattr(decision, "session_proposal", None)
    carriers = [
        link.organisation for link in dossier.carrier_links.select_related("organisation__department")
    ]
    data = render_pdf(
        "www/documents/letter.html",
        {"dossier": dossier, "decision": decision, "carriers": carriers, "reference": decision_reference(decision),
         "session": session.session if session else None, "departments": list(dossier.departments.all())},
    )  # fmt: skip
    return pdf_response(data, f"decision-{decision_reference(decision)}.pdf")


@login_required
def minutes(request, reference):
    """Minutes of a session: date, members present, every decision recorded, the envelopes after it."""
    scope = scope_of(request.user)
    if not (scope.committee or scope.administrator):
        raise PermissionDenied(RESERVED)
    session = _session(reference)
    decisions = list(agenda_selectors.session_decisions(session))
    for item in decisions:
        item.reference = decision_reference(item.decision)
    calls = {item.dossier.call for item in decisions}
    envelopes = [
        {**row, "left": row["envelope"] - row["granted"]}
        for row in agenda_selectors.envelopes(request.user, session)
        if row["call"] in calls
    ]
    data = render_pdf(
        "www/documents/minutes.html",
        {"session": session, "decisions": decisions, "envelopes": envelopes,
         "selected_count": sum(1 for item in decisions if item.decision.selected)},
    )  # fmt: skip
    return pdf_response(data, f"proces-verbal-{session.held_on.isoformat()}.pdf")
