"""Every change to accounts and roles goes through here: the groups, the admin flag, the history and
the security log stay in step with the role assignments, whoever makes the change and from where.

A change applies from the user's very next request: permissions come from the groups and the scope
from the assignments, and both are read anew for every request.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from simple_history.models import HistoricalRecords

from lacznik.core.scope import validate_prefix
from lacznik.core.security_log import log_event

from .models import RoleAssignment, User
from .roles import Role
from .tasks import send_password_link

# The sixteen voivodeships: the scope "the whole of Poland".
ALL_VOIVODESHIPS = (
    "02",
    "04",
    "06",
    "08",
    "10",
    "12",
    "14",
    "16",
    "18",
    "20",
    "22",
    "24",
    "26",
    "28",
    "30",
    "32",
)


class AccountChangeRefused(Exception):
    """A change of roles or of an account that the acting user may not make."""


def _current_request() -> Any:
    # The request that django-simple-history's middleware exposes, so that the security log gets the
    # client address and path of a change made from a page; None in commands and tests of services.
    return getattr(HistoricalRecords.context, "request", None)


def _log(event: str, *, by: User | None, **details: Any) -> None:
    log_event(event, outcome="success", request=_current_request(), actor=by, **details)


def normalise_prefixes(prefixes: Iterable[str]) -> list[str]:
    """Sorted distinct TERYT prefixes; refuses an empty set and anything not TERYT-shaped."""
    cleaned = sorted({str(prefix).strip() for prefix in prefixes if str(prefix).strip()})
    if not cleaned:
        raise ValidationError(_("Give at least one TERYT prefix."), code="empty_scope")
    for prefix in cleaned:
        validate_prefix(prefix)
    return cleaned


def _is_administrator(user: User) -> bool:
    return user.is_superuser or Role.ADMINISTRATOR in user.roles


def _check_may_change(*, by: User | None, user: User, role: str | None = None) -> None:
    """Nobody changes their own account or roles; only administrators touch administrators."""
    if by is None:  # a management command or a migration: the system itself
        return
    if not by.has_perm("accounts.manage_roles"):
        raise AccountChangeRefused(_("You may not manage users and roles."))
    if by.pk == user.pk:
        raise AccountChangeRefused(_("You cannot change your own account or roles; ask another coordinator."))
    if (role == Role.ADMINISTRATOR or _is_administrator(user)) and not _is_administrator(by):
        raise AccountChangeRefused(
            _("Only an administrator can give the administrator role or change an administrator's account.")
        )


def _forget_cached_roles(user: User) -> None:
    user.__dict__.pop("active_assignments", None)


def _sync_groups_and_staff(user: User, *, by: User | None) -> None:
    """Groups = roles held; admin-site access (is_staff) = administrator role (or superuser)."""
    roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    groups = list(Group.objects.filter(name__in=roles))
    if len(groups) != len(roles):
        missing = roles - {group.name for group in groups}
        raise LookupError(f"No group for the roles {sorted(missing)}; run migrate to create them.")
    user.groups.set(groups)
    is_staff = Role.ADMINISTRATOR in roles or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user._history_user = by
        user.save(update_fields=["is_staff"])
    _forget_cached_roles(user)


@transaction.atomic
def create_user(
    *, email: str, first_name: str, last_name: str, by: User | None, site_url: str, language: str = "pl"
) -> User:
    """Make an account without a password and mail its owner a link to set one."""
    user = User(email=email.strip().lower(), first_name=first_name.strip(), last_name=last_name.strip())
    if by is not None and not by.has_perm("accounts.manage_roles"):
        raise AccountChangeRefused(_("You may not manage users and roles."))
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user._history_user = by
    user.save()
    _log("account_change", by=by, action="created", target=user.pk)
    # Queued in the same transaction as the account: with the database queue both commit or neither.
    send_password_link.enqueue(user_id=user.pk, purpose="invitation", site_url=site_url, language=language)
    return user


@transaction.atomic
def assign_role(*, user: User, role: str, prefixes: Iterable[str], by: User | None) -> RoleAssignment:
    """Give `user` the role in the territory `prefixes`, or replace the territory if it is held already."""
    role = Role(role)
    cleaned = normalise_prefixes(prefixes)
    _check_may_change(by=by, user=user, role=role)
    assignment = RoleAssignment.objects.select_for_update().filter(user=user, role=role).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, role=role, scope=",".join(cleaned), granted_by=by)
        action, previous = "granted", None
    else:
        previous = assignment.prefixes
        if previous == cleaned:
            return assignment
        assignment.scope = ",".join(cleaned)
        assignment.granted_by = by
        assignment.granted_at = timezone.now()
        action = "scope_changed"
    assignment._history_user = by
    assignment._change_reason = f"accounts.role.{action}"
    assignment.full_clean(exclude=["user", "granted_by"])
    assignment.save()
    _sync_groups_and_staff(user, by=by)
    _log(
        "role_change",
        by=by,
        action=action,
        target=user.pk,
        role=role.value,
        prefixes=cleaned,
        previous=previous,
    )
    return assignment


@transaction.atomic
def revoke_role(*, user: User, role: str, by: User | None) -> None:
    """Take the role away; the user loses its permissions and territory from the next request."""
    role = Role(role)
    _check_may_change(by=by, user=user, role=role)
    assignment = RoleAssignment.objects.select_for_update().filter(user=user, role=role).first()
    if assignment is None:
        return
    previous = assignment.prefixes
    assignment._history_user = by
    assignment._change_reason = "accounts.role.revoked"
    assignment.delete()
    _sync_groups_and_staff(user, by=by)
    _log(
        "role_change",
        by=by,
        action="revoked",
        target=user.pk,
        role=role.value,
        prefixes=[],
        previous=previous,
    )


@transaction.atomic
def set_active(*, user: User, active: bool, by: User | None) -> None:
    """Open or close an account; closing it ends every session of it at once (ASVS 7.4.2)."""
    _check_may_change(by=by, user=user)
    if user.is_active == active:
        return
    user.is_active = active
    fields = ["is_active"]
    if not active:
        user.session_generation = F("session_generation") + 1
        fields.append("session_generation")
    user._history_user = by
    user._change_reason = "accounts.user.activated" if active else "accounts.user.deactivated"
    user.save(update_fields=fields)
    user.refresh_from_db(fields=["session_generation"])
    _forget_cached_roles(user)
    _log("account_change", by=by, action="activated" if active else "deactivated", target=user.pk)


@transaction.atomic
def end_sessions(*, user: User, by: User | None) -> None:
    """Sign the user out everywhere (ASVS 7.4.5); the password and roles stay."""
    _check_may_change(by=by, user=user)
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    _log("account_change", by=by, action="sessions_ended", target=user.pk)


@transaction.atomic
def reset_second_factor(*, user: User, by: User | None) -> None:
    """Forget the user's authenticator (a lost phone); the next sign-in sets up a new one."""
    _check_may_change(by=by, user=user)
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    _log("account_change", by=by, action="second_factor_reset", target=user.pk)
