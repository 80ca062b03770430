"""Forms of the households area (French labels; the rules themselves are in the services)."""

from django import forms
from django.utils import timezone

from logement_accompagne.households.enums import (
    Channel,
    ContactKind,
    ContactResult,
    Destination,
    EndReason,
    HeadOfHousehold,
    ObjectiveStatus,
    Phase,
    ReferralSource,
    ResourcesCategory,
    SupportKind,
)
from logement_accompagne.www.forms import DsfrForm, InlineRadioSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


class RegisterForm(DsfrForm):
    last_name = forms.CharField(label="Nom de la personne de référence", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    birth_date = date_field("Date de naissance", required=False)
    phone = forms.CharField(label="Téléphone", max_length=32, required=False)
    kind = forms.ChoiceField(label="Nature de l'accompagnement", choices=SupportKind.choices)
    referral_source = forms.ChoiceField(label="Orienté par", choices=ReferralSource.choices)
    referred_on = date_field("Date d'orientation")
    adults = forms.IntegerField(label="Adultes", min_value=1, max_value=20, initial=1)
    children = forms.IntegerField(label="Enfants", min_value=0, max_value=20, initial=0)
    head = forms.ChoiceField(label="Chef de ménage", choices=HeadOfHousehold.choices)
    resources_category = forms.ChoiceField(
        label="Ressources", choices=ResourcesCategory.choices, initial="unknown"
    )
    sne_number = forms.CharField(label="Numéro unique SNE", max_length=32, required=False)
    siao_file = forms.CharField(label="Dossier SI-SIAO", max_length=32, required=False)
    dalo_decision = forms.CharField(label="Décision DALO", max_length=64, required=False)


class ContactForm(DsfrForm):
    """The quick entry: four taps and a date already filled in."""

    result = forms.ChoiceField(label="Résultat", choices=ContactResult.choices, widget=InlineRadioSelect)
    channel = forms.ChoiceField(label="Canal", choices=Channel.choices)
    kind = forms.ChoiceField(label="Type", choices=ContactKind.choices, initial=ContactKind.ATTEMPT)
    happened_on = date_field("Date")
    note = forms.CharField(
        label="Note (facultative)", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Des faits, pas de jugement : le ménage peut la lire.",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ObjectiveForm(DsfrForm):
    title = forms.CharField(label="Nouvel objectif", max_length=300)
    is_final = forms.BooleanField(label="Objectif final", required=False)
    due_on = date_field("Échéance", required=False)


class ObjectiveStatusForm(DsfrForm):
    objective = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="État", choices=ObjectiveStatus.choices)


class PhaseForm(DsfrForm):
    to_phase = forms.TypedChoiceField(label="Nouvelle phase", choices=Phase.choices, coerce=int)
    on = date_field("À partir du")
    reason = forms.CharField(
        label="Motif (obligatoire pour revenir en arrière)", required=False, max_length=500
    )


class ExitForm(DsfrForm):
    ended_on = date_field("Date de fin de l'accompagnement")
    end_reason = forms.ChoiceField(label="Motif de fin", choices=EndReason.choices)
    destination = forms.ChoiceField(
        label="Situation du ménage à la sortie",
        choices=[("", "— (diagnostic seul)")] + Destination.choices,
        required=False,
    )


class PrivateNoteForm(DsfrForm):
    body = forms.CharField(
        label="Note privée (visible de vous seul)", widget=forms.Textarea(attrs={"rows": 3})
    )


class ListFilterForm(DsfrForm):
    phase = forms.TypedChoiceField(
        label="Phase", choices=[("", "Toutes")] + Phase.choices, coerce=int, required=False, empty_value=None
    )
    state = forms.ChoiceField(
        label="Situation",
        choices=[
            ("", "Tous"),
            ("open", "En cours"),
            ("ended", "Terminés"),
            ("arrears", "En impayé"),
            ("overdue", "Bilan en retard"),
        ],
        required=False,
    )
    q = forms.CharField(label="Nom ou référence", required=False, max_length=100)


class ImportForm(DsfrForm):
    file = forms.FileField(label="Fichier (XLSX ou CSV, selon le modèle)")
