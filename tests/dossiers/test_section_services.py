"""The per-section save and "give an opinion and forward" are services the views only call."""

import pytest
from django.core.exceptions import ValidationError

from logement_accompagne.dossiers import services
from logement_accompagne.dossiers.enums import Reproducibility, Status, Verdict
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.sections import SECTION_BY_SLUG, fingerprint

from .conftest import advance

pytestmark = pytest.mark.django_db


def _open(dossier, slug):
    return dossier.version, fingerprint(dossier, SECTION_BY_SLUG[slug])


def test_saving_another_section_meanwhile_is_no_conflict(cast):
    dossier = cast.dossier
    version, opened = _open(dossier, "publics")
    services.save_section(user=cast.carrier, dossier=dossier, section=SECTION_BY_SLUG["partenariat"],
                          opened_version=version, opened_fingerprint=_open(dossier, "partenariat")[1],
                          values={"partners": "SIAO"})  # fmt: skip
    services.save_section(user=cast.carrier, dossier=dossier, section=SECTION_BY_SLUG["publics"],
                          opened_version=version, opened_fingerprint=opened, values={"households": 12})  # fmt: skip
    saved = Dossier.objects.get(pk=dossier.pk)
    assert (saved.partners, saved.households, saved.version) == ("SIAO", 12, version + 2)


def test_a_change_to_the_same_section_meanwhile_is_refused_field_by_field(cast):
    dossier = cast.dossier
    version, opened = _open(dossier, "publics")
    section = SECTION_BY_SLUG["publics"]
    services.save_section(user=cast.carrier, dossier=dossier, section=section, opened_version=version,
                          opened_fingerprint=opened, values={"households": 30})  # fmt: skip
    with pytest.raises(services.StaleDossier) as refused:
        services.save_section(user=cast.carrier, dossier=dossier, section=section, opened_version=version,
                              opened_fingerprint=opened, values={"households": 12})  # fmt: skip
    assert refused.value.changed_fields == {"households": (12, 30)}
    assert refused.value.current.households == 30
    assert Dossier.objects.get(pk=dossier.pk).households == 30


def test_opinion_and_forward_are_both_done_or_neither(cast):
    dossier = advance(cast, Status.DEPARTMENTAL_REVIEW)
    with pytest.raises(ValidationError):
        services.give_departmental_opinion(user=cast.dept, dossier=dossier, relevance="", reproducibility="",
                                           forward=True)  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.status == Status.DEPARTMENTAL_REVIEW and not dossier.departmental_opinions.exists()
    services.give_departmental_opinion(user=cast.dept, dossier=dossier, relevance="Pertinent",
                                       reproducibility=Reproducibility.HIGH, forward=True)  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.status == Status.REGIONAL_REVIEW and dossier.departmental_opinions.count() == 1
    services.give_regional_opinion(user=cast.region, dossier=dossier, verdict=Verdict.FAVOURABLE)
    dossier.refresh_from_db()
    assert dossier.status == Status.REGIONAL_REVIEW and dossier.regional_opinions.count() == 1
