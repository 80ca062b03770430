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
