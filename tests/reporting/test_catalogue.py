"""The public catalogue of practices (issue #11 item 6), on the hand-made programme of conftest.

d1 (Loiret, call A) and d2 (Indre-et-Loire, call A) are selected, d3 (Landes) not selected, d4
(Loiret, call B) still submitted. A project is public only when selected AND its carrier agreed.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.households.models import Household, SupportEpisode
from logement_accompagne.reporting import catalogue
from logement_accompagne.reporting.models import PublicationConsent
from logement_accompagne.reporting.services import set_publication_consent
from tests import factories


def agree(programme, *names):
    for name in names:
        dossier = getattr(programme, name)
        carrier = {"d1": programme.in45, "d2": programme.in37, "d3": programme.in40, "d4": programme.in45}[
            name
        ]
        set_publication_consent(user=carrier.carrier, dossier=dossier, given=True)


def names(**filters) -> list[str]:
    return [dossier.name for dossier in catalogue.catalogue(**filters)]


def test_a_project_appears_only_with_consent_and_only_when_selected(client, programme):
    assert names() == []
    assert client.get(reverse("catalogue:detail", args=[programme.d1.reference])).status_code == 404
    agree(programme, "d1", "d3", "d4")  # d2 selected but not agreed; d3 not selected; d4 not decided
    assert names() == ["Bail glissant Orléans"]
    page = client.get(reverse("catalogue:index"))
    assert page.status_code == 200
    assert "Bail glissant Orléans" in page.content.decode()
    assert "Landes accompagnées" not in page.content.decode()
    assert "Petit projet Tours" not in page.content.decode()
    assert client.get(reverse("catalogue:detail", args=[programme.d1.reference])).status_code == 200
    for hidden in (programme.d2, programme.d3, programme.d4):
        assert client.get(reverse("catalogue:detail", args=[hidden.reference])).status_code == 404


def test_withdrawal_removes_the_project_and_giving_again_brings_it_back(client, programme):
    agree(programme, "d1")
    set_publication_consent(user=programme.in45.carrier, dossier=programme.d1, given=False)
    assert PublicationConsent.objects.get(dossier=programme.d1).withdrawn_at is not None
    assert names() == []
    assert client.get(reverse("catalogue:detail", args=[programme.d1.reference])).status_code == 404
    agree(programme, "d1")
    assert names() == ["Bail glissant Orléans"]


def test_the_carrier_gives_and_withdraws_on_the_consent_page(client, programme):
    url = reverse("catalogue:consent", args=[programme.d1.reference])
    client.force_login(programme.in45.carrier)
    assert "accepte la publication du projet" in client.get(url).content.decode()
    client.post(url, {"publish": "oui"})
    assert names() == ["Bail glissant Orléans"]
    assert "Retirer mon accord" in client.get(url).content.decode()
    client.post(url, {"publish": "non"})
    assert names() == []


def test_only_a_carrier_of_the_dossier_decides_its_publication(programme):
    for outsider in (programme.dept45, programme.committee, programme.in37.carrier):
        with pytest.raises(PermissionDenied):
            set_publication_consent(user=outsider, dossier=programme.d1, given=True)
    assert not PublicationConsent.objects.exists()


def test_filters_by_region_department_call_and_reproducibility(programme):
    agree(programme, "d1", "d2")
    both = ["Bail glissant Orléans", "Petit projet Tours"]
    assert names(region="24") == both
    assert names(region="75") == []
    assert names(department="37") == ["Petit projet Tours"]
    assert names(call=programme.call_a) == both
    assert names(call=programme.call_b) == []
    assert names(reproducibility="high") == both  # tests.lifecycle records « fort » for both
    assert names(reproducibility="low") == []


def _summaries(programme):
    programme.d1.summary = "Prévenir les expulsions locatives des ménages en sous-location."
    programme.d1.save(update_fields=["summary"])
    programme.d2.summary = "Insertion par le logement des jeunes sortant de l'ASE."
    programme.d2.save(update_fields=["summary"])
    agree(programme, "d1", "d2")


@pytest.mark.parametrize("query", ["expulsions", "ménages", "menages", "MENAGES", "prevenir", "Prévenir"])
def test_search_finds_a_project_by_a_word_of_its_summary_with_or_without_accents(programme, query):
    _summaries(programme)
    assert names(text=query) == ["Bail glissant Orléans"]


def test_search_on_the_other_fields_and_all_words(client, programme):
    _summaries(programme)
    assert names(text="Orleans") == ["Bail glissant Orléans"]  # name, accent dropped
    assert names(text="SIAO") == ["Bail glissant Orléans", "Petit projet Tours"]  # partners of both
    assert names(text="jeunes menages") == []  # every word must be found in the same project
    assert names(text="introuvablissime") == []
    page = client.get(reverse("catalogue:index"), {"q": "ménages"})
    assert "Bail glissant Orléans" in page.content.decode()
    assert "Petit projet Tours" not in page.content.decode()


def test_postgresql_search_uses_the_french_configuration(programme):
    if connection.vendor != "postgresql":
        pytest.skip(
            "recherche plein texte française testée sur PostgreSQL seulement (DATABASE_URL=postgres://...)"
        )
    _summaries(programme)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        assert cursor.fetchone() is not None, "l'extension unaccent est créée par la migration"
    # French stemming: the singular finds the plural, « prévention » the verb's stem does not.
    assert names(text="expulsion") == ["Bail glissant Orléans"]
    assert names(text="locative") == ["Bail glissant Orléans"]
    assert names(text="sortants") == ["Petit projet Tours"]


def test_postgresql_search_is_served_by_its_gin_index(programme):
    if connection.vendor != "postgresql":
        pytest.skip(
            "index GIN de la recherche du catalogue : PostgreSQL seulement (DATABASE_URL=postgres://...)"
        )
    _summaries(programme)
    query = catalogue.search(Dossier.objects.all(), "ménages expulsions").values("pk")
    with connection.cursor() as cursor:
        # A handful of rows would be read sequentially anyway: forbid that to see whether the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert catalogue.INDEX_NAME in plan, plan
    assert list(query) == [{"pk": programme.d1.pk}]


def test_no_personal_data_in_the_pages_and_results_only_from_five_households(client, programme):
    agree(programme, "d1")
    for _ in range(5):
        household = Household.objects.create(department=factories.department("45"))
        SupportEpisode.objects.create(household=household, dossier=programme.d1, kind="access",
                                      referral_source="siao", referred_on=datetime.date(2026, 2, 1))  # fmt: skip
    pages = [
        client.get(reverse("catalogue:index")).content.decode(),
        client.get(reverse("catalogue:detail", args=[programme.d1.reference])).content.decode(),
    ]
    assert "5 ménages accompagnés à ce jour" in pages[1]
    people = [programme.in45.carrier, programme.dept45, programme.region24, programme.committee]
    for page in pages:
        for person in people:
            assert person.email not in page
            # The full name (a first name alone may be part of a place, « Saint-Denis »).
            assert f"{person.first_name} {person.last_name}" not in page
        for household in Household.objects.all():
            assert str(household.reference) not in page
    SupportEpisode.objects.filter(pk=SupportEpisode.objects.first().pk).delete()
    detail = client.get(reverse("catalogue:detail", args=[programme.d1.reference])).content.decode()
    assert "Moins de 5 ménages accompagnés" in detail


def test_the_dossier_page_links_its_carriers_to_the_consent_page(client, programme):
    url = reverse("catalogue:consent", args=[programme.d1.reference])
    client.force_login(programme.in45.carrier)
    assert url in client.get(reverse("dossiers:detail", args=[programme.d1.reference])).content.decode()
    client.force_login(programme.dept45)
    assert url not in client.get(reverse("dossiers:detail", args=[programme.d1.reference])).content.decode()


def test_the_catalogue_page_costs_the_same_queries_whatever_the_number_of_projects(client, programme):
    from django.test.utils import CaptureQueriesContext

    agree(programme, "d1")
    client.get(reverse("catalogue:index"))  # warm the per-process caches (site configuration, footer)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("catalogue:index"))
    agree(programme, "d2")
    with CaptureQueriesContext(connection) as two:
        page = client.get(reverse("catalogue:index"))
    assert "Petit projet Tours" in page.content.decode()
    assert len(two) == len(one), (len(one), len(two))
    print(f"catalogue page: {len(two)} queries for 2 projects")
