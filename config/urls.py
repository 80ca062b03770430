from django.contrib import admin
from django.urls import include, path

from logement_accompagne.reporting.api import api

admin.site.site_header = "Logement accompagné — administration"
admin.site.site_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The read API (issue #11 item 5): JSON by bearer token, its OpenAPI description at openapi.json.
    path("api/v1/", api.urls),
    path("", include("logement_accompagne.www.urls")),
]

handler403 = "logement_accompagne.www.errors.permission_denied"
handler404 = "logement_accompagne.www.errors.page_not_found"
handler500 = "logement_accompagne.www.errors.server_error"
