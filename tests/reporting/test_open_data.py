"""Open data: files by department, region and call, secret under 5 households, public page."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.lifecycle import GRANTED


@pytest.fixture
def open_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "opendata"
    return settings.OPEN_DATA_DIR


def read_csv(path):
    return {row["code"]: row for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


def test_command_writes_anonymised_files(programme, open_dir):
    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    assert "Données ouvertes écrites" in out.getvalue()
    departments = read_csv(open_dir / "chiffres-departements.csv")
    assert departments["45"]["menages"] == "25" and departments["45"]["menages_secret"] == "false"
    assert departments["37"]["menages"] == "" and departments["37"]["menages_secret"] == "true"
    assert departments["37"]["logements"] == "3" and departments["37"]["projets_retenus"] == "1"
    regions = read_csv(open_dir / "chiffres-regions.csv")
    assert regions["24"]["menages"] == "28" and regions["75"]["dossiers_deposes"] == "1"
    calls = read_csv(open_dir / "chiffres-appels.csv")
    assert calls["aap-a"]["montant_accorde_eur"] == str(float(2 * GRANTED))
    document = json.loads((open_dir / "chiffres.json").read_text(encoding="utf-8"))
    assert "Etalab" in document["licence"]
    assert {row["code"]: row["menages"] for row in document["departements"]}["37"] is None
    schema = json.loads((open_dir / "schema.json").read_text(encoding="utf-8"))
    assert [field["name"] for field in schema["fields"]] == list(departments["45"])
    # Nothing personal, nothing from a draft.
    assert "Brouillon" not in (open_dir / "chiffres.json").read_text(encoding="utf-8")


def test_command_fails_clearly_when_it_cannot_write(programme, tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        call_command("build_open_data", dir=blocker / "sous-dossier")


def test_public_page_and_files(client, programme, open_dir):
    assert "pas encore été produits" in client.get(reverse("opendata:index")).content.decode()
    assert client.get(reverse("opendata:file", args=["chiffres.json"])).status_code == 404
    call_command("build_open_data", stdout=io.StringIO())
    page = client.get(reverse("opendata:index")).content.decode()
    assert "chiffres-regions.csv" in page and "Etalab" in page
    response = client.get(reverse("opendata:file", args=["chiffres-regions.csv"]))
    assert response.status_code == 200 and b"Centre-Val de Loire" in b"".join(response.streaming_content)
    assert client.get(reverse("opendata:file", args=["..%2Fsecret"])).status_code == 404
