"""Every write on agreements, payment tranches and reports: one function each, in one transaction.

Each service checks the person's role (``selectors.roles_on``) and the agreement's state, locks the
agreement row (every write of one agreement is serialised through it on PostgreSQL), writes, and sends
its e-mails once the transaction has committed. Money: the amount in force and the money paid live on
the agreement row; a payment is refused in French when it would take the total paid above the grant,
and the database refuses it too (``agreement_paid_within_amount``).
"""

import calendar
import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from logement_accompagne.dossiers.checks import french_eur  # the one French format of an amount
from logement_accompagne.dossiers.enums import Status
from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.dossiers.notifications import carriers_of, reviewers_in_charge
from logement_accompagne.dossiers.permissions import InvalidTransition
from logement_accompagne.organisations import notices

from . import selectors
from .agreements import (
    Agreement,
    AgreementVersion,
    Report,
    ReportKind,
    ReportStatus,
    Tranche,
    TrancheStatus,
)

logger = logging.getLogger(__name__)

REMIND_BEFORE_DAYS = 14
REMIND_LATE_EVERY_DAYS = 7


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter: 31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def report_schedule(starts_on: datetime.date, duration_months: int) -> list[dict]:
    """The reports an agreement asks for: the six-month review at start + 6 months (when the agreement
    lasts longer than that), then a yearly report at start + 12, 24... months, the last one at the end."""
    end = add_months(starts_on, duration_months)
    schedule = []
    if duration_months > 6:
        six = add_months(starts_on, 6)
        schedule.append({"number": 0, "kind": ReportKind.SIX_MONTH, "period_start": starts_on,
                         "period_end": six, "due_on": six})  # fmt: skip
    years = -(-duration_months // 12)
    for year in range(1, years + 1):
        period_end = min(add_months(starts_on, 12 * year), end)
        schedule.append({"number": year, "kind": ReportKind.YEARLY, "period_start": add_months(starts_on, 12 * (year - 1)),
                         "period_end": period_end, "due_on": period_end})  # fmt: skip
    return schedule


# --- helpers --------------------------------------------------------------------------------------


def _lock(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().select_related("dossier").get(pk=agreement.pk)


def _require(condition: bool, message: str = "Vous n'avez pas le droit de faire cela sur cette convention."):
    if not condition:
        raise PermissionDenied(message)


def _require_in_force(agreement: Agreement) -> None:
    if agreement.in_force_version is None:
        raise InvalidTransition("La convention n'est pas encore signée par les deux parties.")


def _mail_after_commit(subject: str, body: str, recipients, *, now: bool = False) -> None:
    """Send once the transaction commits; `now` sends at once, so a failure rolls the claim back.
    Through organisations.notices like every notice: e-mail and the notification centre alike."""
    recipients = list(recipients)

    def send():
        notices.send(subject=subject, body=body, recipients=recipients)

    if now:
        send()
    else:
        transaction.on_commit(send)


def commitments_of(dossier: Dossier) -> dict:
    """What the dossier committed to, copied into a version of the agreement."""
    return {
        "households": dossier.households,
        "dwellings": dossier.dwellings,
        "partners": dossier.partners,
        "costs": [
            {
                "kind": line.kind,
                "label": line.get_kind_display(),
                "amount_eur": str(line.amount_eur) if line.amount_eur is not None else None,
                "basis": line.get_basis_display(),
                "period": line.get_period_display(),
            }
            for line in dossier.cost_lines.all()
        ],  # fmt: skip
        "cofunding": [
            {
                "funder": line.funder,
                "amount_eur": str(line.amount_eur) if line.amount_eur is not None else None,
                "status": line.get_status_display(),
            }
            for line in dossier.cofunding_lines.all()
        ],  # fmt: skip
    }


def _check_terms(*, amount_eur, duration_months, starts_on, granted) -> None:
    if amount_eur is None or amount_eur <= 0:
        raise ValidationError({"amount_eur": "Indiquez le montant de la convention."})
    if amount_eur > granted:
        raise ValidationError(
            {"amount_eur": f"Le montant de la convention ({french_eur(amount_eur)}) ne peut pas dépasser "
             f"le montant accordé par le comité ({french_eur(granted)})."}
        )  # fmt: skip
    if not duration_months or duration_months <= 0:
        raise ValidationError({"duration_months": "Indiquez la durée de la convention, en mois."})
    if starts_on is None:
        raise ValidationError({"starts_on": "Indiquez la date de début de la convention."})


# --- the agreement and its versions ---------------------------------------------------------------


@transaction.atomic
def prepare_agreement(
    *, user, dossier: Dossier, starts_on: datetime.date, duration_months: int | None = None,
    amount_eur: Decimal | None = None,
) -> Agreement:  # fmt: skip
    """The departmental service drafts the convention of a selected dossier (version 1, unsigned):
    the committee's amount, the dossier's duration and its commitments unless told otherwise."""
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _require(selectors.roles_on(user, current).departmental)
    if current.status != Status.SELECTED:
        raise InvalidTransition("Une convention ne se prépare que pour un projet retenu par le comité.")
    decision = selectors.latest_decision(current)
    if decision is None or not decision.selected or not decision.amount_granted_eur:
        raise InvalidTransition("Ce dossier n'a pas de décision de financement du comité.")
    if Agreement.objects.filter(dossier=current).exists():
        raise InvalidTransition("La convention de ce dossier est déjà préparée.")
    amount_eur = decision.amount_granted_eur if amount_eur is None else amount_eur
    duration_months = duration_months or current.duration_months
    _check_terms(amount_eur=amount_eur, duration_months=duration_months, starts_on=starts_on,
                 granted=decision.amount_granted_eur)  # fmt: skip
    agreement = Agreement.objects.create(
        dossier=current, decision=decision, amount_eur=amount_eur, starts_on=starts_on,
        duration_months=duration_months, created_by=user,
    )  # fmt: skip
    AgreementVersion.objects.create(
        agreement=agreement, number=1, amount_eur=amount_eur, starts_on=starts_on,
        duration_months=duration_months, conditions=decision.conditions, created_by=user,
        **commitments_of(current),
    )  # fmt: skip
    logger.info("agreement %s prepared for dossier %s by %s", agreement.pk, current.pk, user.pk)
    return agreement


@transaction.atomic
def save_terms(
    *, user, agreement: Agreement, starts_on: datetime.date, duration_months: int, amount_eur: Decimal,
    reason: str = "",
) -> AgreementVersion:  # fmt: skip
    """Change the terms waiting for signature, or, once a version is in force, open an amendment
    (a new version with its reason; the commitments are copied from the dossier again)."""
    agreement = _lock(agreement)
    _require(selectors.roles_on(user, agreement.dossier).departmental)
    granted = agreement.decision.amount_granted_eur
    _check_terms(amount_eur=amount_eur, duration_months=duration_months, starts_on=starts_on, granted=granted)
    if amount_eur < agreement.paid_eur:
        raise ValidationError(
            {"amount_eur": f"Le montant ({french_eur(amount_eur)}) ne peut pas être inférieur aux sommes "
             f"déjà versées ({french_eur(agreement.paid_eur)})."}
        )  # fmt: skip
    reason = reason.strip()
    pending = selectors.pending_version(agreement)
    if pending is not None:
        if pending.carrier_signed_at or pending.state_signed_at:
            raise InvalidTransition("Cette version est déjà signée par une partie : elle ne se modifie plus.")
        if pending.is_amendment and not reason:
            raise ValidationError({"reason": "Indiquez l'objet de l'avenant."})
        AgreementVersion.objects.filter(pk=pending.pk).update(
            amount_eur=amount_eur, starts_on=starts_on, duration_months=duration_months,
            reason=reason if pending.is_amendment else "",
        )  # fmt: skip
        if agreement.in_force_version is None:
            Agreement.objects.filter(pk=agreement.pk).update(
                amount_eur=amount_eur, starts_on=starts_on, duration_months=duration_months
            )
        pending.refresh_from_db()
        return pending
    if not reason:
        raise ValidationError({"reason": "Indiquez l'objet de l'avenant."})
    number = agreement.versions.aggregate(last=Max("number"))["last"] + 1
    version = AgreementVersion.objects.create(
        agreement=agreement, number=number, amount_eur=amount_eur, starts_on=starts_on,
        duration_months=duration_months, conditions=agreement.decision.conditions, reason=reason,
        created_by=user, **commitments_of(agreement.dossier),
    )  # fmt: skip
    _mail_after_commit(
        f"[Logement accompagné] Avenant à signer : {agreement.dossier}",
        f"Bonjour,\n\nUn avenant à la convention du projet « {agreement.dossier} » attend votre signature.\n"
        f"Objet : {reason}\n\nConnectez-vous à la plateforme pour le lire et le signer.\n",
        {
            *selectors.carrier_signatories_of(agreement.dossier),
            *selectors.state_signatories_of(agreement.dossier),
        },
    )
    return version


@transaction.atomic
def add_tranche(
    *, user, agreement: Agreement, label: str, due_on: datetime.date, amount_eur: Decimal,
    after_report: int | None = None,
) -> Tranche:  # fmt: skip
    """Plan a tranche while a version awaits signature: the schedule is part of what both sides sign."""
    agreement = _lock(agreement)
    _require(selectors.roles_on(user, agreement.dossier).departmental)
    pending = selectors.pending_version(agreement)
    if pending is None or pending.carrier_signed_at or pending.state_signed_at:
        raise InvalidTransition(
            "L'échéancier se modifie avant les signatures : ouvrez un avenant pour le changer."
        )
    if not label.strip():
        raise ValidationError({"label": "Donnez un libellé à la tranche."})
    if amount_eur is None or amount_eur <= 0:
        raise ValidationError({"amount_eur": "Le montant d'une tranche doit être positif."})
    planned = selectors.planned_total(agreement)
    if planned + amount_eur > pending.amount_eur:
        raise ValidationError(
            {"amount_eur": f"Les tranches prévues ({french_eur(planned + amount_eur)}) dépasseraient le "
             f"montant de la convention ({french_eur(pending.amount_eur)})."}
        )  # fmt: skip
    if after_report is not None and after_report not in {
        row["number"] for row in report_schedule(pending.starts_on, pending.duration_months)
    }:
        raise ValidationError({"after_report": "Ce rapport n'est pas prévu par la convention."})
    position = (agreement.tranches.aggregate(last=Max("position"))["last"] or 0) + 1
    return Tranche.objects.create(
        agreement=agreement, position=position, label=label.strip(), due_on=due_on, amount_eur=amount_eur,
        after_report=after_report,
    )  # fmt: skip


@transaction.atomic
def sign(*, user, agreement: Agreement) -> AgreementVersion:
    """Sign the version awaiting signatures, for the side the person may sign for. Once both sides
    signed, the version comes into force: its amount, start and duration become the agreement's and
    the reports are scheduled from them."""
    agreement = _lock(agreement)
    roles = selectors.roles_on(user, agreement.dossier)
    _require(
        roles.carrier_signatory is not None or roles.state_signatory is not None,
        "Seuls l'administrateur de l'organisme porteur et le chef du service départemental de l'État "
        "signent la convention.",
    )
    pending = selectors.pending_version(agreement)
    if pending is None:
        raise InvalidTransition("Aucune version de la convention n'attend de signature.")
    pending = AgreementVersion.objects.select_for_update().get(pk=pending.pk)
    planned = selectors.planned_total(agreement)
    if planned != pending.amount_eur:
        raise ValidationError(
            f"L'échéancier ({french_eur(planned)}) doit couvrir exactement le montant de la convention "
            f"({french_eur(pending.amount_eur)}) avant la signature."
        )
    now = timezone.now()
    if roles.carrier_signatory is not None and pending.carrier_signed_at is None:
        pending.carrier_signed_by, pending.carrier_signed_at = user, now
        pending.carrier_organisation = roles.carrier_signatory
        other_side = {*selectors.state_signatories_of(agreement.dossier),
                      *reviewers_in_charge(agreement.dossier, Status.SUBMITTED)}  # fmt: skip
    elif roles.state_signatory is not None and pending.state_signed_at is None:
        pending.state_signed_by, pending.state_signed_at = user, now
        pending.state_organisation = roles.state_signatory
        other_side = {*selectors.carrier_signatories_of(agreement.dossier), *carriers_of(agreement.dossier)}
    else:
        raise InvalidTransition("Vous avez déjà signé cette version de la convention.")
    if pending.signed:
        if pending.amount_eur < agreement.paid_eur:
            raise ValidationError(
                f"Le montant de cet avenant ({french_eur(pending.amount_eur)}) est inférieur aux sommes "
                f"déjà versées ({french_eur(agreement.paid_eur)})."
            )
        pending.schedule = [
            {"position": t.position, "label": t.label, "due_on": t.due_on.isoformat(),
             "amount_eur": str(t.amount_eur), "status": t.status, "after_report": t.after_report}
            for t in agreement.tranches.all()
        ]  # fmt: skip
        agreement.amount_eur = pending.amount_eur
        agreement.starts_on = pending.starts_on
        agreement.duration_months = pending.duration_months
        agreement.in_force_version = pending.number
        agreement.save(update_fields=["amount_eur", "starts_on", "duration_months", "in_force_version"])
        schedule_reports(agreement)
    pending.save()
    what = str(pending)
    _mail_after_commit(
        f"[Logement accompagné] {what} signée : {agreement.dossier}",
        f"Bonjour,\n\n{user} a signé {what.lower()} du projet « {agreement.dossier} »"
        + (" : elle est en vigueur.\n" if pending.signed else " : votre signature est attendue.\n")
        + "\nConnectez-vous à la plateforme pour la consulter.\n",
        other_side,
    )
    logger.info("agreement %s version %s signed by %s", agreement.pk, pending.number, user.pk)
    return pending


def schedule_reports(agreement: Agreement) -> None:
    """Create or move the reports the version in force asks for; filed reports never move."""
    wanted = {row["number"]: row for row in report_schedule(agreement.starts_on, agreement.duration_months)}
    existing = {report.number: report for report in agreement.reports.all()}
    for number, row in wanted.items():
        report = existing.get(number)
        if report is None:
            Report.objects.create(agreement=agreement, **row)
        elif report.status == ReportStatus.DUE:
            Report.objects.filter(pk=report.pk).update(**{k: v for k, v in row.items() if k != "number"})
    for number, report in existing.items():
        if number not in wanted and report.status == ReportStatus.DUE:
            report.delete()


# --- payments -------------------------------------------------------------------------------------


def _tranche_of(agreement: Agreement, tranche: Tranche) -> Tranche:
    return Tranche.objects.select_for_update().get(pk=tranche.pk, agreement=agreement)


@transaction.atomic
def request_payment(*, user, tranche: Tranche) -> Tranche:
    """The carrier asks for a planned tranche to be paid."""
    agreement = _lock(tranche.agreement)
    _require(selectors.roles_on(user, agreement.dossier).carrier)
    _require_in_force(agreement)
    tranche = _tranche_of(agreement, tranche)
    if tranche.status != TrancheStatus.PLANNED:
        raise InvalidTransition(f"Cette tranche est déjà « {tranche.get_status_display().lower()} ».")
    tranche.status, tranche.requested_by, tranche.requested_at = TrancheStatus.REQUESTED, user, timezone.now()
    tranche.save(update_fields=["status", "requested_by", "requested_at"])
    _mail_after_commit(
        f"[Logement accompagné] Demande de versement : {agreement.dossier}",
        f"Bonjour,\n\n{user} demande le versement de la tranche « {tranche.label} » "
        f"({french_eur(tranche.amount_eur)}) du projet « {agreement.dossier} ».\n",
        reviewers_in_charge(agreement.dossier, Status.SUBMITTED),
    )
    return tranche


@transaction.atomic
def record_payment(*, user, tranche: Tranche, paid_on: datetime.date | None = None) -> Tranche:
    """The departmental service records that a tranche was paid. Refused when the tranche waits for a
    report not validated yet, or when the total paid would exceed the amount granted."""
    agreement = _lock(tranche.agreement)
    _require(selectors.roles_on(user, agreement.dossier).departmental)
    _require_in_force(agreement)
    tranche = _tranche_of(agreement, tranche)
    if tranche.status == TrancheStatus.PAID:
        raise InvalidTransition("Cette tranche est déjà versée.")
    if tranche.after_report is not None:
        report = agreement.reports.filter(number=tranche.after_report).first()
        if report is None or report.status != ReportStatus.VALIDATED:
            title = report.title.lower() if report else f"rapport n° {tranche.after_report}"
            raise ValidationError(
                f"Cette tranche se verse après validation du {title} par le service départemental.",
                code="report_not_validated",
            )
    if agreement.paid_eur + tranche.amount_eur > agreement.amount_eur:
        raise ValidationError(
            f"Ce versement ({french_eur(tranche.amount_eur)}) porterait le total versé à "
            f"{french_eur(agreement.paid_eur + tranche.amount_eur)}, au-delà du montant accordé "
            f"({french_eur(agreement.amount_eur)}).",
            code="above_grant",
        )
    tranche.status, tranche.paid_by = TrancheStatus.PAID, user
    tranche.paid_on = paid_on or timezone.localdate()
    tranche.save(update_fields=["status", "paid_by", "paid_on"])
    # The database checks the new total against the amount in force (agreement_paid_within_amount).
    Agreement.objects.filter(pk=agreement.pk).update(paid_eur=F("paid_eur") + tranche.amount_eur)
    _mail_after_commit(
        f"[Logement accompagné] Versement effectué : {agreement.dossier}",
        f"Bonjour,\n\nLa tranche « {tranche.label} » ({french_eur(tranche.amount_eur)}) du projet "
        f"« {agreement.dossier} » a été versée le {tranche.paid_on:%d/%m/%Y}.\n",
        carriers_of(agreement.dossier),
    )
    logger.info("agreement %s tranche %s paid by %s", agreement.pk, tranche.pk, user.pk)
    return tranche


# --- reports --------------------------------------------------------------------------------------


@transaction.atomic
def file_report(
    *, user, report: Report, households_accompanied: int | None, diagnostics: int | None,
    dwellings: int | None, narrative: str, variance_explanation: str = "",
) -> Report:  # fmt: skip
    """The carrier files a report (or files it again after the service asked for more). The figures
    compared at filing are kept with it; a flagged variance must be explained."""
    agreement = _lock(report.agreement)
    _require(selectors.roles_on(user, agreement.dossier).carrier)
    _require_in_force(agreement)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.DUE, ReportStatus.MORE_REQUESTED):
        raise InvalidTransition(f"Ce rapport est déjà « {report.get_status_display().lower()} ».")
    if not narrative.strip():
        raise ValidationError({"narrative": "Décrivez le bilan de l'action sur la période."})
    declared = {"households_accompanied": households_accompanied, "diagnostics": diagnostics,
                "dwellings": dwellings}  # fmt: skip
    report.agreement = agreement
    rows = selectors.report_comparison(report, declared)
    flagged = [row["label"] for row in rows if row["variance"] or row["differs_from_records"]]
    if flagged and not variance_explanation.strip():
        raise ValidationError(
            {"variance_explanation": "Expliquez les écarts signalés : " + ", ".join(flagged).lower() + "."}
        )
    report.households_accompanied, report.diagnostics, report.dwellings = (
        households_accompanied, diagnostics, dwellings,
    )  # fmt: skip
    report.narrative, report.variance_explanation = narrative.strip(), variance_explanation.strip()
    report.comparison = {"rows": [{k: (f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in row.items()}
                                  for row in rows], "flagged": flagged}  # fmt: skip
    report.status, report.filed_by, report.filed_at = ReportStatus.FILED, user, timezone.now()
    report.save()
    _mail_after_commit(
        f"[Logement accompagné] {report.title} déposé : {agreement.dossier}",
        f"Bonjour,\n\n{user} a déposé le {report.title.lower()} du projet « {agreement.dossier} »."
        + (f"\nÉcarts signalés : {', '.join(flagged)}." if flagged else "")
        + "\n\nConnectez-vous à la plateforme pour le valider ou demander des compléments.\n",
        reviewers_in_charge(agreement.dossier, Status.SUBMITTED),
    )
    return report


@transaction.atomic
def review_report(*, user, report: Report, validated: bool, comment: str = "") -> Report:
    """The departmental service validates a filed report or asks the carrier for more."""
    agreement = _lock(report.agreement)
    _require(selectors.roles_on(user, agreement.dossier).departmental)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.FILED:
        raise InvalidTransition(
            f"Ce rapport est « {report.get_status_display().lower()} » : rien à instruire."
        )
    comment = comment.strip()
    if not validated and not comment:
        raise ValidationError({"comment": "Dites au porteur ce qu'il doit compléter."})
    report.status = ReportStatus.VALIDATED if validated else ReportStatus.MORE_REQUESTED
    report.reviewed_by, report.reviewed_at, report.review_comment = user, timezone.now(), comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    verdict = "validé" if validated else "à compléter"
    _mail_after_commit(
        f"[Logement accompagné] {report.title} {verdict} : {agreement.dossier}",
        f"Bonjour,\n\nLe service départemental a instruit le {report.title.lower()} du projet "
        f"« {agreement.dossier} » : {verdict}.\n" + (f"\nObservations :\n{comment}\n" if comment else ""),
        carriers_of(agreement.dossier),
    )
    return report


def send_report_reminders(today: datetime.date | None = None) -> dict:
    """E-mail the carriers before a report is due (once, 14 days ahead) and when it is late (then every
    7 days, the departmental service in copy). Idempotent: each report is claimed by a compare-and-swap
    update of its reminder date before its e-mail goes, so a second run the same day sends nothing."""
    today = today or timezone.localdate()
    soon, late = selectors.reports_needing_reminder(
        today, before_days=REMIND_BEFORE_DAYS, late_every_days=REMIND_LATE_EVERY_DAYS
    )
    sent = {"before": 0, "late": 0}
    for report in soon:
        with transaction.atomic():
            if not Report.objects.filter(pk=report.pk, reminded_on__isnull=True).update(reminded_on=today):
                continue
            dossier = report.agreement.dossier
            _mail_after_commit(
                f"[Logement accompagné] {report.title} à déposer avant le {report.due_on:%d/%m/%Y} : {dossier}",
                f"Bonjour,\n\nLe {report.title.lower()} du projet « {dossier} » est à déposer sur la plateforme "
                f"avant le {report.due_on:%d/%m/%Y}.\nIl est pré-rempli avec les engagements de la convention "
                "et ce que montrent vos registres.\n",
                carriers_of(dossier),
                now=True,
            )
            sent["before"] += 1
    for report in late:
        with transaction.atomic():
            claimed = Report.objects.filter(pk=report.pk, late_reminded_on=report.late_reminded_on).update(
                late_reminded_on=today
            )
            if not claimed:
                continue
            dossier = report.agreement.dossier
            _mail_after_commit(
                f"[Logement accompagné] {report.title} en retard : {dossier}",
                f"Bonjour,\n\nLe {report.title.lower()} du projet « {dossier} » était à déposer le "
                f"{report.due_on:%d/%m/%Y} : il est en retard.\nDéposez-le sur la plateforme ; le service "
                "départemental de l'État est en copie de ce message.\n",
                {*carriers_of(dossier), *reviewers_in_charge(dossier, Status.SUBMITTED)},
                now=True,
            )
            sent["late"] += 1
    return sent
