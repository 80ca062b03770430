"""The one door through which every read of a household's personal data is logged.

Pages, exports and commands call `record_read` before showing names, contact details,
dates of birth or free-text notes. When the platform-wide `audit` app lands, this
function forwards to it (one line to change); until then it writes `PersonalDataRead`.
"""

from .models import PersonalDataRead


def record_read(user, household, *, what: str, dossier=None) -> None:
    PersonalDataRead.objects.create(
        user=user, household=household, household_reference=household.reference, what=what, dossier=dossier
    )


def record_reads(user, households, *, what: str, dossier=None) -> None:
    """One row per household shown (a list page with names), in one query."""
    PersonalDataRead.objects.bulk_create(
        PersonalDataRead(user=user, household=h, household_reference=h.reference, what=what, dossier=dossier)
        for h in households
    )
