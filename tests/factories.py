"""Factories for every model the tests need; they build coherent objects (a
departmental service has its department, a dossier its carrier...)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from logement_accompagne.calls.models import Call
from logement_accompagne.dossiers.enums import CostBasis, CostKind, CostPeriod, Tri
from logement_accompagne.dossiers.models import CofundingLine, CostLine, Dossier, DossierCarrier
from logement_accompagne.organisations.enums import OrganisationKind, Role, StateService
from logement_accompagne.organisations.models import Membership, Organisation, User
from logement_accompagne.territories.models import Department, Region

PASSWORD = "mot-de-passe-de-test"


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"aap-{n}")
    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    year = 2026
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    envelope_eur = Decimal("5000000")
    project_cap_eur = Decimal("200000")
    min_duration_months = 12
    max_duration_months = 36


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisme {n}")
    kind = OrganisationKind.ESH
    department = factory.LazyFunction(lambda: department("45"))


def departmental_service(code: str, service: str = StateService.DDETS) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.STATE_DEPARTMENT,
        department=department(code),
        state_service=service,
        defaults={"name": f"{StateService(service).label} {department(code).name}"},
    )
    return organisation


def regional_service(code: str, service: str = StateService.DREAL) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.STATE_REGION,
        region=region(code),
        state_service=service,
        defaults={"name": f"{StateService(service).label} {region(code).name}"},
    )
    return organisation


def national_body(service: str = StateService.DHUP) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.NATIONAL, state_service=service, defaults={"name": StateService(service).label}
    )
    return organisation


def member(organisation: Organisation, role: str, **user_fields) -> User:
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def carrier_user(organisation: Organisation | None = None, **user_fields) -> User:
    return member(organisation or OrganisationFactory(), Role.CARRIER, **user_fields)


def departmental_instructor(code: str = "45", **user_fields) -> User:
    return member(departmental_service(code), Role.DEPARTMENTAL_INSTRUCTOR, **user_fields)


def regional_instructor(code: str = "24", **user_fields) -> User:
    return member(regional_service(code), Role.REGIONAL_INSTRUCTOR, **user_fields)


def committee_member(**user_fields) -> User:
    return member(national_body(), Role.COMMITTEE, **user_fields)


class DossierFactory(factory.django.DjangoModelFactory):
    """A complete dossier (it passes the completeness check), as a draft."""

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Projet logement accompagné {n}")
    location_text = "Orléans, Loiret"
    carriers_text = "Organisme HLM et association partenaire"
    summary = "Accompagner vers et dans le logement des ménages du PDALPD."
    households = 25
    dwellings = 20
    dalo_eligible = Tri.YES
    collective_agreements = Tri.NO
    pdalpd = Tri.YES
    mobilisation_existing_unadapted = True
    support_method = "Diagnostic, plan d'accompagnement personnalisé, visites à domicile."
    partners = "SIAO, CCAS, conseil départemental"
    duration_text = "12 mois renouvelable"
    duration_months = 12
    duration_renewable = True
    requested_amount_eur = Decimal("30000")

    @factory.post_generation
    def department_codes(self, create, extracted, **kwargs):
        if create:
            self.departments.set(extracted if extracted is not None else ["45"])

    @factory.post_generation
    def carrier(self, create, extracted, **kwargs):
        if create:
            organisation = extracted or OrganisationFactory()
            DossierCarrier.objects.create(dossier=self, organisation=organisation, role="landlord")

    @factory.post_generation
    def costs(self, create, extracted, **kwargs):
        if create and extracted is not False:
            CostLine.objects.create(
                dossier=self,
                kind=CostKind.SUPPORT,
                amount_eur=Decimal("1440"),
                basis=CostBasis.HOUSEHOLD,
                period=CostPeriod.YEAR,
                text="1440 € à l'année",
            )
            CofundingLine.objects.create(
                dossier=self, funder="Conseil départemental", amount_eur=Decimal("6000")
            )
