#!/usr/bin/env python3
"""Write sample filled "Présentation synthétique" forms in every format the importer reads.

The same fictional project is written as UTF-8 text, cp1252 text (a Word text export with
``FORMCHECKBOX`` and ``X`` marks), latin-1 text, Markdown (emphasis, ☒/☐ glyphs, bullets, a
table), .docx (python-docx, with real legacy FORMCHECKBOX fields and w14 content-control
checkboxes, a label/answer table, a label split across runs and lines), .odt (odfpy, with
LibreOffice form-checkbox fieldmarks and a table) and PDF (reportlab, two pages with a running
letterhead, ☒/☐ drawn with DejaVu Sans), plus hostile files (zip bomb, truncated .docx,
encrypted and broken PDF, binary garbage, a .docx that is really a PDF, an XML entity bomb).

PDF glyphs: DejaVu Sans is looked for in the usual system places; without it the boxes are
written "[X]" / "[ ]" in Helvetica, which the importer reads as well.

Used by the tests (``write_samples(tmp_path)``) and the benchmark; from the command line::

    python scripts/make_sample_documents.py [DIRECTORY]     # default var/samples/
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

CHECKED, UNCHECKED = "☒", "☐"
LETTERHEAD = "Les Hlm, habiter mieux, bien vivre ensemble"

# The form, item by item: ("title", text), ("heading", text), ("field", label, answer or lines),
# ("boxes", label, [(option, ticked), ...]), ("text", free text).
FORM: list[tuple] = [
    ("title", "Appel à projets"),
    ("title", "Mise en place de 10 000 logements HLM accompagnés"),
    ("title", "Présentation synthétique du projet"),
    ("field", "Localisation du projet", "Rochefort (17), quartier du Petit Marseille"),
    ("field", "Nom du projet", "Toit d'abord à Rochefort"),
    (
        "field",
        "Statut et nom du ou des porteur(s) du projet",
        "OPH Rochefort Habitat Océan et association Tremplin 17",
    ),
    (
        "field",
        "Descriptif sommaire du projet et objectifs poursuivis",
        "Proposer un logement ordinaire et un accompagnement global à des ménages sortant d'hébergement.",
    ),
    ("heading", "Publics cibles du projet"),
    ("field", "Nombre de ménages accompagnés", "30 environ"),
    ("boxes", "Ménages éligibles au DALO", [("oui", True), ("non", False)]),
    ("boxes", "ou des accords collectifs", [("oui", False), ("non", True)]),
    ("boxes", "ou relevant globalement des publics cibles du PDALPD", [("oui", True), ("non", False)]),
    (
        "field",
        "Caractéristiques des publics cibles (typologie des ménages, problématiques rencontrées, ressources)",
        "Personnes isolées et familles monoparentales aux ressources inférieures au seuil de pauvreté.",
    ),
    (
        "boxes",
        "Modalités de mobilisation des logements",
        [
            ("Création d'une offre nouvelle", True),
            ("Aménagement de logement existant", False),
            ("Mobilisation de logements existants sans aménagement", True),
            ("Reclassement offre existante en offre à bas loyer", False),
        ],
    ),
    ("field", "Nombre de logements", "25"),
    ("field", "Typologie des logements", "T2 et T3"),
    (
        "field",
        "Modalités de réservation et d'attribution des logements",
        "Contingent préfectoral et commission d'attribution du bailleur.",
    ),
    (
        "field",
        "Localisation de l'offre de logements accompagnés",
        "Rochefort centre et quartier du Petit Marseille",
    ),
    ("heading", "Accompagnement"),
    (
        "field",
        "Méthodologie de réalisation de l'accompagnement (étendue de l'accompagnement et objectifs visés, "
        "méthodes - l'aller vers, autres…-, durée et adaptabilité)",
        [
            "Diagnostic partagé à l'entrée dans les lieux.",
            "- visites à domicile chaque semaine",
            "- accompagnement budgétaire",
            "- lien avec les services de droit commun",
        ],
    ),
    (
        "field",
        "Complémentarité avec la gestion locative (type de gestion locative : classique ou adaptée)",
        "Gestion locative adaptée assurée par une chargée de clientèle dédiée.",
    ),
    (
        "field",
        "Démarche mise en place pour favoriser l'adhésion du ménage",
        "Contrat d'accompagnement signé.",
    ),
    (
        "field",
        "Modalités de mobilisation de l'offre d'accompagnement existante ou nouvelle",
        "Renfort de deux travailleurs sociaux.",
    ),
    (
        "field",
        "Structuration de la relation bailleur/accompagnateur",
        "Convention tripartite et comité mensuel.",
    ),
    (
        "field",
        "Adéquation du projet aux besoins spécifiques des publics ciblés par le projet",
        "Le diagnostic territorial relève 120 ménages en attente d'un logement adapté.",
    ),
    ("heading", "Partenariat"),
    (
        "field",
        "Partenaires mobilisés - exemples : collectivités territoriales, SIAO, associations, coordination entre "
        "les organismes, …",
        "SIAO, CCAS et Conseil départemental.",
    ),
    (
        "field",
        "Montage financier (solidité financière du plan de financement et d'exploitation du projet, "
        "optimisation des coûts)",
        "Plan de financement équilibré sur trois ans.",
    ),
    ("field", "Coût du diagnostic de la situation des ménages par rapport au logement", "400€ l'expertise"),
    ("field", "Coût de l'accompagnement par ménage", "1440 € à l'année"),
    (
        "field",
        "Coût interne ou externe de la gestion locative adaptée par logement",
        "exprimé en € au mois ou à l'année",
    ),
    (
        "field",
        "Coût global en cas d'offre intégrée gestion locative adaptée + l'accompagnement par ménage",
        "47 000 € par an pour le projet",
    ),
    (
        "field",
        "Cofinancements apportés (apports du CG, des collectivités territoriales, EPCI et Etat)",
        [
            "ETAT- AVDL = 7 000 €",
            # An amount whose currency wrapped onto the next line, as PDF exports leave it.
            "Région Nouvelle-Aquitaine = 12 000",
            "€ (acquis)",
            "Conseil départemental - FSL",
            "(demande en cours pour 2014)= 20 000€",
            "Appel à projet = 30 000 €",
        ],
    ),
    (
        "boxes",
        "En cas de création d'offre nouvelle, projet bénéficiant d'un financement à l'investissement du FNDOLLTS",
        [("oui", False), ("non", True)],
    ),
    ("boxes", "ou en ayant candidaté à un appel à projets en cours", [("oui", True), ("non", False)]),
    ("heading", "Inscription de la démarche dans la durée"),
    (
        "field",
        "Les engagements pris par les porteurs du projet portent sur une durée de",
        "3 ans renouvelable",
    ),
    (
        "field",
        "Echéancier de la mise en œuvre du projet",
        "Premières entrées dans les lieux en septembre 2014.",
    ),
    (
        "heading",
        "Avis du service départemental en charge des politiques sociales du logement (DDCS ou DDT) :",
    ),
    ("field", "Pertinence du projet au regard des objectifs visés par l'appel à projets", "champ libre"),
    (
        "boxes",
        "Caractère reproductible de la démarche",
        [("Faible", False), ("Moyen", False), ("Fort", True)],
    ),
    ("field", "Conditions jugées nécessaires", "Suivi semestriel des entrées."),
    (
        "boxes",
        "Avis global formulé par le niveau régional (DREAL en collaboration avec DRJSCS)",
        [("Favorable", True), ("Défavorable", False)],
    ),
    ("text", "Projet exemplaire pour le département."),
]

# What the importer must read from every complete sample (dotted canonical keys).
EXPECTED: dict[str, object] = {
    "location.text": "Rochefort (17), quartier du Petit Marseille",
    "location.department_codes": ["17"],
    "name": "Toit d'abord à Rochefort",
    "carriers.text": "OPH Rochefort Habitat Océan et association Tremplin 17",
    "carriers.organisations": [
        {"name": "Rochefort Habitat Océan", "kind": "oph"},
        {"name": "Tremplin 17", "kind": "association"},
    ],
    "summary": "Proposer un logement ordinaire et un accompagnement global à des ménages sortant d'hébergement.",
    "target_public.households": 30,
    "target_public.households_approximate": True,
    "target_public.dalo_eligible": "yes",
    "target_public.collective_agreements": "no",
    "target_public.pdalpd": "yes",
    "target_public.characteristics": "Personnes isolées et familles monoparentales aux ressources inférieures au "
    "seuil de pauvreté.",
    "housing.mobilisation": ["new_supply", "existing_unadapted"],
    "housing.mobilisation_known": True,
    "housing.dwellings": 25,
    "housing.dwellings_approximate": False,
    "housing.dwellings_text": "25",
    "housing.typology": "T2 et T3",
    "housing.allocation": "Contingent préfectoral et commission d'attribution du bailleur.",
    "housing.location": "Rochefort centre et quartier du Petit Marseille",
    "support.method": "Diagnostic partagé à l'entrée dans les lieux.\nvisites à domicile chaque semaine\n"
    "accompagnement budgétaire\nlien avec les services de droit commun",
    "support.rental_management": "Gestion locative adaptée assurée par une chargée de clientèle dédiée.",
    "support.adhesion": "Contrat d'accompagnement signé.",
    "support.offer": "Renfort de deux travailleurs sociaux.",
    "support.landlord_relation": "Convention tripartite et comité mensuel.",
    "support.needs_fit": "Le diagnostic territorial relève 120 ménages en attente d'un logement adapté.",
    "partnership.partners": "SIAO, CCAS et Conseil départemental.",
    "finance.overview": "Plan de financement équilibré sur trois ans.",
    "finance.diagnostic_cost": {
        "amount_eur": 400,
        "basis": "household",
        "period": "once",
        "text": "400€ l'expertise",
    },
    "finance.support_cost": {
        "amount_eur": 1440,
        "basis": "household",
        "period": "year",
        "text": "1440 € à l'année",
    },
    "finance.rental_management_cost": {
        "amount_eur": None,
        "basis": "unknown",
        "period": "unknown",
        "text": "",
    },
    "finance.global_cost": {
        "amount_eur": 47000,
        "basis": "project",
        "period": "year",
        "text": "47 000 € par an pour le projet",
    },
    "finance.cofunding_text": "ETAT- AVDL = 7 000 €\nRégion Nouvelle-Aquitaine = 12 000\n€ (acquis)\n"
    "Conseil départemental - FSL\n(demande en cours pour 2014)= 20 000€\nAppel à projet = 30 000 €",
    "finance.cofunding": [
        {"funder": "ETAT- AVDL", "amount_eur": 7000, "status": "unknown"},
        {"funder": "Région Nouvelle-Aquitaine", "amount_eur": 12000, "status": "obtained"},
        {"funder": "Conseil départemental - FSL", "amount_eur": 20000, "status": "requested"},
    ],
    "finance.requested_amount_eur": 30000,
    "finance.fndollts_funded": "no",
    "finance.fndollts_applied": "yes",
    "duration.text": "3 ans renouvelable",
    "duration.months": 36,
    "duration.renewable": True,
    "schedule": "Premières entrées dans les lieux en septembre 2014.",
    "department_opinion.relevance": "",
    "department_opinion.reproducibility": "high",
    "department_opinion.conditions": "Suivi semestriel des entrées.",
    "regional_opinion.verdict": "favourable",
    "regional_opinion.comment": "Projet exemplaire pour le département.",
    "unmapped": [LETTERHEAD, "Appel à projets"],
}

# Keys whose value is free text: compared after whitespace, apostrophes and bullets are evened out.
TEXT_KEYS = frozenset(
    key
    for key, value in EXPECTED.items()
    if isinstance(value, str) or key.endswith("_cost") or key == "unmapped"
)

# Per sample: the keys whose expected value differs from EXPECTED.
UNKNOWN_BOXES = {
    "target_public.dalo_eligible": "unknown",
    "target_public.collective_agreements": "unknown",
    "target_public.pdalpd": "unknown",
    "housing.mobilisation": [],
    "housing.mobilisation_known": False,
    "finance.fndollts_funded": "unknown",
    "finance.fndollts_applied": "unknown",
    "department_opinion.reproducibility": None,
    "regional_opinion.verdict": None,
}
LATIN1_MONEY = {
    "finance.diagnostic_cost": {
        "amount_eur": 400,
        "basis": "household",
        "period": "once",
        "text": "400 euros l'expertise",
    },
    "finance.support_cost": {
        "amount_eur": 1440,
        "basis": "household",
        "period": "year",
        "text": "1440 euros à l'année",
    },
    "finance.global_cost": {
        "amount_eur": 47000,
        "basis": "project",
        "period": "year",
        "text": "47 000 euros par an pour le projet",
    },
    "finance.cofunding_text": "ETAT- AVDL = 7 000 euros\nRégion Nouvelle-Aquitaine = 12 000\neuros (acquis)\n"
    "Conseil départemental - FSL\n(demande en cours pour 2014)= 20 000 euros\nAppel à projet = 30 000 euros",
}
SAMPLE_EXPECTED: dict[str, dict[str, object]] = {
    "form_utf8.txt": {},
    "form_cp1252.txt": {},
    "form_latin1.txt": LATIN1_MONEY,
    # The Markdown table's header row is text of the source that is not part of the form.
    "form_markdown.md": {"unmapped": [LETTERHEAD, "Appel à projets", "Rubrique", "Réponse"]},
    "form_unknown_boxes.txt": UNKNOWN_BOXES,
    "form.docx": {},
    "form.odt": {},
    "form.pdf": {},
    "form_vector_boxes.pdf": {},
    "form_really_pdf.docx": {},
    "form.doc": {},
}

# Hostile files and the error code the importer must give for each.
HOSTILE_EXPECTED: dict[str, str] = {
    "zip_bomb.docx": "zip_bomb",
    "truncated.docx": "bad_zip",
    "encrypted.pdf": "encrypted",
    "broken.pdf": "bad_pdf",
    "garbage.bin": "binary",
    "empty.txt": "empty",
    "entities.docx": "xml_dtd",
    "image.png": "unsupported",
    "spreadsheet.xlsx": "unsupported",
}


def _answer_lines(answer) -> list[str]:
    """An answer as a list of lines."""
    return list(answer) if isinstance(answer, list) else [answer]


# --- text ---------------------------------------------------------------------------------------


def form_text(
    *,
    checked: str = CHECKED,
    unchecked: str = UNCHECKED,
    marks_first: bool = False,
    typographic: bool = True,
    euro: str = "€",
    split_label: bool = True,
) -> str:
    """The form as a text export; box marks, apostrophes and the euro sign vary with the arguments."""
    lines = [f" {LETTERHEAD}", "", ""]
    for item in FORM:
        kind = item[0]
        if kind in ("title", "heading", "text"):
            lines += [item[1], ""]
        elif kind == "field":
            label, answer = item[1], _answer_lines(item[2])
            if split_label and label == "Nombre de ménages accompagnés":
                lines += ["Nombre de ménages", f"accompagnés\u00a0: {answer[0]}"]
            elif len(answer) == 1:
                lines.append(f"{label}\u00a0: {answer[0]}")
            else:
                lines += [f"{label}\u00a0:", "", *answer]
            lines.append("")
        elif kind == "boxes":
            label, options = item[1], item[2]
            rendered = [
                (
                    f"{checked if ticked else unchecked} {option}"
                    if marks_first
                    else f"{option} {checked if ticked else unchecked}"
                )
                for option, ticked in options
            ]
            if len(options) == 2 and options[0][0] == "oui":
                lines += [f"{label}    {rendered[0]}", rendered[1], ""]
            else:
                lines += [label, *rendered, ""]
    text = "\n".join(lines) + "\n"
    if typographic:
        text = text.replace("'", "’")
    return text.replace("€", euro)


def form_markdown() -> str:
    """The form as Markdown: bold labels, marks before options, bullets, a table for the first fields."""
    lines = [f"*{LETTERHEAD}*", ""]
    table_done = False
    for item in FORM:
        kind = item[0]
        if kind == "title":
            lines += [f"# {item[1]}" if item[1].startswith("Présentation") else item[1], ""]
        elif kind == "heading":
            lines += [f"## {item[1]}", ""]
        elif kind == "text":
            lines += [f"_{item[1]}_", ""]
        elif kind == "field":
            label, answer = item[1], _answer_lines(item[2])
            if label in ("Localisation du projet", "Nom du projet") and not table_done:
                if label == "Localisation du projet":
                    lines += ["| Rubrique | Réponse |", "|---|---|"]
                lines.append(f"| **{label}** | {answer[0]} |")
                if label == "Nom du projet":
                    lines.append("")
                    table_done = True
                continue
            if len(answer) == 1:
                lines += [f"**{label}** : {answer[0]}", ""]
            else:
                lines += [f"**{label}** :", ""]
                lines += [f"* {line[2:]}" if line.startswith("- ") else line for line in answer]
                lines.append("")
        elif kind == "boxes":
            label, options = item[1], item[2]
            marks = "  ".join(f"{CHECKED if ticked else UNCHECKED} {option}" for option, ticked in options)
            if len(options) > 2 and "mobilisation" in label:
                lines += [f"**{label}**", ""]
                lines += [f"- {CHECKED if ticked else UNCHECKED} {option}" for option, ticked in options]
                lines.append("")
            else:
                lines += [f"**{label}** {marks}", ""]
    return "\n".join(lines) + "\n"


# --- docx ---------------------------------------------------------------------------------------


def _legacy_checkbox_runs(checked: bool, *, via_default: bool, with_separate: bool) -> list:
    """The runs of a legacy FORMCHECKBOX field (begin with ffData, instruction, [separate], end)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    if via_default:
        box = f'<w:checkBox><w:sizeAuto/><w:default w:val="{1 if checked else 0}"/></w:checkBox>'
    else:  # an explicit w:checked overrides the opposite default
        box = (
            f'<w:checkBox><w:sizeAuto/><w:default w:val="{0 if checked else 1}"/>'
            f'<w:checked w:val="{"true" if checked else "false"}"/></w:checkBox>'
        )
    runs = [
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Case"/><w:enabled/>'
        f'<w:calcOnExit w:val="0"/>{box}</w:ffData></w:fldChar></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>',
    ]
    if with_separate:
        runs.append(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>')
    runs.append(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>')
    return [parse_xml(run) for run in runs]


def _content_control_checkbox(checked: bool, shown: str | None = None):
    """A w14:checkbox content control; ``shown`` is the glyph displayed (the state lives in w14:checked)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    glyph = shown if shown is not None else (CHECKED if checked else UNCHECKED)
    return parse_xml(
        f'<w:sdt {nsdecls("w", "w14")}><w:sdtPr><w14:checkbox><w14:checked w14:val="{1 if checked else 0}"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
        '<w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic"/>'
        f"</w:rPr><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"
    )


def _add_boxes(paragraph, options, *, legacy: bool, counter: list[int]) -> None:
    """Options followed by their checkbox (legacy field or content control) inside one paragraph."""
    for option, ticked in options:
        paragraph.add_run(f"  {option} ")
        counter[0] += 1
        if legacy:
            for run in _legacy_checkbox_runs(
                ticked, via_default=counter[0] % 2 == 0, with_separate=counter[0] % 3 == 0
            ):
                paragraph._p.append(run)
        else:
            # One control displays the wrong glyph: the state must be read from w14:checked.
            shown = UNCHECKED if ticked and counter[0] == 3 else None
            paragraph._p.append(_content_control_checkbox(ticked, shown))


def form_docx() -> bytes:
    """The form as .docx: letterhead in the header, a label/answer table, legacy and content-control boxes."""
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = LETTERHEAD
    counter = [0]
    table = None
    table_labels = {
        "Localisation du projet",
        "Nom du projet",
        "Statut et nom du ou des porteur(s) du projet",
        "Descriptif sommaire du projet et objectifs poursuivis",
    }
    for item in FORM:
        kind = item[0]
        if kind == "title":
            document.add_paragraph(item[1], style="Title" if item[1].startswith("Présentation") else None)
        elif kind == "heading":
            document.add_heading(item[1].rstrip(" :"), level=2)
        elif kind == "text":
            document.add_paragraph(item[1])
        elif kind == "field":
            label, answer = item[1], _answer_lines(item[2])
            if label in table_labels:
                table = table or document.add_table(rows=0, cols=2)
                cells = table.add_row().cells
                if label.startswith("Descriptif"):  # a label broken across two lines of its cell
                    run = cells[0].paragraphs[0].add_run("Descriptif sommaire du projet")
                    run.add_break()
                    cells[0].paragraphs[0].add_run("et objectifs poursuivis")
                else:
                    cells[0].text = label
                cells[1].text = answer[0]
                continue
            paragraph = document.add_paragraph()
            if label == "Nombre de ménages accompagnés":  # a label split across runs, one of them bold
                paragraph.add_run("Nombre de mé").bold = True
                paragraph.add_run("nages accompagnés")
            else:
                paragraph.add_run(label).bold = True
            if len(answer) == 1:
                paragraph.add_run(f" : {answer[0]}")
            else:
                paragraph.add_run(" :")
                for line in answer:
                    if line.startswith("- "):
                        document.add_paragraph(line[2:], style="List Bullet")
                    else:
                        document.add_paragraph(line)
        elif kind == "boxes":
            label, options = item[1], item[2]
            if "mobilisation" in label:
                document.add_paragraph(label)
                for option, ticked in options:
                    _add_boxes(document.add_paragraph(), [(option, ticked)], legacy=False, counter=counter)
            elif label.startswith("Caractère"):
                row = document.add_table(rows=1, cols=2).rows[0]
                row.cells[0].text = label
                _add_boxes(row.cells[1].paragraphs[0], options, legacy=False, counter=counter)
            else:
                paragraph = document.add_paragraph(label)
                _add_boxes(paragraph, options, legacy=True, counter=counter)
    # A tracked deletion must not be read as text.
    paragraph = document.add_paragraph()
    deleted = OxmlElement("w:del")
    run = OxmlElement("w:r")
    text = OxmlElement("w:delText")
    text.text = "Texte supprimé à ne pas lire"
    run.append(text)
    deleted.append(run)
    paragraph._p.append(deleted)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- odt ----------------------------------------------------------------------------------------


def _fieldmark(checked: bool, name: str):
    """A LibreOffice form checkbox: field:fieldmark of type FORMCHECKBOX with its Checkbox_Checked param."""
    from odf.element import Element
    from odf.namespaces import FIELDNS, TEXTNS

    mark = Element(
        qname=(FIELDNS, "fieldmark"),
        qattributes={(TEXTNS, "name"): name, (FIELDNS, "type"): "vnd.oasis.opendocument.field.FORMCHECKBOX"},
        check_grammar=False,
    )
    mark.addElement(
        Element(
            qname=(FIELDNS, "param"),
            qattributes={
                (FIELDNS, "name"): "Checkbox_Checked",
                (FIELDNS, "value"): "true" if checked else "false",
            },
            check_grammar=False,
        ),
        check_grammar=False,
    )
    return mark


def form_odt() -> bytes:
    """The form as .odt (odfpy): a table for the first fields, checkbox fieldmarks, a bulleted list."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Footer, Header, MasterPage, PageLayout
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, LineBreak, List, ListItem, P, Span

    document = OpenDocumentText()
    layout = PageLayout(name="Page")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header = Header()
    header.addElement(P(text=LETTERHEAD))
    master.addElement(header)
    footer = Footer()
    footer.addElement(P(text="1"))
    master.addElement(footer)
    document.masterstyles.addElement(master)
    body = document.text
    table = None
    count = [0]
    for item in FORM:
        kind = item[0]
        if kind in ("title", "text"):
            body.addElement(P(text=item[1]))
        elif kind == "heading":
            body.addElement(H(outlinelevel=2, text=item[1]))
        elif kind == "field":
            label, answer = item[1], _answer_lines(item[2])
            if label in (
                "Localisation du projet",
                "Nom du projet",
                "Statut et nom du ou des porteur(s) du projet",
            ):
                if table is None:
                    table = Table(name="Identite")
                    table.addElement(TableColumn(numbercolumnsrepeated=2))
                    body.addElement(table)
                row = TableRow()
                for text in (label, answer[0]):
                    cell = TableCell()
                    cell.addElement(P(text=text))
                    row.addElement(cell)
                table.addElement(row)
                continue
            paragraph = P()
            if label == "Nombre de ménages accompagnés":
                paragraph.addElement(Span(text="Nombre de ménages"))
                paragraph.addElement(LineBreak())
                paragraph.addText("accompagnés")
            else:
                paragraph.addText(label)
            if len(answer) == 1:
                paragraph.addText(f" : {answer[0]}")
                body.addElement(paragraph)
            else:
                paragraph.addText(" :")
                body.addElement(paragraph)
                bullets = List()
                for line in answer:
                    if line.startswith("- "):
                        list_item = ListItem()
                        list_item.addElement(P(text=line[2:]))
                        bullets.addElement(list_item)
                    else:
                        body.addElement(P(text=line))
                body.addElement(bullets)
        elif kind == "boxes":
            label, options = item[1], item[2]
            paragraph = P(text=f"{label} ")
            for option, ticked in options:
                count[0] += 1
                paragraph.addText(f" {option} ")
                paragraph.addElement(_fieldmark(ticked, f"__Fieldmark__{count[0]}"), check_grammar=False)
            body.addElement(paragraph)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


# --- pdf ----------------------------------------------------------------------------------------

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)


def _pdf_font() -> tuple[str, bool]:
    """A font name for reportlab and whether it draws ☒/☐ (DejaVu Sans), else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVuSans", candidate))
            return "DejaVuSans", True
    return "Helvetica", False


# Placeholders for a box drawn as vector graphics (never text) in form_pdf(boxes="vector").
_DRAWN_CHECKED, _DRAWN_UNCHECKED = "\x01", "\x02"
BOX_SIZE = 7.5  # points


def _draw_box(pdf, x: float, y: float, ticked: bool, style: int) -> None:
    """A square drawn at (x, y) (baseline); a ticked one holds a cross, a tick or a Bézier tick (``style``)."""
    s = BOX_SIZE
    pdf.setLineWidth(0.6)
    pdf.rect(x, y - 1, s, s, stroke=1, fill=0)
    if not ticked:
        return
    pdf.setLineWidth(0.9)
    if style % 3 == 0:  # a cross: two separate lines
        pdf.line(x + 1.3, y, x + s - 1.3, y + s - 2)
        pdf.line(x + 1.3, y + s - 2, x + s - 1.3, y)
    elif style % 3 == 1:  # a tick: one polyline
        path = pdf.beginPath()
        path.moveTo(x + 1.2, y + 2.6)
        path.lineTo(x + 3, y + 0.4)
        path.lineTo(x + s - 1, y + s - 2.2)
        pdf.drawPath(path, stroke=1, fill=0)
    else:  # a tick drawn as a curve
        path = pdf.beginPath()
        path.moveTo(x + 1.2, y + 2.8)
        path.curveTo(x + 2.2, y + 1.6, x + 2.6, y + 0.6, x + 3.1, y + 0.3)
        path.curveTo(x + 4.2, y + 2.5, x + 5.4, y + 4.6, x + s - 0.9, y + s - 2.1)
        pdf.drawPath(path, stroke=1, fill=0)


def _draw_line(pdf, x: float, y: float, line: str, font: str, size: float, counter: list[int]) -> None:
    """One line of text; drawn-box placeholders become squares with their mark, not glyphs."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if _DRAWN_CHECKED not in line and _DRAWN_UNCHECKED not in line:
        pdf.drawString(x, y, line)
        return
    piece = ""
    for char in line + "\n":
        if char in (_DRAWN_CHECKED, _DRAWN_UNCHECKED, "\n"):
            if piece:
                pdf.drawString(x, y, piece)
                x += stringWidth(piece, font, size)
                piece = ""
            if char != "\n":
                counter[0] += 1
                _draw_box(pdf, x + 1, y, char == _DRAWN_CHECKED, counter[0])
                x += BOX_SIZE + 2
        else:
            piece += char


def form_pdf(boxes: str = "glyphs") -> bytes:
    """The form as a two-page PDF with a running letterhead and page numbers.

    ``boxes="glyphs"``: ☒/☐ written as text (DejaVu Sans); ``boxes="vector"``: each box drawn as a
    square with a cross, a tick or a curved tick inside when ticked, and no box glyph in the text.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    font, has_glyphs = _pdf_font()
    if boxes == "vector":
        checked, unchecked = _DRAWN_CHECKED, _DRAWN_UNCHECKED
    else:
        checked, unchecked = (CHECKED, UNCHECKED) if has_glyphs else ("[X]", "[ ]")
    text = form_text(checked=checked, unchecked=unchecked, typographic=False, split_label=False)
    if font == "Helvetica":
        text = text.replace("œ", "oe")
    lines = text.split("\n")[3:]  # the letterhead is drawn as a running head instead
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    width, height = A4
    size, leading, margin = 9, 12, 50
    counter = [0]
    pages: list[list[str]] = [[]]
    for line in lines:
        if line == "Accompagnement":
            pages.append([])  # forces a second page, so the running head repeats
        pages[-1].extend(simpleSplit(line, font, size, width - 2 * margin) or [""])
    for number, page in enumerate(pages, start=1):
        pdf.setFont(font, size)
        pdf.drawString(margin, height - 30, LETTERHEAD)
        pdf.drawString(width / 2, 25, f"Page {number} / {len(pages)}")
        y = height - 60
        for line in page:
            if y < 50:
                pdf.showPage()
                pdf.setFont(font, size)
                pdf.drawString(margin, height - 30, LETTERHEAD)
                y = height - 60
            _draw_line(pdf, margin, y, line, font, size, counter)
            y -= leading
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scanned_pdf(
    source: bytes, *, dpi: int = 200, angle: float = 1.2, blur: float = 0.7, pages: int | None = None
) -> bytes:
    """``source`` as a scan: each page (the first ``pages`` only, if given) rasterised (pypdfium2),
    slightly rotated and blurred (Pillow), in grey JPEG, written back as a PDF of page images with
    no text layer."""
    import pypdfium2
    from PIL import Image, ImageFilter

    document = pypdfium2.PdfDocument(source)
    images = []
    try:
        for index, page in enumerate(document):
            if pages is not None and index >= pages:
                break
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            # Alternate the direction of the skew, as pages fed one by one into a scanner.
            turned = image.rotate(
                angle if index % 2 == 0 else -angle * 0.7,
                resample=Image.Resampling.BICUBIC,
                expand=False,
                fillcolor=255,
            )
            images.append(turned.filter(ImageFilter.GaussianBlur(blur)))
    finally:
        document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=80)
    return buffer.getvalue()


# --- hostile files -------------------------------------------------------------------------------


def zip_bomb(uncompressed_mb: int = 60) -> bytes:
    """A .docx whose document.xml inflates to ``uncompressed_mb`` MB of blanks (a few dozen KB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>')
            chunk = b" " * (1024 * 1024)
            for _ in range(uncompressed_mb):
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return buffer.getvalue()


def entity_bomb_docx() -> bytes:
    """A .docx whose document.xml declares nested entities (the "billion laughs")."""
    entities = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def encrypted_pdf(source: bytes) -> bytes:
    """``source`` encrypted with a user password (RC4, so no crypto library is needed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def spreadsheet() -> bytes:
    """A minimal zip laid out like an .xlsx workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _doc_from_docx(docx_bytes: bytes) -> bytes | None:
    """A Word 97 copy of a .docx made by LibreOffice, or None without ``soffice``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as workdir:
        source = Path(workdir) / "form.docx"
        source.write_bytes(docx_bytes)
        profile = (Path(workdir) / "profile").as_uri()
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "doc",
                "--outdir",
                workdir,
                str(source),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        target = Path(workdir) / "form.doc"
        return target.read_bytes() if target.exists() else None


# --- entry points -------------------------------------------------------------------------------


def write_samples(
    directory: str | Path, *, hostile: bool = True, include_doc: bool = True, scanned: bool = True
) -> dict[str, Path]:
    """Write every sample into ``directory``; returns file name → path.

    Complete forms are listed in SAMPLE_EXPECTED (the .doc only when LibreOffice is installed),
    hostile files in HOSTILE_EXPECTED.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pdf = form_pdf()
    vector_pdf = form_pdf(boxes="vector")
    docx_bytes = form_docx()
    files: dict[str, bytes] = {
        "form_utf8.txt": form_text().encode("utf-8"),
        "form_cp1252.txt": form_text(checked="X", unchecked="FORMCHECKBOX", typographic=True).encode(
            "cp1252"
        ),
        "form_latin1.txt": form_text(checked="[X]", unchecked="[ ]", typographic=False, euro="euros")
        .replace("400euros", "400 euros")
        .replace("000euros", "000 euros")
        .replace("œ", "oe")
        .replace("…", "...")
        .encode("latin-1"),
        "form_markdown.md": form_markdown().encode("utf-8"),
        "form_unknown_boxes.txt": form_text(checked="FORMCHECKBOX", unchecked="FORMCHECKBOX").encode("utf-8"),
        "form.docx": docx_bytes,
        "form.odt": form_odt(),
        "form.pdf": pdf,
        "form_vector_boxes.pdf": vector_pdf,
        "form_really_pdf.docx": pdf,
    }
    if scanned:
        files["form_scanned.pdf"] = scanned_pdf(vector_pdf)
    if include_doc:
        doc = _doc_from_docx(docx_bytes)
        if doc is not None:
            files["form.doc"] = doc
    if hostile:
        noise = random.Random(1234)
        files.update(
            {
                "zip_bomb.docx": zip_bomb(),
                "truncated.docx": docx_bytes[: len(docx_bytes) // 2],
                "encrypted.pdf": encrypted_pdf(pdf),
                "broken.pdf": b"%PDF-1.7\n" + bytes(noise.randrange(256) for _ in range(4000)),
                "garbage.bin": bytes(noise.randrange(256) for _ in range(8000)),
                "empty.txt": b"",
                "entities.docx": entity_bomb_docx(),
                "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
                "spreadsheet.xlsx": spreadsheet(),
            }
        )
    paths: dict[str, Path] = {}
    for name, data in files.items():
        path = directory / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def main(argv: list[str]) -> int:
    """Write the samples into the directory given (default var/samples/) and list them."""
    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "var" / "samples"
    for path in write_samples(target).values():
        print(f"{path} ({path.stat().st_size} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
