"""The one territorial rule: a user acts on a record when its TERYT code starts with one of the
user's prefixes. Every list, export, lookup and API of every app goes through this module.

The prefix match is a range on the code column (`code >= '14' AND code < '15'`), which any B-tree
index serves on SQLite and PostgreSQL alike, and in which `%` and `_` are plain characters. Prefixes
are TERYT-shaped (2, 4, 6 or 7 digits); anything else is refused loudly.
"""

import re
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

TERYT_PREFIX = re.compile(r"\d{2}(?:\d{2}(?:\d{2}\d?)?)?")


class ScopeError(RuntimeError):
    """A scoped model was queried without saying whose scope applies."""


def validate_prefix(prefix: str) -> None:
    if not isinstance(prefix, str) or not TERYT_PREFIX.fullmatch(prefix):
        raise ValidationError(
            _("“%(prefix)s” is not a TERYT code prefix (2, 4, 6 or 7 digits)."),
            code="invalid_prefix",
            params={"prefix": prefix},
        )


def _upper_bound(prefix: str) -> str | None:
    """The smallest digit string above every code that starts with `prefix`; None past '99…'."""
    head = prefix.rstrip("9")
    if not head:
        return None
    return head[:-1] + str(int(head[-1]) + 1)


def prefix_q(prefixes: Iterable[str], field: str = "teryt") -> Q | None:
    """The filter for codes under any of `prefixes`; None when there are none (callers give no rows)."""
    match = None
    for prefix in sorted(set(prefixes)):
        validate_prefix(prefix)
        upper = _upper_bound(prefix)
        condition = Q(**{f"{field}__gte": prefix})
        if upper is not None:
            condition &= Q(**{f"{field}__lt": upper})
        match = condition if match is None else match | condition
    return match


def in_scope(queryset: models.QuerySet, prefixes: Iterable[str], field: str = "teryt") -> models.QuerySet:
    """Rows whose TERYT code starts with one of `prefixes`; no prefixes, no rows."""
    match = prefix_q(prefixes, field)
    queryset = queryset.filter(match) if match is not None else queryset.none()
    return queryset._scoped() if isinstance(queryset, ScopedQuerySet) else queryset


def code_in_scope(code: str, prefixes: Iterable[str]) -> bool:
    """The same rule for one code in Python (object checks, forms)."""
    return any(code.startswith(prefix) for prefix in prefixes)


def get_in_scope_or_404(queryset: models.QuerySet, user: Any, **lookup: Any) -> models.Model:
    # One 404 for "missing" and "outside your territory", so 146501 cannot probe 2862 (zulip).
    field = getattr(queryset.model, "scope_field", "teryt")
    return get_object_or_404(in_scope(queryset, user.scope_prefixes, field), **lookup)


_system_scope: ContextVar[str | None] = ContextVar("lacznik_system_scope", default=None)


@contextmanager
def system_scope(reason: str):
    """Let code that is not acting for a user (commands, validation, public aggregates) query freely."""
    token = _system_scope.set(reason)
    try:
        yield
    finally:
        _system_scope.reset(token)


class ScopedQuerySet(models.QuerySet):
    """A queryset that refuses to read or write rows until a scope was chosen (django-scopes pattern).

    `.in_scope(prefixes)` narrows it to a territory; `.unscoped(reason=...)` says on purpose that every
    territory is meant (the public catalogue, a management command). A forgotten filter raises.
    """

    _scope_chosen = False

    def _scoped(self) -> Self:
        self._scope_chosen = True
        return self

    def in_scope(self, prefixes: Iterable[str]) -> Self:
        return in_scope(self, prefixes, getattr(self.model, "scope_field", "teryt"))

    def unscoped(self, *, reason: str) -> Self:
        if not reason:
            raise ValueError("Say why every territory is meant.")
        return self._chain()._scoped()

    def _clone(self) -> Self:
        clone = super()._clone()
        clone._scope_chosen = self._scope_chosen
        return clone

    def _check_scope(self) -> None:
        if not self._scope_chosen and _system_scope.get() is None:
            raise ScopeError(
                f"{self.model.__name__} was queried without a scope: call .in_scope(prefixes) "
                "or .unscoped(reason=...)."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self) -> int:
        self._check_scope()
        return super().count()

    def exists(self) -> bool:
        self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def iterator(self, *args: Any, **kwargs: Any):
        self._check_scope()
        return super().iterator(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()

    def explain(self, *args: Any, **kwargs: Any) -> str:
        self._check_scope()
        return super().explain(*args, **kwargs)

    def bulk_update(self, objs: Iterable[models.Model], fields: Iterable[str], batch_size: int | None = None):
        # The objects were already selected through a scope; the update only touches their keys.
        with system_scope("bulk_update of selected objects"):
            return super().bulk_update(objs, fields, batch_size=batch_size)


class ScopedModel(models.Model):
    """Base of every model that carries a TERYT code and belongs to a territory."""

    scope_field = "teryt"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def validate_unique(self, exclude: Any = None) -> None:
        # Uniqueness is a fact about the whole table, not a read of rows for a user.
        with system_scope("unique validation"):
            super().validate_unique(exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        with system_scope("constraint validation"):
            super().validate_constraints(exclude)
