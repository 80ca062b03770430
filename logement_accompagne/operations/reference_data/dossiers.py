"""Part "dossiers": projects of every call in every state, with carriers, costs, history, opinions,
decisions and messages, spread over departments as the real programme was (a few big ones)."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from logement_accompagne.dossiers.enums import (
    CarrierRole,
    CofundingStatus,
    CostBasis,
    CostKind,
    CostPeriod,
    Reproducibility,
    Status,
    Tri,
    Verdict,
)
from logement_accompagne.dossiers.models import (
    CofundingLine,
    CommitteeDecision,
    CostLine,
    DepartmentalOpinion,
    Dossier,
    DossierCarrier,
    Message,
    RegionalOpinion,
    Transition,
)
from logement_accompagne.organisations.enums import LANDLORD_KINDS, OrganisationKind

from .common import EPOCH, Context, as_aware, bulk, explicit_timestamps, weighted

CALL_SHARE = {"aap-2014": 15, "aap-2015": 15, "aap-2016": 20, "aap-2017": 20, "aap-2026": 30}
CLOSED_STATES = {Status.SELECTED: 38, Status.NOT_SELECTED: 47, Status.WITHDRAWN: 10, Status.DRAFT: 5}
OPEN_STATES = {
    Status.DRAFT: 28,
    Status.SUBMITTED: 12,
    Status.DEPARTMENTAL_REVIEW: 18,
    Status.REGIONAL_REVIEW: 12,
    Status.COMMITTEE: 10,
    Status.RETURNED: 8,
    Status.WITHDRAWN: 4,
    Status.SELECTED: 5,
    Status.NOT_SELECTED: 3,
}
LIFECYCLE = [Status.DRAFT, Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW, Status.REGIONAL_REVIEW,
             Status.COMMITTEE]  # fmt: skip
PUBLICS = ["ménages sortant d'hébergement", "ménages menacés d'expulsion", "jeunes de moins de 30 ans",
           "familles monoparentales", "personnes âgées isolées", "ménages reconnus DALO",
           "personnes en situation de handicap psychique"]  # fmt: skip
ACTIONS = ["Accompagnement renforcé", "Bail glissant", "Gestion locative adaptée", "Logement d'abord",
           "Maintien dans le logement", "Sortie d'hébergement", "Pension de famille"]  # fmt: skip
REFUSALS = ["Public cible insuffisamment défini.", "Montage financier non consolidé.",
            "Projet déjà financé par ailleurs.", "Enveloppe de l'appel épuisée."]  # fmt: skip
FUNDERS = ["Conseil départemental", "CAF", "Métropole", "Fondation Abbé Pierre", "FSL", "Action Logement"]


def lognormal(ctx: Context, median: float, sigma: float, low: float, high: float) -> float:
    return min(max(ctx.rng.lognormvariate(math.log(median), sigma), low), high)


def _path(status: str, rng) -> list[str]:
    """The states a dossier went through to reach ``status``."""
    if status in LIFECYCLE:
        return LIFECYCLE[: LIFECYCLE.index(status) + 1]
    if status in (Status.SELECTED, Status.NOT_SELECTED):
        return [*LIFECYCLE, status]
    if status == Status.RETURNED:
        return [*LIFECYCLE[: rng.randint(2, 4)], Status.RETURNED]
    return [*LIFECYCLE[: rng.randint(1, 5)], Status.WITHDRAWN]  # withdrawn


def generate(ctx: Context) -> None:
    rng = ctx.rng
    calls = {call.slug: call for call in ctx.shared["calls"]}
    departments = ctx.shared["departments"]
    weights = ctx.shared["department_weights"]
    codes, code_weights = list(weights), list(weights.values())
    by_code = {d.code: d for d in departments}
    carriers = ctx.shared["carriers"]
    carriers_by_department: dict[str, list] = {}
    for organisation in carriers:
        carriers_by_department.setdefault(organisation.department_id, []).append(organisation)
    carrier_people = ctx.shared["carrier_people"]
    state = ctx.shared["state_organisations"]
    state_people = ctx.shared["state_people"]
    ddets = {o.department_id: o for o in state if o.kind == OrganisationKind.STATE_DEPARTMENT}
    dreal = {o.region_id: o for o in state if o.kind == OrganisationKind.STATE_REGION}
    dhup = next(o for o in state if o.kind == OrganisationKind.NATIONAL)

    plans = []
    for n in range(ctx.volume("dossiers")):
        call = calls[weighted(rng, CALL_SHARE)]
        is_open = call.slug == "aap-2026"
        status = weighted(rng, OPEN_STATES if is_open else CLOSED_STATES)
        department = by_code[rng.choices(codes, weights=code_weights)[0]]
        dossier_departments = [department]
        if rng.random() < 0.08:
            neighbours = [d for d in departments if d.region_id == department.region_id and d != department]
            if neighbours:
                dossier_departments.append(rng.choice(neighbours))
        local = carriers_by_department.get(department.code) or carriers
        lead = rng.choice(local)
        partners = [lead]
        if rng.random() < 0.2:
            other = rng.choice(carriers)
            if other != lead:
                partners.append(other)
        path = _path(status, rng)
        start = as_aware(call.opens_on) + datetime.timedelta(
            days=rng.randrange(0, 60), hours=rng.randrange(9)
        )
        end = (
            min(as_aware(call.closes_on), EPOCH)
            if is_open
            else as_aware(call.closes_on) + datetime.timedelta(days=200)
        )
        moments = [start]
        for _ in path[1:]:
            moments.append(min(moments[-1] + datetime.timedelta(days=rng.randrange(3, 40), hours=rng.randrange(9)),
                               end - datetime.timedelta(hours=len(path) - len(moments))))  # fmt: skip
        public = rng.choice(PUBLICS)
        action = rng.choice(ACTIONS)
        households = int(lognormal(ctx, 25, 0.7, 3, 400))
        cap = call.project_cap_eur
        requested = Decimal(int(lognormal(ctx, 90_000, 0.6, 8_000, float(cap) * 1.2)) // 100 * 100)
        dossier = Dossier(
            call=call, status=status, created_by_id=rng.choice(carrier_people.get(lead.pk) or [None]),
            created_at=moments[0], updated_at=moments[-1], submitted_at=moments[1] if len(moments) > 1 else None,
            imported=(not is_open and rng.random() < 0.3),
            returned_from_status=path[-2] if status == Status.RETURNED else "",
            version=len(path) + rng.randrange(0, 6),
            location_text=f"{department.name} ({department.code})",
            name=f"{action} — {public} — {department.name} n° {n + 1}",
            carriers_text=", ".join(o.name for o in partners),
            summary=f"{action} de {households} {public} sur le territoire de {department.name}, "
                    "en lien étroit avec le bailleur et les partenaires du PDALHPD.",
            households=households, households_approximate=rng.random() < 0.2,
            dalo_eligible=weighted(rng, {Tri.YES: 6, Tri.NO: 2, Tri.UNKNOWN: 2}),
            collective_agreements=weighted(rng, {Tri.YES: 4, Tri.NO: 3, Tri.UNKNOWN: 3}),
            pdalpd=weighted(rng, {Tri.YES: 8, Tri.NO: 1, Tri.UNKNOWN: 1}),
            target_characteristics=f"Public prioritaire : {public}.",
            mobilisation_new_supply=rng.random() < 0.25, mobilisation_adapted_existing=rng.random() < 0.3,
            mobilisation_existing_unadapted=rng.random() < 0.6,
            mobilisation_low_rent_reclassification=rng.random() < 0.15,
            dwellings=max(1, int(households * rng.uniform(0.6, 1.1))),
            housing_typology="T1 à T4, majoritairement T2 et T3",
            support_method="Diagnostic partagé, visites à domicile hebdomadaires puis mensuelles, "
                           "référent unique, bilan à six mois.",
            partners="SIAO, CCAS, CAF, conseil départemental, associations locales",
            finance_overview="Coût global par ménage et par an, cofinancements locaux.",
            requested_amount_eur=min(requested, cap),
            duration_months=rng.choice([12, 18, 24, 24, 36, 36]),
            duration_renewable=rng.random() < 0.4,
            schedule="Démarrage au premier trimestre, montée en charge sur douze mois.",
        )  # fmt: skip
        plans.append((dossier, dossier_departments, partners, path, moments))

    with explicit_timestamps(Dossier):
        dossiers = bulk(Dossier, [plan[0] for plan in plans])
    ctx.count("dossiers", len(dossiers))

    through = Dossier.departments.through
    links, carrier_links, costs, cofunding, transitions = [], [], [], [], []
    departmental, regional, decisions, messages = [], [], [], []
    granted: dict[int, Decimal] = {}
    for dossier, dossier_departments, partners, path, moments in plans:
        links += [through(dossier_id=dossier.pk, department_id=d.code) for d in dossier_departments]
        for position, organisation in enumerate(partners):
            role = (CarrierRole.LANDLORD if organisation.kind in LANDLORD_KINDS
                    else CarrierRole.ASSOCIATION if organisation.kind == OrganisationKind.ASSOCIATION
                    else CarrierRole.OTHER)  # fmt: skip
            carrier_links.append(DossierCarrier(dossier=dossier, organisation=organisation, role=role,
                                                position=position))  # fmt: skip
        support = Decimal(int(lognormal(ctx, 2400, 0.4, 600, 9000)))
        costs.append(CostLine(dossier=dossier, kind=CostKind.SUPPORT, amount_eur=support,
                              basis=CostBasis.HOUSEHOLD, period=CostPeriod.YEAR, text=f"{support} € par ménage et par an"))  # fmt: skip
        if rng.random() < 0.6:
            costs.append(CostLine(dossier=dossier, kind=CostKind.DIAGNOSTIC, amount_eur=Decimal(rng.randrange(200, 900)),
                                  basis=CostBasis.HOUSEHOLD, period=CostPeriod.ONCE))  # fmt: skip
        if rng.random() < 0.4:
            costs.append(CostLine(dossier=dossier, kind=CostKind.RENTAL_MANAGEMENT,
                                  amount_eur=Decimal(rng.randrange(300, 1500)), basis=CostBasis.DWELLING,
                                  period=CostPeriod.YEAR))  # fmt: skip
        for position in range(rng.choice([0, 1, 1, 2, 3])):
            cofunding.append(CofundingLine(dossier=dossier, funder=rng.choice(FUNDERS), position=position,
                                           amount_eur=Decimal(rng.randrange(5, 80) * 1000),
                                           status=rng.choice(list(CofundingStatus))))  # fmt: skip
        carrier_person = dossier.created_by_id
        department = dossier_departments[0]
        ddets_org, dreal_org = ddets[department.code], dreal.get(department.region_id)
        for previous, following, at in zip(path, path[1:], moments[1:], strict=False):
            actor = carrier_person if following in (Status.SUBMITTED, Status.WITHDRAWN) else (
                state_people.get(ddets_org.pk) if previous in (Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW)
                else state_people.get(dreal_org.pk) if dreal_org and previous == Status.REGIONAL_REVIEW
                else state_people.get(dhup.pk))  # fmt: skip
            transitions.append(Transition(dossier=dossier, actor_id=actor, from_status=previous,
                                          to_status=following, at=at))  # fmt: skip
            if previous == Status.DEPARTMENTAL_REVIEW and following == Status.REGIONAL_REVIEW:
                departmental.append(DepartmentalOpinion(
                    dossier=dossier, version=1, author_id=state_people.get(ddets_org.pk), organisation=ddets_org,
                    imported=dossier.imported, created_at=at,
                    relevance="Projet pertinent au regard des besoins du territoire et du PDALHPD.",
                    reproducibility=weighted(rng, {Reproducibility.LOW: 2, Reproducibility.MEDIUM: 5,
                                                   Reproducibility.HIGH: 3}),
                    conditions="Suivi trimestriel des entrées et des sorties."))  # fmt: skip
            if previous == Status.REGIONAL_REVIEW and following == Status.COMMITTEE and dreal_org:
                regional.append(RegionalOpinion(
                    dossier=dossier, version=1, author_id=state_people.get(dreal_org.pk), organisation=dreal_org,
                    imported=dossier.imported, created_at=at,
                    verdict=weighted(rng, {Verdict.FAVOURABLE: 7, Verdict.UNFAVOURABLE: 3}),
                    comment="Avis motivé au regard de la programmation régionale."))  # fmt: skip
            if following in (Status.SELECTED, Status.NOT_SELECTED):
                selected = following == Status.SELECTED
                amount = None
                if selected:
                    amount = min(dossier.requested_amount_eur, dossier.call.project_cap_eur)
                    granted[dossier.call_id] = granted.get(dossier.call_id, Decimal(0)) + amount
                decisions.append(CommitteeDecision(
                    dossier=dossier, version=1, author_id=state_people.get(dhup.pk), organisation=dhup,
                    created_at=at, selected=selected, amount_granted_eur=amount,
                    cap_eur=dossier.call.project_cap_eur,
                    conditions="Bilan annuel transmis au comité." if selected else "",
                    **({} if selected else {"refusal_reason": rng.choice(REFUSALS)})))  # fmt: skip
            if following == Status.RETURNED and (actor or carrier_person):
                messages.append(Message(dossier=dossier, author_id=actor or carrier_person, at=at,
                                        body="Merci de préciser le coût de l'accompagnement par ménage."))  # fmt: skip
        if carrier_person and rng.random() < 0.3:
            messages.append(Message(dossier=dossier, author_id=carrier_person, at=moments[-1],
                                    body="Vous trouverez les précisions demandées dans la section financière."))  # fmt: skip

    bulk(through, links)
    bulk(DossierCarrier, carrier_links)
    bulk(CostLine, costs)
    bulk(CofundingLine, cofunding)
    with explicit_timestamps(Transition, DepartmentalOpinion, RegionalOpinion, CommitteeDecision, Message):
        bulk(Transition, transitions)
        bulk(DepartmentalOpinion, departmental)
        bulk(RegionalOpinion, regional)
        bulk(CommitteeDecision, decisions)
        bulk(Message, messages)
    for name, rows in [("dossier_departments", links), ("carrier_links", carrier_links), ("cost_lines", costs),
                       ("cofunding_lines", cofunding), ("transitions", transitions),
                       ("departmental_opinions", departmental), ("regional_opinions", regional),
                       ("committee_decisions", decisions), ("messages", messages)]:  # fmt: skip
        ctx.count(name, len(rows))
    # Envelopes that cover what was granted, with a margin left for the open call's committee.
    for call in calls.values():
        needed = granted.get(call.pk, Decimal(0)) * Decimal("1.25")
        if needed > call.envelope_eur:
            call.envelope_eur = needed.quantize(Decimal("1000"))
            type(call).objects.filter(pk=call.pk).update(envelope_eur=call.envelope_eur)
