"""The household's timeline: every dated fact, newest first, with its words (what a support worker reads)."""

import datetime

from django.urls import reverse

from logement_accompagne.households import services
from logement_accompagne.households.enums import Phase
from logement_accompagne.households.models import SupportEpisode
from logement_accompagne.www.households.views import _timeline

from .fixture import build

D = datetime.date


def _facts(episode, personal=True) -> list[tuple]:
    """The timeline's items but the contacts (on, kind, title, detail, note)."""
    return [
        (item["on"], item["kind"], item["title"], item["detail"], item.get("note", ""))
        for item in _timeline(SupportEpisode.objects.get(pk=episode.pk), personal)
        if item["kind"] not in ("contact", "review")
    ]


def test_every_kind_of_fact_in_its_place_and_words(project):
    episodes = build(project)
    lease = [
        (D(2026, 1, 15), "milestone", "Fin de l'accompagnement", "Objectifs atteints — Bail glissé au nom du ménage", ""),
        (D(2025, 12, 1), "milestone", "Glissement du bail", "", ""),
        (D(2025, 12, 1), "tenancy", "Glissement du bail", "T3, Orléans, Bail direct, loyer 430,00\xa0€", ""),
        (D(2025, 3, 1), "milestone", "Entrée dans le logement", "", ""),
        (D(2025, 3, 1), "tenancy", "Entrée dans le logement",
         "T3, Orléans, Sous-location par l'association, loyer 430,00\xa0€", ""),
        (D(2025, 2, 1), "milestone", "Plan d'accompagnement signé", "", ""),
        (D(2025, 1, 20), "milestone", "Diagnostic", "", ""),
        (D(2025, 1, 10), "milestone", "Premier contact", "", ""),
        (D(2025, 1, 6), "milestone", "Orientation", "", ""),
    ]  # fmt: skip
    assert _facts(episodes["a"]) == lease
    arrears = [
        (D(2026, 3, 1), "milestone", "Fin de l'accompagnement",
         "Objectifs atteints — Maintien dans le logement, bail à son nom", ""),
        (D(2025, 10, 1), "arrears", "Dette locative", "300,00\xa0€", ""),
        (D(2025, 7, 1), "arrears", "Dette locative", "600,00\xa0€", ""),
        (D(2025, 4, 1), "arrears", "Assignation", "", ""),
        (D(2025, 3, 20), "milestone", "Diagnostic", "", ""),
        (D(2025, 3, 5), "milestone", "Premier contact", "", ""),
        (D(2025, 3, 1), "milestone", "Orientation", "", ""),
        (D(2025, 3, 1), "arrears", "Impayé repéré", "premier loyer impayé : 05/01/2025", ""),
        (D(2025, 3, 1), "arrears", "Dette locative", "1\u202f200,00\xa0€", ""),
        (D(2025, 2, 10), "arrears", "Commandement de payer", "", ""),
    ]  # fmt: skip
    assert _facts(episodes["c"]) == arrears


def test_phase_changes_with_their_reason_for_the_support_workers_only(project, client):
    episodes = build(project)
    delta = SupportEpisode.objects.get(pk=episodes["d"].pk)
    services.change_phase(user=project.worker, episode=delta, to_phase=Phase.PLAN, on=D(2025, 10, 1),
                          reason="Plan signé avec le bailleur")  # fmt: skip
    delta.refresh_from_db()
    services.change_phase(user=project.worker, episode=delta, to_phase=Phase.DIAGNOSTIC, on=D(2025, 11, 2),
                          reason="Retour au diagnostic : situation changée")  # fmt: skip
    personal = _facts(delta)
    assert personal[:2] == [
        (D(2026, 1, 20), "arrears", "Dette locative", "400,00\xa0€", ""),
        (D(2025, 11, 2), "phase", "Phase : Diagnostic", "depuis « Plan d'accompagnement »",
         "Retour au diagnostic : situation changée"),
    ]  # fmt: skip
    assert (D(2025, 10, 1), "phase", "Phase : Plan d'accompagnement", "depuis « Diagnostic »",
            "Plan signé avec le bailleur") in personal  # fmt: skip
    # Pseudonymous readers see the phase changes without their reason (free text).
    assert all(note == "" for *_, note in _facts(delta, personal=False))
    client.force_login(project.dept)
    page = client.get(reverse("households:detail", args=[delta.household.reference])).content.decode()
    assert "Phase : Diagnostic" in page and "situation changée" not in page
