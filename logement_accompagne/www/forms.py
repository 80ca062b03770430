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
