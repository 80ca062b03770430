"""What must never be stored is refused by the database itself."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from logement_accompagne.dossiers.models import (
    CofundingLine,
    CommitteeDecision,
    CostLine,
    DepartmentalOpinion,
)
from logement_accompagne.organisations.enums import OrganisationKind, StateService
from logement_accompagne.organisations.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_negative_amounts_are_refused():
    dossier = factories.DossierFactory()
    refused(lambda: CostLine.objects.create(dossier=dossier, kind="global", amount_eur=Decimal("-1")))
    refused(lambda: CofundingLine.objects.create(dossier=dossier, funder="CD", amount_eur=Decimal("-5")))
    refused(lambda: type(dossier).objects.filter(pk=dossier.pk).update(requested_amount_eur=Decimal("-10")))
    refused(lambda: factories.CallFactory(envelope_eur=Decimal("-1"), project_cap_eur=Decimal("-2")))


def test_granted_amount_above_the_cap_is_refused():
    dossier = factories.DossierFactory()
    refused(
        lambda: CommitteeDecision.objects.create(
            dossier=dossier,
            version=1,
            selected=True,
            amount_granted_eur=Decimal("200001"),
            cap_eur=Decimal("200000"),
        )
    )
    refused(
        lambda: CommitteeDecision.objects.create(
            dossier=dossier,
            version=1,
            selected=False,
            amount_granted_eur=Decimal("10"),
            cap_eur=Decimal("200000"),
        )
    )
    CommitteeDecision.objects.create(
        dossier=dossier,
        version=1,
        selected=True,
        amount_granted_eur=Decimal("200000"),
        cap_eur=Decimal("200000"),
    )


def test_unknown_reproducibility_is_refused():
    dossier = factories.DossierFactory()
    refused(lambda: DepartmentalOpinion.objects.create(dossier=dossier, version=1, reproducibility="énorme"))


def test_two_departmental_services_of_one_kind_for_one_department_are_refused():
    factories.departmental_service("45", StateService.DDCS)
    factories.departmental_service("45", StateService.DDT)  # another kind: fine
    refused(
        lambda: Organisation.objects.create(
            name="Doublon",
            kind=OrganisationKind.STATE_DEPARTMENT,
            department=factories.department("45"),
            state_service=StateService.DDCS,
        )  # fmt: skip
    )


def test_state_service_must_have_its_territory():
    refused(lambda: Organisation.objects.create(name="DDETS ?", kind=OrganisationKind.STATE_DEPARTMENT))
    refused(lambda: Organisation.objects.create(name="DREAL ?", kind=OrganisationKind.STATE_REGION))


def test_unknown_status_and_tri_values_are_refused():
    dossier = factories.DossierFactory()
    refused(lambda: type(dossier).objects.filter(pk=dossier.pk).update(status="perdu"))
    refused(lambda: type(dossier).objects.filter(pk=dossier.pk).update(dalo_eligible="maybe"))


def test_call_dates_and_durations_must_be_ordered():
    import datetime

    refused(
        lambda: factories.CallFactory(opens_on=datetime.date(2020, 5, 1), closes_on=datetime.date(2020, 4, 1))
    )
    refused(lambda: factories.CallFactory(min_duration_months=40, max_duration_months=12))
