"""The territory rule, written once (organisations.selectors), gives the same answer to the dossier
selectors, the queue's department filter and the notifications, pre-2016 regions included."""

from django.urls import reverse

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Reproducibility, Status
from logement_accompagne.dossiers.notifications import reviewers_in_charge
from logement_accompagne.dossiers.selectors import dossiers_visible_to
from logement_accompagne.organisations.models import Organisation
from logement_accompagne.organisations.selectors import (
    departments_covered_q,
    regions_covering,
    scope_of,
    services_covering_q,
)
from logement_accompagne.territories.models import Department
from tests import factories


def landes_dossier(cast):
    """A dossier in the Landes (40): region Nouvelle-Aquitaine (75) today, Aquitaine (72) before 2016."""
    landlord = factories.OrganisationFactory(
        name="Office des Landes", kind="oph", department=factories.department("40")
    )
    carrier = factories.carrier_user(landlord)
    dossier = factories.DossierFactory(
        carrier=landlord, department_codes=["40"], name="Bail glissant Mont-de-Marsan"
    )
    return dossier, carrier


def test_the_rule_covers_current_and_former_regions(db):
    covered = set(
        Department.objects.filter(departments_covered_q(regional_codes=["72"])).values_list("pk", flat=True)
    )
    assert {"24", "33", "40", "47", "64"} <= covered and "45" not in covered
    assert regions_covering(["40"]) == {"75", "72"}
    assert set(
        Department.objects.filter(departments_covered_q(departmental_codes=["45"])).values_list(
            "pk", flat=True
        )
    ) == {"45"}


def test_a_former_regional_service_sees_filters_and_is_told(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    dossier, carrier = landes_dossier(cast)
    aquitaine = factories.regional_instructor("72", email="instructeur@aquitaine.gouv.fr")
    nouvelle_aquitaine = factories.regional_instructor("75")
    centre = cast.region  # region 24: not the Landes
    landes_dept = factories.departmental_instructor("40")
    services.submit(user=carrier, dossier=dossier, attested=True)
    services.start_departmental_review(user=landes_dept, dossier=dossier)
    services.record_departmental_opinion(user=landes_dept, dossier=dossier, relevance="Pertinent",
                                         reproducibility=Reproducibility.HIGH)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.forward_to_region(user=landes_dept, dossier=dossier)
    # Selectors: both regional services of the Landes see it, the Centre's does not.
    assert dossiers_visible_to(aquitaine).filter(pk=dossier.pk).exists()
    assert dossiers_visible_to(nouvelle_aquitaine).filter(pk=dossier.pk).exists()
    assert not dossiers_visible_to(centre).filter(pk=dossier.pk).exists()
    # Notifications: the same people, from the same rule (Aquitaine was missed before).
    told = set(reviewers_in_charge(dossier, Status.REGIONAL_REVIEW))
    assert {aquitaine, nouvelle_aquitaine} <= told and centre not in told
    assert any(message.to == ["instructeur@aquitaine.gouv.fr"] for message in mailoutbox)
    # Queue filters: the Landes is among the departments offered to Aquitaine, the Loiret is not.
    from logement_accompagne.www.review.views import departments_in_scope

    offered = set(departments_in_scope(scope_of(aquitaine)).values_list("pk", flat=True))
    assert "40" in offered and "45" not in offered


def test_services_covering_agrees_with_departments_covered(db):
    """Both directions of the rule, checked against each other for every department of a region."""
    factories.regional_service("72")
    factories.regional_service("75")
    factories.regional_service("24")
    for department in Department.objects.filter(code__in=["40", "33", "45", "18"]):
        covering = {
            organisation.region_id
            for organisation in Organisation.objects.filter(
                services_covering_q([department.code], level="regional")
            )
        }
        for region in ("72", "75", "24"):
            covered = Department.objects.filter(
                departments_covered_q(regional_codes=[region]), pk=department.pk
            ).exists()
            assert covered == (region in covering), (department.code, region)


def test_queue_page_filters_by_a_former_region_department(client, cast):
    dossier, carrier = landes_dossier(cast)
    services.submit(user=carrier, dossier=dossier, attested=True)
    aquitaine = factories.regional_instructor("72")
    client.force_login(aquitaine)
    response = client.get(reverse("review:queue"), {"department": "40"})
    assert response.status_code == 200
    assert "Bail glissant Mont-de-Marsan" in response.content.decode()
