"""Writes to the security journal: each one function, one transaction, append-only."""

from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.db import connections, router, transaction
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


READ_CONSTANTS = ("actor", "actor_email", "at", "target_type", "detail")  # the same for a page's reads
READ_VARYING = ("target_id", "household_ref")  # one pair per read
READS_PER_STATEMENT = 400  # 805 parameters: under SQLite's oldest limit (999)


def record_reads(actor, target_type: str, reads, *, detail: str = "") -> int:
    """Journal several reads at once (a list page): `reads` holds (target id, household id or None),
    one entry each, written together in one INSERT. Returns how many entries were written.

    The statement is written from the model's own table, columns and field conversions, the five
    values a page's reads share given once (one person, one instant, one kind of target, one detail)
    and only the two that differ per read in a VALUES list. The ORM's ``bulk_create`` spent about
    2 ms more per 50 entries (model instances, 350 values prepared one by one, returned keys nobody
    reads), a seventh of the household list (issue #9). The rules of the journal stay in the database
    (the append-only trigger on PostgreSQL) and in the model for every other write.
    """
    pairs = [
        (str(target_id)[:64], "" if household is None else str(household)[:64])
        for target_id, household in reads
    ]
    if not pairs:
        return 0
    actor_fields = _actor_fields(actor)
    shared = {
        "actor": actor_fields["actor"].pk if actor_fields["actor"] is not None else None,
        "actor_email": actor_fields["actor_email"],
        "at": timezone.now(),
        "target_type": target_type[:64],
        "detail": detail[:255],
    }
    alias = router.db_for_write(ReadEntry)
    connection = connections[alias]
    quote = connection.ops.quote_name
    field = ReadEntry._meta.get_field
    constants = [field(name).get_db_prep_save(shared[name], connection) for name in READ_CONSTANTS]
    columns = ", ".join(quote(field(name).column) for name in (*READ_CONSTANTS, *READ_VARYING))
    head = (
        f"INSERT INTO {quote(ReadEntry._meta.db_table)} ({columns}) "  # noqa: S608 (names from the model)
        f"SELECT {', '.join(['%s'] * len(READ_CONSTANTS))}, v.column1, v.column2 FROM (VALUES "
    )
    # One statement is atomic by itself: a transaction (two more round trips, BEGIN and COMMIT, when
    # none is open) only when the reads need several.
    several = len(pairs) > READS_PER_STATEMENT
    with transaction.atomic(using=alias) if several else nullcontext(), connection.cursor() as cursor:
        for start in range(0, len(pairs), READS_PER_STATEMENT):
            batch = pairs[start : start + READS_PER_STATEMENT]
            # VALUES columns are named column1, column2... by SQLite and PostgreSQL alike.
            cursor.execute(
                head + ", ".join(["(%s, %s)"] * len(batch)) + ") AS v",
                [*constants, *(value for pair in batch for value in pair)],
            )
    return len(pairs)


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
