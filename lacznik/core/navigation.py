"""The main menu. Each app lists its entries here with who sees them; the base template draws them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    visible: Callable[[HttpRequest], bool] = lambda request: True


def _has_perm(permission: str) -> Callable[[HttpRequest], bool]:
    return lambda request: request.user.has_perm(permission)


def _any_perm(*permissions: str) -> Callable[[HttpRequest], bool]:
    return lambda request: any(request.user.has_perm(permission) for permission in permissions)


def _role_without(permission: str, covered_by: str) -> Callable[[HttpRequest], bool]:
    # Shown to who has `permission` but not the page that already links to it (the coordinator's).
    return lambda request: request.user.has_perm(permission) and not request.user.has_perm(covered_by)


def _has_role(role: str) -> Callable[[HttpRequest], bool]:
    return lambda request: request.user.is_authenticated and role in request.user.roles


MENU = [
    MenuItem(_("Home"), "core:home"),
    MenuItem(_("Catalogue of entities"), "entities:catalogue"),
    MenuItem(_("Events"), "events:calendar"),
    MenuItem(_("Advocates"), "advocates:public_list"),
    MenuItem(_("Entities I keep"), "entities:manage_list", _any_perm("entities.change_any_entity", "entities.change_own_entity")),
    MenuItem(_("Import entities"), "entities:import", _has_perm("entities.import_entities")),
    MenuItem(_("Catalogue statistics"), "entities:statistics", _has_perm("entities.view_national_statistics")),
    MenuItem(_("Manage events"), "events:manage_list", _has_perm("events.manage_events")),
    MenuItem(_("Event indicators"), "events:indicators", _has_perm("events.view_indicators")),
    MenuItem(
        _("Advocates programme"),
        "advocates:pipeline",
        lambda request: request.user.has_perm("advocates.manage_enrolments")
        or _has_role("national_coordinator")(request),
    ),
    MenuItem(_("Support for advocates"), "advocates:support_list", _role_without("advocates.record_support", "advocates.manage_enrolments")),
    MenuItem(_("My advocate's panel"), "advocates:dashboard", _has_role("advocate")),
    MenuItem(_("Advocates' coverage"), "advocates:coverage", _has_perm("advocates.view_coverage")),
    MenuItem(_("Territory"), "territory:index"),
    MenuItem(_("CPV dictionary"), "cpv:index"),
    MenuItem(_("Users and roles"), "accounts:user_list", _has_perm("accounts.manage_roles")),
    MenuItem(_("History of changes"), "core:history", _has_perm("accounts.view_change_history")),
]


def main_menu(request: HttpRequest) -> list[dict]:
    items = []
    for item in MENU:
        if item.visible(request):
            items.append({"label": item.label, "url": reverse(item.url_name), "active": False})
    # The longest menu address the path lies under is the current one (/katalog/statystyki/ is not
    # also /katalog/).
    under = [entry for entry in items if entry["url"] != "/" and request.path.startswith(entry["url"])]
    under += [entry for entry in items if entry["url"] == "/" == request.path]
    if under:
        max(under, key=lambda entry: len(entry["url"]))["active"] = True
    return items
