from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from lacznik.core.errors import ImportRejected

from .models import RegisterImport, Unit
from .services import MAX_FILE_BYTES, import_register


class RegisterFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("TERC file"),
        help_text=gettext_lazy("The GUS file WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA, in UTF-8 or Windows-1250."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; a TERC file has about 0.2 MB."))
        return upload


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    """The register is changed only by importing an official file: units are read-only here."""

    list_display = ["code", "name", "level", "kind", "name_extra", "valid_from", "valid_to"]
    list_filter = ["level", "kind", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "search_name"]
    ordering = ["code"]
    change_list_template = "admin/territory/unit/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="territory_unit_import")]
        return extra + super().get_urls()

    def import_view(self, request):
        if not request.user.has_perm("territory.import_register"):
            raise PermissionDenied
        form = RegisterFileForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_register(data=upload.read(), source_name=upload.name, by=request.user)
            except ImportRejected as rejected:
                errors = rejected.errors
            else:
                messages.success(
                    request,
                    _(
                        "Register as of %(date)s imported: %(created)s added, %(updated)s changed, "
                        "%(retired)s retired (of which %(kinds)s changes of kind), %(unchanged)s unchanged."
                    )
                    % {
                        "date": report.register_date.isoformat(),
                        "created": len(report.created),
                        "updated": len(report.updated) + len(report.reinstated),
                        "retired": len(report.retired),
                        "kinds": len(report.kind_changes),
                        "unchanged": report.unchanged,
                    },
                )
                return redirect(reverse("admin:territory_unit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a TERC file"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/territory/unit/import.html", context)


@admin.register(RegisterImport)
class RegisterImportAdmin(admin.ModelAdmin):
    list_display = ["register_date", "source_name", "imported_at", "imported_by", "created", "updated", "retired"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
