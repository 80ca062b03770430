"""Derived checks on a dossier: completeness, financial coherence, consistency.

They read the stored dossier and never write. Amounts are Decimals; every
figure that rests on an assumption (a period or basis the carrier did not
state) says so in `notes`, so that instructors are not misled.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .enums import CostBasis, CostKind, CostPeriod
from .sections import SECTION_OF_FIELD


def opinion_given(dossier, level: str) -> bool:
    """Whether the departmental or regional level gave its opinion on the platform: one copied
    from an imported paper form is history, it never stands for this review's opinion."""
    opinions = dossier.departmental_opinions if level == "departmental" else dossier.regional_opinions
    return opinions.filter(imported=False).exists()


@dataclass(frozen=True)
class Missing:
    field: str
    label: str
    section: str


def _filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def completeness(dossier) -> list[Missing]:
    """Required sections that are still empty; an empty list means the dossier may be filed."""
    missing: list[Missing] = []

    def need(ok: bool, field_name: str, label: str, section: str | None = None) -> None:
        if not ok:
            missing.append(
                Missing(field_name, label, section or SECTION_OF_FIELD.get(field_name, "localisation"))
            )

    need(_filled(dossier.name), "name", "le nom du projet")
    need(
        _filled(dossier.location_text) and dossier.departments.exists(),
        "location_text",
        "la localisation du projet et son département",
    )
    need(
        dossier.carrier_links.exists() and _filled(dossier.carriers_text),
        "carriers_text",
        "le ou les porteurs",
    )
    need(_filled(dossier.summary), "summary", "le descriptif sommaire du projet")
    need(
        dossier.households is not None and dossier.households > 0,
        "households",
        "le nombre de ménages accompagnés",
    )
    need(
        bool(dossier.mobilisation) or _filled(dossier.dwellings_text),
        "mobilisation_new_supply",
        "au moins une modalité de mobilisation des logements (ou la raison de son absence)",
    )
    need(_filled(dossier.support_method), "support_method", "la méthodologie de l'accompagnement")
    need(_filled(dossier.partners), "partners", "les partenaires mobilisés")
    need(
        dossier.cost_lines.filter(amount_eur__isnull=False).exists(),
        "finance_overview",
        "au moins un coût chiffré",
        "financement",
    )
    need(dossier.duration_months is not None, "duration_months", "la durée des engagements")
    return missing


@dataclass
class FinancialSummary:
    global_cost_eur: Decimal | None = None
    cost_per_household_eur: Decimal | None = None
    cost_per_dwelling_eur: Decimal | None = None
    cofunding_eur: Decimal = Decimal("0")
    requested_eur: Decimal | None = None
    cap_eur: Decimal | None = None
    balance_eur: Decimal | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def coherent(self) -> bool:
        return not self.flags


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def project_amount(line, dossier, notes: list[str]) -> Decimal | None:
    """What a cost line is worth over the whole project (basis × period × duration)."""
    if line.amount_eur is None:
        return None
    amount = Decimal(line.amount_eur)
    label = line.get_kind_display().lower()
    if line.basis == CostBasis.HOUSEHOLD:
        if not dossier.households:
            notes.append(f"{label} : nombre de ménages inconnu, coût total non calculable.")
            return None
        amount *= dossier.households
    elif line.basis == CostBasis.DWELLING:
        if not dossier.dwellings:
            notes.append(f"{label} : nombre de logements inconnu, coût total non calculable.")
            return None
        amount *= dossier.dwellings
    elif line.basis == CostBasis.UNKNOWN:
        notes.append(f"{label} : assiette non précisée, montant pris pour l'ensemble du projet.")
    months = dossier.duration_months
    if line.period == CostPeriod.YEAR:
        if months is None:
            notes.append(f"{label} : durée inconnue, montant annuel compté sur un an.")
        amount *= Decimal(months or 12) / 12
    elif line.period == CostPeriod.MONTH:
        if months is None:
            notes.append(f"{label} : durée inconnue, montant mensuel compté sur douze mois.")
        amount *= months or 12
    elif line.period == CostPeriod.UNKNOWN:
        notes.append(f"{label} : période non précisée, montant compté une fois.")
    return amount


def financial_summary(dossier) -> FinancialSummary:
    summary = FinancialSummary(
        cap_eur=dossier.call.project_cap_eur, requested_eur=dossier.requested_amount_eur
    )
    lines = {line.kind: line for line in dossier.cost_lines.all()}
    if CostKind.GLOBAL in lines and lines[CostKind.GLOBAL].amount_eur is not None:
        total = project_amount(lines[CostKind.GLOBAL], dossier, summary.notes)
    else:
        parts = [
            project_amount(lines[kind], dossier, summary.notes)
            for kind in (CostKind.DIAGNOSTIC, CostKind.SUPPORT, CostKind.RENTAL_MANAGEMENT)
            if kind in lines and lines[kind].amount_eur is not None
        ]
        total = sum(parts, Decimal("0")) if parts and None not in parts else None
    summary.global_cost_eur = _round(total)
    if total is not None and dossier.households:
        summary.cost_per_household_eur = _round(total / dossier.households)
    if total is not None and dossier.dwellings:
        summary.cost_per_dwelling_eur = _round(total / dossier.dwellings)
    summary.cofunding_eur = sum(
        (line.amount_eur for line in dossier.cofunding_lines.all() if line.amount_eur is not None),
        Decimal("0"),
    )
    if total is not None:
        summary.balance_eur = _round(total - summary.cofunding_eur - (summary.requested_eur or 0))
        if summary.balance_eur > 0:
            summary.flags.append(
                f"Plan de financement incomplet : il manque {summary.balance_eur:,.0f} € pour couvrir le coût global.".replace(
                    ",", " "
                )
            )
        elif summary.balance_eur < 0:
            summary.flags.append(
                f"Les financements dépassent le coût global de {-summary.balance_eur:,.0f} €.".replace(
                    ",", " "
                )
            )
    else:
        summary.flags.append("Coût global non calculable à partir des coûts déclarés.")
    if (
        summary.requested_eur is not None
        and summary.cap_eur is not None
        and summary.requested_eur > summary.cap_eur
    ):
        summary.flags.append(
            f"Le montant demandé ({summary.requested_eur:,.0f} €) dépasse le plafond de l'appel "
            f"({summary.cap_eur:,.0f} €).".replace(",", " ")
        )
    return summary


def consistency(dossier) -> list[str]:
    problems = []
    if dossier.households and dossier.dwellings and dossier.dwellings > dossier.households:
        problems.append(
            f"Plus de logements ({dossier.dwellings}) que de ménages accompagnés ({dossier.households})."
        )
    call = dossier.call
    if dossier.duration_months is not None and not (
        call.min_duration_months <= dossier.duration_months <= call.max_duration_months
    ):
        problems.append(
            f"Durée de {dossier.duration_months} mois hors des limites de l'appel "
            f"({call.min_duration_months} à {call.max_duration_months} mois)."
        )
    return problems
