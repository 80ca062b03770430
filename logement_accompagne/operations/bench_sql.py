"""make bench's floor for the steering dashboards: their figures, computed by SQL written by hand.

The dashboards (reporting.indicators and households.indicators, through the ORM) are measured
against these statements (issue #11): the same figures for the same territory, each query in the
form a person would write it for speed (CTEs, joins grouped once, window functions instead of
correlated subqueries). Only two things differ between SQLite and PostgreSQL: the difference
between two dates or two moments, and the median (``percentile_cont`` on PostgreSQL, the middle
rows numbered by ``row_number`` on SQLite). tests/operations/test_bench_sql.py checks, on both
databases, that these figures are the dashboards' own; if they drifted, the floor would lie.

``dashboard(level, code, today)`` returns one plain dict (see ``tests/operations/test_bench_sql.py``
for its shape); nothing here is used by the service itself.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.households.enums import (
    PROCEDURE_STAGES,
    RELOCATED_DESTINATIONS,
    STAYED_DESTINATIONS,
    ArrearsStep,
    Destination,
)

NATIONAL, REGION, DEPARTMENT = "national", "region", "department"
REVIEW_STAGES = ("submitted", "departmental_review", "regional_review", "committee", "returned")
FUNDER_WORDS = [
    ("department", ("départ", "depart", "cd ", "fsl")),
    ("region", ("région", "region")),
    ("caf", ("caf", "allocations familiales")),
    ("municipal", ("commune", "ville", "ccas", "métropole", "metropole", "agglo", "communauté", "communaute",
                   "epci")),
    ("state", ("état", "etat", "ddets", "dihal", "fnavdl", "fndollts", "dreets")),
    ("landlord", ("bailleur", "hlm", "oph", "habitat", "fonds propres")),
]  # fmt: skip
SECRECY = 5


def _list(values) -> str:
    """Constant values (enums of the code, never user input) as an SQL list."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _days(end: str, start: str) -> str:
    """Whole days between two dates."""
    if _pg():
        return f"({end} - {start})"
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def _seconds(end: str, start: str) -> str:
    """Seconds between two moments (to the millisecond)."""
    if _pg():
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"ROUND((julianday({end}) - julianday({start})) * 86400000) / 1000.0"


def _now() -> str:
    return "STATEMENT_TIMESTAMP()" if _pg() else "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _medians(source: str, value: str, partition: str | None = None) -> str:
    """A query giving (partition, median) over ``source``'s non-null ``value``."""
    key, group = (partition, f" GROUP BY {partition}") if partition else ("NULL", "")
    over = f"PARTITION BY {partition} " if partition else ""
    if _pg():
        return (
            f"SELECT {key} AS k, percentile_cont(0.5) WITHIN GROUP (ORDER BY {value}) AS m "
            f"FROM {source} WHERE {value} IS NOT NULL{group}"
        )
    return (
        f"SELECT MAX(k) AS k, AVG(v) AS m FROM (SELECT {key} AS k, {value} AS v, "
        f"ROW_NUMBER() OVER ({over}ORDER BY {value}) AS r, COUNT(*) OVER ({over.strip()}) AS n "
        f"FROM {source} WHERE {value} IS NOT NULL) AS ranked WHERE r BETWEEN (n + 1) / 2 AND n / 2 + 1"
        + (" GROUP BY k" if partition else "")
    )


def _scope(level: str, code: str) -> tuple[str, list]:
    """The filed dossiers of the territory (what a national, regional or departmental agent sees there)."""
    base = "SELECT id FROM dossiers_dossier WHERE submitted_at IS NOT NULL"
    if level == REGION:
        return (
            base + " AND id IN (SELECT dd.dossier_id FROM dossiers_dossier_departments dd "
            "JOIN territories_department t ON t.code = dd.department_id WHERE t.region_id = %s OR t.former_region_id = %s)",
            [code, code],
        )
    if level == DEPARTMENT:
        return (
            base
            + " AND id IN (SELECT dossier_id FROM dossiers_dossier_departments WHERE department_id = %s)",
            [code],
        )
    return base, []


LATEST = (
    "latest AS (SELECT dossier_id, selected, amount_granted_eur FROM (SELECT dossier_id, selected, amount_granted_eur, "
    "ROW_NUMBER() OVER (PARTITION BY dossier_id ORDER BY version DESC) AS r FROM dossiers_committeedecision "
    "WHERE dossier_id IN (SELECT id FROM scope)) AS numbered WHERE r = 1)"
)


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def dashboard(
    level: str, code: str = "", today: datetime.date | None = None, *, secrecy: bool = True
) -> dict:
    """Every figure a dashboard shows, for the national level, a region or a department."""
    today = today or datetime.date.today()
    scope, scope_params = _scope(level, code)
    with_scope = f"WITH scope AS ({scope}), {LATEST} "
    selected = f"'{Status.SELECTED}'"

    # Per call: dossiers filed, selected, committed, granted, and by state (the counter is their sum).
    states = ", ".join(f"SUM(CASE WHEN d.status = '{s}' THEN 1 ELSE 0 END)" for s in Status.values)
    calls = _rows(
        with_scope + "SELECT c.id, c.slug, c.title, c.year, c.national_target, c.envelope_eur, COUNT(d.id), "
        f"SUM(CASE WHEN d.status = {selected} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN d.status = {selected} THEN d.households END), "
        f"SUM(CASE WHEN d.status = {selected} THEN d.dwellings END), "
        f"SUM(CASE WHEN d.status = {selected} THEN latest.amount_granted_eur END), {states} "
        "FROM calls_call c LEFT JOIN dossiers_dossier d ON d.call_id = c.id AND d.id IN (SELECT id FROM scope) "
        "LEFT JOIN latest ON latest.dossier_id = d.id GROUP BY c.id, c.slug, c.title, c.year, c.national_target, "
        "c.envelope_eur ORDER BY c.year DESC, c.title",
        scope_params,
    )
    result = {
        "calls": [
            {
                "pk": r[0],
                "slug": r[1],
                "title": r[2],
                "year": r[3],
                "national_target": r[4],
                "envelope_eur": _money(r[5]),
                "filed": r[6],
                "selected": r[7] or 0,
                "households": r[8] or 0,
                "dwellings": r[9] or 0,
                "granted": _money(r[10]),
            }
            for r in calls
        ],  # fmt: skip
        "states": [
            {"call_id": r[0], "total": r[6], "states": dict(zip(Status.values, r[11:], strict=True))}
            for r in calls
            if r[6]
        ],
    }
    counter = {
        key: sum(row[key] for row in result["calls"])
        for key in ("selected", "households", "dwellings", "filed")
    }

    # Money: granted (latest decisions of selected dossiers), co-funding by kind of funder, paid, envelope.
    if _pg():
        like = "UPPER(f.funder) LIKE UPPER(%s)"
    else:
        like = "f.funder LIKE %s ESCAPE '\\'"
    whens, like_params = [], []
    for kind, words in FUNDER_WORDS:
        whens.append(f"WHEN {' OR '.join([like] * len(words))} THEN '{kind}'")
        like_params += [f"%{word}%" for word in words]
    cofunding = _rows(
        f"WITH scope AS ({scope}) SELECT kind, SUM(amount_eur), SUM(CASE WHEN status = 'obtained' THEN amount_eur END), "
        f"COUNT(*) FROM (SELECT f.amount_eur, f.status, CASE {' '.join(whens)} ELSE 'other' END AS kind "
        "FROM dossiers_cofundingline f JOIN dossiers_dossier d ON d.id = f.dossier_id "
        f"WHERE d.status = {selected} AND d.id IN (SELECT id FROM scope)) AS lines GROUP BY kind "
        "ORDER BY COALESCE(SUM(amount_eur), 0) DESC, kind",
        scope_params + like_params,
    )
    cofunding = [
        {"kind": r[0], "total": _money(r[1]), "obtained": _money(r[2]), "lines": r[3]} for r in cofunding
    ]
    (paid, envelope), = _rows(
        f"WITH scope AS ({scope}) SELECT (SELECT SUM(paid_eur) FROM grants_agreement "
        "WHERE dossier_id IN (SELECT id FROM scope)), (SELECT SUM(envelope_eur) FROM calls_call)",
        scope_params,
    )  # fmt: skip
    result["money"] = {
        "envelope": _money(envelope) if level == NATIONAL else None,
        "granted": sum((row["granted"] for row in result["calls"]), Decimal("0.00")),
        "paid": _money(paid),
        "cofunding": cofunding,
        "cofunding_total": sum((row["total"] for row in cofunding), Decimal("0.00")),
    }

    # Time in each review stage: each entry into a stage until the dossier's next transition (or now).
    periods = (
        f"periods AS (SELECT id, dossier_id, to_status, at, {_seconds('COALESCE(left_at, ' + _now() + ')', 'at')} "
        "AS spent FROM (SELECT t.id, t.dossier_id, t.to_status, t.at, LEAD(t.at) OVER (PARTITION BY t.dossier_id "
        "ORDER BY t.at, t.id) AS left_at FROM dossiers_transition t WHERE t.dossier_id IN (SELECT id FROM scope)) "
        f"AS moves WHERE to_status IN ({_list(REVIEW_STAGES)}))"
    )
    stage_rows = _rows(
        f"WITH scope AS ({scope}), {periods}, medians AS ({_medians('periods', 'spent', 'to_status')}) "
        "SELECT p.to_status, COUNT(*), SUM(CASE WHEN d.status = p.to_status THEN 1 ELSE 0 END), MAX(m.m) "
        "FROM periods p JOIN dossiers_dossier d ON d.id = p.dossier_id LEFT JOIN medians m ON m.k = p.to_status "
        "GROUP BY p.to_status",
        scope_params,
    )
    slowest = _rows(
        f"WITH scope AS ({scope}), {periods} SELECT s.to_status, d.reference, d.name, s.spent, s.at FROM "
        "(SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.to_status ORDER BY p.spent DESC, p.id) AS r FROM periods p) s "
        "JOIN dossiers_dossier d ON d.id = s.dossier_id WHERE s.r <= 5 ORDER BY s.to_status, s.r",
        scope_params,
    )
    by_stage = {r[0]: r for r in stage_rows}
    result["stages"] = [
        {
            "status": status,
            "periods": by_stage[status][1] if status in by_stage else 0,
            "open": by_stage[status][2] if status in by_stage else 0,
            "median": datetime.timedelta(seconds=float(by_stage[status][3])) if status in by_stage else None,
            "slowest": [(r[1], datetime.timedelta(seconds=float(r[3]))) for r in slowest if r[0] == status],
        }
        for status in REVIEW_STAGES
    ]

    # Drill-down: regions (nation), departments (region), projects (department).
    figures = (
        f"COUNT(d.id), SUM(CASE WHEN d.status = {selected} THEN 1 ELSE 0 END), SUM(CASE WHEN d.status = {selected} THEN d.households END), "
        f"SUM(CASE WHEN d.status = {selected} THEN d.dwellings END), SUM(CASE WHEN d.status = {selected} THEN latest.amount_granted_eur END)"
    )
    if level == NATIONAL:
        rows = _rows(
            f"WITH scope AS ({scope}), {LATEST}, links AS (SELECT DISTINCT r.code, dd.dossier_id FROM territories_region r "
            "JOIN territories_department t ON t.region_id = r.code OR t.former_region_id = r.code "
            "JOIN dossiers_dossier_departments dd ON dd.department_id = t.code "
            "WHERE r.is_current AND dd.dossier_id IN (SELECT id FROM scope)) "
            f"SELECT r.code, r.name, {figures} FROM territories_region r LEFT JOIN links ON links.code = r.code "
            "LEFT JOIN dossiers_dossier d ON d.id = links.dossier_id LEFT JOIN latest ON latest.dossier_id = d.id "
            "WHERE r.is_current GROUP BY r.code, r.name ORDER BY r.name",
            scope_params,
        )
    elif level == REGION:
        rows = _rows(
            f"WITH scope AS ({scope}), {LATEST} SELECT t.code, t.name, {figures} FROM territories_department t "
            "LEFT JOIN dossiers_dossier_departments dd ON dd.department_id = t.code AND dd.dossier_id IN "
            "(SELECT id FROM scope) LEFT JOIN dossiers_dossier d ON d.id = dd.dossier_id "
            "LEFT JOIN latest ON latest.dossier_id = d.id WHERE t.region_id = %s OR t.former_region_id = %s "
            "GROUP BY t.code, t.name ORDER BY t.code",
            scope_params + [code, code],
        )
    else:
        rows = None
        result["projects"] = [
            {"reference": r[0], "name": r[1], "call": r[2], "status": r[3], "households": r[4], "dwellings": r[5],
             "granted": None if r[6] is None else _money(r[6])}
            for r in _rows(
                f"WITH scope AS ({scope}), {LATEST} SELECT d.reference, d.name, c.title, d.status, d.households, "
                "d.dwellings, latest.amount_granted_eur FROM dossiers_dossier d JOIN calls_call c ON c.id = d.call_id "
                "LEFT JOIN latest ON latest.dossier_id = d.id WHERE d.id IN (SELECT id FROM scope) ORDER BY c.year, d.name",
                scope_params,
            )
        ]  # fmt: skip
    if rows is not None:
        result["territories"] = [
            {"code": r[0], "name": r[1], "filed": r[2], "selected": r[3] or 0, "households": r[4] or 0,
             "dwellings": r[5] or 0, "granted": _money(r[6])}
            for r in rows
        ]  # fmt: skip

    result["households"] = households(scope, scope_params, today, national=level == NATIONAL, secrecy=secrecy)
    counter["accompanied"] = result["households"].pop("_accompanied_all")
    result["counter"] = counter
    return result


def households(
    scope: str, scope_params: list, today: datetime.date, national: bool, secrecy: bool = True
) -> dict:
    """The household indicators of the territory's selected dossiers: {key: (value, base)}."""
    year_ago = today - datetime.timedelta(days=365)
    six_months_ago = today - datetime.timedelta(days=183)
    head = (
        f"WITH scope AS ({scope}), sel AS (SELECT id FROM dossiers_dossier WHERE status = '{Status.SELECTED}' "
        "AND id IN (SELECT id FROM scope)), ep AS (SELECT e.* FROM households_supportepisode e "
        "WHERE e.dossier_id IN (SELECT id FROM sel)) "
    )
    figures: dict = {}

    # One pass over the episodes: counts, exits, destinations; the committed figures; cost per household.
    destinations = ", ".join(
        f"SUM(CASE WHEN ended_on IS NOT NULL AND destination = '{d}' THEN 1 ELSE 0 END)"
        for d in Destination.values
    )
    (row,) = _rows(
        head + "SELECT COUNT(DISTINCT CASE WHEN kind <> 'diagnostic' THEN household_id END), "
        "SUM(CASE WHEN kind <> 'diagnostic' AND referred_on > %s AND referred_on <= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN kind <> 'diagnostic' AND ended_on IS NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN kind <> 'diagnostic' AND ended_on IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN diagnostic_on IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN end_reason = 'no_measure' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN kind <> 'diagnostic' AND moved_in_on IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN kind IN ('access', 'both') AND ended_on IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN kind IN ('access', 'both') AND ended_on IS NOT NULL AND destination IN ({_list(RELOCATED_DESTINATIONS)}) "
        "THEN 1 ELSE 0 END), SUM(CASE WHEN ended_on IS NOT NULL AND destination <> '' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN first_contact_on IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN moved_in_on IS NOT NULL THEN 1 ELSE 0 END), "
        f"{destinations}, "
        "(SELECT SUM(households) FROM dossiers_dossier WHERE id IN (SELECT id FROM sel)), "
        "(SELECT SUM(dwellings) FROM dossiers_dossier WHERE id IN (SELECT id FROM sel)), "
        "(SELECT SUM(amount_granted_eur) FROM (SELECT selected, amount_granted_eur, ROW_NUMBER() OVER "
        "(PARTITION BY dossier_id ORDER BY version DESC) AS r FROM dossiers_committeedecision "
        "WHERE dossier_id IN (SELECT id FROM sel)) AS latest WHERE r = 1 AND selected), "
        "(SELECT COUNT(DISTINCT household_id) FROM households_supportepisode WHERE kind <> 'diagnostic' "
        "AND dossier_id IN (SELECT id FROM scope)) FROM ep",
        scope_params + [year_ago, today],
    )
    (accompanied, new, ongoing, ended, diagnostics, no_measure, dwellings, access_ended, relocated, exits,
     contacted, moved_in) = (v or 0 for v in row[:12])  # fmt: skip
    n_dest = len(Destination.values)
    by_destination = [v or 0 for v in row[12 : 12 + n_dest]]
    committed_households, committed_dwellings, granted, accompanied_all = row[12 + n_dest :]
    figures.update(
        accompanied=(accompanied, accompanied), new=(new, new), ongoing=(ongoing, ongoing), ended=(ended, ended),
        diagnostics=(diagnostics, diagnostics), no_measure=(no_measure, diagnostics), dwellings=(dwellings, dwellings),
        relocation_rate=(_share(relocated, access_ended), access_ended), destinations=(None, exits),
        _accompanied_all=accompanied_all or 0,
    )  # fmt: skip
    figures["_committed"] = (PROGRAMME_TARGET if national else committed_households, committed_dwellings)
    for destination, n in zip(Destination.values, by_destination, strict=True):
        figures[f"destination_{destination}"] = (n, exits)
    cost = (Decimal(str(granted)) / accompanied).quantize(Decimal("1")) if granted and accompanied else None
    figures["cost_per_household"] = (cost, accompanied)

    # Median delays from the referral.
    # One pass over the episodes (materialised), then the middle of each delay.
    columns = {"contact": "first_contact_on", "diagnostic": "diagnostic_on", "move_in": "moved_in_on"}
    delays = ", ".join(f"{_days(column, 'referred_on')} AS {name}" for name, column in columns.items())
    (row,) = _rows(
        head
        + f", delays AS MATERIALIZED (SELECT {delays} FROM ep) SELECT "
        + ", ".join(f"(SELECT m FROM ({_medians('delays', name)}) AS x_{name})" for name in columns),
        scope_params,
    )
    medians = {name: None if m is None else float(m) for name, m in zip(columns, row, strict=True)}
    figures["days_to_contact"] = (medians["contact"], contacted)
    figures["days_to_diagnostic"] = (medians["diagnostic"], diagnostics)
    figures["days_to_move_in"] = (medians["move_in"], moved_in)

    # Reviews on time: each review against the previous review day of its episode (else the plan, the first
    # contact, the referral); the review days are numbered once (LAG over one row per episode and day).
    allowed = "COALESCE(ps.review_every_months, 2) * 61 / 2"
    (held, on_time, reviewed) = _rows(
        head + ", days AS (SELECT c.episode_id, c.happened_on, COUNT(*) AS n, LAG(c.happened_on) OVER "
        "(PARTITION BY c.episode_id ORDER BY c.happened_on) AS previous, e.household_id, e.dossier_id, "
        "COALESCE(e.plan_signed_on, e.first_contact_on, e.referred_on) AS anchor FROM households_contact c "
        "JOIN ep e ON e.id = c.episode_id WHERE c.kind = 'review' GROUP BY c.episode_id, c.happened_on, "
        "e.household_id, e.dossier_id, e.plan_signed_on, e.first_contact_on, e.referred_on) "
        f"SELECT SUM(n), SUM(CASE WHEN {_days('happened_on', 'COALESCE(previous, anchor)')} <= {allowed} "
        "THEN n ELSE 0 END), COUNT(DISTINCT household_id) FROM days "
        "LEFT JOIN households_projectsettings ps ON ps.dossier_id = days.dossier_id",
        scope_params,
    )[0]
    figures["reviews_on_time"] = (_share(on_time or 0, held or 0), reviewed)

    # Overdue reviews: open accompanied episodes whose last review (else anchor) is older than the rhythm.
    (overdue,) = _rows(
        head
        + ", due AS (SELECT e.dossier_id, COALESCE(MAX(c.happened_on), e.plan_signed_on, e.first_contact_on, "
        "e.referred_on) AS since FROM ep e LEFT JOIN households_contact c ON c.episode_id = e.id AND c.kind = 'review' "
        "WHERE e.ended_on IS NULL AND e.kind <> 'diagnostic' GROUP BY e.id, e.dossier_id, e.plan_signed_on, "
        "e.first_contact_on, e.referred_on) SELECT COUNT(*) FROM due "
        f"LEFT JOIN households_projectsettings ps ON ps.dossier_id = due.dossier_id WHERE {_days('%s', 'since')} > {allowed}",
        scope_params + [today],
    )[0]
    figures["reviews_overdue"] = (overdue, overdue)

    # Leases: episodes that had a sub-let or sliding lease, the share transferred, the median delay.
    (sublet, transferred, delay) = _rows(
        head + ", leases AS (SELECT e.lease_transferred_on, "
        f"{_days('e.lease_transferred_on', 'MIN(t.starts_on)')} AS delay FROM ep e JOIN households_tenancyperiod t "
        "ON t.episode_id = e.id AND t.lease_kind IN ('sublet', 'sliding') GROUP BY e.id, e.lease_transferred_on) "
        "SELECT COUNT(*), COUNT(lease_transferred_on), "
        f"(SELECT m FROM ({_medians('leases', 'delay')}) AS x) FROM leases",
        scope_params,
    )[0]
    figures["lease_transfer_rate"] = (_share(transferred, sublet), sublet)
    figures["lease_transfer_delay"] = (None if delay is None else float(delay), transferred)

    # Arrears: households, debts at detection and 6 months later, procedure stages, evictions avoided.
    on = 'b."on"'
    within = f"{_days(on, 'old.detected_on')} <= 183"
    (households_in_arrears, old_households, at_detection, at_six) = _rows(
        head + ", cases AS (SELECT a.id, a.detected_on, ep.household_id FROM households_arrearscase a "
        "JOIN ep ON ep.id = a.episode_id), old AS (SELECT * FROM cases WHERE detected_on <= %s), "
        "balances AS (SELECT b.case_id, b.amount_eur, "
        f"ROW_NUMBER() OVER (PARTITION BY b.case_id ORDER BY {on}) AS first_r, "
        f"ROW_NUMBER() OVER (PARTITION BY b.case_id, {within} ORDER BY {on} DESC) AS last_r, {within} AS within "
        "FROM households_arrearsbalance b JOIN old ON old.id = b.case_id) "
        "SELECT (SELECT COUNT(DISTINCT household_id) FROM cases), (SELECT COUNT(DISTINCT household_id) FROM old), "
        "(SELECT SUM(amount_eur) FROM balances WHERE first_r = 1), "
        "(SELECT SUM(amount_eur) FROM balances WHERE within AND last_r = 1)",
        scope_params + [six_months_ago],
    )[0]  # fmt: skip
    figures["arrears_households"] = (households_in_arrears, households_in_arrears)
    figures["arrears_at_detection"] = (None if at_detection is None else _money(at_detection), old_households)
    figures["arrears_after_6_months"] = (None if at_six is None else _money(at_six), old_households)
    reached = dict(
        _rows(
            head + "SELECT ev.kind, COUNT(DISTINCT a.episode_id) FROM households_arrearsevent ev "
            "JOIN households_arrearscase a ON a.id = ev.case_id JOIN ep ON ep.id = a.episode_id "
            f"WHERE ev.kind IN ({_list(PROCEDURE_STAGES)}) GROUP BY ev.kind",
            scope_params,
        )
    )
    figures["procedure_stages"] = (None, households_in_arrears)
    for stage in PROCEDURE_STAGES:
        figures[f"stage_{stage}"] = (
            _share(reached.get(str(stage), 0), households_in_arrears),
            households_in_arrears,
        )
    engaged = [s for s in PROCEDURE_STAGES if s != ArrearsStep.COHESION_PROTOCOL]
    (ended_in_procedure, avoided) = _rows(
        head + ", flags AS (SELECT e.destination, "
        f"MAX(CASE WHEN ev.kind IN ({_list(engaged)}) THEN 1 ELSE 0 END) AS engaged, "
        f"MAX(CASE WHEN ev.kind = '{ArrearsStep.EVICTED}' THEN 1 ELSE 0 END) AS evicted "
        "FROM ep e JOIN households_arrearscase a ON a.episode_id = e.id JOIN households_arrearsevent ev "
        "ON ev.case_id = a.id WHERE e.ended_on IS NOT NULL GROUP BY e.id, e.destination) "
        f"SELECT COUNT(*), SUM(CASE WHEN destination IN ({_list(STAYED_DESTINATIONS)}) THEN 1 ELSE 0 END) "
        "FROM flags WHERE engaged = 1 AND evicted = 0",
        scope_params,
    )[0]
    figures["evictions_avoided"] = (avoided or 0, ended_in_procedure)

    # After the support: the earliest real exit of each household (an exit followed within 14 days by
    # another support of the household is a transfer), still housed, returns within 6/12/24 months.
    gap = _days("other.referred_on", "e.ended_on")
    outcome = _rows(
        head + ", snaps AS (SELECT s.id, s.housed_6_months, s.housed_12_months, s.housed_24_months, "
        "s.arrears_over_3_months_at_12, e.household_id, e.ended_on, COALESCE(e.ended_on, s.end_month) AS end_key, "
        f"MAX(CASE WHEN {gap} BETWEEN 0 AND 14 THEN 1 ELSE 0 END) AS transfer, "
        f"MIN(CASE WHEN {gap} >= 15 THEN {gap} END) AS back_after "
        "FROM households_outcomesnapshot s LEFT JOIN households_supportepisode e ON e.id = s.episode_id "
        "LEFT JOIN households_supportepisode other ON other.household_id = e.household_id AND other.id <> e.id "
        "WHERE s.dossier_id IN (SELECT id FROM sel) GROUP BY s.id, s.housed_6_months, s.housed_12_months, "
        "s.housed_24_months, s.arrears_over_3_months_at_12, e.household_id, e.ended_on, s.end_month), "
        "counted AS (SELECT * FROM (SELECT snaps.*, ROW_NUMBER() OVER (PARTITION BY COALESCE(household_id, -id) "
        f"ORDER BY end_key, id) AS r, {_days('%s', 'ended_on')} AS since FROM snaps WHERE transfer = 0) AS real_exits "
        "WHERE r = 1) SELECT "
        + ", ".join(
            f"SUM(CASE WHEN housed_{m}_months IS NOT NULL THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN housed_{m}_months THEN 1 ELSE 0 END)"
            for m in (6, 12, 24)
        )
        + ", "
        + ", ".join(
            f"SUM(CASE WHEN since >= {days} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN since >= {days} AND back_after <= {days} THEN 1 ELSE 0 END)"
            for days in (183, 365, 730)
        )
        + ", SUM(CASE WHEN arrears_over_3_months_at_12 IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN arrears_over_3_months_at_12 THEN 1 ELSE 0 END) FROM counted",
        scope_params + [today],
    )[0]
    v = [x or 0 for x in outcome]
    for i, m in enumerate((6, 12, 24)):
        figures[f"housed_{m}_months"] = (_share(v[2 * i + 1], v[2 * i]), v[2 * i])
        figures[f"returned_{m}_months"] = (_share(v[6 + 2 * i + 1], v[6 + 2 * i]), v[6 + 2 * i])
    figures["arrears_over_3_months_after_1_year"] = (_share(v[13], v[12]), v[12])
    return _secret(figures) if secrecy else figures


PROGRAMME_TARGET = 10_000
DETAILS = {"procedure_stages": "stage_", "destinations": "destination_"}


def _share(part, whole):
    part, whole = int(part or 0), int(whole or 0)  # PostgreSQL's SUM of integers is a numeric
    return round(100 * part / whole, 1) if whole else None


def _secret(figures: dict) -> dict:
    """Statistical secrecy above the project: a figure on fewer than 5 households is not shown."""
    shown = {}
    for key, figure in figures.items():
        if key.startswith("_"):
            shown[key] = figure
            continue
        value, base = figure
        parent = next((p for p, prefix in DETAILS.items() if key.startswith(prefix)), None)
        if parent is not None:
            parent_base = figures[parent][1]
            unitless = parent == "destinations"
            if parent_base < SECRECY or (unitless and value is not None and 0 < value < SECRECY):
                value = None
        elif base < SECRECY:
            value = None
        shown[key] = (value, base)
    return shown
