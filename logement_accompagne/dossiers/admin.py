"""The operator's back office. Workflow history and opinions are read-only here:
they are written by services only, and an opinion is never edited silently."""

from django.contrib import admin

from .models import (
    Attachment,
    CofundingLine,
    CommitteeDecision,
    CostLine,
    DepartmentalOpinion,
    Dossier,
    DossierCarrier,
    Message,
    RegionalOpinion,
    Transition,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CarrierInline(admin.TabularInline):
    model = DossierCarrier
    extra = 0
    autocomplete_fields = ["organisation"]


class CostLineInline(admin.TabularInline):
    model = CostLine
    extra = 0


class CofundingLineInline(admin.TabularInline):
    model = CofundingLine
    extra = 0


class TransitionInline(ReadOnlyMixin, admin.TabularInline):
    model = Transition
    extra = 0
    fields = ["at", "actor", "from_status", "to_status", "comment"]
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["name", "call", "status", "households", "dwellings", "updated_at"]
    list_filter = ["status", "call", "imported"]
    search_fields = ["name", "carriers_text", "location_text"]
    # The status only moves through the lifecycle services.
    readonly_fields = ["reference", "status", "returned_from_status", "version", "submitted_at", "created_at"]
    filter_horizontal = ["departments"]
    inlines = [CarrierInline, CostLineInline, CofundingLineInline, TransitionInline]


@admin.register(Transition)
class TransitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]


@admin.register(DepartmentalOpinion)
class DepartmentalOpinionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "version", "reproducibility", "author", "created_at"]


@admin.register(RegionalOpinion)
class RegionalOpinionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "version", "verdict", "author", "created_at"]


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "version", "selected", "amount_granted_eur", "author", "created_at"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "dossier", "content_type", "size_bytes", "uploaded_at"]
    readonly_fields = ["sha256", "size_bytes", "content_type"]


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "author", "at"]
