"""Admin for the reference territories.

The rows come from ``manage.py load_territories``; the admin is mainly for looking them up
(search by code or name, filter current / pre-2016 regions).  A manual edit would be overwritten
by the next load, so the source of truth stays the COG files.
"""

from django.contrib import admin

from .models import Department, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["code", "name"]
    ordering = ["-is_current", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "former_region"]
    list_filter = [
        ("region", admin.RelatedOnlyFieldListFilter),
        ("former_region", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["region", "former_region"]
    search_fields = ["code", "name", "region__name", "former_region__name"]
    ordering = ["code"]
