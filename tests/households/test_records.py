"""What must never be stored is refused by the database, and services say why in French."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from logement_accompagne.households import services
from logement_accompagne.households.enums import (
    ArrearsStep,
    Destination,
    EndReason,
    LeaseKind,
    Phase,
    TenancyChange,
)
from logement_accompagne.households.models import (
    Contact,
    Household,
    OutcomeSnapshot,
    PhaseChange,
    SupportEpisode,
    TenancyPeriod,
)

from .conftest import register

D = datetime.date


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_an_exit_before_the_entry_is_refused_by_the_database(project):
    episode = register(project)
    refused(lambda: SupportEpisode.objects.filter(pk=episode.pk).update(
        ended_on=D(2024, 12, 31), end_reason=EndReason.OTHER, destination=Destination.OTHER))  # fmt: skip
    with pytest.raises(ValidationError, match="précéder"):
        services.end_support(user=project.worker, episode=episode, ended_on=D(2024, 12, 1),
                             end_reason=EndReason.OTHER, destination=Destination.OTHER)  # fmt: skip
    episode.refresh_from_db()
    assert episode.ended_on is None and not OutcomeSnapshot.objects.exists()


def _tenancy(episode, change, starts_on, lease_kind, previous=""):
    return TenancyPeriod.objects.create(
        episode=episode, change=change, starts_on=starts_on, commune_code="45234", dwelling_type="T2",
        rent_eur=Decimal("420"), lease_kind=lease_kind, previous_lease_kind=previous,
    )  # fmt: skip


def test_a_lease_transfer_on_a_direct_lease_is_refused(project):
    episode = register(project)
    refused(
        lambda: _tenancy(
            episode, TenancyChange.LEASE_TRANSFER, D(2025, 6, 1), LeaseKind.DIRECT, LeaseKind.DIRECT
        )
    )
    services.record_tenancy(user=project.worker, episode=episode, change=TenancyChange.MOVE_IN, starts_on=D(2025, 2, 1),
                            commune_code="45234", dwelling_type="T3", rent_eur="450", lease_kind=LeaseKind.DIRECT)  # fmt: skip
    with pytest.raises(ValidationError, match="glissement"):
        services.record_tenancy(user=project.worker, episode=episode, change=TenancyChange.LEASE_TRANSFER,
                                starts_on=D(2025, 9, 1), commune_code="45234", dwelling_type="T3", rent_eur="450",
                                lease_kind=LeaseKind.DIRECT)  # fmt: skip
    assert episode.tenancy_periods.count() == 1


def test_a_sublet_slides_into_a_direct_lease_and_dates_the_milestone(project):
    episode = register(project)
    common = {"commune_code": "45234", "dwelling_type": "T2", "rent_eur": "400"}
    services.record_tenancy(user=project.worker, episode=episode, change=TenancyChange.MOVE_IN,
                            starts_on=D(2025, 2, 1), lease_kind=LeaseKind.SUBLET, **common)  # fmt: skip
    services.record_tenancy(user=project.worker, episode=episode, change=TenancyChange.LEASE_TRANSFER,
                            starts_on=D(2025, 11, 1), lease_kind=LeaseKind.DIRECT, **common)  # fmt: skip
    episode.refresh_from_db()
    assert (episode.moved_in_on, episode.lease_transferred_on) == (D(2025, 2, 1), D(2025, 11, 1))
    assert episode.tenancy_periods.last().previous_lease_kind == LeaseKind.SUBLET


def test_an_unknown_commune_is_refused(project):
    episode = register(project)
    with pytest.raises(ValidationError, match="Commune inconnue"):
        services.record_tenancy(user=project.worker, episode=episode, change=TenancyChange.MOVE_IN,
                                starts_on=D(2025, 2, 1), commune_code="45999", dwelling_type="T2", rent_eur="400",
                                lease_kind=LeaseKind.DIRECT)  # fmt: skip


def test_a_contact_after_the_exit_date_is_refused_by_the_database(project):
    episode = register(project)
    services.record_contact(user=project.worker, episode=episode, happened_on=D(2025, 1, 10), kind="interview",
                            channel="office", result="reached")  # fmt: skip
    services.end_support(user=project.worker, episode=episode, ended_on=D(2025, 3, 1),
                         end_reason=EndReason.GOALS_REACHED, destination=Destination.SOCIAL_HOUSING)  # fmt: skip
    refused(lambda: Contact.objects.create(episode=episode, happened_on=D(2025, 3, 2), kind="attempt",
                                           channel="phone", result="not_reached"))  # fmt: skip
    # and the end date cannot be moved before an existing contact
    refused(lambda: SupportEpisode.objects.filter(pk=episode.pk).update(ended_on=D(2025, 1, 9)))
    with pytest.raises(ValidationError, match="postérieur"):
        services.record_contact(user=project.worker, episode=episode, happened_on=D(2025, 3, 2), kind="attempt",
                                channel="phone", result="not_reached")  # fmt: skip
    assert episode.contacts.count() == 1


def test_a_phase_goes_back_only_with_a_reason(project):
    episode = register(project)
    services.change_phase(user=project.worker, episode=episode, to_phase=Phase.INSTALLATION, on=D(2025, 3, 1))
    refused(lambda: PhaseChange.objects.create(episode=episode, from_phase=Phase.INSTALLATION, to_phase=Phase.PLAN,
                                               on=D(2025, 4, 1)))  # fmt: skip
    with pytest.raises(ValidationError, match="motif"):
        services.change_phase(user=project.worker, episode=episode, to_phase=Phase.PLAN, on=D(2025, 4, 1))
    services.change_phase(user=project.worker, episode=episode, to_phase=Phase.PLAN, on=D(2025, 4, 1),
                          reason="Refus du logement proposé, nouveau projet")  # fmt: skip
    episode.refresh_from_db()
    assert episode.phase == Phase.PLAN and episode.phase_changes.count() == 2


def test_non_lieu_a_mesure_ends_only_a_diagnostic(project):
    access = register(project)
    with pytest.raises(ValidationError, match="Non lieu"):
        services.end_support(user=project.worker, episode=access, ended_on=D(2025, 2, 1),
                             end_reason=EndReason.NO_MEASURE)  # fmt: skip
    diagnostic = register(project, kind="diagnostic", last_name="Durand", source="landlord_detection")
    services.record_diagnostic(
        user=project.worker, episode=diagnostic, carried_out_on=D(2025, 1, 20), budget="some"
    )
    services.end_support(user=project.worker, episode=diagnostic, ended_on=D(2025, 1, 20),
                         end_reason=EndReason.NO_MEASURE)  # fmt: skip
    diagnostic.refresh_from_db()
    assert diagnostic.end_reason == EndReason.NO_MEASURE
    refused(lambda: SupportEpisode.objects.filter(pk=diagnostic.pk).update(moved_in_on=D(2025, 1, 20)))


def test_identifiers_are_entered_once(project):
    register(project, sne_number="045-2024-00012")
    with pytest.raises(ValidationError, match="déjà enregistré"):
        register(project, sne_number="045-2024-00012", last_name="Autre")
    assert Household.objects.count() == 1
    episode = SupportEpisode.objects.get()
    with pytest.raises(ValidationError, match="déjà renseigné"):
        services.set_identifiers(user=project.worker, episode=episode, sne_number="045-2024-99999")


def test_one_open_episode_per_household_and_arrears_rules(project):
    episode = register(project)
    refused(lambda: SupportEpisode.objects.create(household=episode.household, dossier=project.dossier,
                                                  kind="keeping", referral_source="other", referred_on=D(2025, 2, 1)))  # fmt: skip
    case = services.open_arrears(user=project.worker, episode=episode, detected_on=D(2025, 3, 10),
                                 first_unpaid_rent_on=D(2025, 2, 5), balance_eur="820")  # fmt: skip
    services.record_arrears_step(
        user=project.worker, case=case, kind=ArrearsStep.FORMAL_NOTICE, on=D(2025, 4, 1)
    )
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        services.record_arrears_step(
            user=project.worker, case=case, kind=ArrearsStep.FORMAL_NOTICE, on=D(2025, 5, 1)
        )
    with pytest.raises(ValidationError, match="positif"):
        services.record_arrears_balance(user=project.worker, case=case, on=D(2025, 4, 2), amount_eur="-5")
    services.record_arrears_step(user=project.worker, case=case, kind=ArrearsStep.REPAYMENT_PLAN, on=D(2025, 4, 15),
                                 repayment_monthly_eur="60")  # fmt: skip
    case.refresh_from_db()
    assert case.repayment_plan_monthly_eur == Decimal("60") and case.balances.count() == 1


def test_only_the_projects_support_workers_write(project):
    episode = register(project)
    for person in ("worker_other", "carrier", "dept", "committee", "admin"):
        with pytest.raises(PermissionDenied):
            services.record_contact(user=project[person], episode=episode, happened_on=D(2025, 1, 8),
                                    kind="attempt", channel="phone", result="not_reached")  # fmt: skip
    assert not episode.contacts.exists()
    with pytest.raises(PermissionDenied):
        services.set_review_rhythm(user=project.worker, dossier=project.dossier, months=3)
    assert (
        services.set_review_rhythm(
            user=project.manager, dossier=project.dossier, months=3
        ).review_every_months
        == 3
    )


def test_first_reached_contact_is_the_milestone_and_the_exit_writes_a_pseudonymous_snapshot(project):
    episode = register(project, adults=2, children=1, head="couple")
    for day, result in ((8, "not_reached"), (12, "not_reached"), (15, "reached")):
        services.record_contact(user=project.worker, episode=episode, happened_on=D(2025, 1, day), kind="attempt",
                                channel="home_visit", result=result)  # fmt: skip
    episode.refresh_from_db()
    assert episode.first_contact_on == D(2025, 1, 15)
    services.end_support(user=project.worker, episode=episode, ended_on=D(2025, 9, 17),
                         end_reason=EndReason.GOALS_REACHED, destination=Destination.SOCIAL_HOUSING)  # fmt: skip
    snapshot = OutcomeSnapshot.objects.get()
    assert (snapshot.referral_month, snapshot.end_month) == (D(2025, 1, 1), D(2025, 9, 1))
    assert snapshot.composition_band == "couple_children" and snapshot.department_id == "45"
    services.record_outcome_check(user=project.worker, episode=episode, months=6, housed=True)
    snapshot.refresh_from_db()
    assert snapshot.housed_6_months is True
