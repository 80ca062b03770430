"""Steering dashboards: nation → region → department → dossier, each person within their territory."""

import json
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.organisations.selectors import scope_of
from logement_accompagne.reporting import households, indicators
from logement_accompagne.reporting import territories as t
from logement_accompagne.territories.models import Department, Region
from logement_accompagne.www.forms import DsfrForm

REFUSED = "Ce tableau de bord ne concerne pas votre territoire."


@login_required
def home(request):
    territory = t.home_territory(request.user)
    if territory is None:
        raise PermissionDenied("Le pilotage est réservé aux services de l'État et au comité national.")
    return redirect(url_of(territory))


def url_of(territory: t.Territory) -> str:
    if territory.level == t.REGION:
        return reverse("reporting:region", args=[territory.code])
    if territory.level == t.DEPARTMENT:
        return reverse("reporting:department", args=[territory.code])
    return reverse("reporting:national")


def _territory(level: str, code: str) -> t.Territory:
    try:
        return t.region(code) if level == t.REGION else t.department(code)
    except (Region.DoesNotExist, Department.DoesNotExist) as missing:
        raise Http404("Territoire inconnu.") from missing


@login_required
def national_dashboard(request):
    return _dashboard(request, t.national())


@login_required
def region_dashboard(request, code):
    return _dashboard(request, _territory(t.REGION, code))


@login_required
def department_dashboard(request, code):
    return _dashboard(request, _territory(t.DEPARTMENT, code))


def _breadcrumb(request, territory: t.Territory) -> dict:
    links = []
    if territory.level != t.NATIONAL and t.may_view(request.user, t.national()):
        links.append({"url": reverse("reporting:national"), "title": "France entière"})
    if territory.level == t.DEPARTMENT:
        department = Department.objects.select_related("region").get(code=territory.code)
        parent = t.Territory(t.REGION, department.region.code, department.region.name)
        if t.may_view(request.user, parent):
            links.append({"url": url_of(parent), "title": parent.name})
    return {"links": links, "current": territory.name, "root_dir": reverse("home")}


# The figures of a dashboard cost seconds of SQL (every indicator over every filed dossier of the
# territory) and change slowly: they are kept in the "shared" cache (Redis when configured, else
# files under var/ shared by the server's processes) and recomputed once DASHBOARD_TTL_SECONDS
# old, by one request at a time: meanwhile the others show the previous figures (kept up to
# DASHBOARD_KEEP_SECONDS) with their date, or, when there are none yet, a page that says so with a
# link to reload it (no automatic refresh: RGAA asks that the person keeps control). Nobody waits on somebody else's computation (a waiting request would hold one of the
# server's threads for as long as the computation lasts).
DASHBOARD_TTL_SECONDS = 300
DASHBOARD_KEEP_SECONDS = 24 * 3600
DASHBOARD_COMPUTE_SECONDS = 600  # longer than any computation: a dead one frees the lock anyway


def _figures_key(user, territory: t.Territory) -> str:
    """Everyone who may view a territory sees the same filed dossiers there; the key still carries
    the kind of reach (nation, regions, departments) so that two reaches never share figures."""
    scope = scope_of(user)
    reach = "all" if scope.committee or scope.administrator else (
        "r" + ",".join(sorted(scope.regional_codes)) + ":d" + ",".join(sorted(scope.departmental_codes))
    )  # fmt: skip
    return f"www:dashboard:{territory.level}:{territory.code or ''}:{reach}"


def _compute_figures(request, territory: t.Territory) -> dict:
    dossiers = t.dossiers_in(request.user, territory)
    counter = indicators.counter(dossiers)
    figures = {
        "computed_at": timezone.now(),
        "target": indicators.PROGRAMME_TARGET if territory.is_national else None,
        "counter": counter,
        # Every dashboard aggregates several projects: statistical secrecy applies.
        "households_shown": indicators.suppressed(counter["households"]),
        "accompanied_shown": indicators.suppressed(counter["accompanied"]),
        # Already secret under 5 households (the households app's own rule, same threshold).
        "outcomes": households.outcomes(
            dossiers.filter(status=Status.SELECTED), national=territory.is_national
        ),
        "calls": indicators.by_call(dossiers),
        "money": indicators.money(dossiers, territory_is_national=territory.is_national),
        "states": indicators.states_by_call(dossiers),
        "stages": indicators.review_stages(dossiers),
    }
    if territory.level == t.NATIONAL:
        figures["regions"] = list(indicators.by_region(dossiers))
    elif territory.level == t.REGION:
        figures["departments"] = list(indicators.by_department(dossiers, region_code=territory.code))
    else:
        figures["projects"] = list(indicators.dossier_rows(dossiers))
    for row in figures["calls"]:
        row["households"] = indicators.suppressed(row["households"])
        row["percent"] = _percent(row["households"], row["national_target"])
    figures["percent"] = _percent(figures["households_shown"], figures["target"])
    return figures


def dashboard_figures(request, territory: t.Territory) -> dict | None:
    """The territory's figures (possibly up to DASHBOARD_TTL_SECONDS old, or older while another
    request recomputes them), or None while the very first computation runs elsewhere."""
    shared = caches["shared"]
    key = _figures_key(request.user, territory)
    figures = shared.get(key)
    fresh = (
        figures is not None
        and (timezone.now() - figures["computed_at"]).total_seconds() < DASHBOARD_TTL_SECONDS
    )
    if fresh:
        return figures
    lock = f"{key}:en-calcul"
    if not shared.add(lock, 1, DASHBOARD_COMPUTE_SECONDS):
        return figures  # being recomputed by another request: the previous figures, or None
    try:
        figures = _compute_figures(request, territory)
        shared.set(key, figures, DASHBOARD_KEEP_SECONDS)
    finally:
        shared.delete(lock)
    return figures


def _dashboard(request, territory: t.Territory):
    if not t.may_view(request.user, territory):
        raise PermissionDenied(REFUSED)
    context = {
        "title": f"Pilotage — {territory.name}",
        "territory": territory,
        "breadcrumb_data": _breadcrumb(request, territory),
        "status_labels": Status.labels,
        "refresh_minutes": DASHBOARD_TTL_SECONDS // 60,
    }
    figures = dashboard_figures(request, territory)
    if figures is None:
        return render(request, "www/reporting/dashboard_computing.html", context)
    context.update(figures)
    return render(request, "www/reporting/dashboard.html", context)


MAP_FIGURES = {
    "households": ("Ménages engagés (projets retenus)", "ménages"),
    "dwellings": ("Logements mobilisés (projets retenus)", "logements"),
    "selected": ("Projets retenus", "projets"),
    "filed": ("Dossiers déposés", "dossiers"),
    "granted": ("Montant accordé (€)", "€"),
}


# MapChartReg names regions by these codes (dsfr-chart 2.0.4's own table), not by INSEE codes.
MAP_REGION_CODES = {
    "01": "971", "02": "972", "03": "973", "04": "974", "06": "976", "11": "IDF", "24": "CVL", "27": "BFC",
    "28": "NOR", "32": "HDF", "44": "GES", "52": "PDL", "53": "BRE", "75": "NAQ", "76": "OCC", "84": "ARA",
    "93": "PAC", "94": "20R",
}  # fmt: skip


class MapForm(DsfrForm):
    indicateur = forms.ChoiceField(
        label="Chiffre représenté",
        choices=[(key, label) for key, (label, _) in MAP_FIGURES.items()],
        required=False,
    )


@login_required
def map_view(request):
    """Departments (nation) or a region's departments coloured by a chosen figure, with the same data as a table."""
    code = request.GET.get("region", "")
    territory = _territory(t.REGION, code) if code else t.home_territory(request.user)
    if territory is not None and territory.level == t.REGION and territory.code not in MAP_REGION_CODES:
        raise Http404("Pas de carte pour une région d'avant 2016.")
    if territory is None or territory.level == t.DEPARTMENT or not t.may_view(request.user, territory):
        raise PermissionDenied(REFUSED)
    form = MapForm(request.GET or None)
    figure = (form.cleaned_data.get("indicateur") if form.is_valid() else "") or "households"
    dossiers = t.dossiers_in(request.user, territory)
    rows = indicators.by_department(dossiers, region_code=territory.code or None)
    total = indicators.counter(dossiers)
    national_value = {
        "households": indicators.suppressed(total["households"]),
        "dwellings": total["dwellings"],
        "selected": total["selected"],
        "filed": total["filed"],
        "granted": indicators.money(dossiers, territory_is_national=False)["granted"],
    }[figure]
    # Secret cells (None) stay off the national map (a blank department, « secret » in the table).
    data = {row["code"]: _number(row[figure]) for row in rows if row[figure] is not None}
    if territory.code:
        # MapChartReg hides every department named in its data, then draws those of the region,
        # which must all have a number: the others are given 0 (hidden), secret ones the scale's floor.
        data = {code: 0 for code in Department.objects.values_list("code", flat=True)} | data
    calls = indicators.by_call(dossiers)
    for row in calls:
        row["households"] = indicators.suppressed(row["households"])
    return render(
        request,
        "www/reporting/map.html",
        {
            "title": f"Carte — {territory.name}",
            "territory": territory,
            "form": form,
            "figure": figure,
            "figure_label": MAP_FIGURES[figure][0],
            "rows": rows,
            "map_data": json.dumps(data, separators=(",", ":")),
            "today": timezone.localdate(),
            "map_region": MAP_REGION_CODES.get(territory.code, ""),
            "map_value": _number(national_value) if national_value is not None else "secret",
            "calls": calls,
            "bar_x": json.dumps([[row["title"] for row in calls]], ensure_ascii=False),
            "bar_y": json.dumps(
                [[row["households"] or 0 for row in calls], [row["national_target"] for row in calls]]
            ),
            "bar_names": json.dumps(["Ménages engagés", "Objectif de l'appel"], ensure_ascii=False),
            "breadcrumb_data": {
                "links": [{"url": url_of(territory), "title": f"Pilotage — {territory.name}"}],
                "current": "Carte",
                "root_dir": reverse("home"),
            },
        },
    )


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _percent(value, target):
    if not value or not target:
        return 0
    return min(100, round(100 * value / target, 1))
