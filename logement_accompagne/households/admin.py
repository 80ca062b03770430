"""Back-office: pseudonymous views only (no member names here: they are read through the logged pages)."""

from django.contrib import admin

from .models import OutcomeSnapshot, SupportEpisode


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
