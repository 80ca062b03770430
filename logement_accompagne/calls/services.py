"""Writes on calls for projects: the national level creates and edits a call and its rules.

A call's rules (dates, envelope, cap per project, durations, target, required documents) are
data that the dossiers' checks read at submission and at decision.
"""

import logging

from django.db import transaction

from .models import Call, RequiredDocument

logger = logging.getLogger(__name__)

CALL_FIELDS = (
    "title", "year", "opens_on", "closes_on", "envelope_eur", "project_cap_eur",
    "min_duration_months", "max_duration_months", "national_target",
)  # fmt: skip


def _clean_labels(labels: list[str]) -> list[str]:
    cleaned: list[str] = []
    for label in labels:
        label = " ".join(label.split())[:255]
        if label and label.casefold() not in {seen.casefold() for seen in cleaned}:
            cleaned.append(label)
    return cleaned


@transaction.atomic
def save_call(*, user, values: dict, required_documents: list[str], call: Call | None = None,
              slug: str = "") -> Call:  # fmt: skip
    """Create (call=None) or change a call and its list of required documents, in one transaction.

    Who may is decided a floor above (dossiers.services.manage_call: the national level).
    """
    unknown = set(values) - set(CALL_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    if call is None:
        call = Call(slug=slug)
    else:
        call = Call.objects.select_for_update().get(pk=call.pk)
    for name, value in values.items():
        setattr(call, name, value)
    call.full_clean()
    call.save()
    labels = _clean_labels(required_documents)
    kept = {document.label: document for document in call.required_documents.all()}
    for label, document in kept.items():
        if label not in labels:
            document.delete()
    for position, label in enumerate(labels):
        document = kept.get(label)
        if document is None:
            RequiredDocument.objects.create(call=call, label=label, position=position)
        elif document.position != position:
            document.position = position
            document.save(update_fields=["position"])
    logger.info("call %s saved by %s", call.slug, getattr(user, "pk", None))
    return call
