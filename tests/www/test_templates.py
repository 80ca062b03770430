"""Template hygiene that Django does not check itself."""

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
