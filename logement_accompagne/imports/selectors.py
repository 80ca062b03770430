"""Reads of an import under review: the organisations the document names that the platform knows,
proposed (never attached) as co-carriers, and the warnings to show before the draft is created."""

from logement_accompagne.dossiers.duplicates import department_warning, duplicate_warnings
from logement_accompagne.importer.schema import get as get_path
from logement_accompagne.organisations.enums import STATE_KINDS
from logement_accompagne.organisations.models import Organisation, organisation_name_key

# Words a document may put before a name, or leave out ("association AHU" read as "AHU", an
# organisation registered as "Association AHU"): the variants of a name's key with and without them.
KIND_PREFIXES = ("association", "asso", "oph", "officepublicdelhabitat", "esh", "sahlm", "sadhlm", "sem",
                 "cooperative", "coop", "fondation")  # fmt: skip


def name_variants(key: str) -> set[str]:
    if not key:
        return set()
    core = next(
        (
            key[len(prefix) :]
            for prefix in KIND_PREFIXES
            if key.startswith(prefix) and len(key) > len(prefix) + 1
        ),
        key,
    )
    return {key, core, *(prefix + core for prefix in KIND_PREFIXES)}


def proposed_co_carriers(job, canonical: dict | None = None):
    """Known organisations whose name matches a carrier the document names (other than the
    uploader's): all of them when two share the name, for the person to choose, none attached."""
    document = canonical if canonical is not None else (job.canonical or {})
    keys = set()
    for item in get_path(document, "carriers.organisations"):
        keys |= name_variants(organisation_name_key(item["name"]))
    keys.discard("")
    if not keys:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(name_key__in=keys)
        .exclude(kind__in=STATE_KINDS)
        .exclude(pk=job.organisation_id)
        .select_related("department")
        .order_by("name", "pk")
    )


def review_warnings(job, canonical: dict | None = None) -> list[str]:
    """A possible duplicate among the carrier's dossiers (any call), and a document placed outside
    the carrier's department."""
    document = canonical if canonical is not None else (job.canonical or {})
    warnings = duplicate_warnings(organisation_ids=[job.organisation_id], name=document.get("name") or "")
    if message := department_warning(
        organisation=job.organisation, department_codes=get_path(document, "location.department_codes")
    ):
        warnings.append(message)
    return warnings
