"""Public pages of the steering: open data (no login)."""

import datetime

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone

from logement_accompagne.reporting import opendata

CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json"}


def open_data(request):
    folder = opendata.directory()
    files = []
    for name in opendata.FILES:
        path = folder / name
        if path.exists():
            files.append({"name": name, "size": path.stat().st_size,
                          "at": datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)})  # fmt: skip
    return render(request, "www/reporting/open_data.html", {
        "title": "Données ouvertes", "files": files, "fields": opendata.FIELDS, "licence": opendata.LICENCE,
        "licence_url": opendata.LICENCE_URL, "now": timezone.now(),
    })  # fmt: skip


def open_data_file(request, name):
    if name not in opendata.FILES:
        raise Http404("Fichier inconnu.")
    path = opendata.directory() / name
    if not path.exists():
        raise Http404("Les données ouvertes n'ont pas encore été produites.")
    suffix = path.suffix
    return FileResponse(path.open("rb"), content_type=CONTENT_TYPES[suffix], filename=name)
