"""Agreements, payments and reports on the web (issue #12): the access matrix of every grants URL
(merged into tests/www/test_access_matrix.py's MATRIX, with each POST's effect), and what the pages
show and do for the carrier and the departmental service."""

import datetime
from decimal import Decimal

from django.urls import reverse

from logement_accompagne.dossiers.enums import Status
from logement_accompagne.grants import services
from logement_accompagne.grants.models import Agreement, AgreementVersion, ReportStatus, TrancheStatus
from tests.grants.conftest import START, in_force, signatories
from tests.grants.test_reports import episode

VIEWERS = {"carrier", "dept", "region", "committee", "admin"}


def _prepare(cast, dossier, *, tranches=True):
    signatories(cast)
    agreement = services.prepare_agreement(user=cast.dept, dossier=dossier, starts_on=START)
    if tranches:
        services.add_tranche(user=cast.dept, agreement=agreement, label="Avance", due_on=START,
                             amount_eur=Decimal("15000"))  # fmt: skip
        services.add_tranche(user=cast.dept, agreement=agreement, label="Solde", due_on=datetime.date(2026, 7, 31),
                             amount_eur=Decimal("10000"), after_report=0)  # fmt: skip
    return agreement


def _in_force(cast, dossier):
    agreement = _prepare(cast, dossier)
    services.sign(user=cast.carrier, agreement=agreement)
    services.sign(user=cast.dept, agreement=agreement)
    return agreement


def _filed(cast, dossier):
    agreement = _in_force(cast, dossier)
    services.file_report(user=cast.carrier, report=agreement.reports.get(number=0), households_accompanied=0,
                         diagnostics=0, dwellings=0, narrative="Bilan", variance_explanation="Démarrage.")  # fmt: skip


def _agreement(dossier):
    return Agreement.objects.get(dossier=dossier)


def grants_matrix() -> dict:
    from .test_access_matrix import Case, did, logged_in, on_dossier

    selected = Status.SELECTED
    at = {"state": selected}

    def tranche(position):
        return lambda c, d: {"reference": d.reference, "position": position}

    def report(number):
        return lambda c, d: {"reference": d.reference, "number": number}

    terms = {"starts_on": "2026-02-01", "duration_months": "24", "amount_eur": "20000"}
    return {
        "grants:index": [Case(logged_in())],
        "grants:agreement": [
            Case(on_dossier(VIEWERS), **at),
            Case(on_dossier(VIEWERS), after=_in_force, **at),
        ],
        "grants:terms": [
            Case(on_dossier({"dept"}), **at),
            Case(
                on_dossier({"dept"}), method="post", data=lambda c, d: terms,
                effect=did(lambda c, d, a: (_agreement(d).amount_eur, _agreement(d).duration_months) == (Decimal("20000"), 24)),
                **at,
            ),
            Case(
                on_dossier({"dept"}), method="post", after=_in_force,
                data=lambda c, d: {**terms, "reason": "Prolongation"},
                effect=did(lambda c, d, a: _agreement(d).versions.get(number=2).reason == "Prolongation"),
                **at,
            ),
        ],
        "grants:add_tranche": [
            Case(
                on_dossier({"dept"}), method="post", after=lambda c, d: _prepare(c, d, tranches=False),
                data=lambda c, d: {"label": "Avance", "due_on": "2026-01-15", "amount_eur": "25000", "after_report": ""},
                effect=did(lambda c, d, a: _agreement(d).tranches.get().amount_eur == Decimal("25000")),
                **at,
            ),
        ],
        "grants:sign": [
            Case(
                on_dossier({"carrier", "dept"}), method="post", after=_prepare,
                effect=did(lambda c, d, a: c[a] in {
                    AgreementVersion.objects.get(agreement__dossier=d).carrier_signed_by,
                    AgreementVersion.objects.get(agreement__dossier=d).state_signed_by,
                }),
                **at,
            ),
        ],
        "grants:request_payment": [
            Case(
                on_dossier({"carrier"}), method="post", after=_in_force, kwargs=tranche(1),
                effect=did(lambda c, d, a: _agreement(d).tranches.get(position=1).status == TrancheStatus.REQUESTED),
                **at,
            ),
        ],
        "grants:record_payment": [
            Case(
                on_dossier({"dept"}), method="post", after=_in_force, kwargs=tranche(1),
                effect=did(lambda c, d, a: _agreement(d).paid_eur == Decimal("15000")),
                **at,
            ),
        ],
        "grants:report": [
            Case(on_dossier(VIEWERS), after=_in_force, kwargs=report(0), **at),
            Case(
                on_dossier({"carrier"}), method="post", after=_in_force, kwargs=report(0),
                data=lambda c, d: {"households_accompanied": "0", "diagnostics": "0", "dwellings": "0",
                                   "narrative": "Bilan", "variance_explanation": "Démarrage."},
                effect=did(lambda c, d, a: _agreement(d).reports.get(number=0).status == ReportStatus.FILED),
                **at,
            ),
        ],
        "grants:review_report": [
            Case(
                on_dossier({"dept"}), method="post", after=_filed, kwargs=report(0),
                data=lambda c, d: {"decision": "validate"},
                effect=did(lambda c, d, a: _agreement(d).reports.get(number=0).status == ReportStatus.VALIDATED),
                **at,
            ),
        ],
    }  # fmt: skip


# --- what the pages show and do ---------------------------------------------------------------------


def test_the_report_form_is_prefilled_with_the_records(client, cast):
    agreement = in_force(cast)
    dossier = agreement.dossier
    D = datetime.date
    episode(dossier, referred_on=D(2026, 2, 1), diagnostic_on=D(2026, 2, 10), moved_in_on=D(2026, 3, 1))
    episode(dossier, kind="diagnostic", referred_on=D(2026, 4, 1), diagnostic_on=D(2026, 4, 5))
    episode(dossier, referred_on=D(2026, 8, 1))  # after the six-month period
    client.force_login(cast.carrier)
    response = client.get(reverse("grants:report", args=[dossier.reference, 0]))
    assert response.status_code == 200
    form = response.context["form"]
    assert (
        form["households_accompanied"].value(),
        form["diagnostics"].value(),
        form["dwellings"].value(),
    ) == (1, 2, 1)
    rows = {row["key"]: row for row in response.context["rows"]}
    assert (rows["households_accompanied"]["committed"], rows["households_accompanied"]["expected"]) == (
        25,
        12,
    )
    page = response.content.decode()
    assert "Écart signalé" in page and "Engagé (convention)" in page
    # Filing without explaining the flagged variances is refused on the page, nothing is written.
    response = client.post(reverse("grants:report", args=[dossier.reference, 0]), {
        "households_accompanied": "1", "diagnostics": "2", "dwellings": "1", "narrative": "Six mois."})  # fmt: skip
    assert response.status_code == 200
    assert "Expliquez les écarts signalés" in response.content.decode()
    assert agreement.reports.get(number=0).status == ReportStatus.DUE


def test_a_payment_above_the_grant_is_refused_on_the_page(client, cast):
    agreement = in_force(cast)
    services.record_payment(user=cast.dept, tranche=agreement.tranches.get(position=1))
    Agreement.objects.filter(pk=agreement.pk).update(
        amount_eur=Decimal("20000")
    )  # as if amended down to 20 000
    report = agreement.reports.get(number=0)
    services.file_report(user=cast.carrier, report=report, households_accompanied=0, diagnostics=0, dwellings=0,
                         narrative="Bilan", variance_explanation="Démarrage.")  # fmt: skip
    services.review_report(user=cast.dept, report=report, validated=True)
    client.force_login(cast.dept)
    response = client.post(
        reverse("grants:record_payment", args=[agreement.dossier.reference, 2]), follow=True
    )
    assert "au-delà du montant accordé" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.paid_eur == Decimal("15000")


def test_the_agreement_page_shows_who_signed_and_when(client, cast):
    agreement = in_force(cast)
    client.force_login(cast.region)
    page = client.get(reverse("grants:agreement", args=[agreement.dossier.reference])).content.decode()
    version = agreement.versions.get()
    assert f"signée par {cast.carrier} ({cast.landlord})" in page
    assert "Convention initiale — 25\u202f000,00\u00a0€, 12 mois" in page
    assert "Marquer versée" not in page and "Demander le versement" not in page  # the region only reads
    assert version.state_signed_by == cast.dept


def test_the_agreement_page_costs_the_same_with_more_tranches_and_reports(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from logement_accompagne.grants.models import Tranche

    agreement = in_force(cast)
    client.force_login(cast.dept)
    url = reverse("grants:agreement", args=[agreement.dossier.reference])
    client.get(url)  # the first request of a session also reads the site's settings
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    # Amended to 36 months (4 reports) with 6 more tranches (the schedule still covers 25 000 €).
    services.save_terms(user=cast.dept, agreement=agreement, starts_on=START, duration_months=36,
                        amount_eur=agreement.amount_eur, reason="Prolongation")  # fmt: skip
    agreement.tranches.filter(position=1).update(amount_eur=Decimal("14994"))
    for position in range(3, 9):
        Tranche.objects.create(agreement=agreement, position=position, label=f"Tranche {position}",
                               due_on=START, amount_eur=Decimal("1"))  # fmt: skip
    services.sign(user=cast.carrier, agreement=agreement)
    services.sign(user=cast.dept, agreement=agreement)
    assert agreement.reports.count() == 4
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    print(
        f"agreement page: {len(small)} queries (1 version, 2 tranches, 2 reports), "
        f"{len(large)} (2 versions, 8 tranches, 4 reports)"
    )
    assert len(large) == len(small)
