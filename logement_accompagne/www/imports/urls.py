from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<uuid:job_id>/", views.review, name="review"),
    path("<uuid:job_id>/annuler/", views.cancel, name="cancel"),
]
