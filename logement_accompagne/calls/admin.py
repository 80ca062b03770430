from django.contrib import admin

from .models import Call


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "opens_on", "closes_on", "envelope_eur", "project_cap_eur"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ("title",)}
