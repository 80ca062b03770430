from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Membership, MembershipEvent, Organisation, User


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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


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
