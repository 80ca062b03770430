"""make bench's hand-written SQL floor of the dashboards gives the dashboards' own figures.

On the hand-made programme of tests/reporting (five dossiers, two regions) with households on two
selected projects (tests/households: delays, reviews, leases, arrears, exits, a transfer, a return),
every figure the national, regional and departmental dashboards show is computed twice: by the
indicator functions the pages call (the ORM) and by operations.bench_sql (SQL written by hand).
They must agree, or the bench's ratio would be measured against other figures.
"""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.households import indicators as household_indicators
from logement_accompagne.households.models import ProjectSettings
from logement_accompagne.operations import bench_sql
from logement_accompagne.organisations.enums import Role
from logement_accompagne.reporting import households, indicators
from logement_accompagne.reporting import territories as t
from tests import factories
from tests.households import fixture, test_transfers_and_returns
from tests.lifecycle import Cast
from tests.reporting.conftest import programme  # noqa: F401  (the fixture)


@pytest.fixture
def with_households(programme):  # noqa: F811
    d1, d2 = programme.d1, programme.d2
    d1.refresh_from_db()
    d2.refresh_from_db()
    first = Cast(dossier=d1, worker=factories.member(d1.carriers.first(), Role.SUPPORT_WORKER))
    second = Cast(dossier=d2, worker=factories.member(d2.carriers.first(), Role.SUPPORT_WORKER))
    fixture.build(first)
    test_transfers_and_returns.build(second)
    ProjectSettings.objects.update_or_create(dossier=d2, defaults={"review_every_months": 1})
    return programme


def _money(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _seconds(delta):
    return None if delta is None else round(delta.total_seconds())


def orm_figures(user, territory, *, secrecy=True) -> dict:
    """What the dashboard view computes (www/reporting/views.py), in bench_sql's shape."""
    dossiers = t.dossiers_in(user, territory)
    counter = indicators.counter(dossiers)
    money = indicators.money(dossiers, territory_is_national=territory.is_national)
    selected = dossiers.filter(status=Status.SELECTED)
    if secrecy:
        figures = households.outcomes(selected, national=territory.is_national)
    else:
        episodes, snapshots = household_indicators.scope_of_dossiers(selected)
        figures = household_indicators.all_figures(
            episodes, snapshots, selected, national=territory.is_national
        )
    flat = {}
    for figure in figures:
        flat[figure.key] = (figure.value, figure.base)
        for detail in figure.details:
            flat[detail.key] = (detail.value, detail.base)
    result = {
        "counter": {
            key: counter[key] for key in ("selected", "households", "dwellings", "filed", "accompanied")
        },
        "calls": [
            {**row, "envelope_eur": _money(row["envelope_eur"]), "granted": _money(row["granted"])}
            for row in indicators.by_call(dossiers)
        ],
        "states": [
            {
                "call_id": row["call_id"],
                "total": row["total"],
                "states": {s: row[f"n_{s}"] for s in Status.values},
            }
            for row in indicators.states_by_call(dossiers)
        ],
        "money": {
            "envelope": _money(money["envelope"]),
            "granted": _money(money["granted"]),
            "paid": _money(money["paid"]),
            "cofunding": [
                {
                    "kind": r["kind"],
                    "total": _money(r["total"]),
                    "obtained": _money(r["obtained"]),
                    "lines": r["lines"],
                }
                for r in money["cofunding"]
            ],
            "cofunding_total": _money(money["cofunding_total"]),
        },
        "stages": [
            {
                "status": row["status"],
                "periods": row["periods"],
                "open": row["open"],
                "median": _seconds(row["median"]),
                "slowest": [(s["dossier__reference"], _seconds(s["spent"])) for s in row["slowest"]],
            }
            for row in indicators.review_stages(dossiers)
        ],
        "households": flat,
        "committed": (flat["accompanied"], figures[0].committed),
    }
    if territory.level == t.NATIONAL:
        result["territories"] = [
            {**r, "granted": _money(r["granted"])} for r in indicators.by_region(dossiers, raw=True)
        ]
    elif territory.level == t.REGION:
        result["territories"] = [
            {**r, "granted": _money(r["granted"])}
            for r in indicators.by_department(dossiers, region_code=territory.code, raw=True)
        ]
    else:
        result["projects"] = [
            {"reference": d.reference, "name": d.name, "call": d.call.title, "status": d.status,
             "households": d.households, "dwellings": d.dwellings, "granted": _money(d.granted)}
            for d in indicators.dossier_rows(dossiers)
        ]  # fmt: skip
    return result


def hand_figures(territory, *, secrecy=True) -> dict:
    found = bench_sql.dashboard(territory.level, territory.code, timezone.localdate(), secrecy=secrecy)
    committed = found["households"].pop("_committed")
    for row in found["stages"]:
        row["median"] = _seconds(row["median"])
        row["slowest"] = [(uuid.UUID(str(reference)), _seconds(spent)) for reference, spent in row["slowest"]]
    for row in found.get("projects", []):
        row["reference"] = uuid.UUID(str(row["reference"]))
    found["committed"] = (found["households"]["accompanied"], committed[0])
    return found


def _same(orm: dict, hand: dict):
    assert hand.keys() == orm.keys()
    for key in orm:
        if key == "households":
            assert hand[key].keys() == orm[key].keys()
            for figure, (value, base) in orm[key].items():
                got, got_base = hand[key][figure]
                assert got_base == base, figure
                if isinstance(value, float):
                    assert got == pytest.approx(value), figure
                else:
                    assert got == value, figure
        elif key == "stages":
            # Open periods run until now (the two computations are a few moments apart: a minute of tolerance on periods of days).
            for got, expected in zip(hand[key], orm[key], strict=True):
                assert [r for r, _ in got["slowest"]] == [r for r, _ in expected["slowest"]]
                assert [s for _, s in got["slowest"]] == pytest.approx(
                    [s for _, s in expected["slowest"]], abs=5
                )
                assert got["median"] == pytest.approx(expected["median"], abs=60)
                assert (got["status"], got["periods"], got["open"]) == (expected["status"], expected["periods"],
                                                                        expected["open"])  # fmt: skip
        else:
            assert hand[key] == orm[key], key


@pytest.mark.parametrize("secrecy", [True, False])
@pytest.mark.parametrize("level", ["national", "region", "department"])
def test_the_hand_written_sql_gives_the_dashboards_figures(with_households, level, secrecy):
    p = with_households
    user, territory = {
        "national": (p.committee, t.national()),
        "region": (p.region24, t.region("24")),
        "department": (p.dept45, t.department("45")),
    }[level]
    orm, hand = orm_figures(user, territory, secrecy=secrecy), hand_figures(territory, secrecy=secrecy)
    _same(orm, hand)
    # The fixture is not empty where it matters: the comparison could fail.
    assert hand["counter"]["filed"] >= 2 and hand["counter"]["accompanied"] >= 5
    if not secrecy:
        assert hand["households"]["reviews_on_time"][1] > 0
        assert hand["households"]["arrears_at_detection"][0] is not None
        assert hand["households"]["housed_6_months"][1] > 0
    assert any(row["median"] for row in hand["stages"])


def test_a_changed_rule_is_seen(with_households):
    """The comparison can fail: one review fewer on time changes the hand-written share."""
    p = with_households
    orm = orm_figures(p.committee, t.national(), secrecy=False)
    ProjectSettings.objects.update_or_create(dossier=p.d1, defaults={"review_every_months": 12})
    hand = hand_figures(t.national(), secrecy=False)
    assert hand["households"]["reviews_on_time"] != orm["households"]["reviews_on_time"]
