from django.urls import path

from . import documents, sessions, views

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:reference>/decision/", views.decide, name="decide"),
    path("<uuid:reference>/decision/corriger/", views.reopen, name="reopen"),
    path("<uuid:reference>/decision/lettre.pdf", documents.decision_letter, name="letter"),
    # Committee sessions (issue #12)
    path("seances/", sessions.session_list, name="sessions"),
    path("seances/<uuid:reference>/", sessions.session_agenda, name="session"),
    path("seances/<uuid:reference>/confirmer/", sessions.confirm, name="confirm"),
    path("seances/<uuid:reference>/proces-verbal.pdf", documents.minutes, name="minutes"),
    path(
        "seances/<uuid:reference>/dossiers/<uuid:dossier_reference>/proposer/",
        sessions.propose,
        name="propose",
    ),
    path(
        "seances/<uuid:reference>/dossiers/<uuid:dossier_reference>/enregistrer/",
        sessions.record,
        name="record",
    ),
]
