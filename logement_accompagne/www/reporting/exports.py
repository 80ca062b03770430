"""Exports of the list being looked at (same filters, same selectors), and a dossier's canonical JSON."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.canonical import export_canonical
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.reporting import exports, services
from logement_accompagne.reporting.models import Export
from logement_accompagne.reporting.tasks import fail_stale
from logement_accompagne.www.access import visible_dossier
from logement_accompagne.www.forms import DsfrForm


class ExportForm(DsfrForm):
    format = forms.ChoiceField(
        label="Format", choices=[("csv", "CSV (tableur, ; séparateur)"), ("xlsx", "Excel (XLSX)"),
                                 ("ods", "OpenDocument (ODS)")], widget=forms.RadioSelect, initial="csv",
    )  # fmt: skip
    columns = forms.MultipleChoiceField(
        label="Colonnes", choices=[(key, column.label) for key, column in exports.COLUMNS.items()],
        widget=forms.CheckboxSelectMultiple, initial=exports.DEFAULT_COLUMNS,
        error_messages={"required": "Choisissez au moins une colonne."},
    )  # fmt: skip
    # The list's own filters, carried over from the page the person was looking at.
    call = forms.ModelChoiceField(queryset=Call.objects.all(), required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=[("", ""), *Status.choices], required=False, widget=forms.HiddenInput)
    department = forms.CharField(max_length=3, required=False, widget=forms.HiddenInput)


@login_required
def export_list(request):
    form = ExportForm(request.GET if "format" in request.GET else None, initial=request.GET.dict())
    if not form.is_valid():
        return render(request, "www/reporting/export.html", {"title": "Exporter la liste", "form": form})
    data = form.cleaned_data
    filters = {"call": data["call"].pk if data["call"] else None, "status": data["status"],
               "department": data["department"]}  # fmt: skip
    dossiers = services.export_queryset(request.user, filters)
    if dossiers.count() > services.background_threshold():
        export = services.request_export(
            user=request.user, fmt=data["format"], columns=data["columns"], filters=filters
        )
        return redirect("reporting:export_status", reference=export.reference)
    head, body = exports.header(data["columns"]), exports.rows(dossiers, data["columns"])
    content_type, extension = exports.FORMATS[data["format"]]
    filename = f"dossiers-{timezone.localdate():%Y-%m-%d}.{extension}"
    if data["format"] == "xlsx":
        return FileResponse(exports.xlsx_file(head, body), as_attachment=True, filename=filename,
                            content_type=content_type)  # fmt: skip
    chunks = exports.csv_chunks(head, body) if data["format"] == "csv" else exports.ods_chunks(head, body)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _own_export(request, reference) -> Export:
    try:
        return Export.objects.get(reference=reference, requested_by=request.user)
    except Export.DoesNotExist as missing:
        raise Http404("Export introuvable.") from missing


@login_required
def export_status(request, reference):
    export = _own_export(request, reference)
    if export.state == Export.State.PENDING and fail_stale(Export.objects.filter(pk=export.pk)):
        export.refresh_from_db()  # its worker died: the page says it failed, and to try again
    return render(request, "www/reporting/export_status.html", {"title": "Export", "export": export})


@login_required
def export_download(request, reference):
    export = _own_export(request, reference)
    if export.state != Export.State.READY:
        return redirect("reporting:export_status", reference=export.reference)
    content_type, extension = exports.FORMATS[export.format]
    return FileResponse(export.file.open("rb"), as_attachment=True, content_type=content_type,
                        filename=f"dossiers-{export.created_at:%Y-%m-%d}.{extension}")  # fmt: skip


@login_required
def dossier_json(request, reference):
    """The canonical JSON of one dossier (the format of imports and of the API), for whoever may see it."""
    dossier = visible_dossier(request, reference)
    response = JsonResponse(export_canonical(dossier), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="dossier-{dossier.short_reference}.json"'
    return response


def export_link(request) -> str:
    """The export page for the list being looked at (its filters carried in the query string)."""
    query = request.GET.copy()
    query.pop("page", None)
    return reverse("reporting:export") + (f"?{query.urlencode()}" if query else "")
