"""Who may call which URL, written down once (ASVS 8.1.1; AC-01, AC-08).

Every app declares a table `POLICIES` in its own `policy.py`: URL name → `Policy`. This module joins
the tables, adds the groups of URLs that belong to a library (the admin site), and lists every URL
pattern of the project. The permission matrix in `tests/harness/` calls every URL as every role, on an
object inside and outside the role's territory, and compares the answer with the table; a URL without
an entry, or an entry for a URL that is gone, fails the suite (default deny, as in Decidim and CKAN).

The sample builders in the tables say how to make one object of the kind a URL shows, in a given
territory, and which text shows it on a page. Only the test harness calls them.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from lacznik.accounts.roles import Role

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


# --- who ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """A set of callers: everyone, anyone signed in, holders of some roles, admin-site staff, nobody."""

    public: bool = False
    signed_in: bool = False
    roles: frozenset[str] = frozenset()
    staff: bool = False
    label: str = ""

    def admits(self, user: Any) -> bool:
        if self.public:
            return True
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if self.signed_in:
            return True
        if self.staff and user.is_active and user.is_staff:
            return True
        return bool(self.roles & set(user.roles))

    def __str__(self) -> str:
        if self.label:
            return self.label
        return "roles " + ", ".join(sorted(self.roles)) if self.roles else "nobody"


PUBLIC = Audience(public=True, label="everyone")
SIGNED_IN = Audience(signed_in=True, label="anyone signed in")
NOBODY = Audience(label="nobody")
ADMIN_SITE_STAFF = Audience(staff=True, label="admin-site staff")


def roles(*granted: str) -> Audience:
    return Audience(roles=frozenset(granted))


STAFF = roles(Role.ADMINISTRATOR, Role.NATIONAL_COORDINATOR, Role.REGIONAL_COORDINATOR)


# --- what -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One object made for the matrix: the URL kwargs that name it and a text that shows it on a page."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    marker: str = ""


# Given a 7-digit TERYT code, make (or reuse) one object in that territory.
SampleBuilder = Callable[[str], Sample]


@dataclass(frozen=True)
class Policy:
    """The rule for one URL name.

    read     who gets the page with GET (and HEAD); NOBODY when the view answers GET with 405.
    change   who may use the state-changing `methods` (POST, PUT, PATCH, DELETE) the view accepts.
    object   for a URL naming one object: how to make one in a territory (the URL kwargs).
    rows     for a list: how to make a row in a territory; a row outside the caller's scope must
             never show on the page (its marker is absent), one inside it must show.
    scoped   the object or rows are limited to the caller's TERYT scope: outside it, 403 or 404 and
             nothing changes; without it the object is visible to everyone the audience admits.
    csrf_exempt  why a state-changing method works without a CSRF token (token authentication only);
             empty means the suite requires 403 without a token.
    expect   an escape hatch for a view whose answers the fields above cannot say: a function
             (user, method, in_scope) → set of outcomes ("ok", "login", "forbidden", "hidden",
             "not_allowed"), or None to use the rule.
    """

    read: Audience
    change: Audience = NOBODY
    methods: tuple[str, ...] = ()
    object: SampleBuilder | None = None
    rows: SampleBuilder | None = None
    scoped: bool = False
    csrf_exempt: str = ""
    expect: Callable[[Any, str, bool], set[str] | None] | None = None
    note: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.methods) - set(UNSAFE_METHODS)
        if unknown:
            raise ValueError(f"methods lists state-changing methods only, not {sorted(unknown)}")
        if self.methods and self.change == NOBODY:
            raise ValueError("A view that accepts state-changing methods says who may use them (change=).")

    def audience(self, method: str) -> Audience:
        return self.read if method in SAFE_METHODS else self.change


@dataclass(frozen=True)
class GroupPolicy:
    """One policy for every URL whose name starts with `prefix`, or that is unnamed and lives under
    `route_prefix` (a library's URLs, e.g. the admin site's). An entry of POLICIES for one URL name
    of the group takes precedence."""

    prefix: str
    route_prefix: str
    policy: Policy
    # The (args, kwargs) to reverse a URL of the group (the group's own knowledge of its URLs).
    arguments: Callable[[Endpoint], tuple[tuple, dict[str, Any]]] = lambda endpoint: ((), {})
    note: str = ""


# --- the project's URLs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespaced ("territory:unit"); "" for an unnamed pattern
    route: str  # the whole route, for messages
    params: tuple[str, ...]  # the kwargs the pattern takes
    callback: Callable
    positional: int = 0  # unnamed groups of a regular-expression pattern (reversed with args)

    def methods(self) -> set[str] | None:
        """The HTTP methods the view accepts, when the view says so (None: it does not say)."""
        return accepted_methods(self.callback)


def endpoints(resolver: URLResolver | None = None) -> list[Endpoint]:
    """Every URL pattern of the project, with namespaces, the admin and the API included."""
    return list(_walk(resolver or get_resolver(), namespace=(), route=""))


def _walk(resolver: URLResolver, namespace: tuple[str, ...], route: str) -> Iterator[Endpoint]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespace, entry.namespace) if entry.namespace else namespace
            yield from _walk(entry, inner, route + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespace, entry.name)) if entry.name else ""
            params, positional = _pattern_params(entry)
            yield Endpoint(
                name=name,
                route=route + str(entry.pattern),
                params=params,
                callback=entry.callback,
                positional=positional,
            )


def _pattern_params(entry: URLPattern) -> tuple[tuple[str, ...], int]:
    converters = getattr(entry.pattern, "converters", None)
    if converters:
        return tuple(converters), 0
    regex = entry.pattern.regex
    return tuple(regex.groupindex), regex.groups - len(regex.groupindex)


def accepted_methods(view: Callable) -> set[str] | None:
    """Read the accepted methods off a view: class-based views, django-ninja operations and
    function views under `require_http_methods` / `require_POST` / `require_GET` / `require_safe`."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        found = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
        if "GET" in found:
            found.add("HEAD")
        return found
    path_view = _ninja_path_view(view)
    if path_view is not None:
        return {method.upper() for operation in path_view.operations for method in operation.methods}
    func: Any = view
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and func.__closure__ and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return {method.upper() for method in cell.cell_contents}
        func = getattr(func, "__wrapped__", None)
    return None


def _ninja_path_view(view: Callable) -> Any:
    try:
        from ninja.operation import PathView
    except ImportError:  # pragma: no cover - django-ninja is a dependency
        return None
    for cell in getattr(view, "__closure__", None) or ():
        contents = cell.cell_contents
        if isinstance(contents, PathView):
            return contents
    return None


def ninja_operations(view: Callable) -> list[Any]:
    """The django-ninja operations behind a URL pattern ([] for a Django view)."""
    path_view = _ninja_path_view(view)
    return list(path_view.operations) if path_view is not None else []


# --- the tables -----------------------------------------------------------------------------------


def policy_modules() -> dict[str, Any]:
    """app label → its policy module, for every Łącznik app (an app without one is reported)."""
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("lacznik."):
            continue
        module_name = f"{config.name}.policy"
        if importlib.util.find_spec(module_name) is not None:
            found[config.label] = importlib.import_module(module_name)
    return found


def lacznik_apps_without_policy() -> list[str]:
    modules = policy_modules()
    return sorted(
        config.name
        for config in apps.get_app_configs()
        if config.name.startswith("lacznik.") and config.label not in modules
    )


def all_policies() -> dict[str, Policy]:
    """URL name → Policy, joined from every app's table; a name declared twice is an error."""
    joined: dict[str, Policy] = {}
    for label, module in sorted(policy_modules().items()):
        for name, policy in getattr(module, "POLICIES", {}).items():
            if name in joined:
                raise LookupError(f"{name} is declared in two policy tables (second: {label}).")
            joined[name] = policy
    return joined


def all_groups() -> list[GroupPolicy]:
    groups: list[GroupPolicy] = []
    for _label, module in sorted(policy_modules().items()):
        groups.extend(getattr(module, "GROUPS", []))
    return groups


def group_for(endpoint: Endpoint, groups: Iterable[GroupPolicy]) -> GroupPolicy | None:
    for group in groups:
        if endpoint.name.startswith(group.prefix) or (
            not endpoint.name and endpoint.route.startswith(group.route_prefix)
        ):
            return group
    return None


# --- core's own table -----------------------------------------------------------------------------


def _admin_arguments(endpoint: Endpoint) -> tuple[tuple, dict[str, Any]]:
    """Arguments for an admin URL: an existing object where the URL names one (the admin's own 404
    handling covers the rest; the rule under test is who gets in, not which object)."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    kwargs: dict[str, Any] = {}
    model = None
    first = None
    for registered in admin.site._registry:
        prefix = f"{admin.site.name}:{registered._meta.app_label}_{registered._meta.model_name}_"
        if endpoint.name.startswith(prefix):
            model = registered
    if model is not None:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    object_id = str(first if first is not None else 0)
    for param in endpoint.params:
        if param == "app_label":
            kwargs[param] = (model or next(iter(admin.site._registry)))._meta.app_label
        elif param in ("object_id", "pk"):
            kwargs[param] = object_id
        elif param == "content_type_id":
            kwargs[param] = ContentType.objects.get_for_model(ContentType).pk
        else:
            kwargs[param] = "0"
    # Unnamed groups (django-simple-history's history/<object>/<history_id>/): the object first.
    args = (object_id, *["0"] * (endpoint.positional - 1)) if endpoint.positional else ()
    return args, kwargs


def _admin_expect(user: Any, method: str, in_scope: bool) -> set[str] | None:
    # Staff reach the admin; which models they then see is Django's model permissions (403 for a
    # model they may not see), so both answers are right for staff. Everyone else gets its login.
    if ADMIN_SITE_STAFF.admits(user):
        return {"ok", "forbidden", "hidden", "not_allowed"}
    return {"login"}


POLICIES: dict[str, Policy] = {
    "core:home": Policy(read=PUBLIC),
    "core:accessibility": Policy(read=PUBLIC),
    "core:healthz": Policy(read=PUBLIC),
    "core:history": Policy(read=roles(Role.ADMINISTRATOR, Role.NATIONAL_COORDINATOR)),
    # GET only redirects back; POST sets the language cookie (django.views.i18n.set_language).
    "core:set_language": Policy(read=PUBLIC, change=PUBLIC, methods=("POST",)),
    # The OpenAPI description and its browsable page: public like the API they describe.
    "api-1:openapi-json": Policy(read=PUBLIC),
    "api-1:openapi-view": Policy(read=PUBLIC),
    # The admin site's own sign-in and sign-out pages are open to everyone (the rest of the admin is
    # the group below).
    "otpadmin:login": Policy(read=PUBLIC, change=PUBLIC, methods=("POST",)),
    # Signing out is POST only; GET sends a visitor who is not signed in back to the admin index.
    "otpadmin:logout": Policy(
        read=NOBODY,
        change=PUBLIC,
        methods=("POST",),
        expect=lambda user, method, in_scope: {"ok", "not_allowed"} if method == "GET" else None,
    ),
    # django-ninja's base path of the API: no operation lives there, it answers 404 to everyone.
    "api-1:api-root": Policy(read=NOBODY, expect=lambda user, method, in_scope: {"hidden"}),
}

GROUPS: list[GroupPolicy] = [
    GroupPolicy(
        # The admin site is django-otp's OTPAdminSite, whose URL namespace is "otpadmin".
        prefix="otpadmin:",
        route_prefix="admin/",
        policy=Policy(
            read=ADMIN_SITE_STAFF,
            change=ADMIN_SITE_STAFF,
            methods=("POST",),
            expect=_admin_expect,
            note="Django's admin: staff with a confirmed second factor; others go to its login page.",
        ),
        arguments=_admin_arguments,
    ),
]
