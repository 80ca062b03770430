"""What every form of the web layer shares: DSFR rendering and French defaults."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrBoundField, DsfrDjangoTemplates
from dsfr.utils import dsfr_input_class_attr

# One renderer for every form: Django builds a new one per form when given a class, and each new
# django-dsfr renderer builds its own template engine, so every form re-read and re-compiled its
# field templates (the cached loader was new each time). Shared, they are compiled once per process.
RENDERER = DsfrDjangoTemplates()


class DsfrMixin:
    """Renders a form with django-dsfr's templates (labels, hints, errors tied to their field).

    The project's FORM_RENDERER is Django's div renderer, which would pick
    Django's own widget templates before django-dsfr's; forms of the web layer
    always use django-dsfr's renderer so radios and checkboxes get DSFR markup.
    """

    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField
    default_renderer = RENDERER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_dsfr_classes()

    def apply_dsfr_classes(self) -> None:
        """Give every visible field its DSFR classes; call again after adding fields."""
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)
            # Django's own Select becomes ours (same markup, options written in Python): the class
            # is swapped rather than the widget replaced, so a model field's choices stay linked.
            if type(visible.field.widget) is forms.Select:
                visible.field.widget.__class__ = Select
        # Bound fields copy their label and help text when created: drop them, so that
        # labels or hints a subclass sets after this point are the ones rendered.
        self._bound_fields_cache.clear()


class DsfrForm(DsfrMixin, forms.Form):
    pass


class InlineRadioSelect(forms.RadioSelect):
    """Radio buttons on one line (short choices such as oui / non)."""

    inline = True


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose boxes are written in Python: the same markup as django-dsfr's
    checkbox_option.html (itself including Django's input.html and attrs.html), without three
    template renderings per box. A list of the 101 departments cost ~30 ms of CPU per page that
    way, more than the rest of the page (tests/www/test_forms_markup.py compares both outputs).
    The class keeps Django's name: django-dsfr picks the field's template by that name."""

    def _render(self, template_name, context, renderer=None):
        if template_name != self.option_template_name:
            return super()._render(template_name, context, renderer)
        return checkbox_option(context["widget"])


def checkbox_option(widget: dict) -> str:
    html = [format_html('<input type="{}" name="{}"', widget["type"], widget["name"])]
    if widget["value"] is not None:
        html.append(format_html(' value="{}"', widget["value"]))
    for name, value in widget["attrs"].items():
        if value is True:
            html.append(format_html(" {}", name))
        elif value is not False:
            html.append(format_html(' {}="{}"', name, value))
    html.append(">")
    if widget.get("wrap_label"):
        label, help_text = widget["label"], None
        if getattr(label, "label", None):  # django-dsfr's rich choices: a label and a hint
            label, help_text = label.label, label.help_text
        target = format_html(' for="{}"', widget["attrs"]["id"]) if widget["attrs"].get("id") else ""
        html.append(format_html('<label class="fr-label"{}>{}', target, label))
        if help_text is not None:
            html.append(format_html('<span class="fr-hint-text" id="{}_helptext">{}</span>',
                                    widget["attrs"].get("id", ""), help_text))  # fmt: skip
        html.append("</label>")
    body = mark_safe("".join(html))  # noqa: S308 (every piece above went through format_html)
    if widget["attrs"].get("dsfr") == "dsfr":
        return format_html('<div class="fr-checkbox-group">{}</div>', body)
    return body


ChecklistSelectMultiple = CheckboxSelectMultiple


class Select(forms.Select):
    """A select whose options are written in Python: the same markup as Django's select.html and
    select_option.html, without one template rendering per option. The queue's filter (101
    departments, every call) cost about 30 ms of CPU to build that way (tests/www/test_forms_markup.py
    compares both outputs). Every DsfrForm's plain select is one of these (``apply_dsfr_classes``)."""

    def _render(self, template_name, context, renderer=None):
        if template_name != forms.Select.template_name:
            return super()._render(template_name, context, renderer)
        return select_html(context["widget"])


def _attributes(attrs: dict) -> str:
    """Django's attrs.html: ``name="value"``, a bare ``name`` for True, nothing for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict) -> str:
    html = [format_html('<select name="{}"', widget["name"]), _attributes(widget["attrs"]), ">"]
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            html.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            html.append(format_html('\n  <option value="{}"', option["value"]))
            html.append(_attributes(option["attrs"]))
            html.append(format_html(">{}</option>\n", option["label"]))  # the template's last line
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return mark_safe("".join(html))  # noqa: S308 (every piece above went through format_html)


class DsfrFormSet(forms.BaseFormSet):
    default_renderer = RENDERER


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
