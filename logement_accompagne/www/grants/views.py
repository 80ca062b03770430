"""Agreements (conventions), payment tranches and reports: pages for the carriers and the State.

Reads go through ``grants.selectors`` (scoped as the dossier is: not visible → 404), writes through
``grants.services``; a person whose role does not allow an action gets 403 before anything is written.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.dossiers.selectors import dossiers_visible_to
from logement_accompagne.grants import selectors, services
from logement_accompagne.grants.models import Report, ReportStatus, Tranche
from logement_accompagne.www.access import error_text
from logement_accompagne.www.dossiers.views import crumbs

from .forms import PaymentForm, ReportForm, ReviewForm, TermsForm, TrancheForm


def _load(request, reference):
    try:
        dossier, agreement = selectors.dossier_with_agreement_for(request.user, reference)
    except Dossier.DoesNotExist as missing:
        raise Http404("Dossier introuvable.") from missing
    return dossier, agreement, selectors.roles_on(request.user, dossier)


def _need(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Vous n'avez pas le droit de faire cela sur cette convention.")


def _to_agreement(reference):
    return redirect("grants:agreement", reference=reference)


def _no_agreement(request, reference):
    messages.warning(request, "La convention de ce projet n'est pas encore préparée.")
    return _to_agreement(reference)


def _form_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, " ".join(errors))
    else:
        form.add_error(None, error_text(error))


def _agreement_crumbs(dossier, current: str, request, *, with_agreement: bool = True) -> dict:
    links = []
    data = crumbs(dossier, "", request=request)
    links = data["links"]
    if with_agreement:
        links.append({"url": reverse("grants:agreement", args=[dossier.reference]), "title": "Convention"})
    return {**data, "links": links, "current": current}


@login_required
def index(request):
    """The agreements a person may see, and for the departmental services the selected projects still
    waiting for theirs."""
    agreements = list(selectors.agreement_list_for(request.user))
    waiting = (
        dossiers_visible_to(request.user)
        .filter(status=Status.SELECTED, agreement__isnull=True)
        .select_related("call")
        .order_by("name", "pk")[:200]
    )
    return render(
        request,
        "www/grants/index.html",
        {
            "title": "Conventions",
            "agreements": agreements,
            "waiting": list(waiting),
            "breadcrumb_data": {"links": [], "current": "Conventions", "root_dir": reverse("home")},
        },
    )


@login_required
def agreement(request, reference):
    dossier, agreement, roles = _load(request, reference)
    context = {
        "title": f"Convention — {dossier}",
        "dossier": dossier,
        "agreement": agreement,
        "roles": roles,
        "decision": selectors.latest_decision(dossier) if dossier.status == Status.SELECTED else None,
        "breadcrumb_data": _agreement_crumbs(dossier, "Convention", request, with_agreement=False),
    }
    if agreement is not None:
        pending = selectors.pending_version(agreement)
        reports = list(agreement.reports.all())
        schedule = services.report_schedule(
            pending.starts_on if pending else agreement.starts_on,
            pending.duration_months if pending else agreement.duration_months,
        )
        report_titles = [
            (row["number"], Report(kind=row["kind"], number=row["number"]).title) for row in schedule
        ]
        open_schedule = pending is not None and not (pending.carrier_signed_at or pending.state_signed_at)
        context.update(
            versions=list(
                agreement.versions.select_related(
                    "carrier_signed_by", "state_signed_by", "carrier_organisation", "state_organisation"
                )
            ),  # fmt: skip
            pending=pending,
            in_force=agreement.versions.filter(number=agreement.in_force_version).first(),
            tranches=selectors.tranches_of(agreement),
            planned=selectors.planned_total(agreement),
            reports=reports,
            report_titles=dict(report_titles),
            tranche_form=TrancheForm(reports=report_titles) if roles.departmental and open_schedule else None,
            payment_form=PaymentForm() if roles.departmental else None,
            may_sign=pending is not None
            and (
                (roles.carrier_signatory is not None and pending.carrier_signed_at is None)
                or (roles.state_signatory is not None and pending.state_signed_at is None)
            ),
            open_schedule=open_schedule,
        )
    return render(request, "www/grants/agreement.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def terms(request, reference):
    """The departmental service drafts the convention, corrects it before signature, or opens an amendment."""
    dossier, agreement, roles = _load(request, reference)
    _need(roles.departmental)
    decision = selectors.latest_decision(dossier)
    if dossier.status != Status.SELECTED or decision is None or not decision.selected:
        messages.warning(request, "Une convention ne se prépare que pour un projet retenu par le comité.")
        return redirect("dossiers:detail", reference=reference)
    pending = selectors.pending_version(agreement) if agreement else None
    amendment = agreement is not None and (pending is None or pending.is_amendment)
    if agreement is None:
        initial = {"amount_eur": decision.amount_granted_eur, "duration_months": dossier.duration_months}
    else:
        source = pending or agreement
        initial = {"amount_eur": source.amount_eur, "duration_months": source.duration_months,
                   "starts_on": source.starts_on, "reason": getattr(pending, "reason", "")}  # fmt: skip
    form = TermsForm(
        request.POST or None, initial=initial, amendment=amendment, granted=decision.amount_granted_eur
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if agreement is None:
                services.prepare_agreement(user=request.user, dossier=dossier, starts_on=data["starts_on"],
                                           duration_months=data["duration_months"], amount_eur=data["amount_eur"])  # fmt: skip
                messages.success(
                    request,
                    "Convention préparée : prévoyez l'échéancier des versements, puis faites-la signer.",
                )
            else:
                version = services.save_terms(user=request.user, agreement=agreement, starts_on=data["starts_on"],
                                              duration_months=data["duration_months"], amount_eur=data["amount_eur"],
                                              reason=data.get("reason", ""))  # fmt: skip
                messages.success(request, f"{version} enregistrée : elle attend les signatures.")
        except ValidationError as error:
            _form_error(form, error)
        except InvalidTransition as error:
            messages.warning(request, error_text(error))
            return _to_agreement(reference)
        else:
            return _to_agreement(reference)
    if agreement is None:
        heading = "Préparer la convention"
    elif pending is not None and not amendment:
        heading = "Modifier la convention avant signature"
    else:
        heading = "Avenant à la convention"
    return render(
        request,
        "www/grants/terms.html",
        {
            "title": f"{heading} — {dossier}",
            "heading": heading,
            "dossier": dossier,
            "agreement": agreement,
            "decision": decision,
            "form": form,
            "breadcrumb_data": _agreement_crumbs(dossier, heading, request),
        },
    )


@login_required
@require_POST
def add_tranche(request, reference):
    dossier, agreement, roles = _load(request, reference)
    _need(roles.departmental)
    if agreement is None:
        return _no_agreement(request, reference)
    pending = selectors.pending_version(agreement)
    schedule = services.report_schedule(
        pending.starts_on if pending else agreement.starts_on,
        pending.duration_months if pending else agreement.duration_months,
    )
    form = TrancheForm(request.POST, reports=[(r["number"], Report(kind=r["kind"], number=r["number"]).title)
                                              for r in schedule])  # fmt: skip
    if not form.is_valid():
        messages.error(request, "Tranche non ajoutée : " + " ".join(
            f"{form.fields[name].label if name in form.fields else ''} : {' '.join(errors)}"
            for name, errors in form.errors.items()
        ))  # fmt: skip
        return _to_agreement(reference)
    try:
        services.add_tranche(user=request.user, agreement=agreement, **form.cleaned_data)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, "Tranche non ajoutée : " + error_text(error))
    else:
        messages.success(request, "Tranche ajoutée à l'échéancier.")
    return _to_agreement(reference)


@login_required
@require_POST
def sign(request, reference):
    dossier, agreement, roles = _load(request, reference)
    _need(roles.carrier_signatory is not None or roles.state_signatory is not None)
    if agreement is None:
        return _no_agreement(request, reference)
    try:
        version = services.sign(user=request.user, agreement=agreement)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, error_text(error))
    else:
        if version.signed:
            messages.success(request, f"{version} signée par les deux parties : elle est en vigueur.")
        else:
            messages.success(
                request, f"{version} signée. L'autre partie est prévenue que sa signature est attendue."
            )
    return _to_agreement(reference)


def _tranche(agreement, position) -> Tranche:
    try:
        return agreement.tranches.get(position=position)
    except Tranche.DoesNotExist as missing:
        raise Http404("Tranche introuvable.") from missing


@login_required
@require_POST
def request_payment(request, reference, position):
    dossier, agreement, roles = _load(request, reference)
    _need(roles.carrier)
    if agreement is None:
        return _no_agreement(request, reference)
    try:
        services.request_payment(user=request.user, tranche=_tranche(agreement, position))
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Versement demandé : le service départemental est prévenu.")
    return _to_agreement(reference)


@login_required
@require_POST
def record_payment(request, reference, position):
    dossier, agreement, roles = _load(request, reference)
    _need(roles.departmental)
    if agreement is None:
        return _no_agreement(request, reference)
    form = PaymentForm(request.POST)
    paid_on = form.cleaned_data.get("paid_on") if form.is_valid() else None
    try:
        services.record_payment(user=request.user, tranche=_tranche(agreement, position), paid_on=paid_on)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, "Versement non enregistré : " + error_text(error))
    else:
        messages.success(request, "Versement enregistré : le porteur est prévenu.")
    return _to_agreement(reference)


def _report(agreement, number) -> Report:
    try:
        return selectors.report_for(agreement, number)
    except Report.DoesNotExist as missing:
        raise Http404("Rapport introuvable.") from missing


@login_required
@require_http_methods(["GET", "POST"])
def report(request, reference, number):
    """A report: pre-filled for the carrier, read by the State, with the review form for the department."""
    dossier, agreement, roles = _load(request, reference)
    if agreement is None:
        raise Http404("Convention introuvable.")
    report = _report(agreement, number)
    may_file = roles.carrier and report.status in (ReportStatus.DUE, ReportStatus.MORE_REQUESTED)
    if request.method == "POST":
        _need(roles.carrier)
    rows = selectors.report_comparison(report)
    recorded = {row["key"]: row["recorded"] for row in rows if not row["money"]}
    initial = recorded if report.status == ReportStatus.DUE else {
        "households_accompanied": report.households_accompanied, "diagnostics": report.diagnostics,
        "dwellings": report.dwellings, "narrative": report.narrative,
        "variance_explanation": report.variance_explanation,
    }  # fmt: skip
    form = ReportForm(request.POST or None, initial=initial) if may_file else None
    if request.method == "POST" and form is None:
        messages.warning(
            request, f"Ce rapport est « {report.get_status_display().lower()} » : il ne se dépose plus."
        )
        return redirect("grants:report", reference=reference, number=number)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.file_report(user=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
            rows = selectors.report_comparison(report, {k: form.cleaned_data.get(k) for k in recorded})
        except InvalidTransition as error:
            messages.warning(request, error_text(error))
            return _to_agreement(reference)
        else:
            messages.success(request, "Rapport déposé : le service départemental est prévenu.")
            return _to_agreement(reference)
    filed_rows = report.comparison.get("rows") if report.status != ReportStatus.DUE else None
    return render(
        request,
        "www/grants/report.html",
        {
            "title": f"{report.title} — {dossier}",
            "dossier": dossier,
            "agreement": agreement,
            "report": report,
            "rows": filed_rows or rows,
            "form": form,
            "review_form": ReviewForm()
            if roles.departmental and report.status == ReportStatus.FILED
            else None,
            "breadcrumb_data": _agreement_crumbs(dossier, report.title, request),
        },
    )


@login_required
@require_POST
def review_report(request, reference, number):
    dossier, agreement, roles = _load(request, reference)
    _need(roles.departmental)
    if agreement is None:
        raise Http404("Convention introuvable.")
    report = _report(agreement, number)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez de valider le rapport ou de demander des compléments.")
        return redirect("grants:report", reference=reference, number=number)
    try:
        services.review_report(user=request.user, report=report, validated=form.cleaned_data["decision"],
                               comment=form.cleaned_data["comment"])  # fmt: skip
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, error_text(error))
        return redirect("grants:report", reference=reference, number=number)
    messages.success(request, "Rapport validé." if form.cleaned_data["decision"] else
                     "Compléments demandés : le porteur est prévenu.")  # fmt: skip
    return _to_agreement(reference)
