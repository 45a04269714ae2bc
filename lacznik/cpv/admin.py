from django.contrib import admin

from .models import CpvCode


@admin.register(CpvCode)
class CpvCodeAdmin(admin.ModelAdmin):
    """The dictionary is changed only by loading the official file (import_cpv): read-only here."""

    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "search_name", "name_en"]
    ordering = ["code"]
    list_select_related = ["parent"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
