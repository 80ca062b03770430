"""ChecklistSelectMultiple writes its boxes in Python: the same markup as django-dsfr's templates."""

import re

import pytest
from django import forms

from logement_accompagne.territories.models import Department
from logement_accompagne.www.forms import ChecklistSelectMultiple, DsfrForm
from tests import factories

pytestmark = pytest.mark.django_db


def normalised(html: str) -> str:
    html = re.sub(r">\s+", ">", str(html))
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html).strip()


def forms_with(attrs, error=False):
    def build(widget_class):
        class Form(DsfrForm):
            departments = forms.ModelMultipleChoiceField(
                queryset=Department.objects.order_by("code"), required=True, label="Départements",
                help_text="Cochez <em>au moins</em> un département.", widget=widget_class(attrs=dict(attrs)),
            )  # fmt: skip

        return Form({"departments": []} if error else None, initial={"departments": ["45"]})

    return build(forms.CheckboxSelectMultiple), build(ChecklistSelectMultiple)


@pytest.mark.parametrize("attrs", [{"data-checklist": "département"}, {}])
@pytest.mark.parametrize("error", [False, True])
def test_the_boxes_are_the_same_as_the_templates_ones(attrs, error):
    factories.department("45")
    factories.department("37")
    factories.department("2A")
    Department.objects.filter(code="37").update(name="Indre-et-Loire <&> « test »")
    template, python = forms_with(attrs, error)
    expected, actual = normalised(template.as_div()), normalised(python.as_div())
    assert expected == actual
    assert actual.count('type="checkbox"') == Department.objects.count()
    assert 'value="45"' in actual and "&lt;&amp;&gt;" in actual
    assert ("checked" in actual) is not error  # the initial box, unless the sent data (none) replaces it


def select_forms(data=None):
    """The same fields rendered by Django's select templates and by ours."""
    from logement_accompagne.calls.models import Call

    def build(python: bool):
        class Form(DsfrForm):
            department = forms.ModelChoiceField(
                queryset=Department.objects.order_by("code"),
                label="Département",
                empty_label="Tous",
                help_text="Le département <em>instructeur</em>.",
            )
            call = forms.ModelChoiceField(
                queryset=Call.objects.order_by("title"), required=False, label="Appel"
            )
            state = forms.ChoiceField(label="État", choices=[("", "Tous"), ("a", "Déposé « A » <&>"),
                                      ("Groupe", [("b", "B"), ("c", "C")])], required=False)  # fmt: skip
            typed = forms.TypedChoiceField(label="Nombre", choices=[(1, "un"), (2, "deux")], coerce=int)

        form = Form(data, initial={"department": "37", "typed": 2})
        if not python:  # Django's own widget and templates, as before the swap
            for field in form.fields.values():
                if type(field.widget) is not forms.Select and isinstance(field.widget, forms.Select):
                    field.widget.__class__ = forms.Select
        return form

    return build(False), build(True)


@pytest.mark.parametrize("data", [None, {"department": "", "state": "c", "typed": "9"}])
def test_selects_are_the_same_as_the_templates_ones(data):
    factories.department("45")
    factories.department("37")
    Department.objects.filter(code="37").update(name="Indre-et-Loire <&> « test »")
    factories.CallFactory(title="Appel <2026>")
    template, python = select_forms(data)
    assert type(python.fields["department"].widget).__module__ == "logement_accompagne.www.forms"
    assert type(template.fields["department"].widget) is forms.Select
    expected, actual = template.as_div(), python.as_div()
    assert expected == actual
    assert (
        "&lt;&amp;&gt;" in actual and "Appel &lt;2026&gt;" in actual and '<optgroup label="Groupe">' in actual
    )
    if data is None:
        assert '<option value="37" selected>' in actual
    else:
        assert '<option value="c" selected>' in actual and "fr-select-group--error" in actual


def test_every_form_shares_one_renderer_and_its_compiled_templates():
    """Django instantiates a renderer given as a class for every form; each django-dsfr renderer has
    its own template engine, so the field templates were compiled again for every form."""
    from django.template.base import Lexer

    from logement_accompagne.www.review.forms import DepartmentalOpinionForm, ReturnForm

    first, second = DepartmentalOpinionForm(), ReturnForm()
    assert first.renderer is second.renderer
    first.as_div()
    compiled = []
    original = Lexer.tokenize

    def counting(lexer):
        compiled.append(lexer.template_string[:40])
        return original(lexer)

    Lexer.tokenize = counting
    try:
        DepartmentalOpinionForm().as_div()
    finally:
        Lexer.tokenize = original
    assert compiled == []  # nothing compiled again for the second form of the same kind
