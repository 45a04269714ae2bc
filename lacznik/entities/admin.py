from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Mark


@admin.register(Mark)
class MarkAdmin(SimpleHistoryAdmin):
    """The marks entities may hold (e.g. "Zakup Prospołeczny"): a small register the administrators keep.
    Entities themselves are kept in the application's pages (/podmioty/), where the scope rule applies."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def has_delete_permission(self, request, obj=None) -> bool:
        # Nothing is hard-deleted from the user interface.
        return False
