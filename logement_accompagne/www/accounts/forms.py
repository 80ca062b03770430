"""Sign-in and password forms, in French and with DSFR markup."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from logement_accompagne.www.forms import DsfrMixin


class LoginForm(DsfrMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail",
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé. Contactez l'administrateur de la plateforme.",
    }


class ResetRequestForm(DsfrMixin, PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail",
        help_text="Format attendu : nom@domaine.fr",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(DsfrMixin, SetPasswordForm):
    pass


class SecondFactorForm(DsfrMixin, forms.Form):
    token = forms.CharField(
        label="Code à usage unique",
        help_text="Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours (10 chiffres).",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or not token.isascii():
            raise forms.ValidationError("Le code ne contient que des chiffres.")
        return token
