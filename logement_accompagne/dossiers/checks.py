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
    # Empty for a missing field; the call's rule's name when the item is a rule not respected.
    rule: str = ""


# Where the panel sends the person for a missing required document (not a form section).
ATTACHMENTS = "pieces-jointes"


@dataclass(frozen=True)
class Breach:
    """One rule of the call that the dossier does not respect, said in French with the rule's name."""

    rule: str
    message: str
    field: str
    section: str
    at_decision: bool = False

    def as_missing(self) -> Missing:
        return Missing(self.field, self.message, self.section, rule=self.rule)


def french_eur(amount) -> str:
    """1440 → « 1 440,00 € »: the one French format of an amount (narrow no-break space between
    thousands, decimal comma, no-break space before €), used by messages and by every page
    (the ``euros`` template filter). Exports (CSV) keep plain numbers."""
    text = f"{Decimal(amount):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"


_eur = french_eur


def call_rule_breaches(dossier, call=None) -> list[Breach]:
    """The call's rules (data on the call, editable per call) that the dossier breaks.

    Every one of them refuses a submission; those marked at_decision also refuse a
    « retenu » decision (the call may have been tightened since the dossier was filed).
    """
    call = call or dossier.call
    breaches: list[Breach] = []
    months = dossier.duration_months
    if months is not None and not (call.min_duration_months <= months <= call.max_duration_months):
        breaches.append(Breach(
            "durée des engagements",
            f"Règle « durée des engagements » : {months} mois, hors des limites de l'appel "
            f"({call.min_duration_months} à {call.max_duration_months} mois).",
            "duration_months", SECTION_OF_FIELD.get("duration_months", "duree"), at_decision=True,
        ))  # fmt: skip
    requested = dossier.requested_amount_eur
    if requested is None:
        breaches.append(Breach(
            "montant demandé",
            "Règle « montant demandé » : indiquez le montant demandé à l'appel à projets.",
            "requested_amount_eur", SECTION_OF_FIELD.get("requested_amount_eur", "financement"),
        ))  # fmt: skip
    elif requested > call.project_cap_eur:
        breaches.append(Breach(
            "plafond par projet",
            f"Règle « plafond par projet » : le montant demandé ({_eur(requested)}) dépasse le plafond "
            f"de l'appel ({_eur(call.project_cap_eur)}).",
            "requested_amount_eur", SECTION_OF_FIELD.get("requested_amount_eur", "financement"),
        ))  # fmt: skip
    provided = set(
        dossier.attachments.filter(required_document__isnull=False).values_list(
            "required_document_id", flat=True
        )
    )
    for document in call.required_documents.all():
        if document.pk not in provided:
            breaches.append(Breach(
                "pièces obligatoires",
                f"Règle « pièces obligatoires » : joignez la pièce « {document.label} ».",
                "required_document", ATTACHMENTS,
            ))  # fmt: skip
    return breaches


def closing_breach(call, on=None) -> str:
    """The French refusal when the call does not accept filings today, else ''."""
    from django.utils import timezone

    day = on or timezone.localdate()
    if day > call.closes_on:
        return f"Règle « date de clôture » : l'appel « {call} » est clos depuis le {call.closes_on:%d/%m/%Y}."
    if day < call.opens_on:
        return f"Règle « date d'ouverture » : l'appel « {call} » n'ouvre que le {call.opens_on:%d/%m/%Y}."
    return ""


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
    missing.extend(breach.as_missing() for breach in call_rule_breaches(dossier))
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
                f"Plan de financement incomplet : il manque {french_eur(summary.balance_eur)} pour couvrir le coût global."
            )
        elif summary.balance_eur < 0:
            summary.flags.append(
                f"Les financements dépassent le coût global de {french_eur(-summary.balance_eur)}."
            )
    else:
        summary.flags.append("Coût global non calculable à partir des coûts déclarés.")
    if (
        summary.requested_eur is not None
        and summary.cap_eur is not None
        and summary.requested_eur > summary.cap_eur
    ):
        summary.flags.append(
            f"Le montant demandé ({french_eur(summary.requested_eur)}) dépasse le plafond de l'appel "
            f"({french_eur(summary.cap_eur)})."
        )
    return summary


def consistency(dossier) -> list[str]:
    problems = []
    if dossier.households and dossier.dwellings and dossier.dwellings > dossier.households:
        problems.append(
            f"Plus de logements ({dossier.dwellings}) que de ménages accompagnés ({dossier.households})."
        )
    problems.extend(breach.message for breach in call_rule_breaches(dossier) if breach.at_decision)
    return problems
