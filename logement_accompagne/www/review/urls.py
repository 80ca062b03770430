from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:reference>/prendre-en-charge/", views.start, name="start"),
    path("<uuid:reference>/avis-departemental/", views.departmental_opinion, name="departmental_opinion"),
    path("<uuid:reference>/transmettre-region/", views.forward_to_region, name="forward_to_region"),
    path("<uuid:reference>/avis-regional/", views.regional_opinion, name="regional_opinion"),
    path("<uuid:reference>/transmettre-comite/", views.forward_to_committee, name="forward_to_committee"),
    path(
        "<uuid:reference>/demande-de-complements/", views.return_for_completion, name="return_for_completion"
    ),
]
