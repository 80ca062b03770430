"""How answers are understood: tolerant labels, hints, checkboxes, amounts, counts, durations, carriers."""

import pytest

from logement_accompagne.importer import parse_text
from logement_accompagne.importer.money import parse_money
from logement_accompagne.importer.parse import clean_value
from logement_accompagne.importer.values import parse_cofunding, parse_count, parse_duration, split_carriers

# --- labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Nom du projet : Toit d'abord",
        "NOM DU PROJET: Toit d'abord",
        "Nom  du\u00a0projet\u00a0:\u00a0Toit d'abord",
        "**Nom du projet** : Toit d'abord",
        "__Nom du projet__ : **Toit d'abord**",
        "## Nom du projet\nToit d'abord",
        "Nom du projet\n\n\nToit d'abord\n",
        "Nom du\nprojet : Toit d'abord",
        "| Nom du projet | Toit d'abord |",
        "- Nom du projet : Toit d'abord ……………",
    ],
)
def test_label_variants(text):
    assert parse_text(text).canonical["name"] == "Toit d'abord"


def test_accents_apostrophes_and_plural_do_not_matter():
    c = parse_text(
        "Statut et nom du ou des porteurs du projet : OPH Habitat 17\n"
        "Modalites de reservation et d’attribution des logements : contingent\n"
        "Caracteristiques des publics cibles : familles\n"
        "Eléments déclencheurs : premier impayé\n"
    ).canonical
    assert c["carriers"]["text"] == "OPH Habitat 17"
    assert c["housing"]["allocation"] == "contingent"
    # An unknown line is not a label: it stays with the answer above it.
    assert c["target_public"]["characteristics"] == "familles\nEléments déclencheurs : premier impayé"


def test_label_words_inside_an_answer_are_not_labels():
    c = parse_text(
        "Descriptif sommaire du projet et objectifs poursuivis : le nom du projet est court.\n"
    ).canonical
    assert c["summary"] == "le nom du projet est court."
    assert c["name"] == ""


def test_two_labels_on_one_line():
    c = parse_text(
        "Ménages éligibles au DALO oui ☒ non ☐ ou des accords collectifs oui ☐ non ☒\n"
        "Nombre de logements : 12   Typologie des logements : T3\n"
    ).canonical
    assert (c["target_public"]["dalo_eligible"], c["target_public"]["collective_agreements"]) == ("yes", "no")
    assert (c["housing"]["dwellings_text"], c["housing"]["typology"]) == ("12", "T3")


def test_label_words_in_prose_with_a_colon_are_not_a_label():
    c = parse_text(
        "Descriptif sommaire du projet et objectifs poursuivis : le nombre de logements : 30 au total"
    ).canonical
    assert c["summary"] == "le nombre de logements : 30 au total"
    assert c["housing"]["dwellings"] is None


def test_shortened_label_with_colon_keeps_the_answer_intact():
    c = parse_text("Caractéristiques des publics cibles : ménages en difficulté\n").canonical
    assert c["target_public"]["characteristics"] == "ménages en difficulté"


def test_printed_label_with_inner_colon_is_consumed_whole():
    c = parse_text(
        "Complémentarité avec la gestion locative (type de gestion locative : classique ou adaptée) : adaptée\n"
        "Partenaires mobilisés - exemples : collectivités territoriales, SIAO, associations, coordination "
        "entre les organismes, … : SIAO 17\n"
    ).canonical
    assert c["support"]["rental_management"] == "adaptée"
    assert c["partnership"]["partners"] == "SIAO 17"


def test_headings_and_titles_are_template_text_but_other_lines_are_kept():
    c = parse_text(
        "Les Hlm, habiter mieux, bien vivre ensemble\nAppel à projets\n"
        "Mise en place de 10 000 logements HLM accompagnés\nPrésentation synthétique du projet\n"
        "Nom du projet : X\nPublics cibles du projet\nAccompagnement\nPartenariat\n"
    ).canonical
    assert c["name"] == "X"
    assert c["unmapped"] == ["Les Hlm, habiter mieux, bien vivre ensemble", "Appel à projets"]


def test_text_under_a_heading_without_field_goes_to_unmapped():
    c = parse_text(
        "Nom du projet : X\nPartenariat\nNote manuscrite du porteur\nPartenaires mobilisés : SIAO"
    ).canonical
    assert c["unmapped"] == ["Note manuscrite du porteur"]
    assert c["partnership"]["partners"] == "SIAO"


# --- hints and fillers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("champ libre", ""),
        (" : champ libre ", ""),
        ("exprimé en € au mois ou à l'année.", ""),
        ("description synthétique du plan de financement.\nÉtat : 5 000 €", "État : 5 000 €"),
        ("…………………………", ""),
        ("Texte…………", "Texte"),
        ("T2 et T3 ...........", "T2 et T3"),
        ("Le champ libre du formulaire est rempli ici", "Le champ libre du formulaire est rempli ici"),
        ("•\nPremier point\n-\nSecond point", "• Premier point\n- Second point"),
        ("/", ""),
        ("etc.…..suite", "etc.…..suite"),
    ],
)
def test_clean_value(raw, value):
    assert clean_value(raw) == value


# --- checkboxes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "state"),
    [
        ("Ménages éligibles au DALO oui ☒ non ☐", "yes"),
        ("Ménages éligibles au DALO oui ☐ non ☒", "no"),
        ("Ménages éligibles au DALO ☒ oui ☐ non", "yes"),
        ("Ménages éligibles au DALO oui ■ non □", "yes"),
        ("Ménages éligibles au DALO oui □ non ■", "no"),
        ("Ménages éligibles au DALO oui [x] non [ ]", "yes"),
        ("Ménages éligibles au DALO - [ ] oui - [x] non", "no"),
        ("Ménages éligibles au DALO oui X\nnon FORMCHECKBOX", "yes"),
        ("Ménages éligibles au DALO oui (\nnon  FORMCHECKBOX", "yes"),
        ("Ménages éligibles au DALO oui FORMCHECKBOX\nnon (", "no"),
        ("Ménages éligibles au DALO oui þ non ¨", "yes"),
        ("Ménages éligibles au DALO oui \uf0fe non \uf0a8", "yes"),
        ("Ménages éligibles au DALO oui FORMCHECKBOX\nnon FORMCHECKBOX", "unknown"),
        ("Ménages éligibles au DALO oui / non", "unknown"),
        ("Ménages éligibles au DALO : oui", "yes"),
        ("Ménages éligibles au DALO : non", "no"),
        ("Ménages éligibles au DALO oui ☐ non ☐", "unknown"),
        ("Ménages éligibles au DALO oui ☒ non ☒", "unknown"),
    ],
)
def test_tri_states(line, state):
    assert parse_text(line).canonical["target_public"]["dalo_eligible"] == state


def test_both_boxes_ticked_gives_a_warning():
    result = parse_text("Ménages éligibles au DALO oui ☒ non ☒")
    assert any("plusieurs cases" in warning for warning in result.warnings)


def test_mobilisation_known_and_unknown():
    ticked = parse_text(
        "Modalités de mobilisation des logements\nCréation d’une offre nouvelle ☒\n"
        "Aménagement de logement existant ☐\nMobilisation de logements existants sans aménagement ☒\n"
        "Reclassement offre existante en offre à bas loyer ☐\n"
    ).canonical["housing"]
    assert ticked["mobilisation"] == ["new_supply", "existing_unadapted"]
    assert ticked["mobilisation_known"] is True
    none_ticked = parse_text(
        "Modalités de mobilisation des logements\nCréation d’une offre nouvelle ☐\n"
        "Aménagement de logement existant ☐\nMobilisation de logements existants sans aménagement ☐\n"
        "Reclassement offre existante en offre à bas loyer ☐\n"
    ).canonical["housing"]
    assert none_ticked["mobilisation"] == [] and none_ticked["mobilisation_known"] is True
    lost = parse_text(
        "Modalités de mobilisation des logements\nCréation d’une offre nouvelle  FORMCHECKBOX\n"
        "Aménagement de logement existant FORMCHECKBOX\nMobilisation de logements existants sans aménagement\n"
        "Reclassement offre existante en offre à bas loyer  FORMCHECKBOX\n"
    ).canonical["housing"]
    assert lost["mobilisation"] == [] and lost["mobilisation_known"] is False


def test_choices_and_regional_comment():
    c = parse_text(
        "Caractère reproductible de la démarche : Faible ☐ Moyen ☒ Fort ☐\n"
        "Conditions jugées nécessaires : aucune\n"
        "Avis global formulé par le niveau régional (DREAL en collaboration avec DRJSCS) :\n"
        "Favorable ☐\nDéfavorable ☒\nDossier incomplet.\n"
    ).canonical
    assert c["department_opinion"] == {"relevance": "", "reproducibility": "medium", "conditions": "aucune"}
    assert c["regional_opinion"] == {"verdict": "unfavourable", "comment": "Dossier incomplet."}


def test_words_among_boxes_are_kept_in_unmapped():
    c = parse_text("Ménages éligibles au DALO oui ☒ (à confirmer) non ☐").canonical
    assert c["target_public"]["dalo_eligible"] == "yes"
    assert c["unmapped"] == ["DALO : (à confirmer)"]


# --- amounts, counts, durations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "default", "amount", "basis", "period"),
    [
        ("400€ l'expertise", "household", 400, "household", "once"),
        ("1440 € à l'année", "household", 1440, "household", "year"),
        ("47 000 € par an pour le projet", "unknown", 47000, "project", "year"),
        ("120 € par mois et par logement", "dwelling", 120, "dwelling", "month"),
        ("12,50 € par mois", "household", 12.5, "household", "month"),
        ("1.200 euros par logement", "unknown", 1200, "dwelling", "unknown"),
        ("30 k€", "unknown", 30000, "unknown", "unknown"),
        ("€ 300 par ménage", "unknown", 300, "household", "unknown"),
        ("47 000\n€ par an pour le projet", "unknown", 47000, "project", "year"),
        ("47\n000 € par an pour le projet", "unknown", 47000, "project", "year"),
        ("Ce coût est intégré à l'accompagnement global", "household", None, "unknown", "unknown"),
    ],
)
def test_money(text, default, amount, basis, period):
    money = parse_money(text, default)
    assert (money["amount_eur"], money["basis"], money["period"], money["text"]) == (
        amount,
        basis,
        period,
        text,
    )


@pytest.mark.parametrize(
    ("text", "count", "approximate"),
    [
        ("25", 25, False),
        ("30 environ", 30, True),
        ("environ 30", 30, True),
        ("~ 40", 40, True),
        ("une trentaine", 30, True),
        ("20 à 25 ménages", 20, True),
        ("25 ménages en 2014", 25, False),
        ("1 200", 1200, False),
        ("selon les besoins", None, False),
        ("", None, False),
    ],
)
def test_counts(text, count, approximate):
    assert parse_count(text) == (count, approximate)


def test_count_with_extra_words_keeps_them():
    c = parse_text("Nombre de ménages accompagnés : 25 dont 10 sortants de CHRS").canonical
    assert c["target_public"]["households"] == 25
    assert c["unmapped"] == ["Nombre de ménages : 25 dont 10 sortants de CHRS"]


def test_dwellings_keep_their_text():
    housing = parse_text("Nombre de logements : 30 environ").canonical["housing"]
    assert (housing["dwellings"], housing["dwellings_approximate"], housing["dwellings_text"]) == (
        30,
        True,
        "30 environ",
    )


@pytest.mark.parametrize(
    ("text", "months", "renewable"),
    [
        ("12 mois", 12, False),
        ("1 an renouvelable après évaluation.", 12, True),
        ("3 ans", 36, False),
        ("deux ans renouvelables", 24, True),
        ("3 ans non renouvelable", 36, False),
        ("une durée d'un an, reconductible", 12, True),
        ("18 mois avec un bilan à 6 mois", 18, False),
        ("à définir", None, False),
    ],
)
def test_durations(text, months, renewable):
    assert parse_duration(text) == (months, renewable)


def test_duration_label_without_its_last_word():
    c = parse_text("Les engagements pris par les porteurs du projet portent sur une durée 12 mois").canonical
    assert c["duration"] == {"text": "12 mois", "months": 12, "renewable": False}


# --- carriers and co-funding ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "organisations"),
    [
        ("HLO : Société anonyme d'habitation à loyers modérés", [("HLO", "esh")]),
        ("OPH Logemloiret et association AHU", [("Logemloiret", "oph"), ("AHU", "association")]),
        (
            "l'ESH Présence Habitat et l'association AMLI (Association pour l'Accompagnement, le Mieux-être et le "
            "Logement des Isolés)",
            [
                ("Présence Habitat", "esh"),
                (
                    "AMLI (Association pour l'Accompagnement, le Mieux-être et le Logement des Isolés)",
                    "association",
                ),
            ],
        ),
        (
            "Habitat 17 (OPH) ; Association Tremplin 17",
            [("Habitat 17", "oph"), ("Tremplin 17", "association")],
        ),
        ("SEM Territoires", [("Territoires", "sem")]),
        ("Coopérative HLM Le Toit", [("Le Toit", "coop_hlm")]),
        ("bailleur social Habitat Landes Océanes", [("Habitat Landes Océanes", "landlord")]),
        ("association L'Escale", [("L'Escale", "association")]),
        ("Mairie de Dax", [("Mairie de Dax", "other")]),
    ],
)
def test_carriers(text, organisations):
    assert [(o["name"], o["kind"]) for o in split_carriers(text)] == organisations


def test_cofunding_lines_and_requested_amount():
    lines, requested = parse_cofunding(
        "ETAT- AVDL = 7 000 €\nConseil général FSL\n(demande en cours pour 2014)= 20 000€\n"
        "Appel à projet = 30 000 €\nVille de Dax : 5 000 € (obtenu)"
    )
    assert lines == [
        {"funder": "ETAT- AVDL", "amount_eur": 7000, "status": "unknown"},
        {"funder": "Conseil général FSL", "amount_eur": 20000, "status": "requested"},
        {"funder": "Ville de Dax", "amount_eur": 5000, "status": "obtained"},
    ]
    assert requested == 30000


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Région = 12 000\n€ (acquis)", [("Région", 12000, "obtained")]),
        ("Région Nouvelle-Aquitaine 12\n000 € (acquis)", [("Région Nouvelle-Aquitaine", 12000, "obtained")]),
        ("CAF = 5 000,50\neuros (demandé)", [("CAF", 5000.5, "requested")]),
        ("Ville : 3\nk€ accordé", [("Ville", 3000, "obtained")]),
        # Currency first on the next line: an amount of its own, the line above names the funder.
        ("Fondation (demande 2014)\n€ 300", [("Fondation", 300, "requested")]),
    ],
)
def test_amount_split_across_a_line_break_is_one_amount(text, lines):
    found, _ = parse_cofunding(text)
    assert [(line["funder"], line["amount_eur"], line["status"]) for line in found] == lines
