from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:reference>/decision/", views.decide, name="decide"),
    path("<uuid:reference>/decision/corriger/", views.reopen, name="reopen"),
]
