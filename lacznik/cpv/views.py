import re

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Length, Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from .models import CpvCode
from .search import MAX_QUERY_LENGTH, search_codes

PAGE_SIZE = 25
SUGGESTIONS = 20
_ELEMENT_ID = re.compile(r"[A-Za-z][\w-]{0,80}")


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The 45 divisions with the number of codes in each, or the codes matching a search."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    context = {"query": query}
    if query:
        codes = search_codes(query).order_by("code")
        context["page"] = Paginator(codes, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        per_division = dict(
            CpvCode.objects.annotate(division_digits=Substr("code", 1, 2))
            .values_list("division_digits")
            .annotate(count=Count("code"))
            .order_by()
        )
        divisions = list(CpvCode.objects.divisions().order_by("code"))
        context["divisions"] = [(division, per_division.get(division.division, 0)) for division in divisions]
        context["total"] = sum(per_division.values())
    return render(request, "cpv/index.html", context)


@require_safe
def code(request: HttpRequest, code: str) -> HttpResponse:
    """One code with its parents up to the division and the codes directly below it."""
    if re.fullmatch(r"\d{8}", code):
        # A link written without the check digit still finds its code.
        found = CpvCode.objects.filter(code__startswith=f"{code}-").first()
        if found is not None:
            return redirect(found, permanent=True)
    cpv_code = get_object_or_404(CpvCode, code=code)
    context = {
        "cpv_code": cpv_code,
        "ancestors": _ancestors(cpv_code),
        "children": cpv_code.children.order_by("code"),
        "descendant_count": CpvCode.objects.filter(code__startswith=cpv_code.significant_digits)
        .exclude(code=cpv_code.code)
        .count(),
    }
    return render(request, "cpv/code.html", context)


@require_safe
def suggestions(request: HttpRequest) -> HttpResponse:
    """Up to 20 codes for the CPV field's list (htmx), or the same as a page without JavaScript.

    The field sends its own value under its name (`pole`) and the id of its input (`cel`)."""
    field = request.GET.get("pole", "")
    text = request.GET.get("q") or (request.GET.get(field, "") if field else "")
    query = " ".join(text.split())[:MAX_QUERY_LENGTH]
    target = request.GET.get("cel", "")
    # The widest codes first and, within a level, the shortest names: "Usługi sprzątania" before
    # "Usługi sprzątania i zamiatania ulic".
    codes = search_codes(query).order_by("level", Length("name"), "code") if query else CpvCode.objects.none()
    matches = list(codes[: SUGGESTIONS + 1])
    context = {
        "query": query,
        "codes": matches[:SUGGESTIONS],
        "more": len(matches) > SUGGESTIONS,
        "status_id": f"{target}_cpv_status" if _ELEMENT_ID.fullmatch(target) else "",
    }
    if request.htmx:
        return render(request, "cpv/_suggestions.html", context)
    return render(request, "cpv/suggestions.html", context)


def _ancestors(cpv_code: CpvCode) -> list[CpvCode]:
    chain = []
    parent = cpv_code.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    return list(reversed(chain))
