"""Back-office: agreements, tranches and reports are read here, never written (every write goes through
grants.services, which checks roles, locks and keeps the paid total within the grant)."""

from django.contrib import admin

from .agreements import Agreement, AgreementVersion, Report, Tranche


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnly, admin.TabularInline):
    model = AgreementVersion
    fields = ("number", "amount_eur", "starts_on", "duration_months", "carrier_signed_by", "carrier_signed_at",
              "state_signed_by", "state_signed_at", "reason")  # fmt: skip
    readonly_fields = fields
    extra = 0


class TrancheInline(ReadOnly, admin.TabularInline):
    model = Tranche
    fields = ("position", "label", "due_on", "amount_eur", "status", "after_report", "paid_on")
    readonly_fields = fields
    extra = 0


class ReportInline(ReadOnly, admin.TabularInline):
    model = Report
    fields = ("number", "kind", "due_on", "status", "filed_at", "reviewed_at")
    readonly_fields = fields
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("dossier", "amount_eur", "paid_eur", "starts_on", "duration_months", "in_force_version")
    search_fields = ("dossier__name",)
    fields = list_display
    readonly_fields = list_display
    inlines = [VersionInline, TrancheInline, ReportInline]
