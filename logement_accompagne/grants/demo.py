"""Demo conventions for the selected demo projects of 2016, made through the grants services as the
people would: the departmental service prepares the convention with its payment schedule, both sides
sign, the first tranche is paid; eight months on, the six-month review is late in the Landes, filed,
validated and followed by the balance in the Loiret, so that the steering's « Versé » and the conventions' pages show real figures after
`make run`. Idempotent: a dossier that already has a convention is left alone."""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from logement_accompagne.dossiers.demo import DOMAIN, _user
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.organisations.enums import Role

from . import selectors, services
from .models import Agreement

FIRST_SHARE = Decimal("0.6")  # paid at signature; the balance after the six-month review


@transaction.atomic
def load_grants_demo(sender=None, people=None, **kwargs) -> int:
    if not people:
        return 0
    created = 0
    for code in ("45", "40"):
        departmental = people["departmental"][code]
        service = departmental.memberships.get(role=Role.DEPARTMENTAL_INSTRUCTOR).organisation
        head = _user(f"chef.ddets.{code}@{DOMAIN}", "Dominique", f"Chef de service {code}", service,
                     Role.SERVICE_HEAD)  # fmt: skip
        landlord, carrier = people["carriers"][code]
        director = _user(f"direction.{code}@{DOMAIN}", "Jean", f"Direction {code}", landlord,
                         Role.ORGANISATION_ADMIN)  # fmt: skip
        dossiers = Dossier.objects.filter(
            status=Status.SELECTED, departments=code, carrier_links__organisation=landlord,
            call__slug="aap-2016", agreement__isnull=True,
        ).distinct()  # fmt: skip
        for dossier in dossiers:
            decision = selectors.latest_decision(dossier)
            if decision is None or not decision.selected or not decision.amount_granted_eur:
                continue
            starts_on = services.add_months(timezone.localdate(), -8)  # the six-month review is due
            agreement = services.prepare_agreement(user=departmental, dossier=dossier, starts_on=starts_on)
            first = (agreement.amount_eur * FIRST_SHARE).quantize(Decimal("1"), rounding=ROUND_DOWN)
            services.add_tranche(user=departmental, agreement=agreement, label="Versement à la signature",
                                 due_on=starts_on, amount_eur=first)  # fmt: skip
            services.add_tranche(user=departmental, agreement=agreement, label="Solde après le bilan à six mois",
                                 due_on=services.add_months(starts_on, 7),
                                 amount_eur=agreement.amount_eur - first, after_report=0)  # fmt: skip
            services.sign(user=director, agreement=agreement)
            services.sign(user=head, agreement=agreement)
            agreement = Agreement.objects.get(pk=agreement.pk)
            tranches = list(agreement.tranches.order_by("position"))
            services.record_payment(user=departmental, tranche=tranches[0], paid_on=starts_on)
            report = agreement.reports.order_by("number").first()
            if code == "45" and report is not None:
                report = services.file_report(
                    user=carrier, report=report, households_accompanied=dossier.households,
                    diagnostics=dossier.households, dwellings=dossier.dwellings,
                    narrative="Premiers ménages orientés par le SIAO et accompagnés dans leur logement.",
                    variance_explanation="Montée en charge plus lente que prévu : orientations arrivées au fil de l'eau.",
                )  # fmt: skip
                services.review_report(user=departmental, report=report, validated=True)
                services.record_payment(user=departmental, tranche=tranches[1])
            created += 1
    return created
