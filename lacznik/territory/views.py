from collections import Counter

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lacznik.core.text import fold

from .models import Unit

PAGE_SIZE = 25


def _search(request: HttpRequest) -> dict:
    query = request.GET.get("q", "").strip()[:100]
    include_retired = request.GET.get("historyczne") == "1"
    context = {"query": query, "include_retired": include_retired}
    if query:
        units = Unit.objects.filter(search_name__contains=fold(query)).select_related("parent", "parent__parent")
        if not include_retired:
            units = units.current()
        context["page"] = Paginator(units.order_by("search_name", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    return context


def index(request: HttpRequest) -> HttpResponse:
    """The 16 voivodeships with their counts, or the results of a search by name."""
    context = _search(request)
    if not context["query"]:
        gminas_per_voivodeship = Counter(code[:2] for code in Unit.objects.current().gminas().values_list("code", flat=True))
        voivodeships = Unit.objects.current().voivodeships().annotate(
            powiat_count=Count("children", filter=Q(children__valid_to__isnull=True))
        )
        context["voivodeships"] = [(unit, gminas_per_voivodeship[unit.code]) for unit in voivodeships]
        context["totals"] = {
            "powiats": sum(unit.powiat_count for unit in voivodeships),
            "gminas": sum(gminas_per_voivodeship.values()),
        }
    return render(request, "territory/index.html", context)


def unit(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("parent", "parent__parent", "successor"), code=code)
    context = {"unit": unit, "ancestors": _ancestors(unit), **_search(request)}
    children = unit.children.order_by("code")
    if not request.GET.get("historyczne") == "1":
        children = children.current()
    if unit.level == Unit.Level.VOIVODESHIP:
        context["powiats"] = children.annotate(
            gmina_count=Count(
                "children", filter=Q(children__valid_to__isnull=True, children__kind__in=Unit.GMINA_KINDS)
            )
        )
    else:
        context["children"] = children
    context["predecessors"] = unit.predecessors.order_by("code")
    return render(request, "territory/unit.html", context)


def _ancestors(unit: Unit) -> list[Unit]:
    chain = []
    parent = unit.parent
    while parent is not None:
        chain.append(parent)
        parent = parent.parent
    return list(reversed(chain))
