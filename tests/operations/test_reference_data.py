"""The reference dataset generator, on a tiny scale: deterministic, complete, careful with data."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import CommitteeDecision, DepartmentalOpinion, Dossier
from logement_accompagne.operations import reference_data
from logement_accompagne.organisations.models import Organisation, User

pytestmark = pytest.mark.django_db

SCALE = "0.1"  # 200 dossiers, 150 people: a few seconds
DOSSIERS_ONLY = ["--parts", "people", "dossiers"]  # the households part is checked on its own below


def fingerprint() -> str:
    rows = Dossier.objects.order_by("name").values_list(
        "name", "status", "call__slug", "requested_amount_eur", "submitted_at", "households"
    )
    people = User.objects.order_by("email").values_list("email", "last_name")
    links = Dossier.departments.through.objects.order_by("dossier__name", "department").values_list(
        "dossier__name", "department"
    )
    return hashlib.sha256(repr((list(rows), list(people), list(links))).encode()).hexdigest()


def test_same_seed_same_data_and_every_state_present():
    call_command("generate_reference_data", "--scale", SCALE, "--seed", "42", *DOSSIERS_ONLY, verbosity=0)
    first = fingerprint()
    assert Dossier.objects.count() == 200
    assert User.objects.count() >= 150  # the State services are staffed whatever the scale
    states = set(Dossier.objects.values_list("status", flat=True))
    assert states == set(Status.values)
    # Opinions and decisions exist where the lifecycle put them, and only there.
    assert not DepartmentalOpinion.objects.filter(dossier__status=Status.DRAFT).exists()
    decided = Dossier.objects.filter(status__in=(Status.SELECTED, Status.NOT_SELECTED))
    assert CommitteeDecision.objects.filter(dossier__in=decided).count() == decided.count()
    assert not CommitteeDecision.objects.filter(selected=False, amount_granted_eur__gt=0).exists()
    # ~100 departments, the big ones carry more.
    per_department = list(
        Dossier.departments.through.objects.values("department").annotate(n=Count("id")).order_by("-n")
    )
    assert per_department[0]["n"] >= 4 * per_department[-1]["n"]

    call_command(
        "generate_reference_data", "--scale", SCALE, "--seed", "42", "--flush", *DOSSIERS_ONLY, verbosity=0
    )
    assert fingerprint() == first
    call_command(
        "generate_reference_data", "--scale", SCALE, "--seed", "7", "--flush", *DOSSIERS_ONLY, verbosity=0
    )
    assert fingerprint() != first


def test_refuses_a_database_with_data():
    Organisation.objects.create(name="Déjà là", kind="oph")
    with pytest.raises(CommandError, match="--flush"):
        call_command("generate_reference_data", "--scale", SCALE, verbosity=0)
    assert Organisation.objects.count() == 1 and not Dossier.objects.exists()


def test_refuses_production_settings(settings):
    settings.SETTINGS_MODULE = "config.settings.prod"
    with pytest.raises(CommandError, match="production"):
        call_command("generate_reference_data", "--scale", SCALE, verbosity=0)
    assert not User.objects.exists()


def test_parts_follow_installed_apps():
    assert reference_data.available_parts()[:2] == ["people", "dossiers"]


def test_households_at_a_small_scale_fill_every_record_and_include_transfers():
    from logement_accompagne.households.indicators import TRANSFER_DAYS
    from logement_accompagne.households.models import Contact, Household, OutcomeSnapshot, SupportEpisode
    from logement_accompagne.organisations.enums import Role
    from logement_accompagne.organisations.models import Membership

    call_command("generate_reference_data", "--scale", "0.02", "--seed", "42", verbosity=0)
    assert Household.objects.count() == 1000
    # About 20 contacts per household (the national volume: 1 000 000 for 50 000 households).
    assert 15_000 <= Contact.objects.count() <= 25_000
    episodes = SupportEpisode.objects.all()
    assert not episodes.exclude(dossier__status=Status.SELECTED).exists()
    assert set(episodes.values_list("kind", flat=True)) == {"access", "keeping", "both", "diagnostic"}
    # The episodes carry their household's reference (the project's list orders by it).
    assert not episodes.exclude(household_reference=F("household__reference")).exists()
    ended = episodes.filter(ended_on__isnull=False)
    assert OutcomeSnapshot.objects.count() == ended.count() > 0
    assert OutcomeSnapshot.objects.filter(housed_6_months__isnull=False).exists()
    # Households that came back: some within 14 days of their exit (a transfer), some later.
    gaps = []
    for household in Household.objects.annotate(n=Count("episodes")).filter(n=2):
        first, second = household.episodes.order_by("referred_on")
        gaps.append((second.referred_on - first.ended_on).days)
    assert any(g <= TRANSFER_DAYS for g in gaps) and any(g > TRANSFER_DAYS for g in gaps)
    # Each project's carrier has a support worker who can open the personal pages.
    assert Membership.objects.filter(role=Role.SUPPORT_WORKER, user__email__startswith="suivi.").exists()
