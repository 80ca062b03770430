"""``manage.py import_dossier``: JSON on stdout, one stderr line per unreadable file, exit code 1."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from logement_accompagne.importer import validate_canonical

from .conftest import seed


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


def _storing_side():
    """Skip when the dossiers app cannot store an imported document yet."""
    canonical = pytest.importorskip(
        "logement_accompagne.dossiers.canonical", reason="le stockage des dossiers importés est absent"
    )
    if not hasattr(canonical, "create_draft_from_canonical"):
        pytest.skip("logement_accompagne.dossiers.canonical.create_draft_from_canonical n'existe pas encore")


@pytest.mark.django_db
def test_save_with_an_unknown_call_is_refused(samples):
    _storing_side()
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
    _storing_side()
    from logement_accompagne.dossiers.canonical import export_canonical
    from logement_accompagne.dossiers.models import Dossier
    from tests import factories

    call = factories.CallFactory(slug="aap-2014")
    code, out, err = _run(
        samples["form.docx"], samples["form.odt"], samples["garbage.bin"], "--save", "--call", "aap-2014"
    )
    assert code == 1 and "garbage.bin" in err
    dossiers = Dossier.objects.filter(call=call).order_by("pk")
    assert dossiers.count() == 2
    assert "Dossier brouillon créé" in out
    exported = export_canonical(dossiers.first())
    assert exported["name"] == "Toit d'abord à Rochefort"
    assert exported["location"]["department_codes"] == ["17"]
    assert exported["target_public"]["households"] == 30
