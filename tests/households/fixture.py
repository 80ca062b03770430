"""A small project whose every figure was computed by hand (see test_indicators.py for the sums)."""

import datetime

from logement_accompagne.households import services
from logement_accompagne.households.enums import ArrearsStep, Destination, EndReason, LeaseKind, TenancyChange

from .conftest import register

D = datetime.date
TODAY = D(2026, 6, 30)


def contact(cast, episode, day, result="reached", kind="interview"):
    services.record_contact(
        user=cast.worker, episode=episode, happened_on=day, kind=kind, channel="phone", result=result
    )


def tenancy(cast, episode, change, day, lease_kind):
    services.record_tenancy(user=cast.worker, episode=episode, change=change, starts_on=day, commune_code="45234",
                            dwelling_type="T3", rent_eur="430", lease_kind=lease_kind)  # fmt: skip


def end(cast, episode, day, reason, destination=""):
    services.end_support(
        user=cast.worker, episode=episode, ended_on=day, end_reason=reason, destination=destination
    )


def build(cast) -> dict:
    w = cast.worker
    a = register(cast, referred_on=D(2025, 1, 6), last_name="Alpha")
    contact(cast, a, D(2025, 1, 8), "not_reached", "attempt")
    contact(cast, a, D(2025, 1, 10))
    services.record_diagnostic(user=w, episode=a, carried_out_on=D(2025, 1, 20), housing="priority")
    services.record_milestone(user=w, episode=a, milestone="plan_signed_on", on=D(2025, 2, 1))
    tenancy(cast, a, TenancyChange.MOVE_IN, D(2025, 3, 1), LeaseKind.SUBLET)
    contact(cast, a, D(2025, 4, 1), kind="review")
    contact(cast, a, D(2025, 7, 1), kind="review")
    tenancy(cast, a, TenancyChange.LEASE_TRANSFER, D(2025, 12, 1), LeaseKind.DIRECT)
    end(cast, a, D(2026, 1, 15), EndReason.GOALS_REACHED, Destination.LEASE_TRANSFERRED)
    services.record_outcome_check(user=w, episode=a, months=6, housed=True)

    b = register(cast, referred_on=D(2025, 2, 1), last_name="Bravo")
    contact(cast, b, D(2025, 2, 11))
    services.record_diagnostic(user=w, episode=b, carried_out_on=D(2025, 3, 3))
    tenancy(cast, b, TenancyChange.MOVE_IN, D(2025, 5, 1), LeaseKind.DIRECT)
    contact(cast, b, D(2025, 6, 15), kind="review")
    end(cast, b, D(2025, 10, 1), EndReason.REFUSED, Destination.SHELTER)
    services.record_outcome_check(user=w, episode=b, months=6, housed=False)

    c = register(
        cast, referred_on=D(2025, 3, 1), kind="keeping", source="landlord_detection", last_name="Charlie"
    )
    contact(cast, c, D(2025, 3, 5))
    services.record_diagnostic(user=w, episode=c, carried_out_on=D(2025, 3, 20), budget="priority")
    case = services.open_arrears(user=w, episode=c, detected_on=D(2025, 3, 1), first_unpaid_rent_on=D(2025, 1, 5),
                                 balance_eur="1200")  # fmt: skip
    services.record_arrears_balance(user=w, case=case, on=D(2025, 7, 1), amount_eur="600")
    services.record_arrears_balance(user=w, case=case, on=D(2025, 10, 1), amount_eur="300")
    services.record_arrears_step(user=w, case=case, kind=ArrearsStep.FORMAL_NOTICE, on=D(2025, 2, 10))
    services.record_arrears_step(user=w, case=case, kind=ArrearsStep.SUMMONS, on=D(2025, 4, 1))
    end(cast, c, D(2026, 3, 1), EndReason.GOALS_REACHED, Destination.KEPT_OWN_LEASE)
    services.record_outcome_check(user=w, episode=c, months=6, housed=True)

    d = register(
        cast, referred_on=D(2025, 9, 1), kind="keeping", source="landlord_detection", last_name="Delta"
    )
    contact(cast, d, D(2025, 9, 3))
    case = services.open_arrears(user=w, episode=d, detected_on=D(2025, 9, 10), first_unpaid_rent_on=D(2025, 8, 5),
                                 balance_eur="900")  # fmt: skip
    services.record_arrears_step(user=w, case=case, kind=ArrearsStep.FORMAL_NOTICE, on=D(2025, 9, 20))
    services.record_arrears_balance(user=w, case=case, on=D(2026, 1, 20), amount_eur="400")

    e = register(cast, referred_on=D(2026, 1, 10), kind="diagnostic", source="dalo", last_name="Echo")
    contact(cast, e, D(2026, 1, 12))
    services.record_diagnostic(user=w, episode=e, carried_out_on=D(2026, 1, 20))
    end(cast, e, D(2026, 1, 20), EndReason.NO_MEASURE)

    f = register(cast, referred_on=D(2026, 5, 1), kind="both", source="pdalpd", last_name="Foxtrot")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}
