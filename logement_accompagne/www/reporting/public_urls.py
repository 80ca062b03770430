from django.urls import path

from . import public

urlpatterns = [
    path("", public.open_data, name="index"),
    path("<str:name>", public.open_data_file, name="file"),
]
