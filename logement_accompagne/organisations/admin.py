from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .models import Membership, MembershipEvent, Organisation, User


def _state(membership: Membership | None) -> tuple | None:
    return (membership.organisation, membership.role) if membership is not None else None


def _stored(membership: Membership) -> Membership | None:
    if membership.pk is None:
        return None
    return Membership.objects.select_related("organisation").filter(pk=membership.pk).first()


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "state_service", "department", "region", "needs_review"]
    list_filter = ["kind", "state_service", "needs_review", "region"]
    search_fields = ["name", "siren"]
    autocomplete_fields = ["department", "region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    # Plain multiple selects and read-only dates: Django's two-box filter and split date widgets
    # fail axe-core (labels, ARIA) and the dates are the platform's to write.
    filter_horizontal = ()
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_formset(self, request, form, formset, change):
        # Memberships changed here are logged like those changed on the pages (the history is complete).
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        before = {f.instance.pk: _state(_stored(f.instance)) for f in formset.forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects:
            services.log_back_office_change(actor=request.user, person=membership.user, before=None,
                                            after=_state(membership))  # fmt: skip
        for membership, _fields in formset.changed_objects:
            services.log_back_office_change(actor=request.user, person=membership.user,
                                            before=before.get(membership.pk), after=_state(membership))  # fmt: skip
        for membership in formset.deleted_objects:
            services.log_back_office_change(actor=request.user, person=membership.user,
                                            before=before.get(membership.pk), after=None)  # fmt: skip


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    # Changes made here are logged like those made on the pages (the membership history is complete).
    def save_model(self, request, obj, form, change):
        stored = _stored(obj)
        before = _state(stored)
        person = stored.user if stored is not None else obj.user
        super().save_model(request, obj, form, change)
        if stored is not None and stored.user_id != obj.user_id:
            services.log_back_office_change(actor=request.user, person=person, before=before, after=None)
            before = None
        services.log_back_office_change(actor=request.user, person=obj.user, before=before, after=_state(obj))

    def delete_model(self, request, obj):
        before = _state(_stored(obj))
        super().delete_model(request, obj)
        services.log_back_office_change(actor=request.user, person=obj.user, before=before, after=None)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("organisation", "user"):
            self.delete_model(request, membership)


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    """The membership history, readable by the operators and changed by no one."""

    list_display = [
        "at",
        "organisation",
        "person_email",
        "action",
        "role_before",
        "role_after",
        "actor_email",
    ]
    list_filter = ["action"]
    search_fields = ["person_email", "actor_email", "organisation__name"]
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
