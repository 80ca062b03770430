"""Public catalogue of practices (no login) and the carrier's publication consent (login)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.enums import Mobilisation, Reproducibility, Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.reporting import catalogue, services
from logement_accompagne.reporting.models import PublicationConsent
from logement_accompagne.territories.models import Department, Region
from logement_accompagne.www.access import visible_dossier
from logement_accompagne.www.forms import DsfrForm

PAGE_SIZE = 20
ANY = [("", "Tous")]


class CatalogueFilters(DsfrForm):
    q = forms.CharField(label="Rechercher", required=False, max_length=200,
                        help_text="Un ou plusieurs mots : nom, descriptif, méthode, partenaires")  # fmt: skip
    region = forms.ChoiceField(label="Région", required=False)
    department = forms.ChoiceField(label="Département", required=False)
    call = forms.ChoiceField(label="Appel à projets", required=False)
    reproducibility = forms.ChoiceField(
        label="Caractère reproductible", required=False, choices=ANY + list(Reproducibility.choices)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = ANY + [(r.code, r.name) for r in Region.objects.order_by("name")]
        self.fields["department"].choices = ANY + [
            (d.code, f"{d.code} — {d.name}") for d in Department.objects.order_by("code")
        ]
        self.fields["call"].choices = ANY + [
            (str(c.pk), str(c)) for c in Call.objects.order_by("-year", "title")
        ]
        self.apply_dsfr_classes()


def _mobilisation(dossier) -> list[str]:
    if not dossier.mobilisation_known:
        return []
    return [Mobilisation(key).label for key in dossier.mobilisation]


def index(request):
    form = CatalogueFilters(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    call = Call.objects.filter(pk=values["call"]).first() if values.get("call") else None
    projects = catalogue.catalogue(
        text=values.get("q", ""),
        region=values.get("region", ""),
        department=values.get("department", ""),
        call=call,
        reproducibility=values.get("reproducibility", ""),
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in request.GET.items() if key != "page" and value})
    return render(request, "www/catalogue/index.html", {
        "title": "Catalogue des pratiques", "form": form, "page": page, "query": query,
        "searched": bool(values.get("q")),
    })  # fmt: skip


def detail(request, reference):
    try:
        project = catalogue.published_project(reference)
    except Dossier.DoesNotExist as missing:
        raise Http404("Projet absent du catalogue.") from missing
    reproducibility = (
        Reproducibility(project.latest_reproducibility).label if project.latest_reproducibility else ""
    )
    return render(request, "www/catalogue/detail.html", {
        "title": project.name or "Projet", "project": project, "mobilisation": _mobilisation(project),
        "reproducibility": reproducibility, "results": catalogue.public_results(project),
        "departments": list(project.departments.all()),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def consent(request, reference):
    dossier = visible_dossier(request, reference)
    if not services.may_consent(request.user, dossier):
        raise PermissionDenied("Seul un porteur du projet peut décider de sa publication.")
    record = PublicationConsent.objects.filter(dossier=dossier).first()
    if request.method == "POST":
        given = request.POST.get("publish") == "oui"
        services.set_publication_consent(user=request.user, dossier=dossier, given=given)
        if given:
            messages.success(
                request, "Votre accord est enregistré : le projet figure au catalogue une fois retenu."
            )
        else:
            messages.success(request, "Votre accord est retiré : le projet ne figure plus au catalogue.")
        return redirect("catalogue:consent", reference=dossier.reference)
    return render(request, "www/catalogue/consent.html", {
        "title": "Publication au catalogue des pratiques", "dossier": dossier, "record": record,
        "given": bool(record and record.active), "selected": dossier.status == Status.SELECTED,
    })  # fmt: skip
