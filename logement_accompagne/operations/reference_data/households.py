"""Households accompanied by the selected projects: 50 000 households and 1 000 000 contacts at scale 1.

Every selected dossier accompanies households in proportion to what it committed (a few big
projects carry many); each household has one or two members, a composition, one support episode
(about 8 % a second one later, some of them within 14 days of the first exit: a transfer), its
contacts spread over the support (about 20 per household, reviews every two months among them),
its tenancy for those who moved in (sub-lets, some of which slid), arrears for about one in six,
and the pseudonymous outcome snapshot of each ended support with its follow-up checks. Each
carrier organisation of a selected project gets a support worker and a support manager
(``suivi.<n>@`` and ``responsable-suivi.<n>@``) so that the personal pages can be measured.
Everything is built from the seeded random source: same seed, same rows.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier, DossierCarrier
from logement_accompagne.households.enums import (
    ArrearsStep,
    Channel,
    ContactKind,
    ContactResult,
    Destination,
    DwellingType,
    EndReason,
    HeadOfHousehold,
    Intensity,
    LeaseKind,
    Phase,
    ReferralSource,
    ResourcesCategory,
    SupportKind,
    TenancyChange,
)
from logement_accompagne.households.models import (
    REFERENCE_ALPHABET,
    ArrearsBalance,
    ArrearsCase,
    ArrearsEvent,
    Composition,
    Contact,
    Household,
    Member,
    OutcomeSnapshot,
    SupportEpisode,
    TenancyPeriod,
    composition_band,
)
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import Membership, User

from .common import DOMAIN, EPOCH, PASSWORD, Context, bulk, explicit_timestamps, weighted
from .people import FIRST_NAMES, LAST_NAMES

TODAY = EPOCH.date()
START = datetime.date(2020, 1, 6)
KINDS = {SupportKind.ACCESS: 45, SupportKind.KEEPING: 30, SupportKind.BOTH: 15, SupportKind.DIAGNOSTIC: 10}
SOURCES = {ReferralSource.SIAO: 40, ReferralSource.DALO: 15, ReferralSource.PDALPD: 10,
           ReferralSource.PREFECT_QUOTA: 10, ReferralSource.LANDLORD_DETECTION: 20, ReferralSource.OTHER: 5}  # fmt: skip
HOUSED = {Destination.KEPT_OWN_LEASE: 30, Destination.LEASE_TRANSFERRED: 0, Destination.SOCIAL_HOUSING: 25,
          Destination.PRIVATE_HOUSING: 8, Destination.SHELTER: 10, Destination.INSTITUTION: 3,
          Destination.STREET: 2, Destination.LOST_CONTACT: 8, Destination.OTHER: 4}  # fmt: skip
END_REASONS = {EndReason.GOALS_REACHED: 60, EndReason.REFUSED: 12, EndReason.LOST_CONTACT: 12,
               EndReason.LEFT_AREA: 8, EndReason.OTHER: 8}  # fmt: skip
CHANNELS = [
    Channel.PHONE,
    Channel.PHONE,
    Channel.HOME_VISIT,
    Channel.OFFICE,
    Channel.SMS_EMAIL,
    Channel.LETTER,
]
OTHER_KINDS = [ContactKind.INTERVIEW, ContactKind.INTERVIEW, ContactKind.STEP, ContactKind.ATTEMPT,
               ContactKind.JOINT_MEETING]  # fmt: skip
CHUNK = 20_000  # contacts are written in slices: memory stays flat whatever the scale


def day_between(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max((end - start).days, 0) + 1))


def plus(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def support_people(ctx: Context, dossiers: list[Dossier]) -> None:
    """A support worker and a support manager in the first carrier organisation of each selected project."""
    organisations = sorted(
        set(
            DossierCarrier.objects.filter(dossier__in=dossiers, position=0).values_list(
                "organisation_id", flat=True
            )
        )
    )
    password = make_password(PASSWORD, salt="referencedata")
    users = []
    for n, _ in enumerate(organisations, start=1):
        for prefix in ("suivi", "responsable-suivi"):
            users.append(User(email=f"{prefix}.{n}@{DOMAIN}", first_name=ctx.rng.choice(FIRST_NAMES),
                              last_name=ctx.rng.choice(LAST_NAMES), password=password,
                              date_joined=EPOCH - datetime.timedelta(days=ctx.rng.randrange(30, 900))))  # fmt: skip
    users = bulk(User, users)
    roles = [Role.SUPPORT_WORKER, Role.SUPPORT_MANAGER] * len(organisations)
    orgs = [o for o in organisations for _ in (0, 1)]
    bulk(
        Membership,
        [Membership(user=u, organisation_id=o, role=r) for u, o, r in zip(users, orgs, roles, strict=True)],
    )
    ctx.count("support_people", len(users))
    ctx.shared["support_workers"] = {o: users[2 * i].pk for i, o in enumerate(organisations)}


def generate(ctx: Context) -> None:
    rng = ctx.rng
    dossiers = list(Dossier.objects.filter(status=Status.SELECTED).order_by("pk"))
    if not dossiers:
        return
    support_people(ctx, dossiers)
    first_department = {}
    for dossier_id, code in Dossier.departments.through.objects.filter(dossier__in=dossiers).order_by("pk").values_list(
        "dossier_id", "department_id"
    ):  # fmt: skip
        first_department.setdefault(dossier_id, code)
    carrier_of = dict(
        DossierCarrier.objects.filter(dossier__in=dossiers, position=0).values_list(
            "dossier_id", "organisation_id"
        )
    )
    workers = ctx.shared["support_workers"]
    weights = [max(d.households or 1, 1) * rng.lognormvariate(0, 0.6) for d in dossiers]

    n_households = ctx.volume("households")
    references: set[str] = set()
    households, plans = [], []
    for _ in range(n_households):
        dossier = rng.choices(dossiers, weights=weights)[0]
        while (reference := "M-" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(7))) in references:
            pass
        references.add(reference)
        households.append(Household(reference=reference, department_id=first_department.get(dossier.pk, "75"),
                                    resources_category=rng.choice(ResourcesCategory.values),
                                    created_by_id=workers.get(carrier_of.get(dossier.pk))))  # fmt: skip
        plans.append(dossier)
    with explicit_timestamps(Household):
        for household in households:
            household.created_at = EPOCH
        households = bulk(Household, households)
    ctx.count("households", len(households))

    members, compositions, episodes = [], [], []
    for household, dossier in zip(households, plans, strict=True):
        head = weighted(rng, {HeadOfHousehold.SINGLE_WOMAN: 40, HeadOfHousehold.SINGLE_MAN: 30,
                              HeadOfHousehold.COUPLE: 25, HeadOfHousehold.OTHER: 5})  # fmt: skip
        adults = 2 if head == HeadOfHousehold.COUPLE else 1
        children = rng.choice([0, 0, 1, 1, 2, 3])
        last = rng.choice(LAST_NAMES)
        for position in range(adults):
            members.append(Member(household=household, first_name=rng.choice(FIRST_NAMES), last_name=last,
                                  birth_date=datetime.date(rng.randrange(1950, 2004), rng.randrange(1, 13), rng.randrange(1, 29)),
                                  phone=f"06{rng.randrange(10**8):08d}", is_head=position == 0))  # fmt: skip
        referred = day_between(rng, START, plus(TODAY, -10))
        compositions.append(
            Composition(household=household, valid_from=referred, adults=adults, children=children, head=head)
        )
        episodes.append(
            episode_plan(ctx, household, dossier, referred, workers.get(carrier_of.get(dossier.pk)))
        )
        first = episodes[-1]
        # About 8 % come back later; a third of those within 14 days of the exit (a transfer).
        if first.ended_on and first.ended_on < plus(TODAY, -40) and rng.random() < 0.08:
            gap = rng.randrange(0, 15) if rng.random() < 0.35 else rng.randrange(15, 400)
            again = plus(first.ended_on, gap)
            if again < plus(TODAY, -5):
                episodes.append(episode_plan(ctx, household, dossier, again, first.created_by_id))
    bulk(Member, members)
    bulk(Composition, compositions)
    with explicit_timestamps(SupportEpisode):
        episodes = bulk(SupportEpisode, episodes)
    for name, rows in (("members", members), ("compositions", compositions), ("support_episodes", episodes)):
        ctx.count(name, len(rows))

    contacts_and_records(ctx, episodes)
    snapshots(ctx, episodes, {h.pk: h for h in households}, {c.household_id: c for c in compositions})


def episode_plan(ctx: Context, household, dossier, referred: datetime.date, worker) -> SupportEpisode:
    rng = ctx.rng
    kind = weighted(rng, KINDS)
    episode = SupportEpisode(household=household, household_reference=household.reference, dossier=dossier, kind=kind,
                             referral_source=weighted(rng, SOURCES),
                             intensity=rng.choice(Intensity.values), referred_on=referred, created_by_id=worker,
                             created_at=EPOCH)  # fmt: skip
    horizon = (TODAY - referred).days
    episode.first_contact_on = plus(referred, min(rng.randrange(1, 30), horizon)) if horizon > 2 else None
    if episode.first_contact_on and horizon > 40:
        episode.diagnostic_on = plus(episode.first_contact_on, rng.randrange(5, 35))
    ends = rng.random() < min(0.85, horizon / 900)
    if kind == SupportKind.DIAGNOSTIC:
        episode.phase = Phase.DIAGNOSTIC
        if ends and episode.diagnostic_on:
            episode.ended_on = plus(episode.diagnostic_on, rng.randrange(0, 20))
            episode.end_reason = weighted(rng, {EndReason.NO_MEASURE: 60, EndReason.GOALS_REACHED: 40})
    else:
        phase = Phase.DIAGNOSTIC
        if episode.diagnostic_on and horizon > 80:
            episode.plan_signed_on = plus(episode.diagnostic_on, rng.randrange(5, 30))
            phase = Phase.PLAN
            if kind != SupportKind.KEEPING and horizon > 150 and rng.random() < 0.8:
                episode.moved_in_on = plus(episode.plan_signed_on, rng.randrange(20, 120))
                phase = Phase.INSTALLATION if (TODAY - episode.moved_in_on).days < 90 else Phase.FOLLOW_UP
                if rng.random() < 0.45 and (TODAY - episode.moved_in_on).days > 400:
                    episode.lease_transferred_on = plus(episode.moved_in_on, rng.randrange(180, 400))
            elif kind == SupportKind.KEEPING:
                phase = Phase.FOLLOW_UP
        episode.phase = phase
        last_step = max(d for d in (episode.referred_on, episode.first_contact_on, episode.diagnostic_on,
                                    episode.plan_signed_on, episode.moved_in_on, episode.lease_transferred_on) if d)  # fmt: skip
        if ends:
            end = plus(last_step, rng.randrange(30, 500))
            if end < plus(TODAY, -1):
                episode.ended_on = end
                episode.end_reason = weighted(rng, END_REASONS)
                if episode.lease_transferred_on:
                    episode.destination = Destination.LEASE_TRANSFERRED
                else:
                    episode.destination = weighted(rng, HOUSED)
    return episode


def contacts_and_records(ctx: Context, episodes: list[SupportEpisode]) -> None:
    rng = ctx.rng
    spans = [((e.ended_on or TODAY) - (e.first_contact_on or e.referred_on)).days + 1 for e in episodes]
    per_day = ctx.volume("contacts") / max(sum(spans), 1)
    contacts, tenancies, cases, written = [], [], [], 0
    for episode, span in zip(episodes, spans, strict=True):
        start = episode.first_contact_on or episode.referred_on
        end = episode.ended_on or TODAY
        n = max(1, round(span * per_day * rng.uniform(0.6, 1.4))) if episode.first_contact_on else 0
        days = sorted(day_between(rng, start, end) for _ in range(n - 1))
        for position, day in enumerate([start, *days] if n else []):
            if position == 0:
                kind, result = ContactKind.INTERVIEW, ContactResult.REACHED
            elif position % 4 == 0 and episode.plan_signed_on and day >= episode.plan_signed_on:
                kind, result = ContactKind.REVIEW, ContactResult.REACHED
            else:
                kind = rng.choice(OTHER_KINDS)
                result = ContactResult.NOT_REACHED if kind == ContactKind.ATTEMPT else ContactResult.REACHED
            contacts.append(Contact(episode=episode, happened_on=day, kind=kind, channel=rng.choice(CHANNELS),
                                    result=result, author_id=episode.created_by_id, created_at=EPOCH,
                                    note="Point sur les démarches en cours." if rng.random() < 0.3 else ""))  # fmt: skip
        if len(contacts) >= CHUNK:
            with explicit_timestamps(Contact):
                bulk(Contact, contacts)
            written += len(contacts)
            contacts = []
        if episode.moved_in_on:
            sublet = rng.random() < 0.5 or episode.lease_transferred_on is not None
            lease = rng.choice([LeaseKind.SUBLET, LeaseKind.SLIDING]) if sublet else LeaseKind.DIRECT
            common = {"commune_code": f"{episode.household.department_id}{rng.randrange(1, 999):03d}"[:5],
                      "dwelling_type": rng.choice(DwellingType.values), "plai": rng.random() < 0.6}  # fmt: skip
            rent = Decimal(rng.randrange(250, 750))
            tenancies.append(TenancyPeriod(episode=episode, starts_on=episode.moved_in_on, change=TenancyChange.MOVE_IN,
                                           rent_eur=rent, lease_kind=lease, **common))  # fmt: skip
            if episode.lease_transferred_on:
                tenancies.append(TenancyPeriod(episode=episode, starts_on=episode.lease_transferred_on,
                                               change=TenancyChange.LEASE_TRANSFER, rent_eur=rent,
                                               lease_kind=LeaseKind.DIRECT, previous_lease_kind=lease, **common))  # fmt: skip
        if episode.kind in (SupportKind.KEEPING, SupportKind.BOTH) and rng.random() < 0.45:
            detected = plus(episode.referred_on, rng.randrange(0, 60))
            if detected <= (episode.ended_on or TODAY):
                closed = episode.ended_on if episode.ended_on and rng.random() < 0.7 else None
                cases.append((ArrearsCase(episode=episode, detected_on=detected,
                                          first_unpaid_rent_on=plus(detected, -rng.randrange(30, 300)),
                                          closed_on=closed), episode))  # fmt: skip
    with explicit_timestamps(Contact):
        bulk(Contact, contacts)
    written += len(contacts)
    bulk(TenancyPeriod, tenancies)
    created = bulk(ArrearsCase, [case for case, _ in cases])
    balances, events = [], []
    for case in created:
        amount = Decimal(rng.randrange(400, 6000))
        last = case.closed_on or TODAY
        for step in range(rng.randrange(2, 6)):
            on = plus(case.detected_on, step * 61)
            if on > last:
                break
            balances.append(ArrearsBalance(case=case, on=on, amount_eur=amount))
            amount = max(Decimal(0), amount - Decimal(rng.randrange(0, 900)))
        stages = [
            ArrearsStep.FSL_REQUESTED,
            ArrearsStep.FORMAL_NOTICE,
            ArrearsStep.SUMMONS,
            ArrearsStep.JUDGMENT,
        ]
        for position, stage in enumerate(stages[: rng.randrange(0, len(stages) + 1)]):
            on = plus(case.detected_on, 20 + 45 * position)
            if on <= last:
                events.append(ArrearsEvent(case=case, kind=stage, on=on))
    bulk(ArrearsBalance, balances)
    bulk(ArrearsEvent, events)
    for name, n in (("contacts", written), ("tenancy_periods", len(tenancies)), ("arrears_cases", len(created)),
                    ("arrears_balances", len(balances)), ("arrears_events", len(events))):  # fmt: skip
        ctx.count(name, n)


def snapshots(ctx: Context, episodes, households: dict, compositions: dict) -> None:
    rng = ctx.rng
    rows = []
    for episode in episodes:
        if not episode.ended_on:
            continue
        composition = compositions.get(episode.household_id)
        housed = episode.destination in (Destination.KEPT_OWN_LEASE, Destination.LEASE_TRANSFERRED,
                                         Destination.SOCIAL_HOUSING, Destination.PRIVATE_HOUSING)  # fmt: skip
        checks = {}
        for months in (6, 12, 24):
            if (TODAY - episode.ended_on).days >= months * 30.5 and episode.kind != SupportKind.DIAGNOSTIC:
                checks[f"housed_{months}_months"] = housed and rng.random() < 0.93 - months / 200
        if "housed_12_months" in checks:
            checks["arrears_over_3_months_at_12"] = rng.random() < 0.08
        rows.append(OutcomeSnapshot(
            episode=episode, household_reference=households[episode.household_id].reference, dossier_id=episode.dossier_id,
            department_id=households[episode.household_id].department_id, kind=episode.kind,
            referral_month=episode.referred_on.replace(day=1), end_month=episode.ended_on.replace(day=1),
            destination=episode.destination, end_reason=episode.end_reason,
            composition_band=composition_band(composition.head, composition.children) if composition else "unknown",
            **checks,
        ))  # fmt: skip
    bulk(OutcomeSnapshot, rows)
    ctx.count("outcome_snapshots", len(rows))
