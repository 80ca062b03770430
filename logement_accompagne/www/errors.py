"""Error pages in French, inside the DSFR layout (403, 404) or standalone (500)."""

import sys

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"title": "Accès refusé", "reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"title": "Page non trouvée"}, status=404)


def server_error(request):
    # A database that does not answer can fail before any view runs (the session, the signed-in
    # user, a middleware's query): the view-level middleware cannot see it, this handler can.
    from .unavailable import database_unavailable, is_database_unavailable

    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable()
    # No request context: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
