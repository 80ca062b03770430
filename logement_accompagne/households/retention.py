"""Retention of personal data: deleted 2 years after the last contact, support worker told 30 days before.

What goes: members (names, contact details, dates of birth), private notes, the free text of
contacts, phase changes, diagnostics and objectives, the dwelling's address, the identifiers from
other systems. What stays: the pseudonymous reference and the structured records (dates, kinds,
amounts), and the outcome snapshot of each ended support, so that every indicator is unchanged.
A household with a support still open is never purged: it is listed so that someone closes it.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from logement_accompagne.organisations.models import User

from .models import (
    Contact,
    Diagnostic,
    Household,
    Member,
    Objective,
    PhaseChange,
    PrivateNote,
    SupportEpisode,
    TenancyPeriod,
)
from .selectors import SUPPORT_ROLES

RETENTION_DAYS = 730
NOTICE_DAYS = 30


@dataclass
class PurgeReport:
    noticed: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)
    still_open: list[str] = field(default_factory=list)


def with_last_activity(households: QuerySet[Household]) -> QuerySet[Household]:
    last_contact = (
        Contact.objects.filter(episode__household=OuterRef("pk"))
        .values("episode__household")
        .annotate(last=Max("happened_on"))
        .values("last")[:1]
    )
    last_episode = (
        SupportEpisode.objects.filter(household=OuterRef("pk"))
        .values("household")
        .annotate(last=Max(Coalesce("ended_on", "referred_on")))
        .values("last")[:1]
    )
    return households.annotate(
        last_activity=Greatest(Coalesce(last_contact, last_episode), last_episode),
        open_support=Exists(SupportEpisode.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)),
    )


def _tell_support_workers(household: Household, purge_on: datetime.date) -> None:
    recipients = list(
        User.objects.filter(
            is_active=True,
            memberships__role__in=SUPPORT_ROLES,
            memberships__organisation__carrier_links__dossier__support_episodes__household=household,
        ).distinct().values_list("email", flat=True)
    )  # fmt: skip
    if recipients:
        send_mail(
            f"Ménage {household.reference} : suppression des données personnelles le {purge_on:%d/%m/%Y}",
            f"Sans nouveau contact d'ici là, les données personnelles du ménage {household.reference} "
            f"(noms, coordonnées, notes) seront supprimées le {purge_on:%d/%m/%Y}, deux ans après le dernier "
            "contact. Les indicateurs et le devenir pseudonyme du ménage sont conservés.",
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )


def _purge(household: Household) -> None:
    Member.objects.filter(household=household).delete()
    PrivateNote.objects.filter(episode__household=household).delete()
    Contact.objects.filter(episode__household=household).update(note="")
    PhaseChange.objects.filter(episode__household=household).exclude(reason="").update(reason="(supprimé)")
    Diagnostic.objects.filter(episode__household=household).update(summary="")
    Objective.objects.filter(episode__household=household).update(title="Objectif (texte supprimé)")
    TenancyPeriod.objects.filter(episode__household=household).update(address="", landlord_name="")
    Household.objects.filter(pk=household.pk).update(
        sne_number="", siao_file="", dalo_decision="", purged_at=timezone.now()
    )


def purge_personal_data(*, today: datetime.date | None = None, dry_run: bool = False) -> PurgeReport:
    """Safe to run every day: each household is told once, then purged once."""
    today = today or timezone.localdate()
    report = PurgeReport()
    notice_before = today - datetime.timedelta(days=RETENTION_DAYS - NOTICE_DAYS)
    candidates = with_last_activity(Household.objects.filter(purged_at__isnull=True)).filter(
        last_activity__lte=notice_before
    )
    for household in candidates.order_by("pk"):
        if household.open_support:
            report.still_open.append(household.reference)
            continue
        purge_on = max(
            household.last_activity + datetime.timedelta(days=RETENTION_DAYS),
            (household.purge_notice_on or today) + datetime.timedelta(days=NOTICE_DAYS),
        )
        if household.purge_notice_on is None:
            report.noticed.append(household.reference)
            if not dry_run:
                with transaction.atomic():
                    Household.objects.filter(pk=household.pk).update(purge_notice_on=today)
                    transaction.on_commit(lambda h=household, d=purge_on: _tell_support_workers(h, d))
            continue
        if purge_on <= today:
            report.purged.append(household.reference)
            if not dry_run:
                with transaction.atomic():
                    _purge(household)
    return report
