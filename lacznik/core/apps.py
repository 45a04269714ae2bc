from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "lacznik.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)


class LacznikAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "lacznik.core.admin_site.LacznikAdminSite"

    def ready(self) -> None:
        super().ready()  # discovers every app's admin module
        from django.contrib import admin
        from django.contrib.auth.models import Group

        # Roles are groups kept by code (accounts.roles.sync_role_groups): editing or deleting them by
        # hand would silently change what every holder of a role may do.
        admin.site.unregister(Group)
