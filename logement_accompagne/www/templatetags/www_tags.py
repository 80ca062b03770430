"""Template helpers of the web layer: navigation by role, status badges, French formatting."""

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.html import format_html

from logement_accompagne.dossiers.checks import french_eur
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.organisations.selectors import scope_of
from logement_accompagne.www.header import header_state

register = template.Library()

STATUS_BADGE = {
    Status.DRAFT: "new",
    Status.SUBMITTED: "info",
    Status.DEPARTMENTAL_REVIEW: "info",
    Status.REGIONAL_REVIEW: "info",
    Status.COMMITTEE: "info",
    Status.RETURNED: "warning",
    Status.SELECTED: "success",
    Status.NOT_SELECTED: "error",
    Status.WITHDRAWN: "",
}


def menu_for(user) -> list[dict]:
    """The main menu's entries (label, url): one per area the person works in."""
    if not user.is_authenticated:
        return []
    scope = scope_of(user)
    items = [{"label": "Accueil", "url": reverse("home")}]
    if scope.is_carrier:
        items.append({"label": "Mes dossiers", "url": reverse("dossiers:list")})
    if (
        scope.is_departmental_instructor
        or scope.is_regional_instructor
        or scope.committee
        or scope.administrator
    ):
        items.append({"label": "À instruire", "url": reverse("review:queue")})
    if scope.committee or scope.administrator:
        items.append({"label": "Comité", "url": reverse("committee:index")})
    # Households (issue #10): support workers and managers, and whoever oversees selected projects.
    from logement_accompagne.households.selectors import support_scope

    if support_scope(user).organisation_ids or scope.is_instructor:
        items.append({"label": "Ménages accompagnés", "url": reverse("households:projects")})
    # Agreements, payments and reports (issue #12): carriers and the State services.
    if scope.is_carrier or scope.is_instructor or scope.administrator:
        items.append({"label": "Conventions", "url": reverse("grants:index")})
    if scope.committee:
        items.append({"label": "Appels à projets", "url": reverse("calls:list")})
    if (
        scope.is_departmental_instructor
        or scope.is_regional_instructor
        or scope.committee
        or scope.administrator
    ):
        items.append({"label": "Pilotage", "url": reverse("reporting:home")})
    if scope.is_carrier or scope.organisation_admin:
        items.append({"label": "Invitations", "url": reverse("organisations:invitations")})
    if scope.manages_members:
        items.append({"label": "Membres", "url": reverse("organisations:members")})
    if user.is_staff:
        items.append({"label": "Administration", "url": reverse("admin:index")})
    return items


def navigation_for(user, current_path: str = "", menu: list[dict] | None = None) -> list[dict]:
    """The main menu with the current area marked (``menu``: the entries, when already known)."""
    items = []
    for entry in menu_for(user) if menu is None else menu:
        url = entry["url"]
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({**entry, "current": current})
    return items


@register.simple_tag(takes_context=True)
def main_navigation(context):
    request = context.get("request")
    if request is None:
        return []
    if not request.user.is_authenticated:
        return []
    return navigation_for(request.user, request.path, header_state(request)["menu"])


@register.simple_tag(takes_context=True)
def unseen_notifications(context) -> int:
    """How many notifications arrived since the person last opened the centre (header badge)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return header_state(request)["unseen"]


@register.simple_tag
def opinion_cards(departmental_opinions, regional_opinions):
    """Both levels' opinions side by side (www/review/cards.py: one pass, no include per card)."""
    from logement_accompagne.www.review.cards import opinion_cards as cards

    return cards(departmental_opinions, regional_opinions)


@register.simple_tag
def status_badge(status: str, small: bool = False):
    """A DSFR badge for a dossier state (the text says the state: colour is never the only cue)."""
    label = Status(status).label
    kind = STATUS_BADGE.get(status, "")
    classes = "fr-badge fr-badge--no-icon" if not kind else f"fr-badge fr-badge--{kind}"
    if small:
        classes += " fr-badge--sm"
    return format_html('<p class="{}">{}</p>', classes, label)


@register.filter
def euros(value) -> str:
    """1440 → « 1 440,00 € »: every amount of every page goes through this filter (or, in Python,
    through the same ``french_eur``); CSV exports keep plain numbers for spreadsheets."""
    if value is None or value == "":
        return "—"
    try:
        return french_eur(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


@register.filter
def file_size(value) -> str:
    from logement_accompagne.www.dossiers.forms import megabytes

    return megabytes(int(value or 0))


@register.filter
def yes_no(value) -> str:
    if value is None:
        return "Non renseigné"
    return "Oui" if value else "Non"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (pages that keep their sort and filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()
