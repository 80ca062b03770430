from django.urls import path

from . import views

urlpatterns = [
    path("", views.projects, name="projects"),
    path("projet/<uuid:reference>/", views.project_list, name="list"),
    path("projet/<uuid:reference>/nouveau/", views.register, name="register"),
    path("projet/<uuid:reference>/bilans/", views.reviews, name="reviews"),
    path("projet/<uuid:reference>/indicateurs/", views.project_indicators, name="indicators"),
    path("projet/<uuid:reference>/saisie-groupee/", views.bulk_import, name="import"),
    path("projet/<uuid:reference>/saisie-groupee/modele.xlsx", views.import_template, name="import_template"),
    path("projet/<uuid:reference>/consultations/", views.reads, name="reads"),
    path("<str:household>/", views.detail, name="detail"),
    path("<str:household>/contact/", views.contact, name="contact"),
    path("<str:household>/note/", views.private_note, name="note"),
    path("<str:household>/plan/", views.plan, name="plan"),
    path("<str:household>/sortie/", views.exit_form, name="exit"),
    path("<str:household>/export.<str:fmt>", views.export, name="export"),
]
