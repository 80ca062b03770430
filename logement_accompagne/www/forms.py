"""What every form of the web layer shares: DSFR rendering and French defaults."""

from django import forms
from dsfr.forms import DsfrBoundField, DsfrDjangoTemplates
from dsfr.utils import dsfr_input_class_attr


class DsfrMixin:
    """Renders a form with django-dsfr's templates (labels, hints, errors tied to their field).

    The project's FORM_RENDERER is Django's div renderer, which would pick
    Django's own widget templates before django-dsfr's; forms of the web layer
    always use django-dsfr's renderer so radios and checkboxes get DSFR markup.
    """

    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField
    default_renderer = DsfrDjangoTemplates

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_dsfr_classes()

    def apply_dsfr_classes(self) -> None:
        """Give every visible field its DSFR classes; call again after adding fields."""
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)
        # Bound fields copy their label and help text when created: drop them, so that
        # labels or hints a subclass sets after this point are the ones rendered.
        self._bound_fields_cache.clear()


class DsfrForm(DsfrMixin, forms.Form):
    pass


class InlineRadioSelect(forms.RadioSelect):
    """Radio buttons on one line (short choices such as oui / non)."""

    inline = True


class DsfrFormSet(forms.BaseFormSet):
    default_renderer = DsfrDjangoTemplates


class FrenchDateInput(forms.DateInput):
    """A date typed « jj/mm/aaaa » whatever the browser's language: a native date field shows
    12/14/2026 in an English-speaking browser, which a French reader takes for the 12th of a
    14th month. Django reads both 14/12/2026 and 2026-12-14 (the French formats and ISO)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": "jj/mm/aaaa",
                "autocomplete": "off",
                "spellcheck": "false",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )


FRENCH_DATE_HINT = "Au format jj/mm/aaaa, par exemple 15/01/2027."
