"""The demo dataset: two calls, organisations and accounts in four departments
of three regions, and a dozen dossiers spread over every state of the lifecycle.

Idempotent: organisations, accounts and calls are matched by natural keys; a
dossier is only created when none of that name exists on its call. Dossiers of
the open call are driven through the lifecycle *services*, exactly as users
would; the 2014 call being closed, its dossiers are recorded as history.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from logement_accompagne.calls.models import Call
from logement_accompagne.organisations.enums import OrganisationKind, Role, StateService
from logement_accompagne.organisations.models import Membership, Organisation, User

from . import services
from .enums import CostBasis, CostKind, CostPeriod, Reproducibility, Status, Tri, Verdict
from .models import CommitteeDecision, DepartmentalOpinion, Dossier, RegionalOpinion, Transition

DEMO_PASSWORD = "demo-logement-accompagne"
# Sent at the end of load_demo (same transaction): apps on higher floors add their own demo data.
demo_loaded = Signal()
DOMAIN = "demo.logement-accompagne.fr"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    organisation: str


ACCOUNTS: list[DemoAccount] = []

DEPARTMENTS = {
    # code: (landlord name and kind, association, region code, regional service)
    "45": (
        "Logem Loiret (OPH)",
        OrganisationKind.OPH,
        "Association d'hébergement et d'urgence du Loiret",
        "24",
    ),
    "40": ("Habitat Landes Océanes", OrganisationKind.ESH, "Maison du Logement du Grand Dax", "75"),
    "17": (
        "Habitat 17 (OPH)",
        OrganisationKind.OPH,
        "Association Insertion Logement Charente-Maritime",
        "75",
    ),
    "57": ("Moselis", OrganisationKind.ESH, "Association Logement Accompagné de Moselle", "44"),
}


def _user(email: str, first: str, last: str, organisation: Organisation, role: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    ACCOUNTS.append(DemoAccount(email, Role(role).label, organisation.name))
    return user


def _calls() -> tuple[Call, Call]:
    today = timezone.localdate()
    call_2014, _ = Call.objects.update_or_create(
        slug="aap-2014",
        defaults={
            "title": "Mise en place de 10 000 logements HLM accompagnés (2014)",
            "year": 2014,
            "opens_on": datetime.date(2014, 3, 1),
            "closes_on": datetime.date(2014, 6, 30),
            "envelope_eur": Decimal("1300000"),
            "project_cap_eur": Decimal("200000"),
            "min_duration_months": 12,
            "max_duration_months": 36,
            "national_target": 10000,
        },
    )
    # The 2016 edition stays open in the demo, so that carriers can file.
    call_2016, _ = Call.objects.update_or_create(
        slug="aap-2016",
        defaults={
            "title": "Logements HLM accompagnés (2016)",
            "year": 2016,
            "opens_on": datetime.date(2016, 3, 1),
            "closes_on": max(today + datetime.timedelta(days=365), datetime.date(2016, 6, 30)),
            "envelope_eur": Decimal("5000000"),
            "project_cap_eur": Decimal("200000"),
            "min_duration_months": 12,
            "max_duration_months": 36,
            "national_target": 10000,
        },
    )
    return call_2014, call_2016


def _people() -> dict:
    from logement_accompagne.territories.models import Department, Region

    ACCOUNTS.clear()
    people: dict = {"carriers": {}, "associations": {}, "departmental": {}, "regional": {}}
    for code, (landlord_name, kind, association_name, region_code) in DEPARTMENTS.items():
        department = Department.objects.get(code=code)
        landlord, _ = Organisation.objects.get_or_create(
            name=landlord_name, defaults={"kind": kind, "department": department}
        )
        association, _ = Organisation.objects.get_or_create(
            name=association_name, defaults={"kind": OrganisationKind.ASSOCIATION, "department": department}
        )
        service, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.STATE_DEPARTMENT,
            department=department,
            state_service=StateService.DDETS,
            defaults={"name": f"DDETS {department.name}"},
        )
        region = Region.objects.get(code=region_code)
        regional, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.STATE_REGION,
            region=region,
            state_service=StateService.DREAL,
            defaults={"name": f"DREAL {region.name}"},
        )
        people["carriers"][code] = (
            landlord,
            _user(f"porteur.{code}@{DOMAIN}", "Camille", f"Porteur {code}", landlord, Role.CARRIER),
        )
        people["associations"][code] = (
            association,
            _user(f"association.{code}@{DOMAIN}", "Sacha", f"Association {code}", association, Role.CARRIER),
        )
        _user(f"accompagnateur.{code}@{DOMAIN}", "Dominique", f"Accompagnateur {code}", association,
              Role.SUPPORT_WORKER)  # fmt: skip
        people["departmental"][code] = _user(
            f"ddets.{code}@{DOMAIN}", "Claude", f"Instructeur {code}", service, Role.DEPARTMENTAL_INSTRUCTOR
        )
        if region_code not in people["regional"]:
            people["regional"][region_code] = _user(
                f"dreal.{region_code}@{DOMAIN}",
                "Alix",
                f"DREAL {region_code}",
                regional,
                Role.REGIONAL_INSTRUCTOR,
            )
    dhup, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.NATIONAL, state_service=StateService.DHUP, defaults={"name": "DHUP"}
    )
    Organisation.objects.get_or_create(
        kind=OrganisationKind.NATIONAL, state_service=StateService.USH,
        defaults={"name": "Union sociale pour l'habitat"},
    )  # fmt: skip
    people["committee"] = _user(f"comite@{DOMAIN}", "Morgan", "Comité national", dhup, Role.COMMITTEE)
    admin, created = User.objects.get_or_create(
        email=f"admin@{DOMAIN}", defaults={"is_staff": True, "is_superuser": True, "first_name": "Opérateur"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    ACCOUNTS.append(DemoAccount(admin.email, "Administrateur de la plateforme", "—"))
    return people


PROJECTS = [
    # (department, name, households, dwellings, target state)
    ("45", "Prévenir l'impayé pour mieux prévenir l'expulsion", 20, None, Status.SELECTED),
    ("40", "Logement HLM accompagné du Grand Dax", 25, 25, Status.SELECTED),
    ("17", "Sous-location et glissement de bail à La Rochelle", 18, 18, Status.NOT_SELECTED),
    ("57", "Accès au logement des sortants d'hébergement à Metz", 30, 24, Status.COMMITTEE),
    ("45", "Accompagnement renforcé des ménages DALO", 15, 15, Status.REGIONAL_REVIEW),
    ("40", "Maintien dans le logement en zone rurale landaise", 12, 10, Status.DEPARTMENTAL_REVIEW),
    ("17", "Habiter Rochefort : bail glissant", 10, 10, Status.SUBMITTED),
    ("57", "Logements à bas loyer pour familles monoparentales", 22, 20, Status.RETURNED),
    ("45", "Colocation accompagnée de jeunes à Orléans", 8, 4, Status.WITHDRAWN),
    ("40", "Pension de famille diffuse", 14, 14, Status.DRAFT),
]


def _fill(dossier: Dossier, code: str, name: str, households: int, dwellings: int | None, carrier) -> Dossier:
    from logement_accompagne.territories.models import Department

    department = Department.objects.get(code=code)
    values = {
        "name": name,
        "location_text": f"{department.name} ({code})",
        "carriers_text": ", ".join(link.organisation.name for link in dossier.carrier_links.all()),
        "summary": "Accompagner vers et dans le logement des ménages en difficulté, en lien étroit "
        "entre le bailleur et l'association, pour éviter les ruptures de parcours.",
        "households": households,
        "households_approximate": False,
        "dalo_eligible": Tri.YES,
        "collective_agreements": Tri.NO,
        "pdalpd": Tri.YES,
        "target_characteristics": "Ménages du PDALPD, familles monoparentales, personnes isolées aux "
        "ressources faibles (minima sociaux).",
        "mobilisation_existing_unadapted": True,
        "mobilisation_known": True,
        "dwellings": dwellings,
        "dwellings_text": "" if dwellings else "selon les besoins",
        "housing_typology": "T1 à T4 selon la composition des ménages",
        "housing_allocation": "Attributions en commission, sur le contingent préfectoral et les accords collectifs.",
        "housing_location": department.name,
        "support_method": "Diagnostic partagé, projet personnalisé d'accès au logement, visites à domicile "
        "(aller vers), bilans tous les deux mois.",
        "support_rental_management": "Gestion locative adaptée assurée par le bailleur.",
        "support_adhesion": "Contrat d'engagement signé avec le ménage et entretien initial.",
        "support_landlord_relation": "Convention bailleur / association, référent unique de chaque côté.",
        "support_needs_fit": "Réponse aux besoins repérés par le SIAO et la CCAPEX.",
        "partners": "SIAO, CCAS, conseil départemental (FSL), CAF, CCAPEX",
        "finance_overview": "Financement de l'accompagnement par l'appel à projets et le FSL.",
        "cofunding_text": "Conseil départemental (FSL) = 6 000 €",
        "requested_amount_eur": Decimal(1440 * households - 6000)
        if households * 1440 > 6000
        else Decimal("0"),
        "fndollts_funded": Tri.NO,
        "fndollts_applied": Tri.NO,
        "duration_text": "12 mois renouvelable",
        "duration_months": 12,
        "duration_renewable": True,
        "schedule": "Démarrage au premier trimestre, bilan à six mois, bilan annuel.",
    }
    return services.update_dossier(
        user=carrier,
        dossier=dossier,
        expected_version=dossier.version,
        values=values,
        department_codes=[code],
        cost_lines=[
            {
                "kind": CostKind.SUPPORT,
                "amount_eur": Decimal("1440"),
                "basis": CostBasis.HOUSEHOLD,
                "period": CostPeriod.YEAR,
                "text": "1 440 € par ménage à l'année",
            },
            {
                "kind": CostKind.DIAGNOSTIC,
                "amount_eur": Decimal("400"),
                "basis": CostBasis.HOUSEHOLD,
                "period": CostPeriod.ONCE,
                "text": "400 € l'expertise",
            },
        ],  # fmt: skip
        cofunding_lines=[
            {"funder": "Conseil départemental (FSL)", "amount_eur": Decimal("6000"), "status": "obtained"}
        ],
    )


def _drive(dossier: Dossier, target: str, people: dict, code: str, carrier) -> None:
    """Walk the dossier through the services up to its target state."""
    region_code = DEPARTMENTS[code][3]
    departmental = people["departmental"][code]
    regional = people["regional"][region_code]
    committee = people["committee"]
    if target == Status.DRAFT:
        return
    if target == Status.WITHDRAWN:
        services.submit(user=carrier, dossier=dossier, attested=True)
        services.withdraw(user=carrier, dossier=dossier, comment="Projet reporté à l'an prochain.")
        return
    services.submit(
        user=carrier, dossier=dossier, attested=True, comment="Dossier déposé pour la démonstration."
    )
    if target == Status.SUBMITTED:
        return
    services.start_departmental_review(user=departmental, dossier=dossier)
    if target == Status.RETURNED:
        services.return_for_completion(
            user=departmental, dossier=dossier,
            message="Merci de préciser le plan de financement et les cofinancements obtenus.",
        )  # fmt: skip
        return
    if target == Status.DEPARTMENTAL_REVIEW:
        return
    services.record_departmental_opinion(
        user=departmental, dossier=dossier, reproducibility=Reproducibility.HIGH,
        relevance="Projet pertinent : il répond aux besoins des publics du PDALPD identifiés par le SIAO.",
        conditions="Bilan à six mois transmis à la DDETS.",
    )  # fmt: skip
    services.forward_to_region(user=departmental, dossier=dossier)
    if target == Status.REGIONAL_REVIEW:
        return
    services.record_regional_opinion(
        user=regional,
        dossier=dossier,
        verdict=Verdict.FAVOURABLE,
        comment="Avis favorable du comité régional.",
    )
    services.forward_to_committee(user=regional, dossier=dossier)
    if target == Status.COMMITTEE:
        return
    if target == Status.SELECTED:
        services.decide(
            user=committee, dossier=dossier, selected=True,
            amount_granted_eur=min(Decimal("30000"), dossier.requested_amount_eur),
            conditions="Rapport d'étape à six mois.",
        )  # fmt: skip
    else:
        services.decide(
            user=committee,
            dossier=dossier,
            selected=False,
            refusal_reason="Projet insuffisamment reproductible.",
        )


def _historical_2014(call: Call, people: dict) -> None:
    """Two selected projects of the 2014 call, recorded as history (the call is closed)."""
    for code, name, households in (("40", "Maison du Logement : accès et maintien (2014)", 25),
                                   ("45", "Traitement précoce des impayés (2014)", 20)):  # fmt: skip
        if Dossier.objects.filter(call=call, name=name).exists():
            continue
        landlord, carrier = people["carriers"][code]
        dossier = Dossier.objects.create(call=call, name=name, created_by=carrier, status=Status.DRAFT)
        services.DossierCarrier.objects.create(dossier=dossier, organisation=landlord, role="landlord")
        _fill(dossier, code, name, households, households, carrier)
        history = [Status.SUBMITTED, Status.DEPARTMENTAL_REVIEW, Status.REGIONAL_REVIEW, Status.COMMITTEE,
                   Status.SELECTED]  # fmt: skip
        previous = Status.DRAFT
        for status in history:
            Transition.objects.create(dossier=dossier, actor=None, from_status=previous, to_status=status,
                                      comment="Historique de l'appel 2014")  # fmt: skip
            previous = status
        DepartmentalOpinion.objects.create(dossier=dossier, version=1, imported=True, reproducibility="medium",
                                           relevance="Projet conforme aux objectifs de l'appel.")  # fmt: skip
        RegionalOpinion.objects.create(dossier=dossier, version=1, imported=True, verdict=Verdict.FAVOURABLE)
        CommitteeDecision.objects.create(dossier=dossier, version=1, imported=True, selected=True,
                                         amount_granted_eur=Decimal("45000"), cap_eur=call.project_cap_eur)  # fmt: skip
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Status.SELECTED, submitted_at=datetime.datetime(2014, 6, 15, tzinfo=datetime.UTC)
        )


@transaction.atomic
def load_demo() -> dict[str, int]:
    call_2014, call_2016 = _calls()
    people = _people()
    created = 0
    for code, name, households, dwellings, target in PROJECTS:
        if Dossier.objects.filter(call=call_2016, name=name).exists():
            continue
        landlord, carrier = people["carriers"][code]
        dossier = services.create_dossier(user=carrier, call=call_2016, organisation=landlord, name=name)
        association, association_carrier = people["associations"][code]
        invitation = services.invite_carrier(user=carrier, dossier=dossier, organisation=association)
        services.answer_invitation(user=association_carrier, invitation=invitation, accept=True)
        dossier = _fill(dossier, code, name, households, dwellings, carrier)
        _drive(dossier, target, people, code, carrier)
        created += 1
    _historical_2014(call_2014, people)
    # Higher floors add their demo data (households: issue #10) without dossiers importing them.
    demo_loaded.send(sender=load_demo, people=people)
    return {"dossiers_created": created, "dossiers": Dossier.objects.count(), "accounts": len(ACCOUNTS)}
