"""The dossier pages: carriers create, fill, submit and follow their dossiers; everyone who
may see a dossier reads it on the same page, with the actions their role allows."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from logement_accompagne.audit import services as audit
from logement_accompagne.calls.selectors import open_calls
from logement_accompagne.dossiers import checks, services
from logement_accompagne.dossiers.attachments import stored_name
from logement_accompagne.dossiers.changes import since_previous_submission
from logement_accompagne.dossiers.duplicates import arrival_warnings
from logement_accompagne.dossiers.enums import Mobilisation, Status, Tri
from logement_accompagne.dossiers.fields import label_of
from logement_accompagne.dossiers.models import Attachment
from logement_accompagne.dossiers.permissions import (
    Action,
    InvalidTransition,
    allowed_actions,
    relation_to,
    state_allows,
)
from logement_accompagne.dossiers.sections import SECTION_BY_SLUG, SECTIONS
from logement_accompagne.dossiers.selectors import dossiers_carried_by, review_facts
from logement_accompagne.organisations.selectors import carrier_organisations_of, scope_of
from logement_accompagne.www.access import (
    dossier_for_action,
    error_text,
    require_role,
    state_refusal,
    visible_dossier,
)

from ..pagination import page_counted_with_rows
from . import display
from .forms import (
    COFUNDING_PREFIX,
    COST_PREFIX,
    AttachmentForm,
    CarrierInviteForm,
    CofundingLines,
    ConfirmForm,
    CostLines,
    FilingForm,
    MessageForm,
    NewDossierForm,
    cofunding_initial,
    cost_initial,
    megabytes,
    section_fingerprint,
    section_form_class,
)

PAGE_SIZE = 50


def crumbs(dossier=None, current: str = "", *links, request=None) -> dict:
    """Breadcrumb data for django-dsfr: home → (the list the dossier is reached from → the dossier) → current."""
    items = list(links)
    if dossier is not None:
        if request is not None:
            items.append(dossier_list_link(request, dossier))
        items.append({"url": reverse("dossiers:detail", args=[dossier.reference]), "title": str(dossier)})
    return {"links": items, "current": current, "root_dir": reverse("home")}


def dossier_list_link(request, dossier) -> dict:
    """Where a dossier is listed for this person: « Mes dossiers » for its carriers, else « À instruire »."""
    scope = scope_of(request.user)
    if relation_to(scope, dossier).carrier:
        return {"url": reverse("dossiers:list"), "title": "Mes dossiers"}
    if scope.committee and not (scope.is_departmental_instructor or scope.is_regional_instructor):
        return {"url": reverse("committee:index"), "title": "Comité"}
    return {"url": reverse("review:queue"), "title": "À instruire"}


def _carrier_scope_or_403(request):
    scope = scope_of(request.user)
    if not scope.is_carrier:
        raise PermissionDenied("Cette page est réservée aux porteurs de projet.")
    return scope


# --- carriers' list and creation -------------------------------------------------------------


@login_required
def dossier_list(request):
    _carrier_scope_or_403(request)
    # The key last: a total order, so that no dossier changed at the same instant as another shows
    # on two pages or on none.
    dossiers = dossiers_carried_by(request.user).order_by("-updated_at", "-pk")
    # Every dossier carried is read to sort them by last change: the count rides along (one query).
    page = page_counted_with_rows(dossiers.values(*display.TABLE_VALUES), PAGE_SIZE, request.GET.get("page"))
    page.object_list = display.dossier_table_rows(page.object_list)
    return render(
        request,
        "www/dossiers/list.html",
        {"title": "Mes dossiers", "page_obj": page, "breadcrumb_data": crumbs(None, "Mes dossiers")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request):
    _carrier_scope_or_403(request)
    calls = open_calls()
    organisations = carrier_organisations_of(request.user)
    form = NewDossierForm(request.POST or None, calls=calls, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.create_dossier(
                user=request.user,
                call=form.cleaned_data["call"],
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
            )
        except (PermissionDenied, InvalidTransition, ValidationError) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, "Le dossier a été créé. Remplissez-le section par section.")
            for warning in arrival_warnings(dossier, organisation=form.cleaned_data["organisation"]):
                messages.warning(request, warning)
            return redirect("dossiers:edit_section", reference=dossier.reference, slug=SECTIONS[0].slug)
    return render(
        request,
        "www/dossiers/create.html",
        {
            "title": "Nouveau dossier",
            "form": form,
            "has_open_call": calls.exists(),
            "breadcrumb_data": crumbs(
                None, "Nouveau dossier", {"url": reverse("dossiers:list"), "title": "Mes dossiers"}
            ),
        },
    )


# --- the dossier page ------------------------------------------------------------------------


@login_required
def dossier_detail(request, reference):
    dossier = visible_dossier(request, reference)
    # Read once, used by the summary, the checks and the tables alike.
    prefetch_related_objects([dossier], "cost_lines", "cofunding_lines")
    audit.record_read(request.user, dossier)
    relation = relation_to(scope_of(request.user), dossier)
    can = {action.value for action in allowed_actions(request.user, dossier)}
    reviewer = relation.reviewer or relation.administrator
    # Carriers read the departmental and regional opinions (conditions included) once decided.
    opinions_for_carriers = relation.carrier and dossier.status in (Status.SELECTED, Status.NOT_SELECTED)
    context = {
        "title": str(dossier),
        "dossier": dossier,
        "can": can,
        "reviewer": reviewer,
        "carrier": relation.carrier,
        "sections": display.dossier_sections(dossier),
        "cost_lines": list(dossier.cost_lines.all()),
        "cofunding_lines": list(dossier.cofunding_lines.all()),
        # Built once: the carriers' opinions come with the same summary and checks.
        **review_facts(dossier, with_opinions=reviewer or opinions_for_carriers, with_forwarding=reviewer),
        "attachments": list(dossier.attachments.all()),
        "transitions": list(dossier.transitions.select_related("actor")),
        "decisions": list(dossier.committee_decisions.select_related("author")),
        "message_count": dossier.messages.count(),
        "receipts": list(dossier.submissions.values("number", "attested_at")),
        "breadcrumb_data": crumbs(None, str(dossier), dossier_list_link(request, dossier)),
    }
    context["opinions_for_carriers"] = opinions_for_carriers
    if relation.carrier and dossier.status in (Status.DRAFT, Status.RETURNED):
        missing = checks.completeness(dossier)
        context["missing"] = display.missing_links(dossier, missing)
    if reviewer and dossier.submitted_at is not None:
        # After a resubmission the instructor reads what changed, field by field, without having
        # to take the dossier in charge again.
        context["changes_since_previous"] = since_previous_submission(dossier)
    if dossier.status == Status.RETURNED:
        context["return_request"] = (
            dossier.transitions.filter(to_status=Status.RETURNED).select_related("actor").last()
        )
    return render(request, "www/dossiers/detail.html", context)


# --- section editor --------------------------------------------------------------------------


def _show(value) -> str:
    if value is None or value == "":
        return "Non renseigné"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if value in Tri.values:
        return Tri(value).label
    return str(value)


def _amount(value) -> str:
    return "Non renseigné" if value is None or value == "" else checks.french_eur(value)


def _mobilisation_text(keys) -> str:
    return ", ".join(Mobilisation(key).label for key in keys) or "Aucune"


def _lines_text(lines: list[dict], kind: str) -> str:
    if not lines:
        return "Aucune ligne"
    if kind == "cost":
        return " ; ".join(f"{line['kind']} : {_amount(line['amount_eur'])}" for line in lines)
    return " ; ".join(f"{line['funder']} : {_amount(line['amount_eur'])}" for line in lines)


def _conflict_rows(stale, current, form, costs, cofunding) -> list[dict]:
    """What differs between the person's input and what is now saved (label, theirs, saved)."""
    rows = [
        {"label": label_of(name), "yours": _show(yours), "saved": _show(saved)}
        for name, (yours, saved) in stale.changed_fields.items()
        if not name.startswith("mobilisation_")
    ]
    if "mobilisation" in form.cleaned_data:
        yours = sorted(form.cleaned_data["mobilisation"])
        if yours != sorted(current.mobilisation):
            rows.append({"label": label_of("mobilisation"), "yours": _mobilisation_text(yours),
                         "saved": _mobilisation_text(current.mobilisation)})  # fmt: skip
    extra = form.service_kwargs()
    if "department_codes" in extra:
        saved = sorted(current.departments.values_list("code", flat=True))
        if sorted(extra["department_codes"]) != saved:
            rows.append(
                {
                    "label": label_of("departments"),
                    "yours": ", ".join(sorted(extra["department_codes"])) or "Aucun",
                    "saved": ", ".join(saved) or "Aucun",
                }
            )
    if costs is not None:
        pairs = (("Lignes de coût", costs.lines(), cost_initial(current), "cost"),
                 ("Lignes de cofinancement", cofunding.lines(), cofunding_initial(current), "cofunding"))  # fmt: skip
        for label, yours, saved, kind in pairs:
            if _lines_text(yours, kind) != _lines_text(saved, kind):
                rows.append(
                    {"label": label, "yours": _lines_text(yours, kind), "saved": _lines_text(saved, kind)}
                )
    return rows


def _bump_total(data, prefix: str) -> None:
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, "0")) + 1)
    except ValueError:
        pass


@login_required
@require_http_methods(["GET", "POST"])
def edit_section(request, reference, slug):
    section = SECTION_BY_SLUG.get(slug)
    if section is None:
        raise Http404("Section inconnue.")
    dossier, refusal = dossier_for_action(request, reference, Action.EDIT)
    if refusal:
        return refusal
    form_class = section_form_class(section)
    finance = section.slug == "financement"
    costs = cofunding = None
    conflict = None
    conflict_by = None
    if request.method == "POST":
        data = request.POST.copy()
        adding = False
        if finance and "ajouter_cout" in data:
            _bump_total(data, COST_PREFIX)
            adding = True
        if finance and "ajouter_cofinancement" in data:
            _bump_total(data, COFUNDING_PREFIX)
            adding = True
        form = form_class(data, dossier=dossier)
        if finance:
            costs = CostLines(data, prefix=COST_PREFIX)
            cofunding = CofundingLines(data, prefix=COFUNDING_PREFIX)
        valid = form.is_valid() and (not finance or (costs.is_valid() & cofunding.is_valid()))
        if valid and not adding:
            values = form.values()
            extra = form.service_kwargs()
            if finance:
                extra.update(cost_lines=costs.lines(), cofunding_lines=cofunding.lines())
            try:
                services.save_section(
                    user=request.user, dossier=dossier, section=section,
                    opened_version=form.cleaned_data["version"], opened_fingerprint=form.cleaned_data.get("fingerprint"),
                    values=values, **extra,
                )  # fmt: skip
            except services.StaleDossier as stale:
                current = stale.current
                conflict = _conflict_rows(stale, current, form, costs, cofunding)
                conflict_by = current.updated_by
                # Keep every input; the next save is made knowingly, over the current version.
                form.data["version"] = str(current.version)
                form.data["fingerprint"] = section_fingerprint(current, section)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            except InvalidTransition as error:
                messages.error(request, error_text(error))
                return redirect("dossiers:detail", reference=reference)
            else:
                messages.success(request, f"Section « {section.title} » enregistrée.")
                index = SECTIONS.index(section)
                if "suivant" in request.POST and index + 1 < len(SECTIONS):
                    return redirect(
                        "dossiers:edit_section", reference=reference, slug=SECTIONS[index + 1].slug
                    )
                if "suivant" in request.POST:
                    return redirect("dossiers:detail", reference=reference)
                return redirect("dossiers:edit_section", reference=reference, slug=section.slug)
    else:
        form = form_class(dossier=dossier)
        if finance:
            costs = CostLines(initial=cost_initial(dossier), prefix=COST_PREFIX)
            cofunding = CofundingLines(initial=cofunding_initial(dossier), prefix=COFUNDING_PREFIX)
    index = SECTIONS.index(section)
    missing = display.missing_links(dossier, checks.completeness(dossier))
    return render(
        request,
        "www/dossiers/section.html",
        {
            "title": f"{section.title} — {dossier}",
            "dossier": dossier,
            "section": section,
            "form": form,
            "costs": costs,
            "cofunding": cofunding,
            "conflict": conflict,
            "conflict_by": conflict_by,
            "last_saved": last_saved_text(dossier.updated_at) if dossier.updated_at else "",
            "missing": missing,
            "step": index + 1,
            "steps": len(SECTIONS),
            "next_section": SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None,
            "menu": [
                {
                    "label": f"{number}. {item.title}",
                    "link": reverse("dossiers:edit_section", args=[dossier.reference, item.slug]),
                }
                for number, item in enumerate(SECTIONS, start=1)
            ],
            "breadcrumb_data": crumbs(dossier, section.title, request=request),
        },
    )


def saved_at_text(moment) -> str:
    """« Enregistré à 14:32 » (today), else with the day: what the section page says of the last save."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"Enregistré à {local:%H:%M}"
    return f"Enregistré le {local:%d/%m/%Y} à {local:%H:%M}"


def last_saved_text(moment) -> str:
    """What the section page says when it opens: the dossier's last save, with its day."""
    local = timezone.localtime(moment)
    return f"Dernier enregistrement du dossier le {local:%d/%m/%Y} à {local:%H:%M}"


def _draft_refused(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"saved": False, "message": message, **extra}, status=status)


@login_required
@require_http_methods(["POST"])
def autosave_section(request, reference, slug):
    """The section page's automatic draft save (www/js/drafts.js): the same form, the same service
    and the same conflict rule as « Enregistrer le brouillon », answered in JSON.

    Never a silent overwrite: a conflict or an invalid input is not saved and the page says so;
    the person's explicit save then shows the comparison or the errors as usual.
    """
    section = SECTION_BY_SLUG.get(slug)
    if section is None:
        raise Http404("Section inconnue.")
    dossier = visible_dossier(request, reference)
    require_role(request, Action.EDIT, dossier)
    if not state_allows(Action.EDIT, dossier):
        return _draft_refused(
            f"Enregistrement automatique impossible : le dossier est à l'état « {Status(dossier.status).label} ».",
            409,
        )
    form = section_form_class(section)(request.POST, dossier=dossier)
    finance = section.slug == "financement"
    costs = CostLines(request.POST, prefix=COST_PREFIX) if finance else None
    cofunding = CofundingLines(request.POST, prefix=COFUNDING_PREFIX) if finance else None
    valid = form.is_valid() and (not finance or (costs.is_valid() & cofunding.is_valid()))
    if not valid:
        return _draft_refused(
            "Brouillon non enregistré automatiquement : une saisie est à corriger "
            "(cliquez sur « Enregistrer le brouillon » pour la voir).",
            422,
        )
    extra = form.service_kwargs()
    if finance:
        extra.update(cost_lines=costs.lines(), cofunding_lines=cofunding.lines())
    try:
        saved = services.save_section(
            user=request.user, dossier=dossier, section=section,
            opened_version=form.cleaned_data["version"], opened_fingerprint=form.cleaned_data.get("fingerprint"),
            values=form.values(), **extra,
        )  # fmt: skip
    except services.StaleDossier as stale:
        by = stale.current.updated_by if stale.current is not None else None
        return _draft_refused(
            f"Ce dossier a été modifié par {by or 'une autre personne'} depuis que vous l'avez ouvert : "
            "l'enregistrement automatique est suspendu et rien n'a été écrasé. Cliquez sur "
            "« Enregistrer le brouillon » pour comparer votre saisie à la version enregistrée.",
            409,
            conflict=True,
        )
    except (ValidationError, InvalidTransition) as error:
        return _draft_refused(f"Brouillon non enregistré automatiquement : {error_text(error)}", 422)
    return JsonResponse(
        {
            "saved": True,
            "version": saved.version,
            "fingerprint": section_fingerprint(saved, section),
            "message": saved_at_text(saved.updated_at),
        }
    )


# --- transitions of the carriers -------------------------------------------------------------


def _already(request, dossier, text: str):
    messages.info(request, text)
    return redirect("dossiers:detail", reference=dossier.reference)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, reference):
    dossier = visible_dossier(request, reference)
    require_role(request, Action.SUBMIT, dossier)
    if dossier.status == Status.RETURNED:
        return redirect("dossiers:resubmit", reference=reference)
    if dossier.status != Status.DRAFT and dossier.submitted_at:
        # A second click, a reload, another tab: the first one did it, nothing more to do.
        return _already(request, dossier, f"Ce dossier a déjà été déposé le {dossier.submitted_at:%d/%m/%Y}.")
    if refusal := state_refusal(request, Action.SUBMIT, dossier):
        return refusal
    form = FilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(user=request.user, dossier=dossier, attested=form.cleaned_data["attested"],
                            comment=form.cleaned_data["comment"])  # fmt: skip
        except InvalidTransition as error:
            current = visible_dossier(request, reference)
            if current.submitted_at:
                return _already(request, current, "Ce dossier a déjà été déposé.")
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                "Votre dossier a été déposé. Le service instructeur de votre département a été prévenu.",
            )
            return redirect("dossiers:detail", reference=reference)
    return _confirm_page(request, dossier, form, "submit")


@login_required
@require_http_methods(["GET", "POST"])
def resubmit(request, reference):
    dossier = visible_dossier(request, reference)
    require_role(request, Action.RESUBMIT, dossier)
    if dossier.status != Status.RETURNED and dossier.submitted_at and dossier.status != Status.WITHDRAWN:
        return _already(request, dossier, "Ce dossier a déjà été redéposé.")
    if refusal := state_refusal(request, Action.RESUBMIT, dossier):
        return refusal
    form = FilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit(user=request.user, dossier=dossier, attested=form.cleaned_data["attested"],
                              comment=form.cleaned_data["comment"])  # fmt: skip
        except InvalidTransition as error:
            current = visible_dossier(request, reference)
            if current.status != Status.RETURNED:
                return _already(request, current, "Ce dossier a déjà été redéposé.")
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Votre dossier complété a été redéposé. L'instruction reprend.")
            return redirect("dossiers:detail", reference=reference)
    return _confirm_page(request, dossier, form, "resubmit")


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, reference):
    dossier = visible_dossier(request, reference)
    require_role(request, Action.WITHDRAW, dossier)
    if dossier.status == Status.WITHDRAWN:
        return _already(request, dossier, "Ce dossier a déjà été retiré.")
    if refusal := state_refusal(request, Action.WITHDRAW, dossier):
        return refusal
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(user=request.user, dossier=dossier, comment=form.cleaned_data["comment"])
        except InvalidTransition as error:
            current = visible_dossier(request, reference)
            if current.status == Status.WITHDRAWN:
                return _already(request, current, "Ce dossier a déjà été retiré.")
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Le dossier a été retiré. Il ne sera pas examiné.")
            return redirect("dossiers:detail", reference=reference)
    return _confirm_page(request, dossier, form, "withdraw")


CONFIRM_PAGES = {
    "submit": ("Déposer le dossier", "Déposer le dossier"),
    "resubmit": ("Redéposer le dossier complété", "Redéposer le dossier"),
    "withdraw": ("Retirer le dossier", "Retirer définitivement le dossier"),
}


def _confirm_page(request, dossier, form, kind: str):
    title, button = CONFIRM_PAGES[kind]
    missing = display.missing_links(dossier, checks.completeness(dossier)) if kind != "withdraw" else []
    closed = checks.closing_breach(dossier.call) if kind == "submit" else ""
    return render(
        request,
        "www/dossiers/confirm.html",
        {
            "title": f"{title} — {dossier}",
            "heading": title,
            "button": button,
            "kind": kind,
            "dossier": dossier,
            "form": form,
            "missing": missing,
            "closed": closed,
            "summary": checks.financial_summary(dossier) if kind != "withdraw" else None,
            "breadcrumb_data": crumbs(dossier, title, request=request),
        },
    )


# --- messages, attachments, co-carriers ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, reference):
    dossier = visible_dossier(request, reference)
    can_write = Action.MESSAGE in allowed_actions(request.user, dossier)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        require_role(request, Action.MESSAGE, dossier)
        if form.is_valid():
            try:
                services.post_message(user=request.user, dossier=dossier, body=form.cleaned_data["body"])
            except ValidationError as error:
                form.add_error("body", error)
            else:
                messages.success(
                    request, "Message envoyé. Les personnes concernées sont prévenues par e-mail."
                )
                return redirect(reverse("dossiers:messages", args=[reference]) + "#dernier-message")
    return render(
        request,
        "www/dossiers/messages.html",
        {
            "title": f"Messages — {dossier}",
            "dossier": dossier,
            "thread": list(dossier.messages.select_related("author")),
            "form": form if can_write else None,
            "breadcrumb_data": crumbs(dossier, "Messages", request=request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def attachments(request, reference):
    dossier = visible_dossier(request, reference)
    can_upload = Action.EDIT in allowed_actions(request.user, dossier)
    form = None
    if request.method == "POST":
        require_role(request, Action.EDIT, dossier)
        if refusal := state_refusal(request, Action.EDIT, dossier):
            return refusal
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.MAX_UPLOAD_BYTES + 64 * 1024:
            # Refused from the announced length, before the body is parsed or stored.
            form = AttachmentForm(call=dossier.call)
            form.add_error(
                None,
                f"Le fichier est trop volumineux : la taille maximale est de {megabytes(settings.MAX_UPLOAD_BYTES)}.",
            )
        else:
            form = AttachmentForm(request.POST, request.FILES, call=dossier.call)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                name = stored_name(upload.name, form.detected)
                try:
                    services.add_attachment(
                        user=request.user,
                        dossier=dossier,
                        name=name,
                        content=form.content,
                        content_type=form.detected.content_type,
                        description=form.cleaned_data["description"],
                        required_document=form.cleaned_data.get("required_document"),
                    )
                except (InvalidTransition, ValidationError) as error:
                    form.add_error(None, error_text(error))
                else:
                    messages.success(request, f"Pièce jointe « {name} » ajoutée.")
                    return redirect("dossiers:attachments", reference=reference)
    elif can_upload:
        form = AttachmentForm(call=dossier.call)
    return render(
        request,
        "www/dossiers/attachments.html",
        {
            "title": f"Pièces jointes — {dossier}",
            "dossier": dossier,
            "attachments": list(dossier.attachments.select_related("uploaded_by", "required_document")),
            "required_documents": _required_documents(dossier),
            "form": form,
            "breadcrumb_data": crumbs(dossier, "Pièces jointes", request=request),
        },
    )


def _required_documents(dossier) -> list:
    provided = set(dossier.attachments.values_list("required_document_id", flat=True))
    documents = list(dossier.call.required_documents.all())
    for document in documents:
        document.provided = document.pk in provided
    return documents


@login_required
def attachment_download(request, reference, pk):
    dossier = visible_dossier(request, reference)
    require_role(request, Action.VIEW, dossier)
    try:
        attachment = dossier.attachments.get(pk=pk)
    except Attachment.DoesNotExist as missing:
        raise Http404("Pièce jointe introuvable.") from missing
    audit.record_read(request.user, attachment, detail=f"dossier {dossier.reference}")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def carriers(request, reference):
    dossier = visible_dossier(request, reference)
    can_invite = Action.EDIT in allowed_actions(request.user, dossier)
    form = None
    if request.method == "POST":
        require_role(request, Action.EDIT, dossier)
        if refusal := state_refusal(request, Action.EDIT, dossier):
            return refusal
        form = CarrierInviteForm(request.POST, dossier=dossier)
        if form.is_valid():
            organisation = form.cleaned_data["organisation"]
            try:
                services.invite_carrier(user=request.user, dossier=dossier, organisation=organisation)
            except (InvalidTransition, ValidationError) as error:
                form.add_error("organisation", error_text(error))
            else:
                messages.success(
                    request,
                    f"« {organisation} » est invitée à co-porter le dossier. Elle n'y aura accès "
                    "qu'une fois l'invitation acceptée par l'un de ses administrateurs.",
                )
                return redirect("dossiers:carriers", reference=reference)
    elif can_invite:
        form = CarrierInviteForm(dossier=dossier)
    links = dossier.carrier_links.select_related("organisation", "organisation__department")
    invitations = dossier.carrier_invitations.select_related("organisation", "invited_by", "answered_by")
    return render(
        request,
        "www/dossiers/carriers.html",
        {
            "title": f"Porteurs — {dossier}",
            "dossier": dossier,
            "links": list(links),
            "invitations": list(invitations),
            "form": form,
            "breadcrumb_data": crumbs(dossier, "Porteurs", request=request),
        },
    )


@login_required
def receipt(request, reference, number):
    """The receipt of one filing (PDF), as the carriers received it by e-mail."""
    from logement_accompagne.dossiers.receipt import receipt_pdf

    dossier = visible_dossier(request, reference)
    require_role(request, Action.VIEW, dossier)
    submission = dossier.submissions.select_related("attested_by", "dossier").filter(number=number).first()
    if submission is None:
        raise Http404("Récépissé introuvable.")
    response = HttpResponse(receipt_pdf(submission), content_type="application/pdf")
    name = f"recepisse-{dossier.short_reference}-{submission.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
