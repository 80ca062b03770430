"""Households accompanied by selected projects, and everything recorded about their support.

A household has a pseudonymous reference seen at every level; its members' names,
contact details and dates of birth (`Member`) and the free-text notes are personal
data, seen only by the support workers of the projects that accompany it, and
deleted by `purge_personal_data` two years after the last contact. The structured
records (episodes, contacts, tenancy, arrears) carry no name and stay, so the
programme's figures survive the deletion; the `OutcomeSnapshot` keeps the
pseudonymous outcome (year-month dates, department, composition band, destination).

What must never be stored is refused by the database itself (CheckConstraint,
UniqueConstraint, and two triggers for the rule that spans tables: no contact after
the end of the support).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from logement_accompagne.dossiers.models import Dossier
from logement_accompagne.organisations.models import Organisation
from logement_accompagne.territories.models import Department

from .enums import (
    PROCEDURE_STAGES,
    ArrearsStep,
    Channel,
    CompositionBand,
    ContactKind,
    ContactResult,
    Destination,
    DwellingType,
    EndReason,
    HeadOfHousehold,
    Intensity,
    LeaseKind,
    Need,
    ObjectiveStatus,
    Phase,
    ReferralSource,
    ResourcesCategory,
    SupportKind,
    TenancyChange,
)

MONEY = {"max_digits": 10, "decimal_places": 2}
# No 0/O, 1/I/L: a reference is read aloud on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "M-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


def _valid(field: str, choices) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=f"%(class)s_{field}_valid", condition=Q(**{f"{field}__in": choices.values})
    )


def _not_before(later: str, earlier: str, message: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=f"%(class)s_{later}_after_{earlier}",
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        violation_error_message=message,
    )


class ProjectSettings(models.Model):
    """Per-project choices of the support (the review rhythm)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="household_settings")
    review_every_months = models.PositiveSmallIntegerField("bilan tous les (mois)", default=2)

    class Meta:
        verbose_name = "réglage du suivi des ménages"
        constraints = [
            models.CheckConstraint(
                name="review_every_1_to_12_months",
                condition=Q(review_every_months__gte=1) & Q(review_every_months__lte=12),
                violation_error_message="Le rythme des bilans est compris entre 1 et 12 mois.",
            )
        ]

    def __str__(self) -> str:
        return f"Réglages du suivi — {self.dossier}"


class ListVersion(models.Model):
    """A number that changes with anything a project's household list shows but the names: its
    households' supports, their contacts, their arrears cases, the review rhythm. The key under which
    the list's pseudonymous rows are cached (households.listing); written by nothing else."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="household_list_version"
    )
    number = models.PositiveBigIntegerField("version", default=0)

    class Meta:
        verbose_name = "version de la liste des ménages"

    def __str__(self) -> str:
        return f"Liste des ménages du projet {self.dossier_id} : version {self.number}"


class Household(models.Model):
    reference = models.CharField(
        "référence", max_length=12, unique=True, default=new_reference, editable=False
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="département"
    )
    resources_category = models.CharField(
        "ressources", max_length=24, choices=ResourcesCategory.choices, default=ResourcesCategory.UNKNOWN
    )
    # Identifiers from other systems: entered once (unique), reused everywhere, never re-typed.
    sne_number = models.CharField("numéro unique SNE", max_length=32, blank=True, default="")
    siao_file = models.CharField("dossier SI-SIAO", max_length=32, blank=True, default="")
    dalo_decision = models.CharField("décision DALO", max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purge_notice_on = models.DateField("accompagnateur prévenu de la suppression le", null=True, blank=True)
    purged_at = models.DateTimeField("données personnelles supprimées le", null=True, blank=True)

    class Meta:
        verbose_name = "ménage"
        ordering = ["reference"]
        constraints = [
            _valid("resources_category", ResourcesCategory),
            *[
                models.UniqueConstraint(
                    name=f"household_{field}_entered_once",
                    fields=[field],
                    condition=~Q(**{field: ""}),
                    violation_error_message="Cet identifiant est déjà enregistré pour un autre ménage.",
                )
                for field in ("sne_number", "siao_file", "dalo_decision")
            ],
            models.CheckConstraint(
                name="purged_household_keeps_no_identifier",
                condition=Q(purged_at__isnull=True) | Q(sne_number="", siao_file="", dalo_decision=""),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Member(models.Model):
    """Personal data: seen only by the accompanying organisations, deleted by the purge."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    phone = models.CharField("téléphone", max_length=32, blank=True, default="")
    email = models.EmailField("courriel", blank=True, default="")
    is_head = models.BooleanField("référent du ménage", default=False)

    class Meta:
        verbose_name = "membre du ménage"
        ordering = ["-is_head", "id"]
        constraints = [
            models.UniqueConstraint(
                name="one_head_per_household",
                fields=["household"],
                condition=Q(is_head=True),
                violation_error_message="Le ménage a déjà un référent.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Composition(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="compositions")
    valid_from = models.DateField("à partir du")
    adults = models.PositiveSmallIntegerField("adultes")
    children = models.PositiveSmallIntegerField("enfants", default=0)
    head = models.CharField("chef de ménage", max_length=16, choices=HeadOfHousehold.choices)

    class Meta:
        verbose_name = "composition du ménage"
        ordering = ["valid_from"]
        constraints = [
            _valid("head", HeadOfHousehold),
            models.UniqueConstraint(name="one_composition_per_date", fields=["household", "valid_from"]),
            models.CheckConstraint(
                name="composition_has_an_adult",
                condition=Q(adults__gte=1) & Q(adults__lte=20) & Q(children__lte=20),
                violation_error_message="Un ménage compte au moins un adulte.",
            ),
            models.CheckConstraint(
                name="couple_has_two_adults",
                condition=~Q(head=HeadOfHousehold.COUPLE) | Q(adults__gte=2),
                violation_error_message="Un couple compte au moins deux adultes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.adults} adulte(s), {self.children} enfant(s) au {self.valid_from:%d/%m/%Y}"

    @property
    def band(self) -> str:
        return composition_band(self.head, self.children)


def composition_band(head: str | None, children: int | None) -> str:
    if head is None:
        return CompositionBand.UNKNOWN
    if head == HeadOfHousehold.COUPLE:
        return CompositionBand.COUPLE_WITH_CHILDREN if children else CompositionBand.COUPLE
    if head in (HeadOfHousehold.SINGLE_WOMAN, HeadOfHousehold.SINGLE_MAN):
        return CompositionBand.SINGLE_PARENT if children else CompositionBand.SINGLE
    return CompositionBand.OTHER


class SupportEpisode(models.Model):
    """One support of one household by one selected project, from referral to exit."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="episodes")
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="support_episodes", verbose_name="projet"
    )
    kind = models.CharField("nature", max_length=16, choices=SupportKind.choices)
    referral_source = models.CharField("orientation par", max_length=24, choices=ReferralSource.choices)
    intensity = models.CharField(
        "intensité", max_length=8, choices=Intensity.choices, default=Intensity.MEDIUM
    )
    phase = models.PositiveSmallIntegerField("phase", choices=Phase.choices, default=Phase.DIAGNOSTIC)
    referred_on = models.DateField("orienté le")
    first_contact_on = models.DateField("premier contact le", null=True, blank=True)
    diagnostic_on = models.DateField("diagnostic le", null=True, blank=True)
    plan_signed_on = models.DateField("plan signé le", null=True, blank=True)
    moved_in_on = models.DateField("entrée dans le logement le", null=True, blank=True)
    lease_transferred_on = models.DateField("bail glissé le", null=True, blank=True)
    ended_on = models.DateField("fin de l'accompagnement le", null=True, blank=True)
    end_reason = models.CharField(
        "motif de fin", max_length=16, choices=EndReason.choices, blank=True, default=""
    )
    destination = models.CharField(
        "situation à la sortie", max_length=24, choices=Destination.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The household's reference copied (it never changes): the project's list is ordered by it, and a
    # page of 50 out of 1 600 households is then chosen from one index, without reading the households
    # (issue #9). Filled by save() and by the reference data's generator. Nullable only so that SQLite
    # adds the column in place: rebuilding the table would drop its trigger (0002_no_contact_after_exit).
    household_reference = models.CharField("référence du ménage", max_length=12, editable=False, null=True)  # noqa: DJ001

    class Meta:
        verbose_name = "accompagnement"
        ordering = ["-referred_on", "-id"]
        # The list's filters and order (selectors.LIST_ORDER) read from this index alone.
        indexes = [
            # (the primary key in it too: PostgreSQL reads a page of ids from the index only)
            models.Index(fields=["dossier", "ended_on", "household_reference", "id"], name="episode_list_idx")
        ]
        constraints = [
            _valid("kind", SupportKind),
            _valid("referral_source", ReferralSource),
            _valid("intensity", Intensity),
            _valid("phase", Phase),
            models.CheckConstraint(
                name="episode_end_reason_valid", condition=Q(end_reason__in=["", *EndReason.values])
            ),
            models.CheckConstraint(
                name="episode_destination_valid", condition=Q(destination__in=["", *Destination.values])
            ),
            _not_before(
                "first_contact_on", "referred_on", "Le premier contact ne peut pas précéder l'orientation."
            ),
            _not_before("diagnostic_on", "referred_on", "Le diagnostic ne peut pas précéder l'orientation."),
            _not_before(
                "plan_signed_on", "diagnostic_on", "Le plan ne peut pas être signé avant le diagnostic."
            ),
            _not_before(
                "moved_in_on", "referred_on", "L'entrée dans le logement ne peut pas précéder l'orientation."
            ),
            _not_before("lease_transferred_on", "moved_in_on", "Le bail ne peut pas glisser avant l'entrée."),
            *[
                _not_before("ended_on", milestone, "La sortie ne peut pas précéder l'entrée ni une étape.")
                for milestone in (
                    "referred_on",
                    "first_contact_on",
                    "diagnostic_on",
                    "plan_signed_on",
                    "moved_in_on",
                    "lease_transferred_on",
                )
            ],  # fmt: skip
            models.CheckConstraint(
                name="episode_transfer_needs_move_in",
                condition=Q(lease_transferred_on__isnull=True) | Q(moved_in_on__isnull=False),
                violation_error_message="Un bail ne glisse qu'après l'entrée dans le logement.",
            ),
            models.CheckConstraint(
                name="episode_end_has_reason",
                condition=(Q(ended_on__isnull=True) & Q(end_reason="") & Q(destination=""))
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                violation_error_message="Une fin d'accompagnement a une date et un motif.",
            ),
            models.CheckConstraint(
                name="episode_end_has_destination",
                condition=Q(ended_on__isnull=True) | Q(kind=SupportKind.DIAGNOSTIC) | ~Q(destination=""),
                violation_error_message="Indiquez la situation du ménage à la sortie.",
            ),
            models.CheckConstraint(
                name="episode_no_measure_only_after_diagnostic",
                condition=~Q(end_reason=EndReason.NO_MEASURE) | Q(kind=SupportKind.DIAGNOSTIC),
                violation_error_message="« Non lieu à mesure » ne conclut qu'un diagnostic seul.",
            ),
            models.CheckConstraint(
                name="episode_diagnostic_only_stays_a_diagnostic",
                condition=~Q(kind=SupportKind.DIAGNOSTIC)
                | Q(phase=Phase.DIAGNOSTIC, plan_signed_on__isnull=True, moved_in_on__isnull=True),
                violation_error_message="Un diagnostic seul n'a ni plan ni entrée dans un logement.",
            ),
            models.CheckConstraint(
                name="episode_transferred_destination_has_transfer",
                condition=~Q(destination=Destination.LEASE_TRANSFERRED)
                | Q(lease_transferred_on__isnull=False),
                violation_error_message="Une sortie « bail glissé » suppose la date du glissement.",
            ),
            models.UniqueConstraint(
                name="one_open_episode_per_household",
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                violation_error_message="Ce ménage a déjà un accompagnement en cours.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household.reference} — {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self.household_reference and self.household_id is not None:
            self.household_reference = self.household.reference
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "household_reference"}
        super().save(*args, **kwargs)


class PhaseChange(models.Model):
    """The log of phase changes; going back needs a reason (refused by the database otherwise)."""

    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    to_phase = models.PositiveSmallIntegerField(choices=Phase.choices)
    on = models.DateField("le")
    reason = models.TextField("motif", blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "changement de phase"
        ordering = ["on", "id"]
        constraints = [
            _valid("from_phase", Phase),
            _valid("to_phase", Phase),
            models.CheckConstraint(name="phase_change_changes", condition=~Q(to_phase=F("from_phase"))),
            models.CheckConstraint(
                name="phase_back_needs_reason",
                condition=Q(to_phase__gt=F("from_phase")) | ~Q(reason=""),
                violation_error_message="Revenir à une phase antérieure demande un motif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_phase_display()} → {self.get_to_phase_display()}"


class Diagnostic(models.Model):
    episode = models.OneToOneField(SupportEpisode, on_delete=models.CASCADE, related_name="diagnostic")
    carried_out_on = models.DateField("réalisé le")
    housing = models.CharField("logement", max_length=8, choices=Need.choices, default=Need.NONE)
    budget = models.CharField("budget et dettes", max_length=8, choices=Need.choices, default=Need.NONE)
    health = models.CharField("santé", max_length=8, choices=Need.choices, default=Need.NONE)
    employment = models.CharField("emploi, formation", max_length=8, choices=Need.choices, default=Need.NONE)
    rights = models.CharField("accès aux droits", max_length=8, choices=Need.choices, default=Need.NONE)
    summary = models.TextField("synthèse (factuelle)", blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    AREAS = ("housing", "budget", "health", "employment", "rights")

    class Meta:
        verbose_name = "diagnostic"
        constraints = [_valid(area, Need) for area in ("housing", "budget", "health", "employment", "rights")]

    def __str__(self) -> str:
        return f"Diagnostic du {self.carried_out_on:%d/%m/%Y}"


class Objective(models.Model):
    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField("objectif", max_length=300)
    is_final = models.BooleanField("objectif final", default=False)
    status = models.CharField(
        "état", max_length=16, choices=ObjectiveStatus.choices, default=ObjectiveStatus.TODO
    )
    due_on = models.DateField("échéance", null=True, blank=True)
    status_changed_on = models.DateField("état au", null=True, blank=True)

    class Meta:
        verbose_name = "objectif du plan"
        ordering = ["-is_final", "due_on", "id"]
        constraints = [_valid("status", ObjectiveStatus)]

    def __str__(self) -> str:
        return self.title


class Contact(models.Model):
    """A contact or an event: the aller-vers log (attempts until the household is reached)."""

    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="contacts")
    happened_on = models.DateField("date")
    kind = models.CharField("type", max_length=16, choices=ContactKind.choices)
    channel = models.CharField("canal", max_length=16, choices=Channel.choices)
    result = models.CharField("résultat", max_length=16, choices=ContactResult.choices)
    note = models.TextField("note (factuelle, lisible par le ménage)", blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "contact"
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(fields=["episode", "happened_on"]),
            # The reviews of each episode by day, read alone by the steering figures (reviews on time,
            # overdue reviews) out of a million contacts (make bench, issue #11).
            models.Index(
                fields=["episode", "happened_on"],
                condition=Q(kind=ContactKind.REVIEW),
                name="contact_review_days_idx",
            ),
        ]
        constraints = [
            _valid("kind", ContactKind),
            _valid("channel", Channel),
            _valid("result", ContactResult),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}) le {self.happened_on:%d/%m/%Y}"


class PrivateNote(models.Model):
    """Visible to its author only (the shared, factual notes are on contacts)."""

    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField("note privée")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "note privée"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note privée du {self.created_at:%d/%m/%Y}"


class TenancyPeriod(models.Model):
    """The dwelling and the lease from `starts_on`, until the next period: each change is a new row."""

    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="tenancy_periods")
    starts_on = models.DateField("à partir du")
    change = models.CharField("changement", max_length=16, choices=TenancyChange.choices)
    landlord = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bailleur",
    )
    landlord_name = models.CharField(
        "bailleur (s'il n'est pas sur la plateforme)", max_length=255, blank=True, default=""
    )
    commune_code = models.CharField("commune (code INSEE)", max_length=5)
    dwelling_type = models.CharField("typologie", max_length=2, choices=DwellingType.choices)
    plai = models.BooleanField("financé en PLAI", default=False)
    rent_eur = models.DecimalField("loyer mensuel charges comprises (€)", **MONEY)
    lease_kind = models.CharField("bail", max_length=8, choices=LeaseKind.choices)
    previous_lease_kind = models.CharField(max_length=8, choices=LeaseKind.choices, blank=True, default="")
    address = models.CharField("adresse", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "période de location"
        ordering = ["starts_on", "id"]
        constraints = [
            _valid("change", TenancyChange),
            _valid("dwelling_type", DwellingType),
            _valid("lease_kind", LeaseKind),
            models.CheckConstraint(
                name="tenancy_previous_lease_valid",
                condition=Q(previous_lease_kind__in=["", *LeaseKind.values]),
            ),
            models.UniqueConstraint(name="one_tenancy_change_per_day", fields=["episode", "starts_on"]),
            models.CheckConstraint(
                name="tenancy_rent_positive",
                condition=Q(rent_eur__gte=0) & Q(rent_eur__lt=10000),
                violation_error_message="Le loyer est un montant mensuel positif.",
            ),  # fmt: skip
            models.CheckConstraint(
                name="lease_transfer_only_from_sublet",
                condition=~Q(change=TenancyChange.LEASE_TRANSFER)
                | (
                    Q(previous_lease_kind__in=[LeaseKind.SUBLET, LeaseKind.SLIDING])
                    & Q(lease_kind=LeaseKind.DIRECT)
                ),
                violation_error_message="Un bail ne glisse que d'une sous-location ou d'un bail glissant vers un bail direct.",
            ),
            models.CheckConstraint(
                name="tenancy_commune_is_a_code", condition=Q(commune_code__regex=r"^[0-9][0-9AB][0-9]{3}$")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()} le {self.starts_on:%d/%m/%Y}"


class ArrearsCase(models.Model):
    episode = models.ForeignKey(SupportEpisode, on_delete=models.CASCADE, related_name="arrears_cases")
    detected_on = models.DateField("impayé repéré le")
    first_unpaid_rent_on = models.DateField("premier loyer impayé")
    repayment_plan_monthly_eur = models.DecimalField(
        "plan d'apurement (€ par mois)", null=True, blank=True, **MONEY
    )
    closed_on = models.DateField("dette soldée ou dossier clos le", null=True, blank=True)

    class Meta:
        verbose_name = "impayé"
        ordering = ["detected_on"]
        constraints = [
            _not_before(
                "detected_on", "first_unpaid_rent_on", "L'impayé est repéré après le premier loyer impayé."
            ),
            _not_before("closed_on", "detected_on", "La clôture ne peut pas précéder le repérage."),
            models.CheckConstraint(
                name="repayment_plan_positive",
                condition=Q(repayment_plan_monthly_eur__isnull=True) | Q(repayment_plan_monthly_eur__gt=0),
            ),
            models.UniqueConstraint(
                name="one_open_arrears_case_per_episode",
                fields=["episode"],
                condition=Q(closed_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Impayé repéré le {self.detected_on:%d/%m/%Y}"


class ArrearsBalance(models.Model):
    case = models.ForeignKey(ArrearsCase, on_delete=models.CASCADE, related_name="balances")
    on = models.DateField("au")
    amount_eur = models.DecimalField("dette locative (€)", **MONEY)

    class Meta:
        verbose_name = "montant de la dette"
        ordering = ["on"]
        constraints = [
            models.UniqueConstraint(name="one_balance_per_day", fields=["case", "on"]),
            models.CheckConstraint(
                name="arrears_balance_positive",
                condition=Q(amount_eur__gte=0),
                violation_error_message="Une dette est un montant positif (0 quand elle est soldée).",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.amount_eur} € au {self.on:%d/%m/%Y}"


class ArrearsEvent(models.Model):
    case = models.ForeignKey(ArrearsCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("étape", max_length=24, choices=ArrearsStep.choices)
    on = models.DateField("le")

    class Meta:
        verbose_name = "étape de l'impayé"
        ordering = ["on", "id"]
        constraints = [
            _valid("kind", ArrearsStep),
            models.UniqueConstraint(
                name="procedure_stage_reached_once",
                fields=["case", "kind"],
                condition=Q(kind__in=PROCEDURE_STAGES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} le {self.on:%d/%m/%Y}"


class OutcomeSnapshot(models.Model):
    """The pseudonymous outcome of an ended support: kept when personal data are deleted.

    Year-month dates only; the follow-up checks (still housed 6, 12 and 24 months after the end,
    arrears of more than 3 months one year after) are recorded here, so they are there before and
    after the purge alike.
    """

    episode = models.OneToOneField(
        SupportEpisode, on_delete=models.SET_NULL, null=True, related_name="outcome"
    )
    household_reference = models.CharField("référence du ménage", max_length=12)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=SupportKind.choices)
    referral_month = models.DateField("mois d'orientation")
    end_month = models.DateField("mois de sortie")
    destination = models.CharField(max_length=24, choices=Destination.choices, blank=True, default="")
    end_reason = models.CharField(max_length=16, choices=EndReason.choices)
    composition_band = models.CharField(
        max_length=16, choices=CompositionBand.choices, default=CompositionBand.UNKNOWN
    )
    housed_6_months = models.BooleanField("toujours logé à 6 mois", null=True, blank=True)
    housed_12_months = models.BooleanField("toujours logé à 12 mois", null=True, blank=True)
    housed_24_months = models.BooleanField("toujours logé à 24 mois", null=True, blank=True)
    arrears_over_3_months_at_12 = models.BooleanField(
        "plus de 3 mois d'impayés un an après", null=True, blank=True
    )

    class Meta:
        verbose_name = "devenir du ménage (pseudonyme)"
        ordering = ["-end_month"]
        constraints = [
            models.CheckConstraint(
                name="snapshot_months_are_months", condition=Q(referral_month__day=1) & Q(end_month__day=1)
            ),
            models.CheckConstraint(
                name="snapshot_end_after_referral", condition=Q(end_month__gte=F("referral_month"))
            ),
            _valid("composition_band", CompositionBand),
        ]

    def __str__(self) -> str:
        return f"{self.household_reference} — {self.get_destination_display()}"
