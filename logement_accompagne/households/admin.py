"""Back-office: pseudonymous views only (no member names here: they are read through the logged pages)."""

from django.contrib import admin

from .models import OutcomeSnapshot, PersonalDataRead, SupportEpisode


@admin.register(SupportEpisode)
class SupportEpisodeAdmin(admin.ModelAdmin):
    list_display = ("household", "dossier", "kind", "phase", "referred_on", "ended_on")
    list_filter = ("kind", "phase")
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutcomeSnapshot)
class OutcomeSnapshotAdmin(admin.ModelAdmin):
    list_display = ("household_reference", "dossier", "department", "end_month", "destination")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataRead)
class PersonalDataReadAdmin(admin.ModelAdmin):
    """The read log cannot be edited or deleted, even here."""

    list_display = ("at", "user", "household_reference", "what", "dossier")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
