"""Writes to the security journal: each one function, one transaction, append-only."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import FieldChange, PasswordResetRequest, ReadEntry


# A stable, short name per kind of record, whatever the app it lives in ("dossiers.dossier").
def target_type_of(target) -> str:
    return target._meta.label_lower


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_email": ""}
    return {"actor": actor, "actor_email": actor.email[:254]}


def record_read(
    actor, target=None, *, target_type: str = "", target_id=None, household=None, detail: str = ""
) -> ReadEntry:
    """Journal that `actor` read `target` (a model instance, or `target_type` + `target_id`).

    `household`: the household whose personal data was read (an instance or its id), when there is
    one, so that "who read this household's data" is one indexed query.
    """
    if target is not None:
        target_type, target_id = target_type_of(target), target.pk
    if not target_type or target_id is None:
        raise ValueError("record_read: un objet, ou un type et un identifiant, sont nécessaires.")
    household_ref = "" if household is None else str(getattr(household, "pk", household))
    return ReadEntry.objects.create(
        **_actor_fields(actor), target_type=target_type[:64], target_id=str(target_id)[:64],
        household_ref=household_ref[:64], detail=detail[:255],
    )  # fmt: skip


def record_reads(actor, target_type: str, reads, *, detail: str = "") -> int:
    """Journal several reads at once (a list page): `reads` holds (target id, household id or None),
    one entry each, in one INSERT. Returns how many entries were written.

    The ORM's ``bulk_create`` is kept although a hand-written INSERT measured 0.7 ms faster for 50
    rows on PostgreSQL: the journal is evidence, written by the one path every other entry takes."""
    actor_fields = _actor_fields(actor)
    entries = [
        ReadEntry(**actor_fields, target_type=target_type[:64], target_id=str(target_id)[:64],
                  household_ref="" if household is None else str(household)[:64], detail=detail[:255])
        for target_id, household in reads
    ]  # fmt: skip
    ReadEntry.objects.bulk_create(entries, batch_size=100)
    return len(entries)


def record_changes(actor, target, before: dict, after: dict) -> list[FieldChange]:
    """Journal every key whose value differs between `before` and `after` (one row per field).

    Values are stored as JSON (dates, decimals and identifiers as text); keys present on one side
    only count as a change from or to None. Called inside the caller's transaction, so the journal
    and the change are written, or not, together.
    """
    rows = [
        FieldChange(
            **_actor_fields(actor),
            target_type=target_type_of(target),
            target_id=str(target.pk),
            field=name[:100],
            before=before.get(name),
            after=after.get(name),
        )  # fmt: skip
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]
    return FieldChange.objects.bulk_create(rows)


@transaction.atomic
def register_password_reset_request(*, email: str, ip_address: str | None) -> bool:
    """Record a password-reset request; True when an e-mail may be sent.

    At most PASSWORD_RESET_LIMIT_PER_ADDRESS e-mails per address and PASSWORD_RESET_LIMIT_PER_IP per
    client IP within PASSWORD_RESET_WINDOW seconds; refused requests are recorded too (they do not
    count against the limit, so a flood cannot prolong the wait).
    """
    email = email.strip().lower()
    since = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_WINDOW)
    sent = PasswordResetRequest.objects.filter(allowed=True, created_at__gte=since)
    allowed = sent.filter(email=email).count() < settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    if allowed and ip_address:
        allowed = sent.filter(ip_address=ip_address).count() < settings.PASSWORD_RESET_LIMIT_PER_IP
    PasswordResetRequest.objects.create(email=email[:254], ip_address=ip_address, allowed=allowed)
    return allowed
