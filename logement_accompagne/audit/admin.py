"""The journal is visible to administrators and editable by no one (no add, change or delete)."""

from django.contrib import admin

from .models import FieldChange, PasswordResetRequest, ReadEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "email", "ip_address", "allowed"]
    list_filter = ["allowed"]
    search_fields = ["email", "ip_address"]
    date_hierarchy = "created_at"


@admin.register(FieldChange)
class FieldChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_email", "target_type", "target_id", "field", "before", "after"]
    list_filter = ["target_type", "field"]
    search_fields = ["target_id", "actor_email"]
    date_hierarchy = "at"
    list_select_related = False


@admin.register(ReadEntry)
class ReadEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_email", "target_type", "target_id", "household_ref", "detail"]
    list_filter = ["target_type"]
    search_fields = ["target_id", "actor_email", "household_ref"]
    date_hierarchy = "at"
