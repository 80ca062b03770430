"""The operator's back office. Workflow history and opinions are read-only here:
they are written by services only, and an opinion is never edited silently. A dossier is
saved and deleted through the services (an actor, the same checks): once filed, its state,
departments, carriers and amounts are read-only, and only drafts may be deleted."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services
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
from .permissions import InvalidTransition


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LockedOnceFiledMixin:
    """Inline rows (carriers, money) that no longer change once the dossier is filed."""

    def _filed(self, obj) -> bool:
        return obj is not None and obj.submitted_at is not None

    def has_add_permission(self, request, obj=None):
        return not self._filed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._filed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._filed(obj) and super().has_delete_permission(request, obj)


class CarrierInline(LockedOnceFiledMixin, admin.StackedInline):
    model = DossierCarrier
    extra = 0
    autocomplete_fields = ["organisation"]


class CostLineInline(LockedOnceFiledMixin, admin.StackedInline):
    model = CostLine
    extra = 0


class CofundingLineInline(LockedOnceFiledMixin, admin.StackedInline):
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
    inlines = [CarrierInline, CostLineInline, CofundingLineInline, TransitionInline]
    # Editable lines are stacked (each input labelled) and departments a plain multiple select:
    # Django's tabular inlines and two-box filter fail axe-core (tests/www/browser/test_admin.py).

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.submitted_at is not None:
            fields += ["call", "departments", "requested_amount_eur"]
        return fields

    def has_add_permission(self, request):
        # Dossiers come in through the web or an import, with their carrier: never created here.
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.status != services.Status.DRAFT or obj.submitted_at is not None):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)

        class CheckedForm(form_class):
            def clean(self):
                data = super().clean()
                if self.instance.pk and (
                    refusal := services.back_office_refusal(self.instance, self.changed_data)
                ):
                    raise ValidationError(refusal)
                return data

        return CheckedForm

    def save_model(self, request, obj, form, change):
        services.save_from_back_office(user=request.user, dossier=obj, changed_fields=form.changed_data)

    def get_deleted_objects(self, objs, request):
        """What a deletion takes: a draft and its own rows; a filed dossier is listed as protected."""
        objs = list(objs)
        drafts = [o for o in objs if o.status == services.Status.DRAFT and o.submitted_at is None]
        protected = [f"{o} (déposé : son historique est conservé)" for o in objs if o not in drafts]
        return [str(o) for o in drafts], {Dossier._meta.verbose_name_plural: len(drafts)}, set(), protected

    def delete_model(self, request, obj):
        services.delete_draft(user=request.user, dossier=obj)

    def delete_queryset(self, request, queryset):
        for dossier in queryset:
            try:
                services.delete_draft(user=request.user, dossier=dossier)
            except InvalidTransition as error:
                messages.error(request, f"« {dossier} » : {error}")


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
