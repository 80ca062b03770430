"""Template hygiene that Django does not check itself."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "logement_accompagne" / "www" / "templates"


def test_no_multiline_short_comment():
    # Django's {# … #} comment ends at the line's end: a multi-line one is printed on the page as text
    # (it once showed above the opinion cards and pushed them over the committee's « Décider » button).
    wrong = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            opened = line.count("{#")
            if opened and line.count("#}") < opened:
                wrong.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert not wrong, "Commentaires {# #} sur plusieurs lignes (utilisez {% comment %}) : " + ", ".join(wrong)


def test_every_amount_goes_through_the_one_french_format():
    """« 1 440,00 € » everywhere: a raw variable followed by « € » in a page, or an amount
    formatted by hand in the web layer's Python, would print « 1440.00 € » or « 1,440 € »."""
    import re

    wrong = []
    raw_in_template = re.compile(r"}}\s*(&nbsp;)?€")
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if raw_in_template.search(line):
                wrong.append(f"{path.relative_to(TEMPLATES)}:{number}")
    hand_formatted = re.compile(r"\{[^{}]*:[^{}]*f\}\s*€")
    for path in sorted(TEMPLATES.parent.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if hand_formatted.search(line):
                wrong.append(f"{path.relative_to(TEMPLATES.parent)}:{number}")
    assert not wrong, "Montants hors du filtre « euros » / de french_eur : " + ", ".join(wrong)


def test_the_euros_filter_writes_french_amounts():
    from decimal import Decimal

    from logement_accompagne.www.templatetags.www_tags import euros

    assert euros(Decimal("1440")) == "1\u202f440,00\u00a0€"
    assert euros("1234567.5") == "1\u202f234\u202f567,50\u00a0€"
    assert euros(0) == "0,00\u00a0€"
    assert euros(None) == "—"


def test_every_form_that_posts_opens_with_the_error_summary():
    """« Le formulaire contient des erreurs », each linked to its field, at the top of every form
    of the dossier's life (households' own forms are theirs: tests/www/test_households_access.py)."""
    wrong = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES)
        if (
            len(relative.parts) < 3
            or relative.parts[1] in ("households", "includes")
            or relative.name == "detail.html"
        ):
            continue
        # Filters (GET forms) are not what the summary is for: only fields a POST sends count.
        text = re.sub(r'<form method="get".*?</form>', "", path.read_text(encoding="utf-8"), flags=re.S)
        posts_a_form = 'method="post"' in text and "{% csrf_token %}" in text and "form." in text
        if posts_a_form and "form_errors.html" not in text and "form_block.html" not in text:
            wrong.append(str(relative))
    assert not wrong, "Formulaires sans résumé des erreurs en tête : " + ", ".join(wrong)
