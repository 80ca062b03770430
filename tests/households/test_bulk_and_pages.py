"""Bulk entry (all lines or none, errors by line number) and the constant cost of the list and timeline."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from logement_accompagne.households import bulk
from logement_accompagne.households.models import Household, Member

from .conftest import register
from .fixture import build


def sheet(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(bulk.KEYS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


GOOD = ["Diallo", "Fatou", "12/03/1985", "", "Accès au logement", "SIAO", "06/01/2025", "1", "2", "Femme seule",
        "Minima sociaux", "045-2025-00001", "", ""]  # fmt: skip


def test_a_good_sheet_registers_every_household(project):
    second = [*GOOD]
    second[0], second[11] = "Moreau", ""
    count = bulk.import_households(user=project.worker, dossier=project.dossier, name="menages.csv",
                                   content=sheet([GOOD, second]))  # fmt: skip
    assert count == 2 and Member.objects.filter(last_name__in=["Diallo", "Moreau"]).count() == 2


def test_one_bad_line_and_nothing_is_imported(project):
    bad = [*GOOD]
    bad[0], bad[6], bad[11] = "Petit", "31/02/2025", ""
    unknown = [*GOOD]
    unknown[0], unknown[5], unknown[11] = "Roux", "Voisin", ""
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.import_households(user=project.worker, dossier=project.dossier, name="menages.csv",
                               content=sheet([GOOD, bad, unknown]))  # fmt: skip
    assert [(e.line, e.message.split(" :")[0]) for e in refused.value.errors] == [
        (3, "Date d'orientation"), (4, "Orienté par"),
    ]  # fmt: skip
    assert not Household.objects.exists()


def test_a_known_identifier_is_refused_on_its_line(project):
    register(project, sne_number="045-2025-00001")
    with pytest.raises(bulk.ImportRefused) as refused:
        bulk.import_households(
            user=project.worker, dossier=project.dossier, name="m.csv", content=sheet([GOOD])
        )
    assert refused.value.errors[0].line == 2 and "déjà enregistré" in refused.value.errors[0].message
    assert Household.objects.count() == 1


def test_the_template_round_trips(project, client):
    client.force_login(project.worker)
    content = client.get(reverse("households:import_template", args=[project.dossier.reference])).content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == bulk.KEYS
    # the template itself (example line only) holds no household
    with pytest.raises(bulk.ImportRefused, match="rien n'a été importé"):
        bulk.import_households(
            user=project.worker, dossier=project.dossier, name="modele.xlsx", content=content
        )


def _queries(client, url) -> int:
    # A first request fills the per-process caches (site configuration) and renews the session: measured
    # on its own it would count those, not the page.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["worker", "dept"])
def test_the_list_costs_the_same_whatever_the_number_of_households(project, client, who):
    client.force_login(project[who])
    url = reverse("households:list", args=[project.dossier.reference])
    register(project, last_name="Seul")
    few = _queries(client, url)
    build(project)
    assert _queries(client, url) == few


def test_the_timeline_costs_the_same_whatever_its_length(project, client):
    episodes = build(project)
    client.force_login(project.worker)
    short = _queries(client, reverse("households:detail", args=[episodes["f"].household.reference]))
    long = _queries(client, reverse("households:detail", args=[episodes["c"].household.reference]))
    assert long == short
