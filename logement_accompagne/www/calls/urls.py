from django.urls import path

from . import views

urlpatterns = [
    path("", views.call_list, name="list"),
    path("nouveau/", views.call_edit, name="create"),
    path("<slug:slug>/", views.call_edit, name="edit"),
]
