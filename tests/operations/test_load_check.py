"""make load's "exactly once" check (scripts/load.py compare): it finds lost, doubled and unknown writes."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "load.py"


@pytest.fixture(scope="module")
def load():
    spec = importlib.util.spec_from_file_location("load_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ack(kind, token, target):
    return {"kind": kind, "token": token, "target": target}


def test_every_write_stored_once_passes(load):
    acknowledged = [ack("opinion", "a", "d1"), ack("contact", "b", "h1"), ack("summary", "c", "d2"),
                    ack("summary", "d", "d2")]  # fmt: skip
    stored = {"opinion": [("d1", "a")], "contact": [("h1", "b")], "summary": [("d2", "d")]}
    report = load.compare(acknowledged, stored)
    assert all(row["lost"] == row["duplicated"] == row["unknown"] == 0 for row in report.values())
    assert report["summary"]["acknowledged"] == 2 and report["summary"]["stored"] == 1


def test_a_lost_opinion_or_contact_is_counted(load):
    report = load.compare(
        [ack("opinion", "a", "d1"), ack("contact", "b", "h1")], {"opinion": [], "contact": []}
    )
    assert report["opinion"]["lost"] == 1 and report["contact"]["lost"] == 1


def test_a_write_stored_twice_is_counted(load):
    report = load.compare([ack("contact", "b", "h1")], {"contact": [("h1", "b"), ("h1", "b")]})
    assert report["contact"]["duplicated"] == 1


def test_a_write_nobody_acknowledged_is_counted(load):
    report = load.compare([], {"opinion": [("d1", "z")]})
    assert report["opinion"]["unknown"] == 1


def test_a_draft_holding_an_older_edit_than_the_last_acknowledged_is_a_lost_write(load):
    acknowledged = [ack("summary", "old", "d2"), ack("summary", "new", "d2")]
    report = load.compare(acknowledged, {"summary": [("d2", "old")]})
    assert report["summary"]["lost"] == 1
