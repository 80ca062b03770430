"""Canonical JSON (presentation-synthetique/1): store → export → store gives back the same values."""

import copy

import pytest
from django.core.exceptions import ValidationError

from logement_accompagne.dossiers.canonical import export_canonical
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.imports.services import create_draft_from_canonical
from logement_accompagne.organisations.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def money(amount, basis, period, text):
    return {"amount_eur": amount, "basis": basis, "period": period, "text": text}


FULL_DOCUMENT = {
    "schema": "presentation-synthetique/1",
    "location": {
        "text": "Communauté d'agglomération du Grand Dax dans les Landes",
        "department_codes": ["40"],
    },
    "name": "Logement HLM accompagné",
    "carriers": {
        "text": "HLO : Société anonyme d'habitation à loyers modérés et Maison du Logement",
        "organisations": [
            {"name": "Habitat Landes Océanes", "kind": "esh"},
            {"name": "Maison du Logement", "kind": "association"},
        ],
    },
    "summary": "Accès ou maintien dans le logement des ménages les plus fragiles.",
    "target_public": {
        "households": 30,
        "households_approximate": True,
        "dalo_eligible": "yes",
        "collective_agreements": "no",
        "pdalpd": "unknown",
        "characteristics": "Femmes victimes de violence, ménages sans ressources stables.",
    },
    "housing": {
        "mobilisation": ["adapted_existing", "existing_unadapted"],
        "mobilisation_known": True,
        "dwellings": 25,
        "dwellings_approximate": False,
        "dwellings_text": "25",
        "typology": "T2 à T4",
        "allocation": "Commission d'attribution du bailleur.",
        "location": "Dax et communes voisines",
    },
    "support": {
        "method": "Diagnostic, PPAL, aller vers.",
        "rental_management": "Sous-location puis glissement de bail.",
        "adhesion": "Contrat d'engagement.",
        "offer": "",
        "landlord_relation": "Convention.",
        "needs_fit": "Montée de la précarité.",
    },
    "partnership": {"partners": "CCAS, Conseil général, CAF"},
    "finance": {
        "overview": "Plan de financement équilibré.",
        "diagnostic_cost": money(400, "household", "once", "400€ l'expertise"),
        "support_cost": money(1440, "household", "year", "1440 € à l'année."),
        "rental_management_cost": money(None, "unknown", "unknown", ""),
        "global_cost": money(47000, "project", "year", "47 000 € par an pour le projet"),
        "cofunding_text": "ETAT- AVDL = 7 000 €\nAppel à projet = 30 000 €",
        "cofunding": [
            {"funder": "ETAT- AVDL", "amount_eur": 7000, "status": "obtained"},
            {"funder": "Conseil départemental", "amount_eur": 20000.5, "status": "requested"},
        ],
        "requested_amount_eur": 30000,
        "fndollts_funded": "no",
        "fndollts_applied": "unknown",
    },
    "duration": {"text": "12 mois renouvelable", "months": 12, "renewable": True},
    "schedule": "Démarrage en septembre.",
    "department_opinion": {
        "relevance": "Projet pertinent.",
        "reproducibility": "medium",
        "conditions": "Bilan.",
    },
    "regional_opinion": {"verdict": "favourable", "comment": "Avis favorable."},
    "unmapped": ["Les Hlm, habiter mieux, bien vivre ensemble"],
}


def test_a_full_document_round_trips_field_by_field():
    call = factories.CallFactory()
    dossier = create_draft_from_canonical(copy.deepcopy(FULL_DOCUMENT), call=call)
    assert dossier.status == Status.DRAFT and dossier.imported
    exported = export_canonical(dossier)
    assert exported == FULL_DOCUMENT
    # Every value is a real column: the dossier can be filtered on it.
    assert type(dossier).objects.filter(households=30, dalo_eligible="yes", mobilisation_adapted_existing=True,
                                        departments="40").count() == 1  # fmt: skip


def test_export_of_a_stored_dossier_round_trips_through_a_new_dossier():
    original = factories.DossierFactory()
    first = export_canonical(original)
    copy_ = create_draft_from_canonical(first, call=original.call)
    assert export_canonical(copy_) == first


def test_unknown_carriers_are_created_and_flagged_known_ones_matched():
    known = factories.OrganisationFactory(name="Habitat Landes Océanes", kind="esh")
    dossier = create_draft_from_canonical(copy.deepcopy(FULL_DOCUMENT), call=factories.CallFactory())
    organisations = [link.organisation for link in dossier.carrier_links.all()]
    assert organisations[0] == known and not known.needs_review
    assert organisations[1].name == "Maison du Logement" and organisations[1].needs_review
    assert Organisation.objects.filter(name__iexact="maison du logement").count() == 1


def test_carriers_are_matched_whatever_the_spelling():
    known = factories.OrganisationFactory(name="Logem Loiret (OPH)", kind="oph")
    document = copy.deepcopy(FULL_DOCUMENT)
    document["carriers"]["organisations"] = [{"name": "LOGEMLOIRET", "kind": "oph"}]
    dossier = create_draft_from_canonical(document, call=factories.CallFactory())
    assert dossier.carrier_links.get().organisation == known
    # A State service is never taken for a carrier, even with the same name.
    service = factories.departmental_service("40")
    document["carriers"]["organisations"] = [{"name": service.name, "kind": "other"}]
    other = create_draft_from_canonical(document, call=factories.CallFactory())
    assert other.carrier_links.get().organisation != service


def test_original_file_is_attached():
    dossier = create_draft_from_canonical(
        copy.deepcopy(FULL_DOCUMENT),
        call=factories.CallFactory(),
        original_file=("projet.txt", b"Nom du projet : x"),
    )
    attachment = dossier.attachments.get()
    assert attachment.original_name == "projet.txt" and attachment.file.read() == b"Nom du projet : x"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("target_public", "dalo_eligible"), "peut-être"),
        (("department_opinion", "reproducibility"), "énorme"),
        (("schema",), "autre/2"),
        (("location", "department_codes"), ["999"]),
    ],
)
def test_invalid_documents_are_refused_and_nothing_is_stored(path, value):
    from logement_accompagne.dossiers.models import Dossier

    document = copy.deepcopy(FULL_DOCUMENT)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    before = Dossier.objects.count()
    with pytest.raises(ValidationError):
        create_draft_from_canonical(document, call=factories.CallFactory())
    assert Dossier.objects.count() == before
