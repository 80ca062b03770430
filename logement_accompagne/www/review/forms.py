"""The instructors' forms: queue filters, departmental and regional opinions, request for completion."""

import datetime

from django import forms
from django.utils import timezone

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from logement_accompagne.www.forms import FRENCH_DATE_HINT, DsfrForm, FrenchDateInput, InlineRadioSelect

QUEUE_STATES = [status for status in Status if status != Status.DRAFT]


class QueueFilterForm(DsfrForm):
    call = forms.ModelChoiceField(label="Appel à projets", queryset=Call.objects.order_by("-year", "title"),
                                  required=False, empty_label="Tous les appels")  # fmt: skip
    status = forms.ChoiceField(label="État", required=False,
                               choices=[("", "Tous les états"), *[(s.value, s.label) for s in QUEUE_STATES]])  # fmt: skip
    department = forms.ChoiceField(label="Département", required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        # A callable: the choices are read when the field is rendered or a department is checked.
        self.fields["department"].choices = lambda: (
            [("", "Tous les départements")]
            + [(code, f"{name} ({code})") for code, name in departments().values_list("code", "name")]
        )


class DepartmentalOpinionForm(DsfrForm):
    relevance = forms.CharField(
        label="Pertinence du projet au regard des objectifs visés par l'appel à projets",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )
    reproducibility = forms.ChoiceField(
        label="Caractère reproductible de la démarche",
        choices=Reproducibility.choices,
        widget=InlineRadioSelect,
    )
    conditions = forms.CharField(
        label="Conditions jugées nécessaires",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )
    forward = forms.BooleanField(
        label="Transmettre le dossier au niveau régional après l'enregistrement de l'avis",
        required=False,
        initial=True,
    )


class RegionalOpinionForm(DsfrForm):
    verdict = forms.ChoiceField(
        label="Avis global formulé par le niveau régional", choices=Verdict.choices, widget=InlineRadioSelect
    )
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    forward = forms.BooleanField(
        label="Transmettre le dossier au comité national après l'enregistrement de l'avis",
        required=False,
        initial=True,
    )


# A request for completion gives the carriers two weeks unless the instructor says otherwise.
DEFAULT_COMPLETION_DAYS = 15


class ReturnForm(DsfrForm):
    message = forms.CharField(
        label="Ce que les porteurs doivent compléter",
        help_text="Ce message est envoyé aux porteurs par e-mail et figure dans le fil des messages du dossier.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
    )
    due_on = forms.DateField(
        label="Compléments attendus au plus tard le",
        help_text=f"Date affichée aux porteurs sur leur dossier. {FRENCH_DATE_HINT}",
        widget=FrenchDateInput(),
        error_messages={"required": "Indiquez la date à laquelle les compléments sont attendus.",
                        "invalid": "Saisissez une date valide, par exemple 15/01/2027."},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(
            days=DEFAULT_COMPLETION_DAYS
        )
