"""A database that does not answer (restart, failover) gives a clear French 503, not a 500.

Two doors lead here: the middleware below for errors raised by a view, and the 500 handler
(``errors.server_error``) for errors raised before the view, in another middleware (loading the
session or the signed-in user).

The page is plain HTML written here: rendering the base layout would itself need the database.
Django's connection health checks (CONN_HEALTH_CHECKS) reconnect on the next request, so the
server recovers by itself once the database is back.
"""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Service momentanément indisponible</title></head>
<body><main><h1>Service momentanément indisponible</h1>
<p>La plateforme ne peut pas joindre sa base de données pour l'instant. Rien n'a été enregistré
pour cette action. Réessayez dans quelques instants.</p></main></body></html>"""


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable()
        return None


def is_database_unavailable(exception) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def database_unavailable() -> HttpResponse:
    response = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "10"
    return response
