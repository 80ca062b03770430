"""Warnings when a dossier comes in (created on the web or imported): a possible duplicate of a
dossier the same carrier already has, in any call, and a document placed outside the carrier's
department. They warn, never refuse: a carrier may run two projects of similar names."""

from difflib import SequenceMatcher

from logement_accompagne.importer.textnorm import name_key

from .models import Dossier

# Two names whose comparison keys are this similar (or one contained in the other) are "close".
CLOSE_RATIO = 0.85


def close_names(first: str, second: str) -> bool:
    a, b = name_key(first), name_key(second)
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 8 and (a in b or b in a)):
        return True
    return SequenceMatcher(None, a, b).ratio() >= CLOSE_RATIO


def possible_duplicates(*, organisation_ids, name: str, exclude_pk=None) -> list[Dossier]:
    """Dossiers carried by these organisations, in any call, whose name is close to `name`."""
    if not name_key(name):
        return []
    dossiers = (
        Dossier.objects.filter(carrier_links__organisation_id__in=list(organisation_ids))
        .exclude(pk=exclude_pk)
        .select_related("call")
        .only("pk", "name", "reference", "status", "call__title")
        .distinct()
    )
    return [dossier for dossier in dossiers if close_names(dossier.name, name)]


def duplicate_warnings(*, organisation_ids, name: str, exclude_pk=None) -> list[str]:
    return [
        f"Doublon possible : votre organisation porte déjà le dossier « {dossier} » "
        f"(réf. {dossier.short_reference}, appel « {dossier.call} », {dossier.get_status_display().lower()}) "
        "au nom proche. Vérifiez qu'il ne s'agit pas du même projet."
        for dossier in possible_duplicates(
            organisation_ids=organisation_ids, name=name, exclude_pk=exclude_pk
        )
    ]


def department_warning(*, organisation, department_codes) -> str:
    """'' when the document's departments include the organisation's (or either is unknown)."""
    codes = [code for code in department_codes if code]
    if not codes or not organisation.department_id or organisation.department_id in codes:
        return ""
    return (
        f"Le document situe le projet dans le département {', '.join(codes)}, alors que « {organisation} » "
        f"est rattachée au département {organisation.department_id}. Vérifiez le territoire du projet : "
        "c'est lui qui désigne les services de l'État qui instruiront le dossier."
    )


def arrival_warnings(dossier: Dossier, *, organisation) -> list[str]:
    """Every warning for a dossier that just came in for `organisation`."""
    warnings = duplicate_warnings(
        organisation_ids=[organisation.pk], name=dossier.name, exclude_pk=dossier.pk
    )
    codes = list(dossier.departments.values_list("code", flat=True))
    if message := department_warning(organisation=organisation, department_codes=codes):
        warnings.append(message)
    return warnings
