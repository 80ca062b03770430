"""Every form of the site, fuzzed as a hostile user would (issue #9, item 7), on SQLite and PostgreSQL.

The targets are the access matrices' own routes (tests/www/test_access_matrix.py and
test_households_access.py), so a new page is fuzzed as soon as it is declared there: each is
requested by a person allowed to use it, in the dossier state the matrix declares. The fields come
from the forms and formsets the page itself renders (plus the matrix's example data), and each
field gets a hostile strategy from its Django form field: text at and over its length, unicode,
control characters and NUL bytes, numbers far outside PostgreSQL's integer range, exotic
decimals, impossible dates, unknown choices, forged formset counts, arbitrary file bytes.

Property, for every example: never a server error; either the object is saved (a redirect), or the
page answers with error messages in French and the programme's tables are exactly as before
(nothing half-written). Each example runs in a savepoint rolled back afterwards, so every one
starts from the same state. ``FUZZ_EXAMPLES`` (default 15 per route) sets the effort;
``FUZZ_RANDOM=1`` draws new examples instead of the reproducible ones.
"""

import os
import re
from decimal import Decimal

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.formsets import BaseFormSet
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import test_households_access as households_matrix
from .conftest import advance
from .test_access_matrix import ACTORS, MATRIX, database_state

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
ALLOWED_STATUSES = {200, 302, 400, 403, 404, 405, 409, 413, 422, 429}
# Django's own messages left untranslated would show here (LANGUAGE_CODE is "fr").
ENGLISH = re.compile(
    r"\b(This field|Enter a|Ensure this|Ensure that|Select a valid|is required|must be|is not a valid|"
    r"Upload a valid|The submitted|No file was|Make sure|greater than|less than|Invalid|characters)\b"
)


# --- hostile values, by kind of field ------------------------------------------------------------

CONTROL = st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Co"))
ANY_CHAR = st.characters(codec="utf-8")
NUMBER_EDGES = ["", " ", "-0", "0", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775808",
                "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1,5", "1 000", "1 000 000,00", "0x10",
                "١٢", "²", "1_000", "9" * 60, "0." + "1" * 60, "12,34,56", "+5", "€", "1.5e3"]  # fmt: skip
DATE_EDGES = ["2025-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "99999-12-31", "31/12/2025",
              "2025-13-01", "2025-1-1", "-2025-01-01", "1899-12-31", "", "aujourd'hui"]  # fmt: skip


def texts(max_length: int | None):
    limit = max_length or 500
    return st.one_of(
        st.text(ANY_CHAR, max_size=min(limit + 3, 600)),
        st.text(CONTROL, min_size=1, max_size=6),
        st.sampled_from(
            [
                "\x00",
                "a\x00b",
                "\u202eévil",
                "<script>alert(1)</script>",
                "{{ 7*7 }}",
                "'; --",
                "\ud7ff",
                "\U0001f3e0" * 3,
                " " * 3,
            ]
        ),  # fmt: skip
        st.builds(
            lambda char, extra: char * (limit + extra), st.sampled_from("aé€"), st.sampled_from([0, 1])
        ),
    )


NUMBERS = st.one_of(
    st.sampled_from(NUMBER_EDGES),
    st.integers(-(2**80), 2**80).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.text(ANY_CHAR, max_size=12),
)
DATES = st.one_of(st.sampled_from(DATE_EDGES), st.dates().map(str), st.text(ANY_CHAR, max_size=12))
BOOLEANS = st.sampled_from(["on", "off", "true", "false", "", "1", "0", "yes", "no", "unknown", "\x00"])
FILES = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.one_of(
        st.sampled_from(
            ["a.pdf", "a.csv", "a.docx", "a.xlsx", "../../etc/passwd", "sans-extension", "x" * 300 + ".pdf"]
        ),
        st.text(ANY_CHAR, min_size=1, max_size=40),
    ),  # fmt: skip
    st.one_of(
        st.binary(max_size=2048),
        st.sampled_from([b"%PDF-1.4\n%%EOF\n", b"PK\x03\x04" + b"\x00" * 40, "nom;prénom\nA;B\n".encode()]),
    ),
)


def choices_of(field) -> list[str]:
    if isinstance(field, forms.ModelChoiceField):
        return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
    values = []
    for value, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):  # option groups
            values += [str(inner) for inner, _ in label]
        else:
            values.append(str(value))
    return values


def strategy_for(field):
    if isinstance(field, forms.FileField):
        return FILES
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return BOOLEANS
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        known = choices_of(field)
        one = (
            st.one_of(st.sampled_from(known), texts(20), NUMBERS) if known else st.one_of(texts(20), NUMBERS)
        )
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            return st.lists(one, max_size=4)
        return one
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return NUMBERS
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return DATES
    return texts(getattr(field, "max_length", None))


# --- what a page offers ----------------------------------------------------------------------------


def context_forms(response):
    found = []

    def consider(value):
        if isinstance(value, forms.BaseForm | BaseFormSet) and value not in found:
            found.append(value)

    for context in response.context or []:
        for layer in getattr(context, "dicts", [context]):
            for value in layer.values():
                consider(value)
                if isinstance(value, list | tuple):
                    for item in value[:20]:
                        consider(item)
                elif isinstance(value, dict):
                    for item in list(value.values())[:20]:
                        consider(item)
    return found


def fields_and_base(response, example: dict) -> tuple[dict, dict]:
    """Every field the page's forms send (name → strategy), and a near-valid submission to start
    from: the matrix's example data over the forms' initial values."""
    fields, base = {}, {}

    def add_form(form):
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            fields[key] = strategy_for(field)
            value = form[name].value()
            if value not in (None, False, "") and not isinstance(field, forms.FileField):
                base[key] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)

    for item in context_forms(response) if response.status_code == 200 else []:
        if isinstance(item, BaseFormSet):
            management = item.management_form
            for name in management.fields:
                fields[management.add_prefix(name)] = NUMBERS  # forged counts
                base[management.add_prefix(name)] = str(management[name].value())
            for form in item.forms:
                add_form(form)
        else:
            add_form(item)
    for key, value in example.items():
        fields.setdefault(key, FILES if hasattr(value, "read") else texts(200))
        if not hasattr(value, "read"):
            base[key] = value
    return fields, base


def submissions(fields: dict, base: dict):
    """Everything hostile at once, or the near-valid submission with one field made hostile (which
    gets past the other fields' validation, down to the services and the database)."""
    if not fields:
        return st.just({})
    names = sorted(fields)
    all_hostile = st.fixed_dictionaries({}, optional={name: fields[name] for name in names})
    one_hostile = st.sampled_from(names).flatmap(lambda name: fields[name].map(lambda v: {**base, name: v}))
    return st.one_of(one_hostile, all_hostile)


def error_messages(response) -> list[str]:
    messages = []
    for item in context_forms(response):
        if isinstance(item, BaseFormSet):
            messages += [str(m) for m in item.non_form_errors()]
            for form in item.forms:
                messages += [str(m) for errors in form.errors.values() for m in errors]
        elif item.is_bound:
            messages += [str(m) for errors in item.errors.values() for m in errors]
    return messages


# --- the targets: the matrices' routes, each by someone allowed to use it --------------------------


def _matrix_targets():
    targets = []
    for name, cases in MATRIX.items():
        if name.startswith("households:"):
            continue  # declared with the support workers below
        for case in cases:
            actor = next((a for a in ACTORS if case.expect.get(a) in ("ok", "redirect")), None)
            if actor is None:
                continue
            targets.append(
                (name, case.method, actor, case.state, case.kwargs, case.data, case.before, case.after)
            )
    for name, cases in households_matrix.CASES.items():
        for expected, method, kwargs_of, data_of, _check in cases:
            actor = "support_worker" if expected.get("support_worker") == "ok" else "manager"
            kwargs_of = kwargs_of or (lambda c, d: {})
            targets.append((name, method, actor, "selected", kwargs_of, data_of, None, None))
    # Beyond the matrices' single examples: every section of the dossier form (cost and co-funding
    # formsets among them), and the review of an import that was understood.
    from logement_accompagne.dossiers.sections import SECTIONS

    for section in SECTIONS:
        targets.append(("dossiers:edit_section", "post", "carrier", "draft",
                        lambda c, d, slug=section.slug: {"reference": d.reference, "slug": slug}, None, None, None))  # fmt: skip
    targets.append(("imports:review", "post", "carrier", "draft", understood_import, None, None, None))
    seen, unique = set(), []
    for target in targets:
        key = (target[0], target[1], target[4])
        if key not in seen:
            seen.add(key)
            unique.append(target)
    return unique


def understood_import(cast, dossier):
    """An import whose document was read (the review form then holds every field of the form)."""
    from django.core.files.base import ContentFile

    from logement_accompagne.imports import jobs
    from logement_accompagne.imports.models import ImportJob
    from tests.imports.test_import_views import FORM_TEXT

    job = ImportJob(uploaded_by=cast.carrier, organisation=cast.landlord, call=dossier.call,
                    original_name="projet.txt", size_bytes=len(FORM_TEXT.encode()))  # fmt: skip
    job.file.save("projet.txt", ContentFile(FORM_TEXT.encode()), save=False)
    job.save()
    assert jobs.run(job.pk).state == ImportJob.State.DONE
    return {"job_id": job.pk}


TARGETS = _matrix_targets()


def _target_id(target) -> str:
    name, method, *_rest = target
    same = [t for t in TARGETS if t[:2] == target[:2]]
    return f"{name}-{method}" + (f"-{same.index(target)}" if len(same) > 1 else "")


SKIPPED = {
    # Streams a file built from the database; no form (its query string is fuzzed by reporting:export).
    "reporting:export_download",
    "opendata:file",
    "households:export",
    "households:import_template",
    "dossiers:attachment",
}


@pytest.mark.parametrize(
    ("name", "method", "actor", "state", "kwargs_of", "data_of", "before", "after"),
    [pytest.param(*t, id=_target_id(t)) for t in TARGETS if t[0] not in SKIPPED],
)
def test_no_input_gives_a_server_error(
    client, cast, name, method, actor, state, kwargs_of, data_of, before, after
):
    households_matrix._support_cast(cast)
    dossier = cast.dossier
    if state is not None:
        if before:
            before(cast, dossier)
        dossier = advance(cast, state)
        if after:
            after(cast, dossier)
    kwargs = kwargs_of(cast, dossier) if kwargs_of else ({"reference": dossier.reference} if state else {})
    url = reverse(name, kwargs=kwargs)
    user = None if actor == "anonymous" else cast[actor]
    if user:
        client.force_login(user)
    example = (data_of(cast, dossier) if data_of else {}) or {}
    page = client.get(url, example if method == "get" else {})
    assert page.status_code < 500
    fields, base = fields_and_base(page, example)
    # A page showing a form is fuzzed through the method its form uses; a POST route through POST.
    send = (
        "post" if method == "post" or any(f for f in context_forms(page) if not _is_get_form(page)) else "get"
    )

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"),
              database=None, suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=submissions(fields, base))
    def hostile(data):
        with transaction.atomic():
            if user:
                client.force_login(user)  # a valid sign-out in a previous example must not leak here
            tables = database_state()
            response = getattr(client, send)(url, data)  # a server error raises here
            assert response.status_code in ALLOWED_STATUSES, (response.status_code, data)
            messages = error_messages(response)
            english = [m for m in messages if ENGLISH.search(m)]
            assert not english, english
            if messages and response.status_code != 302:
                assert database_state() == tables, "refusé, mais la base a changé (écriture à moitié)"
            transaction.set_rollback(True)

    hostile()


def _is_get_form(page) -> bool:
    """Filter forms (lists, dashboards, export choice) are sent by GET."""
    body = page.content.decode(errors="replace") if not page.streaming else ""
    methods = re.findall(r"<form[^>]*method=\"(\w+)\"", body, flags=re.IGNORECASE)
    return bool(methods) and all(m.lower() == "get" for m in methods)


def test_the_fuzz_covers_every_post_route_of_the_matrices():
    posted = {t[0] for t in TARGETS if t[1] == "post"}
    declared = {name for name, cases in MATRIX.items() for case in cases if case.method == "post"}
    assert declared <= posted
    assert {"dossiers:edit_section", "imports:review", "households:register", "calls:create"} <= {
        t[0] for t in TARGETS
    }
    assert Decimal("1") and EXAMPLES >= 1
