"""The admin shows accounts and role assignments; roles and account state change only through the
Users and roles pages (services.py), which keep groups, the admin flag and the security log in step.
Nothing is deleted and the password hash is never shown."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from lacznik.core.security_log import log_event

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    fields = ["role", "scope", "granted_by", "granted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class UserAdminForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    form = UserAdminForm
    list_display = ["email", "last_name", "first_name", "is_active", "is_staff", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["last_name", "first_name", "email"]
    fields = [
        "email",
        "first_name",
        "last_name",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "last_login",
        "date_joined",
    ]
    readonly_fields = ["is_active", "is_staff", "is_superuser", "groups", "last_login", "date_joined"]
    inlines = [RoleAssignmentInline]

    def has_add_permission(self, request) -> bool:
        # New accounts are made on the Users and roles page, which mails the owner a set-password link.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            log_event(
                "account_change",
                outcome="success",
                request=request,
                action="details_changed",
                target=obj.pk,
                fields=sorted(form.changed_data),
            )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "scope", "granted_by", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name", "scope"]
    list_select_related = ["user", "granted_by"]
    readonly_fields = ["user", "role", "scope", "granted_by", "granted_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
