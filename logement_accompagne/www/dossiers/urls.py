from django.urls import path

from ..committee import documents
from . import views

# "importer/..." is reserved for the import of existing documents (www/imports).
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("nouveau/", views.dossier_create, name="create"),
    path("<uuid:reference>/", views.dossier_detail, name="detail"),
    path("<uuid:reference>/sections/<slug:slug>/", views.edit_section, name="edit_section"),
    path("<uuid:reference>/sections/<slug:slug>/brouillon/", views.autosave_section, name="autosave_section"),
    path("<uuid:reference>/deposer/", views.submit, name="submit"),
    path("<uuid:reference>/redeposer/", views.resubmit, name="resubmit"),
    path("<uuid:reference>/retirer/", views.withdraw, name="withdraw"),
    path("<uuid:reference>/messages/", views.thread, name="messages"),
    path("<uuid:reference>/pieces-jointes/", views.attachments, name="attachments"),
    path("<uuid:reference>/pieces-jointes/<int:pk>/", views.attachment_download, name="attachment"),
    path("<uuid:reference>/porteurs/", views.carriers, name="carriers"),
    path("<uuid:reference>/recepisses/<int:number>/", views.receipt, name="receipt"),
    path("<uuid:reference>/dossier.pdf", documents.dossier_pdf, name="pdf"),
]
