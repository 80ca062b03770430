"""The receipt of a filing (récépissé de dépôt), as a PDF the carriers receive and keep.

Built from escaped HTML (no template: only the web layer renders templates) by WeasyPrint. It says
which dossier, on which call, when, who filed it and the attestation sur l'honneur they ticked.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

STYLE = """
@page { size: A4; margin: 2cm; }
body { font-family: sans-serif; font-size: 11pt; color: #161616; }
h1 { font-size: 16pt; margin-bottom: 0.2cm; }
p.lead { color: #3a3a3a; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6cm 0; }
th, td { text-align: left; vertical-align: top; padding: 0.15cm 0.3cm; border-bottom: 1px solid #ddd; }
th { width: 35%; font-weight: bold; }
blockquote { border-left: 3px solid #000091; margin: 0; padding: 0.2cm 0.4cm; }
"""


def receipt_html(submission) -> str:
    dossier = submission.dossier
    carriers = ", ".join(
        link.organisation.name for link in dossier.carrier_links.select_related("organisation")
    )
    departments = ", ".join(str(department) for department in dossier.departments.all())
    rows = [
        ("Dossier", str(dossier)),
        ("Référence", f"{dossier.short_reference} ({dossier.reference})"),
        ("Appel à projets", str(dossier.call)),
        ("Porteurs", carriers or dossier.carriers_text),
        ("Territoire", departments or "—"),
        ("Dépôt", f"n° {submission.number}" + (" (après compléments)" if submission.number > 1 else "")),
        ("Déposé le", f"{localtime(submission.attested_at):%d/%m/%Y à %H:%M}"),
        ("Déposé par", f"{submission.attested_by} <{submission.attested_by.email}>"),
    ]
    return format_html(
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{}</title><style>{}</style></head>'
        '<body><h1>Récépissé de dépôt</h1><p class="lead">Appels à projets « 10 000 logements HLM '
        "accompagnés » — plateforme Logement accompagné</p><table>{}</table>"
        "<h2>Attestation sur l'honneur</h2><blockquote>{}</blockquote>"
        "<p>Attestation cochée par {} le {}.</p></body></html>",
        f"Récépissé — {dossier}",
        mark_safe(STYLE),  # noqa: S308 (a constant of this module)
        format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        submission.attestation_text,
        str(submission.attested_by),
        f"{localtime(submission.attested_at):%d/%m/%Y à %H:%M}",
    )


def receipt_pdf(submission) -> bytes:
    from weasyprint import HTML

    return HTML(string=receipt_html(submission)).write_pdf()
