"""The carriers' forms: new dossier, one form per section of the « Présentation synthétique
du projet », cost and co-funding lines, attachments, co-carrier invitation, messages.

Section forms are plain forms (not ModelForms) built from the model's fields:
the view hands their values to `services.update_dossier`, which is the only
writer. Every section form carries the dossier version it was opened on.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.forms import formset_factory

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers import attachments as uploads
from logement_accompagne.dossiers.checks import french_eur
from logement_accompagne.dossiers.enums import CofundingStatus, CostBasis, CostKind, CostPeriod, Mobilisation
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.sections import Section
from logement_accompagne.dossiers.sections import fingerprint as section_fingerprint
from logement_accompagne.importer import form as paper_form
from logement_accompagne.organisations.models import Organisation
from logement_accompagne.organisations.selectors import organisations_able_to_carry
from logement_accompagne.territories.models import Department
from logement_accompagne.www.forms import ChecklistSelectMultiple, DsfrForm, DsfrFormSet, InlineRadioSelect

TRI_FIELDS = tuple(field.name for field in paper_form.FIELDS if field.type == "tri")
TEXTAREA_ROWS = {"summary": 6, "support_method": 6, "finance_overview": 5}


class SectionForm(DsfrForm):
    """One section of the form. Subclasses are built by `section_form_class`."""

    section: Section
    model_fields: tuple[str, ...] = ()
    version = forms.IntegerField(widget=forms.HiddenInput)
    # What this section held when the form was opened (see `section_fingerprint`).
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        self.dossier = dossier
        if not kwargs.get("data") and not args:
            kwargs.setdefault("initial", self.initial_from(dossier))
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in paper_form.FIELD_BY_NAME:
                declared = paper_form.FIELD_BY_NAME[name]
                field.label = declared.label
                field.help_text = declared.help or field.help_text

    def initial_from(self, dossier: Dossier) -> dict:
        initial = {name: getattr(dossier, name) for name in self.model_fields}
        initial["version"] = dossier.version
        initial["fingerprint"] = section_fingerprint(dossier, self.section)
        return initial

    def values(self) -> dict:
        """The dossier columns this section writes, from the cleaned data."""
        return {name: self.cleaned_data[name] for name in self.model_fields}

    def service_kwargs(self) -> dict:
        """Extra arguments of update_dossier (departments, finance lines) for this section."""
        return {}


class LocalisationForm(SectionForm):
    # Boxes to tick (usable on a phone, no Ctrl-click), with a search field added by
    # www/js/checklist.js: typing « loi » or « 45 » keeps Loiret and Loire-Atlantique in view.
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.order_by("code"),
        required=False,
        widget=ChecklistSelectMultiple(attrs={"data-checklist": "département"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.dossier.submitted_at is not None:
            # The department decides who reviews the dossier: once filed it is shown, not edited.
            field = self.fields["departments"]
            field.disabled = True
            field.initial = list(self.dossier.departments.values_list("code", flat=True))
            field.help_text = "Le dossier a été déposé : son département ne peut plus changer."

    def initial_from(self, dossier):
        initial = super().initial_from(dossier)
        initial["departments"] = list(dossier.departments.values_list("code", flat=True))
        if not initial["departments"] and dossier.submitted_at is None:
            # Pre-filled with the carriers' own departments: most projects are where their carriers are
            # (still to be saved: the fingerprint is of what is stored).
            initial["departments"] = sorted(
                {
                    code
                    for code in dossier.carrier_links.values_list("organisation__department_id", flat=True)
                    if code
                }
            )
        return initial

    def service_kwargs(self):
        return {"department_codes": [department.code for department in self.cleaned_data["departments"]]}


class HousingForm(SectionForm):
    mobilisation = forms.MultipleChoiceField(
        choices=Mobilisation.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def initial_from(self, dossier):
        initial = super().initial_from(dossier)
        initial["mobilisation"] = dossier.mobilisation
        return initial

    def values(self):
        values = super().values()
        chosen = set(self.cleaned_data["mobilisation"])
        for key in Mobilisation.values:
            values[f"mobilisation_{key}"] = key in chosen
        # Boxes saved from this form are known, even when none is ticked.
        values["mobilisation_known"] = True
        return values


class FinanceForm(SectionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap = self.dossier.call.project_cap_eur
        self.fields[
            "requested_amount_eur"
        ].help_text = f"Plafond par projet de cet appel : {french_eur(cap)}."


class DurationForm(SectionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        call = self.dossier.call
        self.fields[
            "duration_months"
        ].help_text = f"Entre {call.min_duration_months} et {call.max_duration_months} mois pour cet appel."


FORM_BASES = {"localisation": LocalisationForm, "logements": HousingForm, "financement": FinanceForm,
              "duree": DurationForm}  # fmt: skip


def _widget_for(name: str, formfield: forms.Field) -> forms.Widget | None:
    if name in TRI_FIELDS:
        return InlineRadioSelect(choices=formfield.choices)
    if isinstance(formfield.widget, forms.Textarea):
        return forms.Textarea(attrs={"rows": TEXTAREA_ROWS.get(name, 4)})
    return None


def section_form_class(section: Section) -> type[SectionForm]:
    base = FORM_BASES.get(section.slug, SectionForm)
    model_fields = tuple(item.name for item in section.shown if item.is_column)
    fields = forms.fields_for_model(Dossier, fields=model_fields)
    attrs: dict = {"section": section, "model_fields": model_fields}
    for name, formfield in fields.items():
        widget = _widget_for(name, formfield)
        if widget is not None:
            formfield.widget = widget
        formfield.required = False
        attrs[name] = formfield
    # The paper form's order, with the grouped boxes and the departments where the form has them.
    attrs["field_order"] = [item.name for item in section.shown]
    return type(f"{section.slug.capitalize()}SectionForm", (base,), attrs)


# --- finance lines ---------------------------------------------------------------------------


class CostLineForm(DsfrForm):
    kind = forms.ChoiceField(label="Poste de coût", choices=[("", "Choisir un poste"), *CostKind.choices],
                             required=False)  # fmt: skip
    amount_eur = forms.DecimalField(label="Montant (en euros)", min_value=Decimal("0"), max_digits=12,
                                    decimal_places=2, required=False)  # fmt: skip
    basis = forms.ChoiceField(
        label="Assiette", choices=CostBasis.choices, initial=CostBasis.UNKNOWN, required=False
    )
    period = forms.ChoiceField(
        label="Période", choices=CostPeriod.choices, initial=CostPeriod.UNKNOWN, required=False
    )
    text = forms.CharField(label="Tel qu'écrit, précisions", required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        if not data.get("kind") and (data.get("amount_eur") is not None or data.get("text")):
            self.add_error("kind", "Choisissez le poste de ce coût.")
        return data

    def line(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not data.get("kind"):
            return None
        return {
            "kind": data["kind"],
            "amount_eur": data.get("amount_eur"),
            "basis": data.get("basis") or CostBasis.UNKNOWN,
            "period": data.get("period") or CostPeriod.UNKNOWN,
            "text": data.get("text", ""),
        }


class CofundingLineForm(DsfrForm):
    funder = forms.CharField(label="Financeur", required=False, max_length=500)
    amount_eur = forms.DecimalField(label="Montant (en euros)", min_value=Decimal("0"), max_digits=12,
                                    decimal_places=2, required=False)  # fmt: skip
    status = forms.ChoiceField(
        label="État de la demande",
        choices=CofundingStatus.choices,
        initial=CofundingStatus.UNKNOWN,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("DELETE") and not data.get("funder") and data.get("amount_eur") is not None:
            self.add_error("funder", "Indiquez le financeur de ce montant.")
        return data

    def line(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not data.get("funder"):
            return None
        return {
            "funder": data["funder"],
            "amount_eur": data.get("amount_eur"),
            "status": data.get("status") or CofundingStatus.UNKNOWN,
        }


class CostLineFormSet(DsfrFormSet):
    def clean(self):
        if any(self.errors):
            return
        kinds = [form.cleaned_data.get("kind") for form in self.forms if form.line()]
        if len(kinds) != len(set(kinds)):
            raise forms.ValidationError("Chaque poste de coût ne peut figurer qu'une fois.")

    def lines(self) -> list[dict]:
        return [line for form in self.forms if (line := form.line())]


class CofundingLineFormSet(DsfrFormSet):
    def lines(self) -> list[dict]:
        return [line for form in self.forms if (line := form.line())]


CostLines = formset_factory(CostLineForm, formset=CostLineFormSet, extra=1, can_delete=True, max_num=len(CostKind),
                            validate_max=True)  # fmt: skip
CofundingLines = formset_factory(CofundingLineForm, formset=CofundingLineFormSet, extra=1, can_delete=True,
                                 max_num=30, validate_max=True)  # fmt: skip
COST_PREFIX, COFUNDING_PREFIX = "cout", "cofinancement"


def cost_initial(dossier: Dossier) -> list[dict]:
    return [
        {"kind": line.kind, "amount_eur": line.amount_eur, "basis": line.basis, "period": line.period,
         "text": line.text}
        for line in dossier.cost_lines.all()
    ]  # fmt: skip


def cofunding_initial(dossier: Dossier) -> list[dict]:
    return [
        {"funder": line.funder, "amount_eur": line.amount_eur, "status": line.status}
        for line in dossier.cofunding_lines.all()
    ]


# --- other carrier forms ---------------------------------------------------------------------


class NewDossierForm(DsfrForm):
    call = forms.ModelChoiceField(
        label="Appel à projets", queryset=Call.objects.none(), empty_label="Choisir un appel ouvert"
    )
    organisation = forms.ModelChoiceField(
        label="Organisation qui dépose le dossier", queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(
        label="Nom du projet", max_length=500, help_text="Vous pourrez le modifier ensuite."
    )

    def __init__(self, *args, calls, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls
        self.fields["organisation"].queryset = organisations
        if len(calls) == 1:
            self.fields["call"].initial = calls[0].pk
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk


class ConfirmForm(DsfrForm):
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        help_text="Facultatif : il figurera dans l'historique du dossier.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FilingForm(ConfirmForm):
    """Submission and resubmission: the attestation sur l'honneur, recorded with who and when."""

    attested = forms.BooleanField(
        label="",
        required=True,
        error_messages={"required": "Cochez l'attestation sur l'honneur pour déposer le dossier."},
    )

    field_order = ["attested", "comment"]

    def __init__(self, *args, **kwargs):
        from logement_accompagne.dossiers.models import ATTESTATION_TEXT

        super().__init__(*args, **kwargs)
        self.fields["attested"].label = ATTESTATION_TEXT
        self.order_fields(self.field_order)


class MessageForm(DsfrForm):
    body = forms.CharField(label="Votre message", max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))


class CarrierInviteForm(DsfrForm):
    organisation = forms.ModelChoiceField(
        label="Organisation partenaire",
        queryset=Organisation.objects.none(),
        empty_label="Choisir une organisation",
        help_text="Ses membres pourront consulter et compléter le dossier avec vous.",
    )

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_able_to_carry(excluding_dossier=dossier)
        self.fields["organisation"].label_from_instance = lambda organisation: (
            f"{organisation.name} — {organisation.get_kind_display()}"
            + (f" ({organisation.department.name})" if organisation.department_id else "")
        )


def megabytes(size: int) -> str:
    """20971520 → « 20 Mo » (one decimal below 10 Mo, « Ko » below 1 Mo)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} Ko"
    value = size / (1024 * 1024)
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{round(value)}"
    return f"{text.replace('.', ',')} Mo"


class AttachmentForm(DsfrForm):
    file = forms.FileField(label="Fichier", help_text="")
    description = forms.CharField(label="Description", required=False, max_length=255,
                                  help_text="Facultatif. Par exemple : « Budget prévisionnel 2026 ».")  # fmt: skip
    required_document = forms.ModelChoiceField(
        label="Pièce obligatoire de l'appel",
        queryset=None,
        required=False,
        empty_label="Autre document",
        help_text="Si ce fichier est l'une des pièces que l'appel à projets exige, dites laquelle.",
    )

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        from logement_accompagne.calls.models import RequiredDocument

        documents = RequiredDocument.objects.filter(call=call) if call else RequiredDocument.objects.none()
        self.fields["required_document"].queryset = documents
        if call is None or not documents.exists():
            del self.fields["required_document"]
        self.fields["file"].help_text = (
            f"Taille maximale : {megabytes(settings.MAX_UPLOAD_BYTES)}. "
            f"Formats acceptés : {uploads.ACCEPTED_LABEL}."
        )
        self.fields["file"].widget.attrs["accept"] = uploads.ACCEPT_ATTRIBUTE

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The size is known from the upload handler: refuse before reading a byte of content.
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"Le fichier est trop volumineux ({megabytes(upload.size)}) : "
                f"la taille maximale est de {megabytes(settings.MAX_UPLOAD_BYTES)}."
            )
        if upload.size == 0:
            raise forms.ValidationError("Le fichier est vide.")
        content = upload.read()
        try:
            self.detected = uploads.detect(content)
        except uploads.Refused as refused:
            raise forms.ValidationError(str(refused)) from refused
        self.content = content
        return upload
