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


@dataclass(frozen=True)
class MenuGroup:
    """Entries under one dropdown; shown as a plain link when only one of them is visible (the public
    sees "Catalogue of entities", a coordinator its catalogue, import and statistics under it)."""

    label: str | Promise
    items: tuple[MenuItem, ...]


MENU = [
    MenuItem(_("Home"), "core:home"),
    MenuGroup(
        _("Catalogue of entities"),
        (
            MenuItem(_("Catalogue of entities"), "entities:catalogue"),
            MenuItem(
                _("Entities I keep"),
                "entities:manage_list",
                _any_perm("entities.change_any_entity", "entities.change_own_entity"),
            ),
            MenuItem(_("Import entities"), "entities:import", _has_perm("entities.import_entities")),
            MenuItem(
                _("Catalogue statistics"),
                "entities:statistics",
                _has_perm("entities.view_national_statistics"),
            ),
        ),
    ),
    MenuGroup(
        _("Events"),
        (
            MenuItem(_("Events"), "events:calendar"),
            MenuItem(_("Manage events"), "events:manage_list", _has_perm("events.manage_events")),
            MenuItem(_("Event indicators"), "events:indicators", _has_perm("events.view_indicators")),
        ),
    ),
    MenuGroup(
        _("Advocates"),
        (
            MenuItem(_("Advocates"), "advocates:public_list"),
            MenuItem(
                _("Advocates programme"),
                "advocates:pipeline",
                lambda request: (
                    request.user.has_perm("advocates.manage_enrolments")
                    or _has_role("national_coordinator")(request)
                ),
            ),
            MenuItem(
                _("Support for advocates"),
                "advocates:support_list",
                _role_without("advocates.record_support", "advocates.manage_enrolments"),
            ),
            MenuItem(_("My advocate's panel"), "advocates:dashboard", _has_role("advocate")),
            MenuItem(_("Advocates' coverage"), "advocates:coverage", _has_perm("advocates.view_coverage")),
        ),
    ),
    MenuItem(_("Territory"), "territory:index"),
    MenuItem(_("CPV dictionary"), "cpv:index"),
    MenuGroup(
        _("Administration"),
        (
            MenuItem(_("Users and roles"), "accounts:user_list", _has_perm("accounts.manage_roles")),
            MenuItem(_("History of changes"), "core:history", _has_perm("accounts.view_change_history")),
        ),
    ),
]


def _link(item: MenuItem) -> dict:
    return {"label": item.label, "url": reverse(item.url_name), "active": False, "links": []}


def main_menu(request: HttpRequest) -> list[dict]:
    """The visible entries: links ({"label", "url", "active", "links": []}) and dropdowns ({"label",
    "links", "active"}) of two or more links. (Not "items": a template would find a dict's items().)"""
    entries = []
    for entry in MENU:
        if isinstance(entry, MenuItem):
            if entry.visible(request):
                entries.append(_link(entry))
            continue
        links = [_link(item) for item in entry.items if item.visible(request)]
        if len(links) == 1:
            entries.append(links[0])
        elif links:
            entries.append({"label": entry.label, "links": links, "active": False})
    links = [link for entry in entries for link in entry["links"] or [entry]]
    # The longest menu address the path lies under is the current one (/katalog/statystyki/ is not
    # also /katalog/).
    under = [link for link in links if link["url"] != "/" and request.path.startswith(link["url"])]
    under += [link for link in links if link["url"] == "/" == request.path]
    if under:
        max(under, key=lambda link: len(link["url"]))["active"] = True
    for entry in entries:
        if entry["links"]:
            entry["active"] = any(link["active"] for link in entry["links"])
    return entries
