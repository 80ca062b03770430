"""The national level's form for a call for projects and its rules."""

from django import forms
from django.utils.text import slugify

from logement_accompagne.calls.models import Call
from logement_accompagne.calls.services import CALL_FIELDS
from logement_accompagne.www.forms import FRENCH_DATE_HINT, DsfrMixin, FrenchDateInput


class CallForm(DsfrMixin, forms.ModelForm):
    required_documents = forms.CharField(
        label="Pièces obligatoires",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="Une pièce par ligne (par exemple : Statuts, Budget prévisionnel, "
        "Convention bailleur–association, RIB). Un dossier sans l'une d'elles ne peut pas être déposé.",
    )

    class Meta:
        model = Call
        fields = ["slug", *CALL_FIELDS]
        widgets = {
            "opens_on": FrenchDateInput(),
            "closes_on": FrenchDateInput(),
        }
        help_texts = {
            "slug": "Sert dans les adresses et les commandes (lettres, chiffres et tirets). "
            "Laissé vide, il est tiré de l'intitulé.",
            "project_cap_eur": "Un dossier demandant plus ne peut pas être déposé.",
            "min_duration_months": "Un dossier dont la durée sort de ces limites ne peut pas être déposé.",
            "opens_on": FRENCH_DATE_HINT,
            "closes_on": f"Après cette date, l'appel n'accepte plus aucun dépôt. {FRENCH_DATE_HINT}",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk:
            # The identifier is in addresses and commands: it does not change once created.
            del self.fields["slug"]
            self.initial["required_documents"] = "\n".join(
                self.instance.required_documents.values_list("label", flat=True)
            )
        self.apply_dsfr_classes()

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:64]
        if not slug:
            raise forms.ValidationError("Donnez un intitulé ou un identifiant.")
        if Call.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Cet identifiant est déjà pris par un autre appel.")
        return slug

    def labels(self) -> list[str]:
        return self.cleaned_data.get("required_documents", "").splitlines()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in CALL_FIELDS}
