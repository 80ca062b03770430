"""The committee's decision form."""

from decimal import Decimal

from django import forms

from logement_accompagne.calls.models import Call
from logement_accompagne.www.forms import DsfrForm, InlineRadioSelect


class DecisionForm(DsfrForm):
    selected = forms.TypedChoiceField(
        label="Décision du comité",
        choices=[("yes", "Projet retenu"), ("no", "Projet non retenu")],
        coerce=lambda value: value == "yes",
        widget=InlineRadioSelect,
    )
    amount_granted_eur = forms.DecimalField(
        label="Montant accordé (en euros)",
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
    )
    conditions = forms.CharField(
        label="Conditions", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )

    def __init__(self, *args, cap, remaining, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_granted_eur"].help_text = (
            f"Obligatoire si le projet est retenu. Plafond par projet : {cap:,.0f} € ; "
            f"reste de l'enveloppe : {remaining:,.0f} €.".replace(",", "\u202f")
        )

    def clean(self):
        data = super().clean()
        if data.get("selected") is True and not data.get("amount_granted_eur"):
            self.add_error("amount_granted_eur", "Indiquez le montant accordé au projet retenu.")
        if data.get("selected") is False:
            data["amount_granted_eur"] = None
        return data


class CallFilterForm(DsfrForm):
    call = forms.ModelChoiceField(
        label="Appel à projets",
        queryset=Call.objects.order_by("-year", "title"),
        required=False,
        empty_label="Tous les appels",
    )
