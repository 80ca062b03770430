"""Part "people": territories, calls, organisations (State services and carriers), users and roles."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from logement_accompagne.calls.models import Call
from logement_accompagne.organisations.enums import OrganisationKind, Role, StateService
from logement_accompagne.organisations.models import Membership, Organisation, User, organisation_name_key
from logement_accompagne.territories.models import Department, Region

from .common import DOMAIN, EPOCH, PASSWORD, Context, bulk, explicit_timestamps, weighted

# The five calls of the reference programme: four closed editions and the one open now.
CALLS = [
    ("aap-2014", 2014, datetime.date(2014, 3, 1), datetime.date(2014, 6, 30), 200_000),
    ("aap-2015", 2015, datetime.date(2015, 2, 1), datetime.date(2015, 5, 31), 200_000),
    ("aap-2016", 2016, datetime.date(2016, 2, 1), datetime.date(2016, 6, 30), 250_000),
    ("aap-2017", 2017, datetime.date(2017, 2, 1), datetime.date(2017, 6, 30), 250_000),
    ("aap-2026", 2026, datetime.date(2026, 1, 5), datetime.date(2027, 6, 30), 300_000),
]
CARRIER_KINDS = {
    OrganisationKind.OPH: 30,
    OrganisationKind.ESH: 25,
    OrganisationKind.SEM: 4,
    OrganisationKind.COOP_HLM: 3,
    OrganisationKind.ASSOCIATION: 35,
    OrganisationKind.LOCAL_AUTHORITY: 3,
}
LANDLORD_NAMES = ["Habitat", "Logement", "Foyer", "Résidences", "Cité", "Toit", "Domaine", "Maisons"]
ASSOCIATION_NAMES = ["Insertion Logement", "Accueil et Hébergement", "Habitat et Humanisme",
                     "Solidarité Logement", "Accompagnement Social", "Entraide Habitat"]  # fmt: skip
FIRST_NAMES = ["Camille", "Dominique", "Claude", "Alex", "Sacha", "Marie", "Jean", "Nadia", "Karim",
               "Sophie", "Thomas", "Léa", "Hugo", "Inès", "Lucas", "Chloé", "Yanis", "Manon"]  # fmt: skip
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
              "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Bertrand", "Roux", "Diallo"]  # fmt: skip


def department_weights(ctx: Context, departments: list[Department]) -> dict[str, float]:
    """A few populous departments carry most projects: Zipf-like weights over a seeded order."""
    order = [d.code for d in departments]
    ctx.rng.shuffle(order)
    # The biggest urban departments first, as in the real programme.
    for code in reversed(["75", "13", "59", "69", "93", "92", "33", "31", "44", "94", "34", "67"]):
        if code in order:
            order.remove(code)
            order.insert(0, code)
    return {code: 1 / (rank + 1) ** 0.8 for rank, code in enumerate(order)}


def generate(ctx: Context) -> None:
    call_command("load_territories", verbosity=0)
    departments = list(Department.objects.select_related("region").order_by("code"))
    regions = list(Region.objects.filter(is_current=True).order_by("code"))
    ctx.shared["departments"] = departments
    ctx.shared["department_weights"] = department_weights(ctx, departments)

    calls = [
        Call(slug=slug, title=f"Mise en place de 10 000 logements HLM accompagnés ({year})", year=year,
             opens_on=opens, closes_on=closes, envelope_eur=Decimal(cap) * max(1, round(60 * ctx.scale)),
             project_cap_eur=Decimal(cap), min_duration_months=12, max_duration_months=36)
        for slug, year, opens, closes, cap in CALLS
    ]  # fmt: skip
    ctx.shared["calls"] = bulk(Call, calls)
    ctx.count("calls", len(calls))

    state = []
    for department in departments:
        state.append(Organisation(name=f"DDETS {department.name}", kind=OrganisationKind.STATE_DEPARTMENT,
                                  state_service=StateService.DDETS, department=department))  # fmt: skip
    for region in regions:
        state.append(Organisation(name=f"DREAL {region.name}", kind=OrganisationKind.STATE_REGION,
                                  state_service=StateService.DREAL, region=region))  # fmt: skip
    state.append(Organisation(name="DHUP — comité national", kind=OrganisationKind.NATIONAL,
                              state_service=StateService.DHUP))  # fmt: skip
    rng = ctx.rng
    weights = ctx.shared["department_weights"]
    codes, code_weights = list(weights), list(weights.values())
    by_code = {d.code: d for d in departments}
    carriers = []
    for n in range(ctx.volume("carrier_organisations")):
        kind = weighted(rng, CARRIER_KINDS)
        department = by_code[rng.choices(codes, weights=code_weights)[0]]
        if kind == OrganisationKind.ASSOCIATION:
            name = f"{rng.choice(ASSOCIATION_NAMES)} {department.name} {n + 1}"
        else:
            name = f"{rng.choice(LANDLORD_NAMES)} {department.name} {n + 1}"
        carriers.append(Organisation(name=name, kind=kind, department=department,
                                     siren=f"{rng.randrange(10**8, 10**9)}"))  # fmt: skip
    organisations = state + carriers
    for organisation in organisations:
        organisation.name_key = organisation_name_key(organisation.name)  # save() is bypassed by bulk
        organisation.created_at = EPOCH - datetime.timedelta(days=3000)
    with explicit_timestamps(Organisation):
        organisations = bulk(Organisation, organisations)
    state, carriers = organisations[: len(state)], organisations[len(state) :]
    ctx.count("organisations", len(organisations))
    ctx.shared["carriers"] = carriers

    # One hash for everyone (same password, fixed salt): hashing 15 000 passwords would take minutes.
    password = make_password(PASSWORD, salt="referencedata")
    users, roles = [], []

    def person(prefix: str, n: int, organisation: Organisation, role: str, **extra) -> None:
        users.append(User(email=f"{prefix}.{n}@{DOMAIN}", first_name=rng.choice(FIRST_NAMES),
                          last_name=rng.choice(LAST_NAMES), password=password,
                          date_joined=EPOCH - datetime.timedelta(days=rng.randrange(30, 3000)), **extra))  # fmt: skip
        roles.append((organisation, role))

    person("admin", 1, state[-1], Role.COMMITTEE, is_staff=True, is_superuser=True)
    for n in range(1, 6):
        person("comite", n, state[-1], Role.COMMITTEE)
    for organisation in state:
        if organisation.kind == OrganisationKind.STATE_DEPARTMENT:
            for n in (1, 2):
                person(
                    f"ddets{organisation.department_id.lower()}",
                    n,
                    organisation,
                    Role.DEPARTMENTAL_INSTRUCTOR,
                )
        elif organisation.kind == OrganisationKind.STATE_REGION:
            for n in (1, 2):
                person(f"dreal{organisation.region_id}", n, organisation, Role.REGIONAL_INSTRUCTOR)
    remaining = ctx.volume("users") - len(users)
    for n in range(remaining):
        # Every carrier organisation has at least one person; then bigger ones get more.
        organisation = carriers[n] if n < len(carriers) else rng.choice(carriers)
        is_support = organisation.kind == OrganisationKind.ASSOCIATION and rng.random() < 0.4
        if is_support:
            person("accompagnateur", n + 1, organisation, Role.SUPPORT_WORKER)
        else:
            person("porteur", n + 1, organisation, Role.CARRIER)
    users = bulk(User, users)
    bulk(Membership, [Membership(user=user, organisation=organisation, role=role)
                      for user, (organisation, role) in zip(users, roles, strict=True)])  # fmt: skip
    ctx.count("users", len(users))
    ctx.count("memberships", len(users))
    carrier_people: dict[int, list[int]] = {}
    for user, (organisation, role) in zip(users, roles, strict=True):
        if role == Role.CARRIER:
            carrier_people.setdefault(organisation.pk, []).append(user.pk)
    ctx.shared["carrier_people"] = carrier_people
    ctx.shared["state_people"] = {
        (organisation.pk): user.pk for user, (organisation, role) in zip(users, roles, strict=True)
        if role != Role.CARRIER and role != Role.SUPPORT_WORKER
    }  # fmt: skip
    ctx.shared["state_organisations"] = state
