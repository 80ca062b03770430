"""Exports: contents in the three formats, the list's filters, scoping, background production."""

import csv
import datetime
import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from logement_accompagne.reporting import exports
from logement_accompagne.reporting.models import Export
from tests.lifecycle import GRANTED

COLUMNS = ["name", "status", "departments", "households", "granted"]


def export(client, user, fmt="csv", **filters):
    client.force_login(user)
    response = client.get(reverse("reporting:export"), {"format": fmt, "columns": COLUMNS, **filters})
    assert response.status_code == 200, response.status_code
    return response


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_holds_the_chosen_columns_of_every_visible_dossier(client, programme):
    rows = csv_rows(export(client, programme.committee))
    assert rows[0] == ["Nom du projet", "État", "Départements", "Ménages", "Montant accordé (€)"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {
        "Bail glissant Orléans",
        "Petit projet Tours",
        "Landes accompagnées",
        "Nouveau Loiret",
    }
    assert by_name["Petit projet Tours"] == ["Petit projet Tours", "Retenu", "37", "3", str(float(GRANTED))]
    assert by_name["Nouveau Loiret"][4] == ""


def test_an_instructor_exports_only_his_territory(client, programme):
    rows = csv_rows(export(client, programme.dept45))
    assert sorted(row[0] for row in rows[1:]) == ["Bail glissant Orléans", "Nouveau Loiret"]
    # Asking for another department's dossiers through the filter gives nothing, not them.
    assert csv_rows(export(client, programme.dept45, department="40"))[1:] == []


def test_the_list_filters_are_kept(client, programme):
    rows = csv_rows(export(client, programme.committee, status="selected", call=programme.call_a.pk))
    assert sorted(row[0] for row in rows[1:]) == ["Bail glissant Orléans", "Petit projet Tours"]


def test_xlsx_and_ods_hold_the_same_rows(client, programme):
    response = export(client, programme.region24, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    values = list(sheet.values)
    assert values[0][0] == "Nom du projet" and len(values) == 1 + 3
    assert ("Petit projet Tours", "Retenu", "37", 3, int(GRANTED)) in values
    ods = b"".join(export(client, programme.region24, fmt="ods").streaming_content)
    with zipfile.ZipFile(io.BytesIO(ods)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = archive.read("content.xml").decode()
    assert content.count("<table:table-row>") == 1 + 3
    assert "Petit projet Tours" in content and "Landes" not in content
    from odf.opendocument import load  # the ODS opens in a real reader

    assert load(io.BytesIO(ods)).spreadsheet is not None


def test_a_large_export_is_produced_in_the_background(
    client, programme, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_BACKGROUND_THRESHOLD = 1
    client.force_login(programme.dept45)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reporting:export"), {"format": "csv", "columns": COLUMNS})
    export_row = Export.objects.get()
    assert response.status_code == 302 and str(export_row.reference) in response["Location"]
    assert export_row.state == Export.State.READY and export_row.rows == 2  # the test backend runs at once
    page = client.get(response["Location"]).content.decode()
    assert "Le fichier est prêt" in page
    download = client.get(reverse("reporting:export_download", args=[export_row.reference]))
    text = b"".join(download.streaming_content).decode()
    assert "Bail glissant Orléans" in text and "Petit projet Tours" not in text
    # Somebody else cannot fetch it.
    client.force_login(programme.committee)
    assert client.get(reverse("reporting:export_download", args=[export_row.reference])).status_code == 404


def test_bad_export_requests_answer_in_french(client, programme):
    client.force_login(programme.committee)
    response = client.get(reverse("reporting:export"), {"format": "pdf", "columns": ["nope"]})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Export.objects.count() == 0


def test_canonical_json_of_a_dossier_only_for_who_sees_it(client, programme):
    client.force_login(programme.dept37)
    response = client.get(reverse("reporting:dossier_json", args=[programme.d2.reference]))
    assert response.status_code == 200 and response.json()["name"] == "Petit projet Tours"
    assert client.get(reverse("reporting:dossier_json", args=[programme.d1.reference])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "ods"])
def test_exports_are_streamed(client, programme, fmt):
    assert export(client, programme.committee, fmt=fmt).streaming


def _ods_body(count):
    for number in range(count):
        yield [
            f"Projet {number} <&>",
            "Retenu",
            "37, 41",
            number,
            1234.5,
            datetime.date(2026, 3, 1),
            None,
            True,
        ]


def test_ods_keeps_types_and_opens_in_odfpy():
    from odf.opendocument import load
    from odf.table import TableCell, TableRow

    head = ["Nom", "État", "Départements", "Ménages", "Montant", "Déposé le", "Vide", "Oui"]
    document = load(io.BytesIO(b"".join(exports.ods_chunks(head, _ods_body(3)))))
    rows = document.spreadsheet.getElementsByType(TableRow)
    assert len(rows) == 1 + 3
    cells = rows[2].getElementsByType(TableCell)
    attributes = [(cell.getAttribute("valuetype"), cell.getAttribute("value") or cell.getAttribute("datevalue"))
                  for cell in cells]  # fmt: skip
    assert attributes[0] == ("string", None) and str(cells[0]) == "Projet 1 <&>"
    assert attributes[3] == ("float", "1") and attributes[4] == ("float", "1234.5")
    assert attributes[5] == ("date", "2026-03-01") and cells[7].getAttribute("booleanvalue") == "true"


def _ods_peak(count):
    tracemalloc.start()
    try:
        for _chunk in exports.ods_chunks(["a"] * 8, _ods_body(count)):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_ods_memory_does_not_grow_with_the_rows():
    small, large = _ods_peak(2_000), _ods_peak(20_000)
    # Before blocks of content.xml: ~2.5 KB kept per row, i.e. ~45 MB more for 18 000 rows.
    assert large - small < 300_000, (small, large)
