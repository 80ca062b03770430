"""The public catalogue of practices: selected projects whose carrier agreed to publish them.

Nothing personal leaves here: the project's own descriptive fields, its territory, its call, the
reproducibility of the latest departmental opinion and the number of households accompanied (a
count, shown only from 5 households). Never a household, a person's name or an e-mail.

Search: on PostgreSQL, French full-text search (``french`` configuration) over the name, summary,
support method and partners, accents ignored through the ``unaccent`` extension when it is there,
served by a GIN index on that very expression (migration 0004);
on other databases, a word-by-word ``icontains`` over an accent-folded copy computed in Python.
"""

from functools import lru_cache

from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from logement_accompagne.dossiers.enums import Reproducibility, Status
from logement_accompagne.dossiers.models import DepartmentalOpinion, Dossier
from logement_accompagne.households.enums import SupportKind
from logement_accompagne.households.models import SupportEpisode
from logement_accompagne.importer.textnorm import fold

from .territories import DossierDepartment, in_department

SEARCHED = ("name", "summary", "support_method", "partners")

# The searched document on PostgreSQL, written once for the query and for its GIN index (migration
# reporting 0004): the same expression, so that the planner uses the index. `catalogue_unaccent` is
# an IMMUTABLE wrapper of `unaccent` (an index needs an immutable expression).
UNACCENT_FUNCTION = "catalogue_unaccent"
INDEX_NAME = "dossier_catalogue_search_idx"
DOCUMENT_SQL = (
    "to_tsvector('french'::regconfig, " + UNACCENT_FUNCTION + "("
    "coalesce({name}, '') || ' ' || coalesce({summary}, '') || ' ' || "
    "coalesce({support_method}, '') || ' ' || coalesce({partners}, '')))"
)
SMALL = 5  # a count of households under this is not shown publicly

# What the public pages show of a dossier: only these fields are read.
PUBLIC_FIELDS = (
    "reference", "call_id", "name", "summary", "location_text", "target_characteristics", "households",
    "households_approximate", "dwellings", "dwellings_approximate", "mobilisation_new_supply",
    "mobilisation_adapted_existing", "mobilisation_existing_unadapted",
    "mobilisation_low_rent_reclassification", "mobilisation_known", "housing_typology", "support_method",
    "partners", "duration_text",
)  # fmt: skip


def published() -> QuerySet[Dossier]:
    """Selected dossiers whose carrier's publication consent is given and not withdrawn."""
    return Dossier.objects.filter(
        status=Status.SELECTED,
        publication_consent__isnull=False,
        publication_consent__withdrawn_at__isnull=True,
    )


def _latest_reproducibility():
    return Subquery(
        DepartmentalOpinion.objects.filter(dossier=OuterRef("pk"))
        .exclude(reproducibility="")
        .order_by("-version")
        .values("reproducibility")[:1]
    )


def _accompanied():
    return Subquery(
        SupportEpisode.objects.filter(dossier=OuterRef("pk"))
        .exclude(kind=SupportKind.DIAGNOSTIC)
        .order_by()
        .values("dossier")
        .annotate(n=Count("household", distinct=True))
        .values("n")[:1]
    )


@lru_cache(maxsize=1)
def _has_unaccent() -> bool:
    """The immutable `unaccent` wrapper of migration 0004 exists (so does the extension and the index)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [f"{UNACCENT_FUNCTION}(text)"])
        return bool(cursor.fetchone()[0])


def _words(text: str) -> list[str]:
    return [word for word in fold(text).lower().replace("'", " ").replace("’", " ").split() if word]


def search(dossiers: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    """The dossiers whose name, summary, method or partners match every word of ``text``."""
    words = _words(text)
    if not words:
        return dossiers
    if connection.vendor == "postgresql" and _has_unaccent():
        table = connection.ops.quote_name(Dossier._meta.db_table)
        columns = {field: f"{table}.{connection.ops.quote_name(field)}" for field in SEARCHED}
        matches = RawSQL(
            f"{DOCUMENT_SQL.format(**columns)} @@ plainto_tsquery('french'::regconfig, {UNACCENT_FUNCTION}(%s))",
            [" ".join(words)],
            output_field=BooleanField(),
        )
        return dossiers.filter(matches)
    # Fallback (SQLite, or PostgreSQL without `unaccent`): fold in Python the few published dossiers, then keep those matching.
    matching = []
    for pk, *values in dossiers.values_list("pk", *SEARCHED):
        haystack = fold(" ".join(value or "" for value in values)).lower()
        if all(word in haystack for word in words):
            matching.append(pk)
    return dossiers.filter(pk__in=matching)


def catalogue(
    *, text: str = "", region: str = "", department: str = "", call=None, reproducibility: str = ""
):
    """The published projects, filtered and searched, with their reproducibility and results."""
    dossiers = published()
    if call:
        dossiers = dossiers.filter(call=call)
    if department:
        dossiers = dossiers.filter(in_department(department))
    if region:
        links = DossierDepartment.objects.filter(dossier_id=OuterRef("pk")).filter(
            Q(department__region_id=region) | Q(department__former_region_id=region)
        )
        dossiers = dossiers.filter(Exists(links))
    dossiers = dossiers.annotate(latest_reproducibility=_latest_reproducibility())
    if reproducibility in Reproducibility.values:
        dossiers = dossiers.filter(latest_reproducibility=reproducibility)
    dossiers = search(dossiers, text)
    return (
        dossiers.annotate(accompanied=_accompanied())
        .select_related("call")
        .prefetch_related("departments__region")
        .only(*PUBLIC_FIELDS, "call__title", "call__year", "call__id", "status")
        .order_by("name", "pk")
    )


def published_project(reference) -> Dossier:
    """One published project (raises Dossier.DoesNotExist when unpublished or unknown)."""
    return catalogue().get(reference=reference)


def public_results(dossier) -> str:
    """The households accompanied, as shown to the public: nothing under 5."""
    count = getattr(dossier, "accompanied", None) or 0
    if count >= SMALL:
        return f"{count} ménages accompagnés à ce jour"
    if count > 0:
        return "Moins de 5 ménages accompagnés à ce jour"
    return ""
