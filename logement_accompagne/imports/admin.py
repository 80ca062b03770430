from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "uploaded_by", "call", "state", "progress", "created_at"]
    list_filter = ["state"]
    readonly_fields = ["canonical", "sources", "warnings", "error", "dossier"]
