"""The 14-day rule and "earliest exit only" of the outcomes (spec households.md, HUD SPM 2), by hand.

Three households of one project, today = 30/06/2026:
- Alpha: exit 31/03/2025 (checked housed at 6 months: yes), a new support referred 10/04/2025
  (10 days later: a *transfer*, so the first exit is not an exit), which ends 30/06/2025 (housed at
  6 months: no). Counted exit: the second one, not housed.
- Bravo: exit 31/01/2025 (housed at 6 months: yes), a new support referred 01/05/2025 (90 days:
  a *return*), ending 30/09/2025 (housed at 6 months: no). Counted exit: the first (earliest) one.
- Charlie: exit 28/02/2025 (housed at 6 months: yes), nothing after.
Still housed at 6 months: Alpha no, Bravo yes, Charlie yes → 2 of 3 = 66.7 % (without the rules:
the five exits, 3 of 5 = 60 %).
Returns: counted exits Alpha (30/06/2025, 365 days ago, nothing after), Bravo (returned after 90
days), Charlie (nothing) → within 6 months 1 of 3 = 33.3 %, within 12 months 1 of 3 (Alpha's exit
is exactly 365 days old), within 24 months no exit is 730 days old yet → no value, base 0.
Alpha's 10-day follow-up is a transfer: had it counted as a return, the 6-month share would be 2 of 4.
"""

import datetime

from logement_accompagne.households import indicators, services
from logement_accompagne.households.models import OutcomeSnapshot, SupportEpisode

from .conftest import register

D = datetime.date
TODAY = D(2026, 6, 30)


def again(cast, first, referred_on):
    """The same household's next support in the project (test set-up: no page starts one yet)."""
    return SupportEpisode.objects.create(household=first.household, dossier=first.dossier, kind="access",
                                         referral_source="siao", referred_on=referred_on)  # fmt: skip


def ends(cast, episode, day, housed_6):
    services.end_support(user=cast.worker, episode=episode, ended_on=day, end_reason="goals_reached",
                         destination="social_housing" if housed_6 else "shelter")  # fmt: skip
    services.record_outcome_check(user=cast.worker, episode=episode, months=6, housed=housed_6)


def build(cast):
    alpha = register(cast, referred_on=D(2024, 9, 2), last_name="Alpha")
    ends(cast, alpha, D(2025, 3, 31), True)
    ends(cast, again(cast, alpha, D(2025, 4, 10)), D(2025, 6, 30), False)
    bravo = register(cast, referred_on=D(2024, 6, 3), last_name="Bravo")
    ends(cast, bravo, D(2025, 1, 31), True)
    ends(cast, again(cast, bravo, D(2025, 5, 1)), D(2025, 9, 30), False)
    charlie = register(cast, referred_on=D(2024, 7, 1), last_name="Charlie")
    ends(cast, charlie, D(2025, 2, 28), True)
    return alpha, bravo, charlie


def figures():
    return {f.key: f for f in indicators.outcomes(OutcomeSnapshot.objects.all(), today=TODAY)}


def test_a_household_counts_once_at_its_earliest_real_exit(project):
    alpha, bravo, charlie = build(project)
    assert OutcomeSnapshot.objects.count() == 5
    counted = indicators.counted_exits(OutcomeSnapshot.objects.all())
    assert sorted(counted.values_list("episode__household__members__last_name", "end_month")) == [
        ("Alpha", D(2025, 6, 1)), ("Bravo", D(2025, 1, 1)), ("Charlie", D(2025, 2, 1))
    ]  # fmt: skip
    housed = figures()["housed_6_months"]
    assert (housed.value, housed.base) == (66.7, 3)


def test_a_new_support_within_14_days_is_a_transfer_not_a_return(project):
    build(project)
    shown = figures()
    assert (shown["returned_6_months"].value, shown["returned_6_months"].base) == (33.3, 3)
    assert (shown["returned_12_months"].value, shown["returned_12_months"].base) == (33.3, 3)
    assert (shown["returned_24_months"].value, shown["returned_24_months"].base) == (None, 0)


def test_fifteen_days_later_is_a_return_and_the_first_exit_counts(project):
    alpha, _, _ = build(project)
    second = SupportEpisode.objects.get(household=alpha.household, referred_on=D(2025, 4, 10))
    SupportEpisode.objects.filter(pk=second.pk).update(referred_on=D(2025, 4, 15))  # 15 days after the exit
    shown = figures()
    # Alpha's first exit (housed) now counts, and it returned: housed 3 of 3, returns 2 of 3.
    assert (shown["housed_6_months"].value, shown["housed_6_months"].base) == (100.0, 3)
    assert (shown["returned_6_months"].value, shown["returned_6_months"].base) == (66.7, 3)
