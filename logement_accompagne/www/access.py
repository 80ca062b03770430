"""How views get a dossier and check an action: not visible → 404, not allowed → 403.

Views read dossiers only through the domain selectors; a dossier the person
may not see answers 404 (its existence is not revealed). A visible dossier on
which the person's role does not allow the action answers 403; when the role
allows it but the dossier's state does not (a second click on « Déposer »),
the view explains and sends the person back to the dossier.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.permissions import Action, may_act, state_allows
from logement_accompagne.dossiers.selectors import dossier_for

DENIED = "Vous n'avez pas le droit de faire cela sur ce dossier."


def visible_dossier(request, reference) -> Dossier:
    try:
        return dossier_for(request.user, reference=reference)
    except Dossier.DoesNotExist as missing:
        raise Http404("Dossier introuvable.") from missing


def require_role(request, action: Action, dossier: Dossier) -> None:
    if not may_act(request.user, action, dossier):
        raise PermissionDenied(DENIED)


def state_refusal(request, action: Action, dossier: Dossier):
    """None when the dossier's state allows the action; otherwise a redirect with an explanation."""
    if state_allows(action, dossier):
        return None
    messages.warning(
        request, f"Impossible pour l'instant : le dossier est à l'état « {Status(dossier.status).label} »."
    )
    return redirect("dossiers:detail", reference=dossier.reference)


def dossier_for_action(request, reference, action: Action):
    """(dossier, refusal): 404 if invisible, 403 if the role cannot, a redirect if the state cannot."""
    dossier = visible_dossier(request, reference)
    require_role(request, action, dossier)
    return dossier, state_refusal(request, action, dossier)


def error_text(error) -> str:
    """The French message of a domain exception (ValidationError, InvalidTransition...)."""
    if hasattr(error, "messages"):
        return " ".join(str(message) for message in error.messages)
    return str(error)
