"""The one door through which every read of a household's personal data is logged.

Pages, exports and commands call `record_read` before showing names, contact details,
dates of birth or free-text notes. The read goes to the platform's one journal of reads
(`audit.ReadEntry`, append-only, refused UPDATE and DELETE by a PostgreSQL trigger): its
target is the support episode through which the data was read (so the project, hence the
manager who may see the read, is known), its household the household concerned, its detail
what was read.
"""

from logement_accompagne.audit.models import ReadEntry
from logement_accompagne.audit.services import record_read as journal_read
from logement_accompagne.audit.services import record_reads as journal_reads

EPISODE_TARGET = "households.supportepisode"


def record_read(user, episode, *, what: str) -> ReadEntry:
    """`user` read the personal data of `episode`'s household, through `episode`'s project."""
    return journal_read(user, episode, household=episode.household_id, detail=what)


def record_reads(user, episodes, *, what: str) -> int:
    """One entry per household shown (a list page with names), in one query.

    `episodes`: the episodes listed, as instances or as values rows (with "pk" and "household_id").
    """
    pairs = [
        (row["pk"], row["household_id"]) if isinstance(row, dict) else (row.pk, row.household_id)
        for row in episodes
    ]
    return journal_reads(user, EPISODE_TARGET, pairs, detail=what)
