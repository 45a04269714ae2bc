"""The roles of DESIGN.md section 1 and the permissions each grants.

Each role is a Django group of the same name; permissions are granted to groups, never to users.
Every app declares what its permissions are for in its own `permissions.py` as GRANTS, a mapping of
role to "app_label.codename"; this module joins them and keeps the groups in step after migrate.
"""

from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    ADVOCATE = "advocate", _("Social economy advocate")
    OWES_ADVISOR = "owes_advisor", _("OWES advisor")
    PES_REPRESENTATIVE = "pes_representative", _("PES representative")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    CERTIFICATION_REVIEWER = "certification_reviewer", _("Certification reviewer")


# Roles whose holders must confirm every sign-in with a second factor (TOTP).
STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR})

# Apps that declare GRANTS in their permissions.py; a new app adds itself here.
PERMISSION_MODULES = [
    "lacznik.accounts.permissions",
    "lacznik.territory.permissions",
    "lacznik.cpv.permissions",
    "lacznik.core.permissions",
    "lacznik.entities.permissions",
    "lacznik.events.permissions",
    "lacznik.advocates.permissions",
]


def role_permissions() -> dict[str, set[str]]:
    """Role → {"app_label.codename", ...} joined from every app's GRANTS."""
    grants: dict[str, set[str]] = {role: set() for role in Role}
    for path in PERMISSION_MODULES:
        for role, permissions in import_string(f"{path}.GRANTS").items():
            grants[role] |= set(permissions)
    return grants


def sync_role_groups(app_config=None, using="default", **kwargs) -> None:
    """Make one group per role holding exactly the role's permissions (run after every migrate)."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    # post_migrate is sent once per app; act on the last one, when every permission exists.
    if app_config is not None and app_config is not list(apps.get_app_configs())[-1]:
        return

    for role, wanted in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = []
        for dotted in sorted(wanted):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise LookupError(f"Role {role} is granted {dotted}, which no model declares.")
            permissions.append(permission)
        group.permissions.set(permissions)
