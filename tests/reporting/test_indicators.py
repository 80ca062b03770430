"""Dashboard figures against the values worked out by hand in conftest (SQLite and PostgreSQL)."""

import datetime
from decimal import Decimal

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.reporting import indicators
from logement_accompagne.reporting.territories import department, dossiers_in, national, region
from tests.lifecycle import GRANTED

DAY = datetime.timedelta(days=1)


def test_national_counter(programme):
    figures = indicators.counter(dossiers_in(programme.committee, national()))
    assert figures["filed"] == 4  # the draft is nobody's figure
    assert figures["selected"] == 2
    assert figures["households"] == 25 + 3
    assert figures["dwellings"] == 20 + 3
    assert figures["accompanied"] == 0  # no support episode recorded in this fixture


def test_each_call_against_its_target(programme):
    rows = {row["slug"]: row for row in indicators.by_call(dossiers_in(programme.committee, national()))}
    assert rows["aap-a"]["households"] == 28 and rows["aap-a"]["national_target"] == 10000
    assert rows["aap-a"]["filed"] == 3 and rows["aap-a"]["selected"] == 2
    assert rows["aap-a"]["granted"] == 2 * GRANTED
    assert rows["aap-b"]["households"] == 0 and rows["aap-b"]["filed"] == 1
    assert rows["aap-b"]["national_target"] == 3000


def test_money_by_kind_of_funder(programme):
    money = indicators.money(dossiers_in(programme.committee, national()), territory_is_national=True)
    assert money["envelope"] == Decimal("7000000")
    assert money["granted"] == 2 * GRANTED
    kinds = {row["kind"]: (row["total"], row["obtained"]) for row in money["cofunding"]}
    # Factory line « Conseil départemental » 6 000 on d1 and d2; CAF 4 000 obtained and city 1 000 on d2.
    assert kinds == {
        "department": (Decimal("12000"), Decimal("0")),
        "caf": (Decimal("4000"), Decimal("4000")),
        "municipal": (Decimal("1000"), Decimal("0")),
    }
    assert money["cofunding_total"] == Decimal("17000")


def test_a_region_sees_only_its_dossiers(programme):
    dossiers = dossiers_in(programme.region24, region("24"))
    assert set(dossiers.values_list("name", flat=True)) == {
        "Bail glissant Orléans", "Petit projet Tours", "Nouveau Loiret"
    }  # fmt: skip
    assert indicators.counter(dossiers)["households"] == 28
    money = indicators.money(dossiers, territory_is_national=False)
    assert money["envelope"] is None and money["granted"] == 2 * GRANTED
    # The same region asked by the instructor of another region counts nothing.
    assert indicators.counter(dossiers_in(programme.region75, region("24")))["filed"] == 0


def test_dossiers_by_state_for_each_call(programme):
    rows = {
        row["call__title"]: row
        for row in indicators.states_by_call(dossiers_in(programme.committee, national()))
    }
    assert rows["Appel A"]["total"] == 3
    assert rows["Appel A"][f"n_{Status.SELECTED}"] == 2
    assert rows["Appel A"][f"n_{Status.NOT_SELECTED}"] == 1
    assert rows["Appel B"][f"n_{Status.SUBMITTED}"] == 1
    assert rows["Appel B"][f"n_{Status.DRAFT}"] == 0


def test_median_time_in_each_review_stage(programme):
    stages = {
        row["status"]: row for row in indicators.review_stages(dossiers_in(programme.committee, national()))
    }
    assert stages[Status.DEPARTMENTAL_REVIEW]["median"] == 20 * DAY  # 10, 20, 30 days
    assert stages[Status.REGIONAL_REVIEW]["median"] == 6 * DAY  # 4, 6, 8
    assert stages[Status.COMMITTEE]["median"] == 2 * DAY  # 2, 2, 5
    assert stages[Status.SUBMITTED]["median"] == 2.5 * DAY  # 1, 2, 3 and d4 still waiting (a year+)
    assert stages[Status.SUBMITTED]["open"] == 1
    slowest = stages[Status.DEPARTMENTAL_REVIEW]["slowest"]
    assert [row["dossier__name"] for row in slowest] == [
        "Landes accompagnées", "Petit projet Tours", "Bail glissant Orléans"
    ]  # fmt: skip
    assert stages[Status.SUBMITTED]["slowest"][0]["dossier__name"] == "Nouveau Loiret"


def test_median_of_an_even_number_of_periods(programme):
    stages = {
        row["status"]: row for row in indicators.review_stages(dossiers_in(programme.region24, region("24")))
    }
    assert stages[Status.DEPARTMENTAL_REVIEW]["median"] == 15 * DAY  # 10 and 20
    assert stages[Status.DEPARTMENTAL_REVIEW]["periods"] == 2


def test_drill_down_and_secrecy_above_the_project(programme):
    regions = {row["code"]: row for row in indicators.by_region(dossiers_in(programme.committee, national()))}
    assert regions["24"]["households"] == 28 and regions["24"]["filed"] == 3
    assert regions["24"]["granted"] == 2 * GRANTED
    assert regions["75"]["households"] == 0 and regions["75"]["filed"] == 1
    departments = {
        row["code"]: row
        for row in indicators.by_department(dossiers_in(programme.committee, national()), region_code="24")
    }
    assert departments["45"]["households"] == 25
    assert departments["37"]["households"] is None  # 3 households: secret above the project level
    assert departments["37"]["dwellings"] == 3
    assert "40" not in departments
    projects = {
        row.name: row for row in indicators.dossier_rows(dossiers_in(programme.committee, department("37")))
    }
    assert projects["Petit projet Tours"].households == 3  # the project's own page shows its figure
    assert projects["Petit projet Tours"].granted == GRANTED
