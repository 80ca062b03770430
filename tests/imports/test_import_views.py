"""« Importer un dossier existant » through the web: upload, review, confirm."""

import re

import pytest
from django.urls import reverse

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.imports.models import ImportJob
from tests import factories

pytestmark = pytest.mark.django_db

FORM_TEXT = """Présentation synthétique du projet
Localisation du projet : Orléans (45)
Nom du projet : Prévenir l'impayé
Statut et nom du ou des porteur(s) du projet : OPH Logem Test et association AHU
Descriptif sommaire du projet et objectifs poursuivis : Traitement précoce des impayés de loyer.
Nombre de ménages accompagnés : 20
Nombre de logements : 18
Partenaires mobilisés - exemples : collectivités territoriales, SIAO, associations, coordination entre les organismes, … : SIAO, CCAS
Coût de l'accompagnement par ménage : 1440 € à l'année
"""


@pytest.fixture
def carrier(db):
    factories.CallFactory(slug="aap-ouvert")
    return factories.carrier_user(factories.OrganisationFactory(name="Logem Test", kind="oph"))


def upload(client, content: bytes, name="projet.txt"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from logement_accompagne.calls.models import Call
    from logement_accompagne.organisations.models import Organisation

    return client.post(
        reverse("imports:upload"),
        {
            "call": Call.objects.get(slug="aap-ouvert").pk,
            "organisation": Organisation.objects.get(name="Logem Test").pk,
            "document": SimpleUploadedFile(name, content),
        },
    )


def test_upload_review_and_confirm_create_a_draft_with_the_original_attached(client, carrier):
    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:review", args=[job.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vérifier ce que la plateforme a compris" in html
    assert "Prévenir l&#x27;impayé" in html or "Prévenir l'impayé" in html
    # Costs and carriers read from the document are shown in French, not as keys.
    assert "Coût de l&#x27;accompagnement par ménage : 1\u202f440,00\u00a0€ (par ménage, par an)" in html
    assert "OPH Logem Test" in html and "finance.support_cost" not in html
    # The person corrects one value before confirming.
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    data["target_public.households"] = "22"
    confirmed = client.post(response.url, data)
    dossier = Dossier.objects.get()
    assert confirmed.status_code == 302
    assert dossier.status == Status.DRAFT and dossier.imported
    assert dossier.name == "Prévenir l'impayé" and dossier.households == 22
    assert dossier.carrier_links.filter(organisation__name="Logem Test").exists()
    assert dossier.attachments.get().original_name == "projet.txt"
    job.refresh_from_db()
    assert job.state == ImportJob.State.CONFIRMED and job.dossier == dossier
    # Confirming twice (double click) creates nothing more.
    client.post(reverse("imports:review", args=[job.pk]), data)
    assert Dossier.objects.count() == 1


def test_unreadable_file_gets_a_clear_french_message(client, carrier):
    client.force_login(carrier)
    response = upload(client, b"\x00\x01\x02garbage" * 50, name="dossier.docx")
    page = client.get(response.url)
    assert page.status_code == 422
    assert "n'a pas pu être lu" in page.content.decode()
    assert not Dossier.objects.exists()


def test_too_large_file_is_refused_before_reading(client, carrier, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    client.force_login(carrier)
    response = upload(client, b"x" * 2000)
    assert response.status_code == 200
    assert "taille maximale" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_large_files_are_parsed_in_the_background_with_progress(
    client, carrier, monkeypatch, django_capture_on_commit_callbacks
):
    from logement_accompagne.imports import jobs

    monkeypatch.setattr(jobs, "INLINE_LIMIT_BYTES", 10)
    client.force_login(carrier)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with_commit = upload(client, FORM_TEXT.encode("utf-8"))
    assert len(callbacks) == 1  # the background task is enqueued once the upload is stored
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.PENDING
    page = client.get(with_commit.url)
    assert "Lecture du document en cours" in page.content.decode()
    jobs.run(job.pk)  # what the worker does
    page = client.get(with_commit.url)
    assert "Vérifier ce que la plateforme a compris" in page.content.decode()


def test_only_carriers_import_and_only_the_uploader_sees_the_review(client, carrier):
    instructor = factories.departmental_instructor("45")
    client.force_login(instructor)
    assert client.get(reverse("imports:upload")).status_code == 403
    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    other = factories.carrier_user(factories.OrganisationFactory(name="Autre"))
    client.force_login(other)
    assert client.get(response.url).status_code == 404


def _confirm_data(page):
    form = page.context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}


def test_only_the_uploaders_organisation_is_attached_and_opinions_stay_text(client, carrier):
    # Another organisation with the name the document cites must not get access to the draft.
    factories.OrganisationFactory(name="Association AHU", kind="association")
    client.force_login(carrier)
    text = FORM_TEXT + (
        "Pertinence du projet au regard des objectifs visés par l'appel à projets : Excellent projet\n"
        "Caractère reproductible de la démarche : Faible  Moyen  Fort X\n"
    )
    response = upload(client, text.encode("utf-8"))
    page = client.get(response.url)
    client.post(response.url, _confirm_data(page))
    dossier = Dossier.objects.get()
    assert [link.organisation.name for link in dossier.carrier_links.all()] == ["Logem Test"]
    assert not dossier.departmental_opinions.exists() and not dossier.regional_opinions.exists()
    assert any("Excellent projet" in passage for passage in dossier.unmapped)


def test_confirming_rechecks_membership_and_that_the_call_is_open(client, carrier):
    from logement_accompagne.calls.models import Call

    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    page = client.get(response.url)
    call = Call.objects.get(slug="aap-ouvert")
    Call.objects.filter(pk=call.pk).update(
        opens_on=call.opens_on.replace(year=2000), closes_on=call.opens_on.replace(year=2000)
    )
    refused = client.post(response.url, _confirm_data(page))
    assert refused.status_code == 200 and "est clos" in refused.content.decode()
    Call.objects.filter(pk=call.pk).update(opens_on=call.opens_on, closes_on=call.closes_on)
    carrier.memberships.all().delete()
    refused = client.post(response.url, _confirm_data(page))
    assert "ne portez plus" in refused.content.decode()
    assert not Dossier.objects.exists()


def test_the_review_uses_the_paper_forms_labels_in_its_order(client, carrier):
    from logement_accompagne.importer import form

    client.force_login(carrier)
    response = upload(client, FORM_TEXT.encode("utf-8"))
    html = client.get(response.url).content.decode().replace("&#x27;", "'")
    labels = [
        field.label for field in form.FIELDS if field.type not in ("money", "cofunding", "organisations")
    ]
    places = [
        (m.start() if (m := re.search(rf">\s*{re.escape(label)}\s*<", html)) else -1) for label in labels
    ]
    assert -1 not in places, [label for label, place in zip(labels, places, strict=True) if place == -1]
    assert places == sorted(places)  # as on the paper form, section after section
    titles = [html.find(f">{section.title}</th>") for section in form.SECTIONS]
    assert -1 not in titles and titles == sorted(titles)
    # Model wording the form does not print never reaches the page.
    assert "Nombre de logements (tel qu'écrit)" not in html and "durée (mois)" not in html.lower()


OCR_FLAG = "lu par reconnaissance de caractères"


def test_values_of_a_scanned_form_are_flagged_on_the_review_page(client, carrier):
    """A scanned page (written by the sample script: rasterised, rotated, blurred) is read through OCR
    and every value read from it carries the flag; a text document carries none."""
    from logement_accompagne.importer.extract import ocr
    from tests.importer.conftest import load_samples_module

    if ocr.unavailable_reason() is not None:
        pytest.skip(f"reconnaissance de caractères indisponible ({ocr.unavailable_reason()})")
    samples = load_samples_module()
    client.force_login(carrier)
    plain = client.get(upload(client, FORM_TEXT.encode("utf-8")).url).content.decode()
    assert OCR_FLAG not in plain
    scan = samples.scanned_pdf(samples.form_pdf(boxes="vector"), pages=1)
    response = upload(client, scan, name="presentation-scannee.pdf")
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    rows = {row["field"].name: row for row in page.context["rows"]}
    assert rows["name"]["ocr"] and rows["target_public.dalo_eligible"]["ocr"]
    assert not rows["schedule"]["ocr"]  # on the second page, not scanned here: nothing read
    assert html.count(f">{OCR_FLAG}</p>") == sum(row["ocr"] for row in rows.values())  # one badge per value
    assert page.context["form"]["name"].value() == "Toit d'abord à Rochefort"
    assert page.context["form"]["target_public.dalo_eligible"].value() == "yes"
    assert "lue(s) par reconnaissance de caractères" in html  # the warning atop the page


def test_cancelling_the_review_deletes_the_document_and_creates_nothing(
    client, carrier, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    client.force_login(carrier)
    job = ImportJob.objects.get(
        pk=upload(client, FORM_TEXT.encode("utf-8")).url.rstrip("/").rsplit("/", 1)[1]
    )
    stored = job.file.name
    html = client.get(reverse("imports:review", args=[job.pk])).content.decode()
    assert "Annuler l'import" in html and reverse("imports:cancel", args=[job.pk]) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:cancel", args=[job.pk]))
    assert response.status_code == 302 and response.url == reverse("imports:upload")
    assert not ImportJob.objects.exists() and not Dossier.objects.exists()
    assert not default_storage.exists(stored)
    assert "annulé" in client.get(response.url).content.decode()
