"""« Importer un dossier existant » : upload, review of what was understood, confirmation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from logement_accompagne.calls.selectors import open_calls
from logement_accompagne.dossiers.enums import CostBasis, CostKind, CostPeriod
from logement_accompagne.dossiers.fields import MONEY_FIELDS, SCALAR_FIELDS
from logement_accompagne.importer import OCR_SOURCES_KEY
from logement_accompagne.importer import form as paper_form
from logement_accompagne.importer.schema import empty_money
from logement_accompagne.importer.schema import get as get_path
from logement_accompagne.imports import jobs, services
from logement_accompagne.imports.models import ImportJob
from logement_accompagne.imports.selectors import proposed_co_carriers, review_warnings
from logement_accompagne.organisations.enums import OrganisationKind
from logement_accompagne.organisations.selectors import carrier_organisations_of
from logement_accompagne.www.dossiers.views import crumbs

from .forms import ReviewForm, UploadForm


def _breadcrumb(current: str) -> dict:
    return crumbs(None, current, {"url": reverse("dossiers:list"), "title": "Mes dossiers"})


@login_required
def upload(request):
    organisations = carrier_organisations_of(request.user)
    if not organisations.exists():
        raise PermissionDenied("Seuls les porteurs de projet peuvent importer un dossier.")
    if (
        request.method == "POST"
        and int(request.META.get("CONTENT_LENGTH") or 0) > settings.MAX_UPLOAD_BYTES + 64 * 1024
    ):
        # Refused from the announced length, before the body is read or stored anywhere.
        form = UploadForm(calls=open_calls(), organisations=organisations)
        form.add_error(
            None, f"Le fichier dépasse la taille maximale de {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo."
        )
        return render(request, "www/imports/upload.html", {"form": form, "title": "Importer un dossier existant",
                      "breadcrumb_data": _breadcrumb("Importer un dossier")}, status=413)  # fmt: skip
    form = UploadForm(
        request.POST or None, request.FILES or None, calls=open_calls(), organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        job = ImportJob(
            uploaded_by=request.user,
            organisation=form.cleaned_data["organisation"],
            call=form.cleaned_data["call"],
            original_name=document.name[:255],
            size_bytes=document.size,
        )
        job.file.save(f"{job.pk}", document, save=False)
        job.save()
        jobs.start(job)
        return redirect("imports:review", job_id=job.pk)
    return render(
        request,
        "www/imports/upload.html",
        {
            "form": form,
            "title": "Importer un dossier existant",
            "breadcrumb_data": _breadcrumb("Importer un dossier"),
        },
    )


KIND_LABELS = {**dict(OrganisationKind.choices), "landlord": "Organisme HLM (statut non précisé)"}


def _cost_rows(canonical: dict, ocr: frozenset = frozenset()) -> list[dict]:
    """The cost lines the parser found, in French, leaving out those the document left empty."""
    rows = []
    for key, kind in MONEY_FIELDS.items():
        money = get_path(canonical, key)
        if money == empty_money():
            continue
        rows.append(
            {
                "label": CostKind(kind).label,
                "amount": money["amount_eur"],
                "basis": CostBasis(money["basis"]).label,
                "period": CostPeriod(money["period"]).label,
                "text": money["text"],
                "ocr": key in ocr,
            }
        )
    return rows


def _field_rows(form: ReviewForm, sources: dict):
    """The review's fields under the paper form's section titles, in its order; those read by OCR flagged."""
    titles = {section.slug: section.title for section in paper_form.SECTIONS}
    ocr = set(sources.get(OCR_SOURCES_KEY, []))  # values read from scanned pages
    for name in form.fields:
        if name == "co_carriers":
            continue  # shown with the carriers the document names
        section = titles[paper_form.FIELD_BY_PATH[name].section]
        yield {"field": form[name], "source": sources.get(name, ""), "section": section, "ocr": name in ocr}


@login_required
def review(request, job_id):
    job = get_object_or_404(ImportJob.objects.select_related("call", "organisation"), pk=job_id)
    if job.uploaded_by_id != request.user.pk:
        raise Http404  # an import is private to the person who uploaded it
    context = {"job": job, "title": f"Import de « {job.original_name} »",
               "breadcrumb_data": _breadcrumb("Vérifier l'import")}  # fmt: skip
    if job.state == ImportJob.State.CONFIRMED:
        return (
            redirect("dossiers:detail", reference=job.dossier.reference)
            if job.dossier_id
            else redirect("home")
        )
    if job.state in (ImportJob.State.PENDING, ImportJob.State.RUNNING):
        # A worker that died during the analysis: retried, or failed with a French message.
        if any(jobs.sweep_stale(ImportJob.objects.filter(pk=job.pk))):
            job.refresh_from_db()
    if job.state in (ImportJob.State.PENDING, ImportJob.State.RUNNING):
        return render(request, "www/imports/progress.html", context)
    if job.state == ImportJob.State.FAILED:
        return render(request, "www/imports/failed.html", context, status=422)
    form = ReviewForm(request.POST or None, canonical=job.canonical, proposals=proposed_co_carriers(job))
    if request.method == "POST" and form.is_valid():
        reviewed = form.reviewed_document()
        invited = list(form.cleaned_data.get("co_carriers") or [])
        try:
            dossier = services.confirm(job, reviewed, co_carriers=invited)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Le brouillon a été créé à partir du document. Vérifiez-le puis déposez-le."
            )
            if invited:
                messages.info(
                    request,
                    "Invitation envoyée à "
                    + ", ".join(f"« {organisation} »" for organisation in invited)
                    + " : chacune aura accès au dossier une fois l'invitation acceptée.",
                )
            for warning in review_warnings(job, reviewed):
                messages.warning(request, warning)
            return redirect("dossiers:detail", reference=dossier.reference)
    context.update(
        form=form,
        rows=list(_field_rows(form, job.sources or {})),
        unmapped=(job.canonical or {}).get("unmapped", []),
        costs=_cost_rows(job.canonical or {}, frozenset((job.sources or {}).get(OCR_SOURCES_KEY, []))),
        cofunding_ocr="finance.cofunding" in (job.sources or {}).get(OCR_SOURCES_KEY, []),
        carriers=[
            {"name": item["name"], "kind": KIND_LABELS.get(item["kind"], item["kind"])}
            for item in get_path(job.canonical or {}, "carriers.organisations")
        ],
        scalar_count=len(SCALAR_FIELDS),
        arrival_warnings=review_warnings(job),
    )
    return render(request, "www/imports/review.html", context)


@login_required
@require_http_methods(["POST"])
def cancel(request, job_id):
    """« Annuler l'import » on the review: the document and what was read from it are removed."""
    job = get_object_or_404(ImportJob, pk=job_id)
    if job.uploaded_by_id != request.user.pk:
        raise Http404  # an import is private to the person who uploaded it
    if job.state == ImportJob.State.CONFIRMED:
        return redirect("imports:review", job_id=job.pk)
    services.discard(user=request.user, job=job)
    messages.info(
        request, f"Import de « {job.original_name} » annulé : le document a été supprimé, aucun dossier créé."
    )
    return redirect("imports:upload")
