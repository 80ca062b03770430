"""Demo households for the selected demo projects: every phase, contacts, arrears, lease transfers and
exits, so that every indicator shows a real value in `make run`. Called through the `demo_loaded`
signal of dossiers.demo (idempotent: a project that already has households is left alone).

Each demo department's association also gets a support manager (responsable.<code>@...).
"""

import datetime

from django.utils import timezone

from logement_accompagne.dossiers.demo import DOMAIN, _user
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.organisations.enums import Role
from logement_accompagne.organisations.models import User

from . import services
from .enums import ArrearsStep, Destination, EndReason, LeaseKind, Phase, TenancyChange

COMMUNES = {"45": ["45234", "45147", "45302"], "40": ["40088", "40192", "40284"]}
NAMES = ["Martin", "Bernard", "Diallo", "Petit", "Nguyen", "Moreau", "Haddad", "Lefèvre", "Traoré", "Garcia",
         "Roux", "Benali", "Fontaine"]  # fmt: skip
FIRST = ["Awa", "Julie", "Mamadou", "Sophie", "Linh", "Karim", "Nadia", "Thomas", "Fatou", "Lucia", "Paul", "Yasmine",
         "Hugo"]  # fmt: skip

# (kind, months ago referred, scenario) — scenarios written below
SCENARIOS = [
    ("access", 40, "transfer_end", 28), ("access", 38, "social_end", 26), ("keeping", 30, "kept_end", 20),
    ("keeping", 26, "evicted_end", 14), ("both", 28, "transfer_end", 13), ("diagnostic", 9, "no_measure", 8),
    ("access", 16, "private_end", 7), ("access", 14, "follow_up", None), ("keeping", 7, "arrears_ongoing", None),
    ("access", 6, "overdue_plan", None), ("keeping", 1, "aller_vers", None), ("both", 4, "preparation", None),
    ("access", 12, "phase_back", None),
]  # fmt: skip


def _ago(today, months: int, days: int = 0) -> datetime.date:
    return today - datetime.timedelta(days=int(months * 30.5) + days)


def _household(worker, dossier, index, today, code):
    kind, referred_months, scenario, ended_months = SCENARIOS[index]
    referred = _ago(today, referred_months)
    w = worker
    couple = index % 3 == 0
    episode = services.register_household(
        user=w, dossier=dossier,
        members=[{"first_name": FIRST[index], "last_name": NAMES[index], "phone": f"06 12 34 {index:02d} {index + 10:02d}",
                  "birth_date": datetime.date(1970 + index * 2, 1 + index % 12, 1 + index)}],
        adults=2 if couple else 1, children=index % 4, head="couple" if couple else ("single_woman" if index % 2 else "single_man"),
        kind=kind, referral_source=["siao", "dalo", "pdalpd", "prefect_quota", "landlord_detection"][index % 5]
        if kind != "keeping" else "landlord_detection", referred_on=referred,
        resources_category=["work", "minimum_benefits", "other_benefits", "none"][index % 4],
        sne_number=f"0{code}-20{20 + index % 5}-{index:05d}" if kind in ("access", "both") else "",
    )  # fmt: skip

    def contact(day, kind="interview", channel="office", result="reached", note=""):
        services.record_contact(user=w, episode=episode, happened_on=day, kind=kind, channel=channel, result=result,
                                note=note)  # fmt: skip

    def phase(to, day, reason=""):
        services.change_phase(user=w, episode=episode, to_phase=to, on=day, reason=reason)

    def tenancy(change, day, lease):
        services.record_tenancy(user=w, episode=episode, change=change, starts_on=day, lease_kind=lease,
                                commune_code=COMMUNES[code][index % 3], dwelling_type=f"T{1 + index % 5}",
                                plai=index % 2 == 0, rent_eur=str(320 + 25 * index))  # fmt: skip

    # Aller-vers: attempts before the household is reached
    contact(referred + datetime.timedelta(days=2), "attempt", "phone", "not_reached")
    if scenario == "aller_vers":
        contact(referred + datetime.timedelta(days=6), "attempt", "letter", "not_reached")
        contact(
            referred + datetime.timedelta(days=12),
            "attempt",
            "home_visit",
            "reached",
            "Ménage rencontré à domicile.",
        )
        return episode
    contact(referred + datetime.timedelta(days=5 + index), "interview", "office", "reached", "Entretien d'accueil, contrat d'engagement signé.")  # fmt: skip
    diagnostic_on = referred + datetime.timedelta(days=15 + index * 2)
    services.record_diagnostic(user=w, episode=episode, carried_out_on=diagnostic_on, housing="priority",
                               budget="some" if kind != "keeping" else "priority", rights="some",
                               summary="Diagnostic partagé avec le ménage.")  # fmt: skip
    if scenario == "no_measure":
        services.end_support(user=w, episode=episode, ended_on=diagnostic_on, end_reason=EndReason.NO_MEASURE)
        return episode
    plan_on = diagnostic_on + datetime.timedelta(days=10)
    services.record_milestone(user=w, episode=episode, milestone="plan_signed_on", on=plan_on)
    phase(Phase.PLAN, plan_on)
    services.add_objective(
        user=w,
        episode=episode,
        title="Ouvrir les droits (APL, CAF)",
        due_on=plan_on + datetime.timedelta(days=60),
    )
    services.add_objective(
        user=w, episode=episode, title="Accéder à un logement adapté et s'y maintenir", is_final=True
    )
    objective = episode.objectives.first()
    services.set_objective_status(user=w, objective=objective, status="in_progress", on=plan_on)
    if scenario == "overdue_plan":
        return episode
    move_in = plan_on + datetime.timedelta(days=30)
    if scenario == "preparation":
        phase(Phase.PREPARATION, move_in - datetime.timedelta(days=5))
        return episode
    if kind in ("access", "both"):
        lease = (
            LeaseKind.SUBLET if scenario in ("transfer_end", "follow_up", "phase_back") else LeaseKind.DIRECT
        )
        phase(Phase.PREPARATION, move_in - datetime.timedelta(days=10))
        tenancy(TenancyChange.MOVE_IN, move_in, lease)
        phase(Phase.INSTALLATION, move_in)
    else:
        tenancy(TenancyChange.KNOWN_AT_REFERRAL, referred, LeaseKind.DIRECT)
    # reviews every two months (the last one late for some)
    day = plan_on
    end_limit = _ago(today, ended_months) if ended_months else today - datetime.timedelta(days=10)
    step = 0
    while True:
        day = day + datetime.timedelta(days=58 if index % 4 else 75)
        if day >= end_limit:
            break
        contact(
            day, "review", "home_visit" if step % 2 else "office", "reached", "Bilan d'étape avec le ménage."
        )
        step += 1
        if step == 1 and kind in ("access", "both"):
            phase(Phase.FOLLOW_UP, day)
            services.set_objective_status(user=w, objective=objective, status="reached", on=day)
    if kind in ("keeping", "both") or scenario in ("evicted_end", "arrears_ongoing", "kept_end"):
        detected = referred
        case = services.open_arrears(user=w, episode=episode, detected_on=detected,
                                     first_unpaid_rent_on=detected - datetime.timedelta(days=40), balance_eur=str(900 + 150 * index))  # fmt: skip
        for months, amount in ((3, 700 + 100 * index), (6, 450 + 60 * index), (10, 200)):
            on = detected + datetime.timedelta(days=int(months * 30.5))
            if on < end_limit:
                services.record_arrears_balance(user=w, case=case, on=on, amount_eur=str(amount))
        services.record_arrears_step(
            user=w, case=case, kind=ArrearsStep.FORMAL_NOTICE, on=detected + datetime.timedelta(days=5)
        )
        services.record_arrears_step(
            user=w, case=case, kind=ArrearsStep.FSL_REQUESTED, on=detected + datetime.timedelta(days=20)
        )
        services.record_arrears_step(
            user=w, case=case, kind=ArrearsStep.CCAPEX_REFERRAL, on=detected + datetime.timedelta(days=25)
        )
        if scenario == "evicted_end":
            for n, stage in enumerate((ArrearsStep.SUMMONS, ArrearsStep.JUDGMENT, ArrearsStep.ORDER_TO_LEAVE,
                                       ArrearsStep.POLICE_ASSISTANCE, ArrearsStep.EVICTED), start=1):  # fmt: skip
                services.record_arrears_step(
                    user=w, case=case, kind=stage, on=detected + datetime.timedelta(days=40 * n)
                )
        else:
            services.record_arrears_step(
                user=w, case=case, kind=ArrearsStep.SUMMONS, on=detected + datetime.timedelta(days=45)
            )
            services.record_arrears_step(user=w, case=case, kind=ArrearsStep.REPAYMENT_PLAN,
                                         on=detected + datetime.timedelta(days=50), repayment_monthly_eur="50")  # fmt: skip
            services.record_arrears_step(
                user=w,
                case=case,
                kind=ArrearsStep.COHESION_PROTOCOL,
                on=detected + datetime.timedelta(days=60),
            )
    if scenario == "phase_back":
        phase(
            Phase.PLAN,
            today - datetime.timedelta(days=20),
            reason="Perte d'emploi : le plan est revu avec le ménage.",
        )
    if scenario in ("transfer_end",):
        tenancy(TenancyChange.LEASE_TRANSFER, end_limit - datetime.timedelta(days=30), LeaseKind.DIRECT)
    if ended_months is None:
        return episode
    destination = {"transfer_end": Destination.LEASE_TRANSFERRED, "social_end": Destination.SOCIAL_HOUSING,
                   "kept_end": Destination.KEPT_OWN_LEASE, "evicted_end": Destination.SHELTER,
                   "private_end": Destination.PRIVATE_HOUSING}[scenario]  # fmt: skip
    reason = EndReason.REFUSED if scenario == "evicted_end" else EndReason.GOALS_REACHED
    services.end_support(
        user=w, episode=episode, ended_on=end_limit, end_reason=reason, destination=destination
    )
    housed = scenario != "evicted_end"
    for months in (6, 12, 24):
        if ended_months >= months:
            still = housed and not (months == 24 and scenario == "social_end")
            services.record_outcome_check(user=w, episode=episode, months=months, housed=still,
                                          arrears_over_3_months=(scenario == "social_end") if months == 12 else None)  # fmt: skip
    return episode


def load_households_demo(sender=None, people=None, **kwargs) -> int:
    today = timezone.localdate()
    created = 0
    for code in ("45", "40", "17", "57"):
        association = people["associations"][code][0] if people else None
        if association is not None:
            _user(
                f"responsable.{code}@{DOMAIN}",
                "Maëlle",
                f"Responsable {code}",
                association,
                Role.SUPPORT_MANAGER,
            )
    for code in ("45", "40"):
        worker = User.objects.filter(email=f"accompagnateur.{code}@{DOMAIN}").first()
        if worker is None:
            continue
        dossiers = Dossier.objects.filter(
            status=Status.SELECTED, departments=code, carrier_links__organisation__memberships__user=worker
        )
        for dossier in dossiers.distinct():
            if dossier.support_episodes.exists():
                continue
            for index in range(len(SCENARIOS)):
                _household(worker, dossier, index, today, code)
                created += 1
    return created
