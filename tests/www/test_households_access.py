"""Access matrix of the households area (issue #10), with the support workers added to the shared cast.

Every households URL is tried by every person: the support worker and the support manager of the
project's carrier (personal access), a support worker of another organisation, and the people of
the shared matrix (carrier, State services in and out of the territory, committee, administrator,
who may only see pseudonymous pages). The same expectations for the shared actors are declared in
tests/www/test_access_matrix.py (MATRIX) through SHARED_MATRIX below. After each POST the database
is checked: a refused write wrote nothing. Names never appear in what State users receive.
"""

import datetime
import json

import pytest
from django.urls import reverse

from logement_accompagne.audit.models import ReadEntry
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.households import services
from logement_accompagne.households.models import (
    Contact,
    Objective,
    PrivateNote,
    SupportEpisode,
)
from logement_accompagne.organisations.enums import Role
from tests import factories
from tests.lifecycle import advance

SHARED = (
    "anonymous",
    "carrier",
    "carrier_other",
    "dept",
    "dept_other",
    "region",
    "region_other",
    "committee",
    "admin",
)
SUPPORT = ("support_worker", "manager", "worker_other")
ACTORS = SHARED + SUPPORT
PSEUDONYMOUS = {"carrier", "dept", "region", "committee", "admin"}
HEAD_NAME = "Zébulon-Testenom"


def expect(
    allowed: set[str], seeing: set[str] = frozenset({"support_worker", "manager"}) | PSEUDONYMOUS
) -> dict:
    out = {"anonymous": "login"}
    for actor in ACTORS[1:]:
        out[actor] = "ok" if actor in allowed else (403 if actor in seeing else 404)
    return out


EVERYONE_IN = {a: ("login" if a == "anonymous" else "ok") for a in ACTORS}
VIEW = expect({"support_worker", "manager"} | PSEUDONYMOUS)
WORK = expect({"support_worker", "manager"})
MANAGE = expect({"manager"})


def household(cast, dossier):
    episode = services.register_household(
        user=cast.support_worker, dossier=dossier, members=[{"first_name": "Awa", "last_name": HEAD_NAME}],
        adults=1, children=1, head="single_woman", kind="access", referral_source="siao",
        referred_on=datetime.date(2025, 1, 6),
    )  # fmt: skip
    services.record_contact(user=cast.support_worker, episode=episode, happened_on=datetime.date(2025, 1, 9),
                            kind="interview", channel="office", result="reached", note=f"Rencontre avec Mme {HEAD_NAME}")  # fmt: skip
    cast["episode"] = episode
    return {"household": episode.household.reference}


def project(cast, dossier):
    return {"reference": dossier.reference}


def contact_data(cast, dossier):
    return {
        "result": "not_reached",
        "channel": "phone",
        "kind": "attempt",
        "happened_on": "2025-02-03",
        "note": "",
    }


def contacts_written(cast, allowed):
    return Contact.objects.filter(happened_on=datetime.date(2025, 2, 3)).count() == (1 if allowed else 0)


# name → list of (expectation, method, kwargs builder, data builder, database check after a POST)
CASES = {
    "households:projects": [(EVERYONE_IN, "get", None, None, None)],
    "households:list": [(VIEW, "get", project, None, None)],
    "households:reviews": [(VIEW, "get", project, None, None)],
    "households:indicators": [(VIEW, "get", project, None, None)],
    "households:register": [
        (WORK, "get", project, None, None),
        (
            WORK,
            "post",
            project,
            lambda c, d: {
                "last_name": "Nouveau",
                "first_name": "Né",
                "kind": "access",
                "referral_source": "dalo",
                "referred_on": "2025-03-01",
                "adults": "1",
                "children": "0",
                "head": "single_man",
                "resources_category": "unknown",
            },
            lambda cast, allowed: (
                SupportEpisode.objects.filter(referral_source="dalo").count() == (1 if allowed else 0)
            ),
        ),
    ],  # fmt: skip
    "households:import": [(WORK, "get", project, None, None)],
    "households:import_template": [(WORK, "get", project, None, None)],
    "households:reads": [(MANAGE, "get", project, None, None)],
    "households:detail": [(VIEW, "get", household, None, None)],
    "households:contact": [
        (WORK, "get", household, None, None),
        (WORK, "post", household, contact_data, contacts_written),
    ],
    "households:note": [
        (
            WORK,
            "post",
            household,
            lambda c, d: {"body": "Penser au dossier FSL"},
            lambda cast, allowed: PrivateNote.objects.count() == (1 if allowed else 0),
        ),
    ],  # fmt: skip
    "households:plan": [
        (WORK, "get", household, None, None),
        (
            WORK,
            "post",
            household,
            lambda c, d: {"action": "objective", "o-title": "Ouvrir les droits APL"},
            lambda cast, allowed: Objective.objects.count() == (1 if allowed else 0),
        ),
    ],  # fmt: skip
    "households:exit": [
        (WORK, "get", household, None, None),
        (
            WORK,
            "post",
            household,
            lambda c, d: {
                "ended_on": "2025-06-01",
                "end_reason": "goals_reached",
                "destination": "social_housing",
            },
            lambda cast, allowed: (
                SupportEpisode.objects.filter(ended_on__isnull=False).count() == (1 if allowed else 0)
            ),
        ),
    ],  # fmt: skip
    "households:export": [
        (WORK, "get", lambda c, d: {**household(c, d), "fmt": "json"}, None, None),
        (WORK, "get", lambda c, d: {**household(c, d), "fmt": "pdf"}, None, None),
    ],
}


def _support_cast(cast):
    cast["manager"] = factories.member(cast.landlord, Role.SUPPORT_MANAGER)
    cast["worker_other"] = factories.member(cast.other_landlord, Role.SUPPORT_WORKER)
    return cast


def _pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


PARAMS = [
    pytest.param(name, index, actor, id=f"{name}-{CASES[name][index][1]}{index}-{actor}")
    for name in CASES
    for index in range(len(CASES[name]))
    for actor in ACTORS
]


@pytest.mark.parametrize(("name", "index", "actor"), PARAMS)
def test_households_access(client, cast, name, index, actor):
    expected_all, method, kwargs_of, data_of, check = CASES[name][index]
    if name == "households:export" and index == 1 and not _pdf_available():
        pytest.skip("WeasyPrint ou pango absent : export PDF non testé")
    _support_cast(cast)
    dossier = advance(cast, Status.SELECTED)
    kwargs = kwargs_of(cast, dossier) if kwargs_of else {}
    url = reverse(name, kwargs=kwargs)
    if actor != "anonymous":
        client.force_login(cast[actor])
    response = getattr(client, method)(url, data_of(cast, dossier) if data_of else {})
    expected = expected_all[actor]
    if expected == "ok":
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    elif expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected
    if actor not in ("support_worker", "manager"):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert HEAD_NAME.encode() not in body and HEAD_NAME.upper().encode() not in body
        assert b"Rencontre avec" not in body
    if check is not None:
        assert check(cast, expected == "ok")


def test_every_households_url_is_in_this_matrix():
    from .test_access_matrix import site_url_names

    assert {n for n in site_url_names() if n.startswith("households:")} == set(CASES)


def test_reading_a_household_is_logged_and_names_reach_the_support_worker(client, cast):
    dossier = advance(cast, Status.SELECTED)
    reference = household(cast, dossier)["household"]
    client.force_login(cast.support_worker)
    page = client.get(reverse("households:detail", args=[reference])).content.decode()
    assert HEAD_NAME.upper() in page and "Rencontre avec" in page
    read = ReadEntry.objects.get()
    assert (read.actor, read.target_id, read.household_ref) == (
        cast.support_worker,
        str(cast.episode.pk),
        str(cast.episode.household_id),
    )
    assert read.target_type == "households.supportepisode" and cast.episode.dossier == dossier
    exported = json.loads(client.get(reverse("households:export", args=[reference, "json"])).content)
    assert exported["members"][0]["last_name"] == HEAD_NAME
    assert exported["supports"][0]["contacts"][0]["note"].startswith("Rencontre")
    assert ReadEntry.objects.count() == 2


def _shared_matrix():
    """The same expectations, for the shared matrix's people (tests/www/test_access_matrix.py)."""
    from .test_access_matrix import Case

    matrix = {}
    for name, cases in CASES.items():
        matrix[name] = [
            Case(
                {actor: expected[actor] for actor in SHARED}, method=method,
                state=None if kwargs_of is None else Status.SELECTED, kwargs=kwargs_of or (lambda c, d: {}),
                data=data_of or (lambda c, d: {}),
            )
            for expected, method, kwargs_of, data_of, _ in cases
        ]  # fmt: skip
    return matrix
