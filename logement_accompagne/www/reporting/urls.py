from django.urls import path

from . import exports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("exports/", exports.export_list, name="export"),
    path("exports/<uuid:reference>/", exports.export_status, name="export_status"),
    path("exports/<uuid:reference>/fichier/", exports.export_download, name="export_download"),
    path("dossiers/<uuid:reference>/json/", exports.dossier_json, name="dossier_json"),
    path("carte/", views.map_view, name="map"),
    path("national/", views.national_dashboard, name="national"),
    path("region/<str:code>/", views.region_dashboard, name="region"),
    path("departement/<str:code>/", views.department_dashboard, name="department"),
]
