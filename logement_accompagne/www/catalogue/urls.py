from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("publication/<uuid:reference>/", views.consent, name="consent"),
    path("<uuid:reference>/", views.detail, name="detail"),
]
