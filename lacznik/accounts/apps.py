from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lacznik.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from . import roles, signals  # noqa: F401

        # Not limited to this app's signal: every app's permissions must exist before the groups get them.
        post_migrate.connect(roles.sync_role_groups, dispatch_uid="lacznik.sync_role_groups")
