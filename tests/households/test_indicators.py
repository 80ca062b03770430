"""Each indicator against values computed by hand on a small project (tests/households/fixture.py).

Hand computation (today = 30/06/2026):
- accompanied A B C D F = 5 (E is a diagnostic alone), committed 25; new (referred after 30/06/2025) D F = 2;
  ongoing D F = 2; ended A B C = 3; diagnostics A B C E = 4, of which "non lieu" 1; dwellings A B = 2 of 20.
- days referral → first contact reached: A 4, B 10, C 4, D 2, E 2 → median 4;
  → diagnostic: A 14, B 30, C 19, E 10 → median 16.5; → move-in: A 54, B 89 → median 71.5.
- reviews: A 01/04 (59 days after the plan: on time), A 01/07 (91 days: late), B 15/06 (124 days after the first
  contact, no plan: late) → 1 of 3 = 33.3 %; overdue today: D (300 days since its first contact); F is at 60 days.
- lease transfer: A alone was sub-let → 100 %; 01/03/2025 → 01/12/2025 = 275 days.
- relocation: ended access A (glissement) and B (shelter) → 50 %.
- arrears: C and D; at detection 1200 + 900 = 2100; within 183 days: C 600 (01/07; 01/10 is day 214), D 400 → 1000;
  formal notice C D = 100 %, summons C = 50 %; evictions avoided: C (procedure, kept) = 1 of 1 ended.
- destinations: lease transferred 1, shelter 1, kept 1.
- housed 6 months after: A yes, B no, C yes → 66.7 % of 3.
- cost: 25 000 € granted (tests/lifecycle.GRANTED) ÷ 5 households = 5 000 €.
"""

import datetime

import pytest

from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.households import indicators
from logement_accompagne.households.models import OutcomeSnapshot, SupportEpisode
from tests.lifecycle import GRANTED

from .fixture import TODAY, build, contact


@pytest.fixture
def figures(project):
    build(project)
    dossiers = Dossier.objects.filter(pk=project.dossier.pk)
    episodes = SupportEpisode.objects.filter(dossier__in=dossiers)
    snapshots = OutcomeSnapshot.objects.filter(dossier__in=dossiers)
    return {f.key: f for f in indicators.all_figures(episodes, snapshots, dossiers, today=TODAY)}


def values(figures, *keys):
    return tuple(figures[key].value for key in keys)


def test_counts_against_commitments(figures):
    assert values(figures, "accompanied", "new", "ongoing", "ended", "diagnostics", "no_measure", "dwellings") == (
        5, 2, 2, 3, 4, 1, 2,
    )  # fmt: skip
    assert (figures["accompanied"].committed, figures["dwellings"].committed) == (25, 20)
    assert figures["accompanied"].share_of_committed == 20.0


def test_median_delays(figures):
    assert values(figures, "days_to_contact", "days_to_diagnostic", "days_to_move_in") == (4, 16.5, 71.5)
    assert figures["days_to_diagnostic"].base == 4


def test_reviews(figures):
    assert figures["reviews_on_time"].value == 33.3
    assert figures["reviews_overdue"].value == 1


def test_a_same_day_review_is_not_the_previous_one(project):
    """A second review of A on 01/07/2025 also counts from 01/04 (91 days: late), not from its twin
    (0 days): 1 on time of 4 = 25 %. A plain LAG() window would give 50 %."""
    episodes = build(project)
    contact(project, episodes["a"], datetime.date(2025, 7, 1), kind="review")
    queryset = SupportEpisode.objects.filter(dossier=project.dossier)
    assert indicators.reviews_on_time(queryset).value == 25.0


def test_leases_and_relocation(figures):
    assert values(figures, "lease_transfer_rate", "lease_transfer_delay", "relocation_rate") == (
        100.0,
        275,
        50.0,
    )


def test_arrears(figures):
    assert figures["arrears_households"].value == 2
    assert (figures["arrears_at_detection"].value, figures["arrears_after_6_months"].value) == (2100, 1000)
    stages = {d.key: d.value for d in figures["procedure_stages"].details}
    assert (stages["stage_formal_notice"], stages["stage_summons"], stages["stage_judgment"]) == (
        100.0,
        50.0,
        0.0,
    )
    assert (figures["evictions_avoided"].value, figures["evictions_avoided"].base) == (1, 1)


def test_exits_and_outcomes(figures):
    destinations = {d.key: d.value for d in figures["destinations"].details}
    assert (destinations["destination_lease_transferred"], destinations["destination_shelter"],
            destinations["destination_kept_own_lease"], destinations["destination_street"]) == (1, 1, 1, 0)  # fmt: skip
    assert (figures["housed_6_months"].value, figures["housed_6_months"].base) == (66.7, 3)
    assert figures["housed_12_months"].value is None


def test_cost_per_household(figures):
    assert GRANTED == 25000  # the hand computation above
    assert figures["cost_per_household"].value == 5000


def test_small_figures_are_not_shown_above_the_project(project):
    build(project)
    dossiers = Dossier.objects.filter(pk=project.dossier.pk)
    shown = {
        f.key: f
        for f in indicators.all_figures(
            SupportEpisode.objects.all(),
            OutcomeSnapshot.objects.all(),
            dossiers,
            today=TODAY,
            suppress_small=True,
        )
    }
    assert shown["accompanied"].value == 5 and not shown["accompanied"].suppressed
    assert shown["ended"].value is None and shown["ended"].suppressed
    assert shown["housed_6_months"].value is None
