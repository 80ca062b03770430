"""Exports of dossier lists: columns chosen by the person, CSV / XLSX / ODS written as a stream.

Rows come from `values_list(...).iterator()` in chunks, so memory stays flat whatever the
number of dossiers: CSV and ODS are produced chunk by chunk (ODS through stream-write-ods,
which zips as it goes), XLSX through openpyxl's write-only workbook into a temporary file.
Multi-valued columns (departments, carriers) are joined by the database.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Aggregate, CharField, F, OuterRef, QuerySet, Subquery
from openpyxl import Workbook
from stream_write_ods import stream_write_ods

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier, DossierCarrier

from .indicators import latest_amount

CHUNK = 2000
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


def ods_chunks(head: list[str], body: Iterable[list], sheet: str = "Dossiers") -> Iterator[bytes]:
    return stream_write_ods([(sheet, head, ([_ods_value(value) for value in row] for row in body))])


def _ods_value(value):
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)
    return value


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
