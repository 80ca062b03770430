"""Organisations (landlords, associations, State services), people and their roles.

A person logs in with an e-mail address and acts through memberships: one row
per (person, organisation, role). A State service is bound to its territory in
the database, so scoping never depends on free text.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from logement_accompagne.importer.textnorm import name_key
from logement_accompagne.territories.models import Department, Region

from .enums import OrganisationKind, Role, StateService


def organisation_name_key(name: str) -> str:
    """The name's comparison key (``importer.textnorm.name_key``), cut to the column's length."""
    return name_key(name)[:255]


class Organisation(models.Model):
    name = models.CharField("nom", max_length=255)
    # Kept in step with the name on save; lets imports match carriers whatever the spelling.
    name_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    kind = models.CharField("nature", max_length=32, choices=OrganisationKind.choices)
    state_service = models.CharField(
        "service de l'État", max_length=16, choices=StateService.choices, blank=True, default=""
    )
    siren = models.CharField("SIREN", max_length=9, blank=True, default="")
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name="département",
        help_text="Siège, ou territoire de compétence d'un service départemental de l'État.",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name="région",
        help_text="Territoire de compétence d'un service régional de l'État.",
    )
    needs_review = models.BooleanField(
        "à vérifier",
        default=False,
        help_text="Créée automatiquement (import d'un dossier) : à rapprocher d'une organisation connue.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="state_department_has_department",
                condition=~Q(kind=OrganisationKind.STATE_DEPARTMENT) | Q(department__isnull=False),
                violation_error_message="Un service départemental de l'État doit avoir un département.",
            ),
            models.CheckConstraint(
                name="state_region_has_region",
                condition=~Q(kind=OrganisationKind.STATE_REGION) | Q(region__isnull=False),
                violation_error_message="Un service régional de l'État doit avoir une région.",
            ),
            models.CheckConstraint(
                name="state_service_only_for_state",
                condition=Q(state_service="")
                | Q(
                    kind__in=[
                        OrganisationKind.STATE_DEPARTMENT,
                        OrganisationKind.STATE_REGION,
                        OrganisationKind.NATIONAL,
                    ]
                ),
                violation_error_message="Seul un service de l'État a un type de service.",
            ),
            models.UniqueConstraint(
                name="one_departmental_service_per_department_and_kind",
                fields=["department", "state_service"],
                condition=Q(kind=OrganisationKind.STATE_DEPARTMENT),
                violation_error_message="Ce service existe déjà pour ce département.",
            ),
            models.UniqueConstraint(
                name="one_regional_service_per_region_and_kind",
                fields=["region", "state_service"],
                condition=Q(kind=OrganisationKind.STATE_REGION),
                violation_error_message="Ce service existe déjà pour cette région.",
            ),
        ]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = organisation_name_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_staff = models.BooleanField("administrateur de la plateforme", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rattachement"
        constraints = [
            models.UniqueConstraint(
                name="unique_membership_role",
                fields=["user", "organisation", "role"],
                violation_error_message="Cette personne a déjà ce rôle dans cette organisation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class MembershipEvent(models.Model):
    """One line of an organisation's membership history: who invited, changed or ended whose role, when.

    Append-only (refuses updates and deletes); people are kept (PROTECT) and their addresses copied,
    so the history still says who after an address changes or a membership ends.
    """

    class Action(models.TextChoices):
        INVITED = "invited", "Invitation"
        ROLE_CHANGED = "role_changed", "Changement de rôle"
        ENDED = "ended", "Fin du rattachement"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="membership_events", verbose_name="organisation"
    )
    person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="membership_events", verbose_name="personne concernée"
    )
    person_email = models.CharField("adresse de la personne concernée", max_length=254)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="fait par"
    )
    actor_email = models.CharField("adresse de l'auteur", max_length=254, blank=True, default="")
    action = models.CharField("action", max_length=16, choices=Action.choices)
    role_before = models.CharField("rôle avant", max_length=32, choices=Role.choices, blank=True, default="")
    role_after = models.CharField("rôle après", max_length=32, choices=Role.choices, blank=True, default="")
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement de rattachement"
        verbose_name_plural = "changements de rattachement"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-at"], name="membership_event_org_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.person_email} — {self.organisation}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("L'historique des rattachements ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("L'historique des rattachements ne se supprime pas.")


class Notification(models.Model):
    """What the notification centre shows: one row per person told about something (the same
    subject and text as the e-mail, and the page it links to)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField("objet", max_length=255)
    body = models.TextField("texte", blank=True, default="")
    url = models.CharField("page", max_length=500, blank=True, default="")
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx")]

    def __str__(self) -> str:
        return self.subject


class NotificationVisit(models.Model):
    """When a person last opened the notification centre: what came after is « nouveau »."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    seen_at = models.DateTimeField("dernière visite")

    class Meta:
        verbose_name = "dernière visite des notifications"

    def __str__(self) -> str:
        return f"{self.user_id} : {self.seen_at:%d/%m/%Y %H:%M}"
