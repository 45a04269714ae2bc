"""The public catalogue: search and filter entities, an entity's page, statistics of the regions."""

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lacznik.territory.models import Unit

from .filters import Catalogue, public_entities
from .filters import catalogue as filter_catalogue
from .models import Entity, LegalForm, Mark, OfferItem
from .search import COUNT_CAP

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    # The count is capped, so pages past the cap are not offered.
    return min(max(number, 1), COUNT_CAP // PAGE_SIZE + 1)


def _with_places_and_offer(entities):
    # Lists (to_attr), not managers: Django then fills each entity without a queryset per entity.
    return entities.select_related("gmina__parent__parent").prefetch_related(
        Prefetch(
            "offer_items",
            queryset=OfferItem.objects.unscoped(reason="the offer of entities already selected")
            .filter(is_published=True)
            .select_related("cpv")
            .order_by("name"),
            to_attr="published_offer",
        ),
        Prefetch("marks", to_attr="mark_list"),
    )


def results_page(found: Catalogue, number: int) -> tuple[list[Entity], int, bool]:
    """One page of the filtered catalogue, the capped hit count and whether it is ranked; each entity
    with its legal form's name in `legal_form_label` (looked up once per page, not per row)."""
    ids, total, ranked = found.page_ids(offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    by_pk = _with_places_and_offer(Entity.objects.unscoped(reason="rows already filtered")).in_bulk(ids)
    labels = dict(LegalForm.choices)
    entities = [by_pk[pk] for pk in ids if pk in by_pk]
    for entity in entities:
        entity.legal_form_label = labels.get(entity.legal_form, entity.legal_form)
    return entities, total, ranked


def _chosen(found: Catalogue) -> dict:
    """The filters' values as the page shows them selected (read once, not per option)."""
    data = found.filterset.form.data
    return {
        "woj": data.get("woj", ""),
        "pow": data.get("pow", ""),
        "gmi": data.get("gmi", ""),
        "ps": data.get("ps", ""),
        "znak": data.get("znak", ""),
        "forma": set(data.getlist("forma") if hasattr(data, "getlist") else data.get("forma") or []),
    }


def _territory_choices(params) -> dict:
    """The options of the three territory pickers: voivodeships, the chosen one's powiats, the chosen
    powiat's gminas."""
    units = Unit.objects.current()
    choices = {"voivodeships": units.voivodeships().order_by("name"), "powiats": [], "gminas": []}
    woj = params.get("woj", "")
    pow_ = params.get("pow", "")
    if len(woj) == 2 and woj.isdigit():
        choices["powiats"] = units.powiats().filter(code__startswith=woj).order_by("name")
    if len(pow_) == 4 and pow_.isdigit():
        choices["gminas"] = units.gminas().filter(code__startswith=pow_).order_by("name")
    return choices


def catalogue(request: HttpRequest) -> HttpResponse:
    found = filter_catalogue(request.GET, public_entities())
    number = _page_number(request)
    entities, total, ranked = results_page(found, number)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "catalogue": found,
        "form": found.filterset.form,
        "entities": entities,
        "total": total,
        "capped": total > COUNT_CAP,
        "unranked_search": bool(found.query) and not ranked,
        "page_number": number,
        "has_previous": number > 1,
        "has_next": len(entities) == PAGE_SIZE and number * PAGE_SIZE < min(total, COUNT_CAP + 1),
        "last_page": (min(total, COUNT_CAP) + PAGE_SIZE - 1) // PAGE_SIZE,
        "query_string": query_string.urlencode(),
        "legal_forms": LegalForm.choices,
        "chosen": _chosen(found),
        **_territory_choices(request.GET),
    }
    template = (
        "entities/_results.html"
        if request.htmx and request.htmx.target == "wyniki"
        else "entities/catalogue.html"
    )
    return render(request, template, context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(_with_places_and_offer(public_entities()), pk=pk)
    return render(
        request,
        "entities/detail.html",
        {"entity": entity, "can_edit": _can_edit(request.user, entity)},
    )


def _can_edit(user, entity: Entity) -> bool:
    from .access import may_edit

    return user.is_authenticated and may_edit(user, entity)


@login_required
@permission_required("entities.view_national_statistics", raise_exception=True)
def statistics(request: HttpRequest) -> HttpResponse:
    """The catalogue across all 16 regions: counts by region, legal form and social enterprise status."""
    entities = Entity.objects.unscoped(reason="national statistics of all regions")
    enterprises = entities.social_enterprises().values("pk")
    by_region = (
        entities.annotate(region=Substr("teryt", 1, 2))
        .values("region")
        .annotate(
            total=Count("pk"),
            published=Count("pk", filter=Q(is_published=True)),
            enterprises=Count("pk", filter=Q(pk__in=enterprises)),
        )
        .order_by("region")
    )
    names = {unit.code: unit.display_name for unit in Unit.objects.current().voivodeships()}
    regions = [{**row, "name": names.get(row["region"], row["region"])} for row in by_region]
    forms = dict(LegalForm.choices)
    by_form = [
        {
            "code": row["legal_form"],
            "label": forms.get(row["legal_form"], row["legal_form"]),
            "total": row["total"],
        }
        for row in entities.values("legal_form").annotate(total=Count("pk")).order_by("-total")
    ]
    totals = {
        "total": sum(row["total"] for row in regions),
        "published": sum(row["published"] for row in regions),
        "enterprises": sum(row["enterprises"] for row in regions),
    }
    return render(
        request, "entities/statistics.html", {"regions": regions, "by_form": by_form, "totals": totals}
    )
