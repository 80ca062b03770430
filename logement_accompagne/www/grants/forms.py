"""Forms of the agreements area: terms (convention or amendment), tranches, payment, report, review."""

from decimal import Decimal

from django import forms

from logement_accompagne.dossiers.checks import french_eur
from logement_accompagne.www.forms import DsfrForm, InlineRadioSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def amount_field(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal("0.01"), max_digits=12, decimal_places=2, **kwargs
    )


class TermsForm(DsfrForm):
    starts_on = forms.DateField(label="Date de début de la convention", widget=DateInput())
    duration_months = forms.IntegerField(label="Durée (en mois)", min_value=1, max_value=120)
    amount_eur = amount_field("Montant de la convention (en euros)")
    reason = forms.CharField(
        label="Objet de l'avenant",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Ce que l'avenant change, et pourquoi.",
    )

    def __init__(self, *args, amendment: bool, granted, **kwargs):
        super().__init__(*args, **kwargs)
        granted_text = french_eur(granted)
        self.fields["amount_eur"].help_text = f"Au plus le montant accordé par le comité : {granted_text}."
        if amendment:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]
        self.apply_dsfr_classes()


class TrancheForm(DsfrForm):
    label = forms.CharField(label="Libellé de la tranche", max_length=200)
    due_on = forms.DateField(label="Date prévue", widget=DateInput())
    amount_eur = amount_field("Montant (en euros)")
    after_report = forms.TypedChoiceField(
        label="Versée après validation de",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Laissez vide si la tranche ne dépend d'aucun rapport.",
    )

    def __init__(self, *args, reports: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["after_report"].choices = [("", "Aucun rapport"), *reports]
        self.apply_dsfr_classes()


class PaymentForm(DsfrForm):
    paid_on = forms.DateField(label="Versée le", required=False, widget=DateInput(),
                              help_text="Aujourd'hui si vide.")  # fmt: skip


# Far above any project (the programme targets 10 000 households), and within the database's integers.
REPORT_FIGURE_MAX = 100_000


class ReportForm(DsfrForm):
    households_accompanied = forms.IntegerField(
        label="Ménages accompagnés depuis le début", min_value=0, max_value=REPORT_FIGURE_MAX
    )
    diagnostics = forms.IntegerField(
        label="Diagnostics réalisés depuis le début", min_value=0, max_value=REPORT_FIGURE_MAX
    )
    dwellings = forms.IntegerField(
        label="Logements mobilisés depuis le début", min_value=0, max_value=REPORT_FIGURE_MAX
    )
    narrative = forms.CharField(
        label="Bilan de l'action sur la période",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text="Ce qui a été fait, les difficultés rencontrées, les partenariats, les perspectives.",
    )
    variance_explanation = forms.CharField(
        label="Explication des écarts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        help_text="Obligatoire si un écart est signalé dans le tableau ci-dessus.",
    )


class ReviewForm(DsfrForm):
    decision = forms.TypedChoiceField(
        label="Décision du service",
        choices=[("validate", "Valider le rapport"), ("more", "Demander des compléments")],
        coerce=lambda value: value == "validate",
        widget=InlineRadioSelect,
    )
    comment = forms.CharField(
        label="Observations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Obligatoires pour demander des compléments : elles sont envoyées au porteur.",
    )
