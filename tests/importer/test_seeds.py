"""The two real filled forms (plain-text exports of the Word form), read field by field."""

import pytest

from logement_accompagne.importer import parse_document, validate_canonical

from .conftest import seed


@pytest.fixture(scope="module")
def form_003():
    """Seed 003 parsed once for the module."""
    path = seed("003")
    return parse_document(path.read_bytes(), filename=path.name)


@pytest.fixture(scope="module")
def form_001():
    """Seed 001 parsed once for the module."""
    path = seed("001")
    return parse_document(path.read_bytes(), filename=path.name)


def test_003_is_valid_canonical(form_003):
    validate_canonical(form_003.canonical)
    assert form_003.format == "txt"
    assert form_003.warnings == []


def test_003_identity(form_003):
    c = form_003.canonical
    assert c["schema"] == "presentation-synthetique/1"
    assert c["location"] == {
        "text": "Communauté d’agglomération du Grand Dax dans les Landes",
        "department_codes": ["40"],
    }
    assert c["name"] == "logement hlm accompagné"
    assert c["carriers"]["text"] == "HLO : Société anonyme d'habitation à loyers modérés"
    assert c["carriers"]["organisations"] == [{"name": "HLO", "kind": "esh"}]
    assert c["summary"].startswith("Le projet consistera en un partenariat entre le bailleur social")
    assert c["summary"].endswith("une insertion dans et par le logement.")


def test_003_target_public(form_003):
    target = form_003.canonical["target_public"]
    assert target["households"] == 25
    assert target["households_approximate"] is False
    # "oui (" / "non FORMCHECKBOX": the "(" is the ticked box mangled by the export.
    assert target["dalo_eligible"] == "yes"
    assert target["collective_agreements"] == "no"
    assert target["pdalpd"] == "yes"
    assert target["characteristics"] == (
        "Tout public présentant des difficultés d'accès au logement ou de maintien au logement avec une "
        "attention particulière apportée aux femmes victimes de violence."
    )


def test_003_housing(form_003):
    housing = form_003.canonical["housing"]
    assert housing["mobilisation"] == ["existing_unadapted"]
    assert housing["mobilisation_known"] is True
    assert housing["dwellings"] == 25
    assert housing["dwellings_approximate"] is False
    assert housing["dwellings_text"] == "25"
    assert housing["typology"] == "Fonction de la typologie des ménages accueillis"  # dotted filler dropped
    assert housing["allocation"].startswith("Le lien sera fait avec le service gestion locative")
    assert housing["allocation"].endswith("conditions d’accompagnement socio-éducatif du dispositif.")
    assert housing["location"] == "Communauté d’agglomération du Grand Dax"


def test_003_support(form_003):
    support = form_003.canonical["support"]
    method = support["method"].split("\n")
    assert (
        method[0] == "• l’élaboration du projet « logement »"
    )  # bullet alone on its line joined to its text
    assert method[1] == "- connaître les besoins du ménage par le biais d’un diagnostic"
    assert method[-1] == "- favoriser son intégration dans le quartier"
    assert len(method) == 14
    assert support["rental_management"].startswith("• La sous-location sera mise en place si le bailleur")
    assert support["rental_management"].endswith("conditions de la sous-location et du glissement de bail.")
    assert support["adhesion"].startswith("L’implication du ménage sera recherchée")
    assert support["offer"] == ""  # "champ libre" is a hint
    assert support["landlord_relation"].startswith("La pratique partenariale entre la Maison du Logement")
    assert support["needs_fit"].startswith("Aujourd’hui le territoire de l’agglomération Dacquoise")
    assert "T3 et plus." in support["needs_fit"]


def test_003_partnership(form_003):
    assert form_003.canonical["partnership"]["partners"] == (
        "HLO/Maison du Logement qui mobiliseront de leur côté les partenaires habituels de l’action tels que "
        "hôpital/le CCAS/Conseil général/CAF…"
    )


def test_003_finance(form_003):
    finance = form_003.canonical["finance"]
    assert finance["overview"] == ""
    assert finance["diagnostic_cost"]["amount_eur"] is None
    assert finance["diagnostic_cost"]["text"].startswith("Ce coût est intégré à l’accompagnement global")
    assert finance["support_cost"] == {
        "amount_eur": 1440,
        "basis": "household",
        "period": "year",
        "text": "1440 € à l’année.",
    }
    empty = {"amount_eur": None, "basis": "unknown", "period": "unknown", "text": ""}
    assert finance["rental_management_cost"] == empty  # "exprimé en € au mois ou à l'année" is a hint
    assert finance["global_cost"] == empty
    assert finance["cofunding_text"].startswith("Ce projet ne bénéficie pas de co-financement")
    assert "description synthétique" not in finance["cofunding_text"]
    assert finance["cofunding"] == []
    assert finance["requested_amount_eur"] is None
    # Both FNDOLLTS boxes are a bare FORMCHECKBOX: the export lost their state.
    assert finance["fndollts_funded"] == "unknown"
    assert finance["fndollts_applied"] == "unknown"


def test_003_duration_and_opinions(form_003):
    c = form_003.canonical
    assert c["duration"] == {"text": "1 an renouvelable après évaluation.", "months": 12, "renewable": True}
    assert c["schedule"] == ""
    assert c["department_opinion"] == {"relevance": "", "reproducibility": None, "conditions": ""}
    assert c["regional_opinion"] == {"verdict": None, "comment": ""}


def test_003_unmapped_keeps_the_letterhead(form_003):
    assert form_003.canonical["unmapped"] == [
        "Les Hlm, habiter mieux, bien vivre ensemble",
        "Appel à projets",
    ]


def test_003_sources(form_003):
    sources = form_003.sources
    assert sources["target_public.households"] == "Nombre de ménages accompagnés : 25"
    assert sources["finance.support_cost"].startswith("Coût de l’accompagnement par ménage : 1440 €")
    assert "Landes" in sources["location.department_codes"]
    assert sources["duration.months"].startswith("Les engagements pris par les porteurs du projet")


def test_001_identity(form_001):
    c = form_001.canonical
    assert form_001.warnings == []
    assert c["location"] == {"text": "Agglomération orléanaise", "department_codes": ["45"]}
    assert c["name"] == "Prévenir l’impayé pour mieux prévenir l’expulsion"
    assert c["carriers"]["text"] == "OPH Logemloiret et association AHU"
    assert c["carriers"]["organisations"] == [
        {"name": "Logemloiret", "kind": "oph"},
        {"name": "AHU", "kind": "association"},
    ]
    assert c["summary"] == (
        "Traitement précoce des impayés de loyers en luttant contre les comportements de fuite des locataires"
    )


def test_001_target_public(form_001):
    target = form_001.canonical["target_public"]
    assert target["households"] == 20
    assert target["households_approximate"] is False
    # FORMCHECKBOX on both options and no other mark: the state was lost.
    assert target["dalo_eligible"] == "unknown"
    assert target["collective_agreements"] == "unknown"
    assert target["pdalpd"] == "yes"  # "oui X"
    characteristics = target["characteristics"].split("\n")
    assert characteristics[0].startswith("Tout locataire en situation d’impayé de loyer")
    assert characteristics[2].startswith("Eléments déclencheurs : premier impayé")


def test_001_housing(form_001):
    housing = form_001.canonical["housing"]
    assert housing["mobilisation"] == ["existing_unadapted"]
    assert housing["mobilisation_known"] is True
    assert housing["dwellings"] is None
    assert housing["dwellings_text"] == "selon les besoins"
    assert housing["typology"] == "selon les besoins"
    assert housing["allocation"] == ""  # a lone "/"
    assert housing["location"].startswith("Agglomération orléanaise\nLorsque l’association réussira")


def test_001_support_and_partners(form_001):
    c = form_001.canonical
    assert c["support"]["method"] == "Expertise sociale détaillée dans le rapport ci-joint"
    assert c["support"]["landlord_relation"] == "convention établie entre LogemLoiret et l’AHU"
    for deleted in ("rental_management", "adhesion", "offer", "needs_fit"):
        assert c["support"][deleted] == ""  # sections removed from the form by the carrier
    partners = c["partnership"]["partners"].split("\n")
    assert (
        partners[0]
        == "Concernant l’expertise sociale, seule l’AHU intervient. Des liens avec LogemLoiret sont permanents."
    )
    assert partners[1].startswith("Relais vers les dispositifs de droit commun")


def test_001_finance_and_duration(form_001):
    c = form_001.canonical
    diagnostic = c["finance"]["diagnostic_cost"]
    assert (diagnostic["amount_eur"], diagnostic["basis"], diagnostic["period"]) == (400, "household", "once")
    assert diagnostic["text"].startswith(
        "400€ l’expertise qui comprend :\n· l’entrée en contact avec le locataire"
    )
    assert diagnostic["text"].endswith("Cf rapport ci-joint.")
    assert c["finance"]["support_cost"]["amount_eur"] is None
    assert c["finance"]["fndollts_funded"] == "unknown"
    assert c["duration"]["months"] == 12
    assert c["duration"]["renewable"] is False
    assert c["duration"]["text"].startswith("12 mois avec une évaluation")
    assert c["department_opinion"] == {"relevance": "", "reproducibility": None, "conditions": ""}
    assert c["regional_opinion"] == {"verdict": None, "comment": ""}
    assert c["unmapped"] == ["Les Hlm, habiter mieux, bien vivre ensemble", "Appel à projets"]


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_other_seed_documents_are_kept_whole_in_unmapped(prefix):
    path = seed(prefix)
    result = parse_document(path.read_bytes(), filename=path.name)
    assert result.canonical["name"] == ""
    assert any("Aucun libellé" in warning for warning in result.warnings)
    kept = " ".join(result.canonical["unmapped"])
    assert "Madame, Monsieur" in kept
