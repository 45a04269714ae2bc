"""Public API of the CPV 2008 dictionary: /api/v1/cpv/..."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from .models import CpvCode
from .search import search_codes

router = Router()


class CpvCodeOut(Schema):
    code: str
    level: int = Field(description="significant digits: 2 division, 3 group, 4 class, 5 to 8 category")
    level_name: str
    kind: str
    kind_label: str
    name: str
    name_en: str
    parent: str | None

    @staticmethod
    def resolve_level_name(cpv_code: CpvCode) -> str:
        return cpv_code.level_name

    @staticmethod
    def resolve_kind_label(cpv_code: CpvCode) -> str:
        return str(cpv_code.get_kind_display())

    @staticmethod
    def resolve_parent(cpv_code: CpvCode) -> str | None:
        return cpv_code.parent_id


class CpvCodeDetailOut(CpvCodeOut):
    ancestors: list[str]
    children: list[str]

    @staticmethod
    def resolve_ancestors(cpv_code: CpvCode) -> list[str]:
        chain, parent = [], cpv_code.parent
        while parent is not None:
            chain.append(parent.code)
            parent = parent.parent
        return list(reversed(chain))

    @staticmethod
    def resolve_children(cpv_code: CpvCode) -> list[str]:
        return list(cpv_code.children.order_by("code").values_list("code", flat=True))


class CpvCodePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CpvCodeOut]


class CpvCodeFilters(Schema):
    q: str | None = Field(
        None,
        max_length=100,
        description="words of the Polish name (any grammatical form, diacritics do not matter) "
        "or the beginning of a code",
    )
    level: int | None = Field(
        None, ge=2, le=8, description="significant digits: 2 division, 3 group, 4 class, 5 to 8 category"
    )
    parent: str | None = Field(
        None, pattern=r"^\d{8}-\d$", description="the code directly above, e.g. 55500000-5"
    )
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0)


@router.get(
    "/codes", response=CpvCodePage, summary="Codes of the CPV 2008 dictionary, filtered and paginated"
)
def list_cpv_codes(request, filters: Query[CpvCodeFilters]):
    codes = CpvCode.objects.order_by("code")
    if filters.q:
        codes = search_codes(filters.q, codes)
    if filters.level:
        codes = codes.filter(level=filters.level)
    if filters.parent:
        codes = codes.filter(parent_id=filters.parent)
    window = codes[filters.offset : filters.offset + filters.limit]
    return {"count": codes.count(), "limit": filters.limit, "offset": filters.offset, "items": list(window)}


@router.get(
    "/codes/{code}",
    response=CpvCodeDetailOut,
    summary="One CPV code with its parent chain and the codes below it",
)
def get_cpv_code(request, code: str):
    return get_object_or_404(CpvCode.objects.select_related("parent"), code=code)
