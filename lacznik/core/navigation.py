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


MENU = [
    MenuItem(_("Home"), "core:home"),
    MenuItem(_("Territory"), "territory:index"),
    MenuItem(_("Users and roles"), "accounts:user_list", _has_perm("accounts.manage_roles")),
    MenuItem(_("History of changes"), "core:history", _has_perm("accounts.view_change_history")),
]


def main_menu(request: HttpRequest) -> list[dict]:
    items = []
    for item in MENU:
        if not item.visible(request):
            continue
        url = reverse(item.url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
