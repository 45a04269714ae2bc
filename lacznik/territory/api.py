"""Public API of the territorial register: /api/v1/territory/..."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from lacznik.core.text import fold

from .models import Unit

router = Router()


class UnitOut(Schema):
    code: str
    level: str
    kind: str
    kind_label: str
    name: str
    name_extra: str
    parent: str | None
    valid_from: date
    valid_to: date | None
    successor: str | None

    @staticmethod
    def resolve_kind_label(unit: Unit) -> str:
        return str(unit.get_kind_display()) if unit.kind else str(unit.get_level_display())

    @staticmethod
    def resolve_parent(unit: Unit) -> str | None:
        return unit.parent.code if unit.parent_id else None

    @staticmethod
    def resolve_successor(unit: Unit) -> str | None:
        return unit.successor.code if unit.successor_id else None


class UnitDetailOut(UnitOut):
    children: list[str]

    @staticmethod
    def resolve_children(unit: Unit) -> list[str]:
        return [child.code for child in unit.children.current().order_by("code")]


class UnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UnitOut]


class UnitFilters(Schema):
    level: Unit.Level | None = None
    kind: Unit.Kind | None = None
    parent: str | None = Field(None, pattern=r"^\d{2}(\d{2}(\d{3})?)?$", description="TERYT code of the parent unit")
    q: str | None = Field(None, max_length=100, description="part of the name; diacritics do not matter")
    include_retired: bool = False
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0)


@router.get("/units", response=UnitPage, summary="Units of the register, filtered and paginated")
def list_units(request, filters: Query[UnitFilters]):
    units = Unit.objects.select_related("parent", "successor").order_by("code")
    if not filters.include_retired:
        units = units.current()
    if filters.level:
        units = units.filter(level=filters.level)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent:
        units = units.filter(parent__code=filters.parent)
    if filters.q:
        units = units.filter(search_name__contains=fold(filters.q))
    window = units[filters.offset : filters.offset + filters.limit]
    return {"count": units.count(), "limit": filters.limit, "offset": filters.offset, "items": list(window)}


@router.get("/units/{code}", response=UnitDetailOut, summary="One unit with the codes of its parts")
def get_unit(request, code: str):
    return get_object_or_404(Unit.objects.select_related("parent", "successor"), code=code)
