"""Forms of the import area: the upload, and the review of what the parser understood."""

from django import forms
from django.conf import settings

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.enums import Mobilisation
from logement_accompagne.dossiers.fields import SCALAR_FIELDS
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.importer import form as paper_form
from logement_accompagne.importer.schema import get as get_path
from logement_accompagne.importer.schema import put
from logement_accompagne.organisations.models import Organisation
from logement_accompagne.territories.models import Department
from logement_accompagne.www.forms import DsfrForm


class UploadForm(DsfrForm):
    call = forms.ModelChoiceField(label="Appel à projets", queryset=Call.objects.none(), empty_label=None)
    organisation = forms.ModelChoiceField(
        label="Organisation porteuse", queryset=Organisation.objects.none(), empty_label=None
    )
    document = forms.FileField(
        label="Document rempli",
        help_text="Word (.docx, .doc), OpenDocument (.odt), PDF ou texte (.txt, .md). "
        f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo au plus.",
    )

    def __init__(self, *args, calls, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls
        self.fields["organisation"].queryset = organisations

    def clean_document(self):
        document = self.cleaned_data["document"]
        # The size is known from the upload headers: refused before any byte is parsed.
        if document.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"Le fichier dépasse la taille maximale de {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo."
            )
        if document.size == 0:
            raise forms.ValidationError("Le fichier est vide.")
        return document


class ReviewForm(DsfrForm):
    """One editable field per value of the canonical document a person types in, with the paper
    form's own label and hint, in the paper form's order (the form declared once, importer/form.py)."""

    def __init__(self, *args, canonical: dict, proposals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.canonical = canonical
        for declared in paper_form.FIELDS:
            if declared.is_column:
                self.fields[declared.path] = self._scalar(declared)
            elif declared.type == "mobilisation":
                self.fields[declared.path] = forms.MultipleChoiceField(
                    choices=Mobilisation.choices, widget=forms.CheckboxSelectMultiple, required=False,
                    initial=get_path(canonical, declared.path),
                )  # fmt: skip
            elif declared.type == "departments":
                # The same picker as the dossier's section: boxes with a search field (checklist.js).
                self.fields[declared.path] = forms.MultipleChoiceField(
                    required=False, initial=list(get_path(canonical, declared.path)),
                    choices=[(department.code, str(department)) for department in Department.objects.order_by("code")],
                    widget=forms.CheckboxSelectMultiple(attrs={"data-checklist": "département"}),
                )  # fmt: skip
            else:
                continue
            self.fields[declared.path].label = declared.label
            if declared.help:
                self.fields[declared.path].help_text = declared.help
        if proposals is not None and proposals.exists():
            # Known organisations the document names: proposed, attached only if the person says so.
            self.fields["co_carriers"] = forms.ModelMultipleChoiceField(
                label="Inviter comme co-porteurs",
                queryset=proposals,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="Ces organisations connues de la plateforme portent le nom d'un porteur cité dans "
                "le document. Cochez celles qui portent réellement le projet avec vous : elles recevront une "
                "invitation et n'auront accès au dossier qu'après l'avoir acceptée.",
            )
            self.fields["co_carriers"].label_from_instance = lambda organisation: (
                f"{organisation.name} — {organisation.get_kind_display()}"
                + (f" ({organisation.department})" if organisation.department_id else "")
            )
        self.apply_dsfr_classes()

    def _scalar(self, declared) -> forms.Field:
        model_field = Dossier._meta.get_field(declared.name)
        form_field = model_field.formfield(required=False)
        if isinstance(form_field, forms.CharField) and not model_field.choices:
            form_field.widget = forms.Textarea(attrs={"rows": 3})
            form_field.strip = True
        form_field.initial = get_path(self.canonical, declared.path)
        return form_field

    def reviewed_document(self) -> dict:
        """The canonical document with the person's corrections applied."""
        import copy

        document = copy.deepcopy(self.canonical)
        for key in SCALAR_FIELDS:
            value = self.cleaned_data.get(key)
            if isinstance(self.fields[key], forms.CharField) and value is None:
                value = ""
            if key == "finance.requested_amount_eur" and value is not None:
                value = float(value) if value != int(value) else int(value)
            if isinstance(self.fields[key], forms.BooleanField):
                value = bool(value)
            put(document, key, value)
        put(document, "housing.mobilisation", list(self.cleaned_data.get("housing.mobilisation") or []))
        put(
            document,
            "location.department_codes",
            list(self.cleaned_data.get("location.department_codes") or []),
        )
        return document
