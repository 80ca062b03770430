"""The committee's decision form."""

from decimal import Decimal

from django import forms

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.checks import french_eur
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
        label="Conditions (projet retenu)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    above_request_confirmed = forms.BooleanField(
        label="Je confirme accorder un montant supérieur au montant demandé par les porteurs",
        required=False,
    )
    above_request_reason = forms.CharField(
        label="Motif du montant supérieur à la demande",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text="Obligatoire seulement si le montant accordé dépasse le montant demandé.",
    )
    refusal_reason = forms.CharField(
        label="Motif du refus (projet non retenu)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        help_text="Obligatoire si le projet n'est pas retenu ; il est communiqué aux porteurs.",
    )

    def __init__(self, *args, cap, remaining, requested=None, **kwargs):
        super().__init__(*args, **kwargs)
        requested_text = f" ; montant demandé : {french_eur(requested)}" if requested is not None else ""
        self.fields["amount_granted_eur"].help_text = (
            f"Obligatoire si le projet est retenu. Plafond par projet : {french_eur(cap)} ; "
            f"reste de l'enveloppe : {french_eur(remaining)}" + requested_text + "."
        )

    def clean(self):
        data = super().clean()
        if data.get("selected") is True and not data.get("amount_granted_eur"):
            self.add_error("amount_granted_eur", "Indiquez le montant accordé au projet retenu.")
        if data.get("selected") is False:
            if data.get("amount_granted_eur"):
                self.add_error(
                    "amount_granted_eur",
                    "Un projet non retenu ne reçoit pas de financement : effacez le montant "
                    "ou choisissez « Projet retenu ».",
                )
            if not (data.get("refusal_reason") or "").strip():
                self.add_error("refusal_reason", "Donnez le motif du refus.")
        return data


class ReopenForm(DsfrForm):
    reason = forms.CharField(
        label="Pourquoi corriger la décision ?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Le motif est inscrit à l'historique du dossier. La décision actuelle reste lisible ; "
        "la nouvelle sera une nouvelle version.",
    )


class CallFilterForm(DsfrForm):
    call = forms.ModelChoiceField(
        label="Appel à projets",
        queryset=Call.objects.order_by("-year", "title"),
        required=False,
        empty_label="Tous les appels",
    )


# --- committee sessions (issue #12) -----------------------------------------------------------


class SessionForm(DsfrForm):
    held_on = forms.DateField(
        label="Date de la séance", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    members_present = forms.CharField(
        label="Membres présents",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Un nom par ligne, avec la qualité (par exemple « Claude Martin, DGALN »).",
    )


class ProposalForm(DecisionForm):
    """The decision a session proposes: the decision form without the confirmation box (a reason
    given for a grant above the request is the confirmation)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["above_request_confirmed"]
