"""Committee sessions on the web (issue #12): the agenda paged and sorted by the database at a cost
that does not grow with the dossiers waiting, batch confirmation from the page, and the printed
documents (dossier, decision letter, minutes) read back from the PDF's text."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from logement_accompagne.dossiers import services as dossier_services
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from logement_accompagne.dossiers.models import DepartmentalOpinion, RegionalOpinion
from logement_accompagne.grants import session_services
from logement_accompagne.www.committee import sessions as session_views
from tests import factories
from tests.grants.conftest import open_session, waiting_dossiers
from tests.lifecycle import advance


def pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Spaces as typeset (narrow no-break, no-break) read as plain spaces.
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture
def call(db):
    return factories.CallFactory(title="Appel national 2026", envelope_eur=Decimal("1000000"),
                                 project_cap_eur=Decimal("100000"))  # fmt: skip


def agenda_names(client, session, **query) -> list[str]:
    response = client.get(reverse("committee:session", args=[session.reference]), query)
    assert response.status_code == 200
    return [row["title"] for row in response.context["rows"]]


def test_the_agenda_sorts_by_amount_cost_verdict_and_reproducibility(login, cast, call):
    cheap, dear, middle = waiting_dossiers(cast, call, ["10000", "90000", "50000"])
    for dossier, name, households in (
        (cheap, "A bas coût", 100),
        (dear, "B cher", 10),
        (middle, "C moyen", 25),
    ):
        dossier.name, dossier.households = name, households
        dossier.save(update_fields=["name", "households"])
    # Newer opinion versions: the latest one counts.
    RegionalOpinion.objects.create(dossier=dear, version=2, verdict=Verdict.UNFAVOURABLE)
    DepartmentalOpinion.objects.create(dossier=middle, version=2, reproducibility=Reproducibility.LOW)
    session = open_session(cast)
    client = login(cast.committee)
    assert agenda_names(client, session, tri="montant") == ["A bas coût", "C moyen", "B cher"]
    assert agenda_names(client, session, tri="-montant") == ["B cher", "C moyen", "A bas coût"]
    # Per household: 100, 9 000, 2 000 €.
    assert agenda_names(client, session, tri="cout") == ["A bas coût", "C moyen", "B cher"]
    assert agenda_names(client, session, tri="-avis") == ["A bas coût", "C moyen", "B cher"]
    assert agenda_names(client, session, tri="-reproductibilite")[-1] == "C moyen"
    page = client.get(
        reverse("committee:session", args=[session.reference]), {"tri": "cout"}
    ).content.decode()
    assert "9\u202f000,00\u00a0€" in page and "Défavorable" in page and "Faible" in page


def test_the_agenda_is_paged_and_its_cost_does_not_grow_with_waiting_dossiers(
    login, cast, call, django_assert_max_num_queries
):
    waiting_dossiers(cast, call, ["10000"] * 3)
    session = open_session(cast)
    client = login(cast.committee)
    url = reverse("committee:session", args=[session.reference])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    waiting_dossiers(cast, call, ["10000"] * (session_views.PAGE_SIZE + 5 - 3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"tri": "montant"})
    assert len(response.context["rows"]) == session_views.PAGE_SIZE
    assert response.context["waiting_count"] == session_views.PAGE_SIZE + 5
    second = client.get(url, {"tri": "montant", "page": 2})
    assert len(second.context["rows"]) == 5
    assert not {r["pk"] for r in second.context["rows"]} & {r["pk"] for r in response.context["rows"]}
    assert "tri=montant" in second.content.decode()  # the pagination keeps the sort


def test_the_page_proposes_then_confirms_and_explains_a_shortfall(login, cast):
    small = factories.CallFactory(
        title="Petit appel", envelope_eur=Decimal("50000"), project_cap_eur=Decimal("40000")
    )
    first, second = waiting_dossiers(cast, small, ["30000", "30000"])
    session = open_session(cast)
    client = login(cast.committee)
    for dossier, amount in ((first, "30000"), (second, "20000")):
        response = client.post(reverse("committee:propose", args=[session.reference, dossier.reference]),
                               {"selected": "yes", "amount_granted_eur": amount, "conditions": "Bilan annuel"})  # fmt: skip
        assert response.status_code == 302
    page = client.get(reverse("committee:session", args=[session.reference])).content.decode()
    assert "Confirmer les 2 décision(s) proposée(s)" in page
    # A decision taken elsewhere meanwhile: the batch no longer fits.
    third = waiting_dossiers(cast, small, ["5000"])[0]
    dossier_services.decide(
        user=cast.committee, dossier=third, selected=True, amount_granted_eur=Decimal("5000")
    )
    response = client.post(reverse("committee:confirm", args=[session.reference]), follow=True)
    text = response.content.decode()
    assert "Aucune décision n&#x27;a été enregistrée" in text and "il manque 5\u202f000,00\u00a0€" in text
    first.refresh_from_db()
    assert first.status == Status.COMMITTEE
    decided = client.get(reverse("committee:propose", args=[session.reference, third.reference]), follow=True)
    assert "n&#x27;attend plus de décision du comité" in decided.content.decode()
    client.post(reverse("committee:propose", args=[session.reference, second.reference]),
                {"selected": "yes", "amount_granted_eur": "15000", "conditions": "Bilan annuel"})  # fmt: skip
    response = client.post(reverse("committee:confirm", args=[session.reference]), follow=True)
    assert "2 décision(s) enregistrée(s)" in response.content.decode()
    assert dossier_services.granted_total(small) == Decimal("50000")


def test_the_dossier_pdf_follows_the_form_and_carries_the_opinions(login, cast):
    dossier = advance(cast, Status.COMMITTEE)
    text = pdf_text(login(cast.committee).get(reverse("dossiers:pdf", args=[dossier.reference])))
    from logement_accompagne.importer.form import FIELDS, SECTIONS

    assert "Présentation synthétique du projet" in text and "Bail glissant Orléans" in text
    for section in SECTIONS:
        assert section.title in text, section.title
    for label in ("Nombre de ménages accompagnés", "Partenaires mobilisés", "Durée des engagements, en mois"):
        assert label in text
    assert [f for f in FIELDS if f.name == "households"][0].label in text
    assert "SIAO, CCAS, conseil départemental" in text and "30 000,00 €" in text
    assert "Avis du service départemental" in text and "Projet pertinent" in text and "Fort" in text
    assert "Avis du service régional" in text and "Favorable" in text
    # Before the decision, the carriers' copy has no opinions (the rule of the dossier page).
    carrier_text = pdf_text(login(cast.carrier).get(reverse("dossiers:pdf", args=[dossier.reference])))
    assert "Bail glissant Orléans" in carrier_text and "Projet pertinent" not in carrier_text


def test_the_decision_letter_names_amount_conditions_and_reference(login, cast):
    dossier = advance(cast, Status.COMMITTEE)
    session = open_session(cast)
    session_services.propose(user=cast.committee, session=session, dossier=dossier, selected=True,
                             amount_eur=Decimal("28500.50"), conditions="Un bilan à six mois transmis à la DDETS.")  # fmt: skip
    session_services.confirm(user=cast.committee, session=session)
    text = pdf_text(login(cast.carrier).get(reverse("committee:letter", args=[dossier.reference])))
    assert "retenu" in text and "Montant accordé : 28 500,50 €" in text
    assert "Un bilan à six mois transmis à la DDETS." in text
    assert f"CN-{dossier.call.year}-{dossier.short_reference}-V1" in text
    assert "Logem Test" in text and "3 décembre 2026" in text


def test_a_refusal_letter_gives_the_reason_and_no_amount(login, cast):
    dossier = advance(cast, Status.NOT_SELECTED)
    text = pdf_text(login(cast.carrier).get(reverse("committee:letter", args=[dossier.reference])))
    assert "pas été retenu" in text and "Projet peu reproductible." in text and "Montant accordé" not in text


def test_the_minutes_list_members_decisions_and_envelopes(login, cast, call):
    chosen, refused = waiting_dossiers(cast, call, ["20000", "20000"])
    session = open_session(cast)
    session_services.propose(user=cast.committee, session=session, dossier=chosen, selected=True,
                             amount_eur=Decimal("20000"))  # fmt: skip
    session_services.propose(user=cast.committee, session=session, dossier=refused, selected=False,
                             refusal_reason="Partenariat insuffisant")  # fmt: skip
    session_services.confirm(user=cast.committee, session=session)
    text = pdf_text(login(cast.committee).get(reverse("committee:minutes", args=[session.reference])))
    assert "Procès-verbal de la séance du comité national" in text and "3 décembre 2026" in text
    assert "Claude Comité, DGALN" in text and "Alex Martin, DIHAL" in text
    assert str(chosen) in text and str(refused) in text and "Partenariat insuffisant" in text
    assert "20 000,00 €" in text and "980 000,00 €" in text  # granted, then what is left of the call
    assert "Centre-Val de Loire" in text


def test_the_dossier_pages_have_a_print_stylesheet(login, cast):
    page = login(cast.carrier).get(reverse("dossiers:detail", args=[cast.dossier.reference])).content.decode()
    assert "www/css/print" in page
    from django.contrib.staticfiles import finders

    css = open(finders.find("www/css/print.css"), encoding="utf-8").read()
    assert "@media print" in css and ".fr-header" in css


def test_a_member_opens_a_session_and_finds_it_listed(login, cast):
    client = login(cast.committee)
    response = client.post(reverse("committee:sessions"),
                           {"held_on": "2026-12-03", "members_present": "Claude Comité, DGALN\n\nAlex Martin, DIHAL"})  # fmt: skip
    assert response.status_code == 302 and "/comite/seances/" in response["Location"]
    page = client.get(reverse("committee:sessions")).content.decode()
    assert (
        "Séance du comité du 3 décembre 2026" in page and "Claude Comité, DGALN, Alex Martin, DIHAL" in page
    )
    refused = client.post(reverse("committee:sessions"), {"held_on": "2026-12-04", "members_present": " "})
    assert refused.status_code == 200 and "Ce champ est obligatoire" in refused.content.decode()
    # The administrator reads the sessions but opens none.
    admin_page = login(cast.admin).get(reverse("committee:sessions")).content.decode()
    assert "Ouvrir une séance" not in admin_page and "Séance du comité du 3 décembre 2026" in admin_page
