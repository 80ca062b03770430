"""Exports of dossier lists: columns chosen by the person, CSV / XLSX / ODS written as a stream.

Rows come from `values_list(...).iterator()` in chunks, so memory stays flat whatever the
number of dossiers: CSV and ODS are produced chunk by chunk (ODS: our own content.xml,
gathered in blocks of ~64 KB before stream-zip compresses them, see `ods_chunks`), XLSX through openpyxl's write-only workbook into a temporary file.
Multi-valued columns (departments, carriers) are joined by the database.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.db.models import Aggregate, CharField, F, OuterRef, QuerySet, Subquery
from openpyxl import Workbook
from stream_zip import NO_COMPRESSION_32, ZIP_32, stream_zip

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier, DossierCarrier

from .indicators import latest_amount

CHUNK = 500  # rows fetched at a time: at most two chunks are held at once, whatever the size
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
}


class JoinedText(Aggregate):
    """Values of a group joined with « , » (string_agg on PostgreSQL, group_concat on SQLite)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ', ')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ', ')",
            **extra,
        )


def _joined(queryset, field: str) -> Subquery:
    return Subquery(
        queryset.annotate(joined=JoinedText(F(field))).values("joined")[:1], output_field=CharField()
    )


DossierDepartment = Dossier.departments.through


@dataclass(frozen=True)
class Column:
    label: str
    expression: object  # a field name or an expression annotated on the dossiers
    convert: object = None  # applied to one value while writing (labels of choices)


STATUS_LABELS = dict(Status.choices)

COLUMNS: dict[str, Column] = {
    "reference": Column("Référence", "reference", str),
    "name": Column("Nom du projet", "name"),
    "call": Column("Appel à projets", "call__title"),
    "status": Column("État", "status", STATUS_LABELS.get),
    "departments": Column(
        "Départements",
        _joined(DossierDepartment.objects.filter(dossier_id=OuterRef("pk")).order_by(), "department_id"),
    ),
    "carriers": Column(
        "Porteurs",
        _joined(DossierCarrier.objects.filter(dossier_id=OuterRef("pk")).order_by(), "organisation__name"),
    ),
    "submitted_at": Column("Déposé le", "submitted_at"),
    "households": Column("Ménages", "households"),
    "dwellings": Column("Logements", "dwellings"),
    "requested": Column("Montant demandé (€)", "requested_amount_eur"),
    "granted": Column("Montant accordé (€)", latest_amount()),
    "duration_months": Column("Durée (mois)", "duration_months"),
    "partners": Column("Partenaires", "partners"),
}
DEFAULT_COLUMNS = ["reference", "name", "call", "status", "departments", "carriers", "households", "dwellings",
                   "requested", "granted"]  # fmt: skip


def header(columns: list[str]) -> list[str]:
    return [COLUMNS[key].label for key in columns]


def rows(dossiers: QuerySet[Dossier], columns: list[str]) -> Iterator[list]:
    """The chosen columns of each dossier, fetched from the database in chunks."""
    annotations = {
        f"x_{key}": COLUMNS[key].expression for key in columns if not isinstance(COLUMNS[key].expression, str)
    }
    fields = [f"x_{key}" if f"x_{key}" in annotations else COLUMNS[key].expression for key in columns]
    converters = [COLUMNS[key].convert for key in columns]
    queryset = dossiers.order_by("pk").annotate(**annotations).values_list(*fields)
    for values in queryset.iterator(chunk_size=CHUNK):
        yield [
            _plain(convert(value) if convert and value is not None else value)
            for value, convert in zip(values, converters, strict=True)
        ]


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


class _Echo:
    def write(self, value):
        return value


def csv_chunks(head: list[str], body: Iterable[list]) -> Iterator[str]:
    """CSV for French spreadsheets: BOM, « ; » separator; written line by line."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(head)
    for row in body:
        yield writer.writerow(["" if value is None else value for value in row])


ODS_BLOCK = 1 << 16  # characters of content.xml handed to the compressor at once
_ODS_MODIFIED_AT = datetime.datetime(2026, 1, 1)
_ODS_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    b'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    b'<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)
_ODS_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-styles '
    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    b'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2">'
    b'<office:styles><number:date-style style:name="data-date">'
    b'<number:year number:style="long"/><number:text>-</number:text>'
    b'<number:month number:style="long"/><number:text>-</number:text>'
    b'<number:day number:style="long"/></number:date-style>'
    b'<style:style style:name="date" style:family="table-cell" style:data-style-name="data-date"/>'
    b"</office:styles></office:document-styles>"
)


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        typed = f'office:value-type="boolean" office:boolean-value="{str(value).lower()}"'
        text = str(value).lower()
    elif isinstance(value, datetime.datetime):
        text = value.replace(microsecond=0).isoformat()
        typed = f'office:value-type="date" office:date-value="{text}"'
    elif isinstance(value, datetime.date):
        text = value.isoformat()
        typed = f'office:value-type="date" office:date-value="{text}" table:style-name="date"'
    elif isinstance(value, int | float):
        text = str(value)
        typed = f'office:value-type="float" office:value="{text}"'
    else:
        text = str(value)
        typed = 'office:value-type="string"'
    return f"<table:table-cell {typed}><text:p>{escape(text)}</text:p></table:table-cell>"


def _ods_row(values) -> str:
    return "<table:table-row>" + "".join(_ods_cell(value) for value in values) + "</table:table-row>"


def _ods_content(head: list[str], body: Iterable[list], sheet: str) -> Iterator[bytes]:
    """content.xml in blocks of ~ODS_BLOCK characters.

    stream-write-ods yielded one tiny string per XML fragment (~80 per row): zlib answers most of them
    with b"", and stream-zip joins its output only every 64 KB *compressed*, keeping a list entry per
    fragment meanwhile; on repetitive rows that is thousands of rows, ~2.5 KB each. Whole blocks keep
    that list to a few entries, so memory no longer grows with the number of rows.
    """
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet><table:table table:name={quoteattr(sheet)}>"
        f'<table:table-column table:number-columns-repeated="{len(head)}"/>'
        f"<table:table-header-rows>{_ods_row(head)}</table:table-header-rows>"
    ]
    size = len(parts[0])
    for row in body:
        line = _ods_row(row)
        parts.append(line)
        size += len(line)
        if size >= ODS_BLOCK:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("</table:table></office:spreadsheet></office:body></office:document-content>")
    yield "".join(parts).encode("utf-8")


def ods_chunks(head: list[str], body: Iterable[list], sheet: str = "Dossiers") -> Iterator[bytes]:
    """An OpenDocument spreadsheet zipped as it is written (numbers as numbers, dates as dates)."""
    files = [
        (
            "mimetype",
            _ODS_MODIFIED_AT,
            0o600,
            NO_COMPRESSION_32,
            (b"application/vnd.oasis.opendocument.spreadsheet",),
        ),
        ("META-INF/manifest.xml", _ODS_MODIFIED_AT, 0o600, ZIP_32, (_ODS_MANIFEST,)),
        ("styles.xml", _ODS_MODIFIED_AT, 0o600, ZIP_32, (_ODS_STYLES,)),
        ("content.xml", _ODS_MODIFIED_AT, 0o600, ZIP_32, _ods_content(head, body, sheet)),
    ]
    return stream_zip(files, extended_timestamps=False)


def xlsx_file(head: list[str], body: Iterable[list], sheet: str = "Dossiers"):
    """A temporary file holding the workbook (openpyxl write-only: rows are not kept in memory)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(head)
    for row in body:
        worksheet.append(row)
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output


def write(fmt: str, head: list[str], body: Iterable[list], destination) -> None:
    """Write a whole export into a binary file object (used by the background task)."""
    if fmt == "csv":
        for chunk in csv_chunks(head, body):
            destination.write(chunk.encode("utf-8"))
    elif fmt == "ods":
        for chunk in ods_chunks(head, body):
            destination.write(chunk)
    else:
        with xlsx_file(head, body) as produced:
            while block := produced.read(1 << 16):
                destination.write(block)
