"""``manage.py import_dossier``: JSON on stdout, one stderr line per unreadable file, exit code 1."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from logement_accompagne.importer import validate_canonical
from tests.importer.conftest import seed


def _run(*args):
    """Run the command; (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_dossier", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_json_of_one_file_is_one_document(samples):
    code, out, err = _run(samples["form.docx"], "--json")
    assert code == 0
    document = json.loads(out)
    validate_canonical(document)
    assert document["name"] == "Toit d'abord à Rochefort"
    assert "é" in out  # ensure_ascii=False
    assert err == ""


def test_json_of_several_files_is_an_array(samples):
    code, out, _ = _run(samples["form.odt"], samples["form.pdf"], samples["form_utf8.txt"], "--json")
    assert code == 0
    documents = json.loads(out)
    assert isinstance(documents, list) and len(documents) == 3
    for document in documents:
        validate_canonical(document)
        assert document["location"]["department_codes"] == ["17"]


def test_bad_files_give_one_line_each_and_exit_code_1(samples, tmp_path):
    missing = tmp_path / "absent.docx"
    code, out, err = _run(
        samples["truncated.docx"], samples["form.odt"], missing, samples["encrypted.pdf"], "--json"
    )
    assert code == 1
    documents = json.loads(out)  # the readable file is still printed, as an array
    assert len(documents) == 1
    lines = err.strip().split("\n")
    assert len(lines) == 3
    assert lines[0].startswith(f"{samples['truncated.docx']}: ") and "tronqué" in lines[0]
    assert lines[1].startswith(f"{missing}: ")
    assert lines[2].startswith(f"{samples['encrypted.pdf']}: ") and "mot de passe" in lines[2]
    assert "Traceback" not in err


def test_human_summary(samples):
    code, out, _ = _run(samples["form_cp1252.txt"])
    assert code == 0
    assert "Toit d’abord à Rochefort" in out
    assert "Départements : 17" in out
    assert "DALO : oui ; accords collectifs : non ; PDALPD : oui" in out
    assert "Durée : 36 mois renouvelable" in out


def test_seed_003_as_shown_in_the_issue():
    code, out, _ = _run(seed("003"), "--json")
    assert code == 0
    document = json.loads(out)
    assert document["target_public"]["households"] == 25
    assert document["housing"]["dwellings"] == 25
    assert document["target_public"]["dalo_eligible"] == "yes"
    assert document["target_public"]["collective_agreements"] == "no"
    assert document["target_public"]["pdalpd"] == "yes"
    assert document["housing"]["mobilisation"] == ["existing_unadapted"]
    assert document["finance"]["support_cost"]["amount_eur"] == 1440
    assert document["finance"]["support_cost"]["period"] == "year"
    assert (document["duration"]["months"], document["duration"]["renewable"]) == (12, True)
    assert document["location"]["department_codes"] == ["40"]


def test_save_needs_a_call(samples):
    with pytest.raises(CommandError, match="--call"):
        call_command(
            "import_dossier", str(samples["form.docx"]), "--save", stdout=StringIO(), stderr=StringIO()
        )


@pytest.mark.django_db
def test_save_with_an_unknown_call_is_refused(samples):
    with pytest.raises(CommandError, match="inconnu"):
        call_command(
            "import_dossier",
            str(samples["form.docx"]),
            "--save",
            "--call",
            "nope",
            stdout=StringIO(),
            stderr=StringIO(),
        )


@pytest.mark.django_db
def test_save_creates_drafts_with_the_original_attached(samples):
    from logement_accompagne.dossiers.canonical import export_canonical
    from logement_accompagne.dossiers.models import Dossier
    from tests import factories

    call = factories.CallFactory(slug="aap-2014")
    landlord = factories.OrganisationFactory(name="Bailleur importateur")
    person = factories.carrier_user(landlord, email="porteur@exemple.fr")
    code, out, err = _run(
        samples["form.docx"], samples["form.odt"], samples["garbage.bin"], "--save", "--call", "aap-2014",
        "--as", "PORTEUR@exemple.fr",
    )  # fmt: skip
    assert code == 1 and "garbage.bin" in err
    dossiers = Dossier.objects.filter(call=call).order_by("pk")
    assert dossiers.count() == 2
    assert "Dossier brouillon créé" in out
    exported = export_canonical(dossiers.first())
    assert exported["name"] == "Toit d'abord à Rochefort"
    assert exported["location"]["department_codes"] == ["17"]
    assert exported["target_public"]["households"] == 30
    # The same way in as the web: the person is the author, only their organisation carries it.
    first = dossiers.first()
    assert first.created_by == person and first.transitions.get().actor == person
    assert list(first.carrier_links.values_list("organisation", flat=True)) == [landlord.pk]
    assert first.attachments.get().uploaded_by == person
    # Said, not refused: the same project twice, and a project outside the landlord's department (45).
    assert "attention : Doublon possible" in err and "Toit d'abord à Rochefort" in err
    assert "dans le département 17, alors que « Bailleur importateur » est rattachée au département 45" in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("carrier", [], "--as EMAIL"),
        ("carrier", ["--as", "inconnu@exemple.fr"], "Personne inconnue"),
        ("instructor", ["--as", "agent@exemple.fr"], "ne porte de projet au nom d'aucun organisme"),
        ("closed", ["--as", "agent@exemple.fr"], "Règle « date de clôture »"),
        ("two", ["--as", "agent@exemple.fr"], "précisez --organisation"),
        ("two", ["--as", "agent@exemple.fr", "--organisation", "999999"], "ne porte pas de projet"),
    ],
)
def test_save_refuses_without_a_person_allowed_to_create_on_an_open_call(samples, setup, args, message):
    import datetime

    from django.utils import timezone

    from logement_accompagne.dossiers.models import Dossier
    from tests import factories

    call = factories.CallFactory(slug="aap-x")
    if setup == "instructor":
        factories.departmental_instructor("45", email="agent@exemple.fr")
    elif setup == "closed":
        factories.carrier_user(email="agent@exemple.fr")
        call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
        call.opens_on = call.closes_on - datetime.timedelta(days=30)
        call.save()
    elif setup == "two":
        person = factories.carrier_user(email="agent@exemple.fr")
        factories.member(factories.OrganisationFactory(), "carrier", email="autre@exemple.fr")
        from logement_accompagne.organisations.models import Membership

        Membership.objects.create(user=person, organisation=factories.OrganisationFactory(), role="carrier")
    with pytest.raises(CommandError, match=message):
        call_command("import_dossier", str(samples["form.docx"]), "--save", "--call", "aap-x", *args,
                     stdout=StringIO(), stderr=StringIO())  # fmt: skip
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_save_with_an_organisation_chosen_among_several(samples):
    from logement_accompagne.dossiers.models import Dossier
    from logement_accompagne.organisations.models import Membership
    from tests import factories

    factories.CallFactory(slug="aap-y")
    chosen = factories.OrganisationFactory(name="Choisi")
    person = factories.carrier_user(chosen, email="agent@exemple.fr")
    Membership.objects.create(user=person, organisation=factories.OrganisationFactory(), role="carrier")
    code, _out, err = _run(samples["form.docx"], "--save", "--call", "aap-y", "--as", "agent@exemple.fr",
                           "--organisation", chosen.pk)  # fmt: skip
    assert code == 0, err
    assert Dossier.objects.get().carrier_links.get().organisation == chosen
