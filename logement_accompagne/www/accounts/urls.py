from django.urls import path

from .. import proconnect
from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/proconnect/", proconnect.ProConnectStart.as_view(), name="proconnect_start"),
    path("connexion/proconnect/retour/", proconnect.ProConnectCallback.as_view(), name="proconnect_callback"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/modifie/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("double-authentification/", views.second_factor, name="second_factor"),
]
