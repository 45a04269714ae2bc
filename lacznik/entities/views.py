"""The public catalogue: search and filter entities, an entity's page, statistics of the regions."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from lacznik.territory.models import Unit

from . import exports
from .filters import PS_CHOICES, SORT_CHOICES, Catalogue, public_entities
from .filters import catalogue as filter_catalogue
from .models import Entity, LegalForm, Mark, OfferItem
from .search import COUNT_CAP, marked, snippet

PAGE_SIZE = 20
PLACE = _("{gmina}, powiat {powiat}, {voivodeship}")


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


OFFER_SHOWN = 5


@dataclass(frozen=True)
class Hit:
    """One entity of a results page as the page shows it, the matched words already in <mark>."""

    pk: int
    url: str
    name: str
    marked_name: SafeString
    legal_form: str
    place: str
    social_enterprise: bool
    marks: list[str]
    description: SafeString
    offer: list[SafeString]
    more_offer: bool


def results_page(found: Catalogue, number: int) -> tuple[list[Hit], int, bool]:
    """One page of the filtered catalogue, the capped hit count and whether it is ranked.

    The rows are read as plain values in four queries (entities, unit names, marks, offer) and
    highlighted here once, so the template only lays them out."""
    ids, total, ranked = found.page_ids(offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if not ids:
        return [], total, ranked
    by_pk = {
        row["id"]: row
        for row in Entity.objects.unscoped(reason="rows already filtered")
        .filter(pk__in=ids)
        .values("id", "name", "legal_form", "teryt", "description", "ps_granted_on", "ps_lost_on")
    }
    names = exports.unit_names({code for row in by_pk.values() for code in exports.territory_codes(row["teryt"])})
    marks = exports.marks_of(ids)
    offer: dict[int, list[str]] = defaultdict(list)
    for entity_id, name in (
        OfferItem.objects.unscoped(reason="the offer of entities already selected")
        .filter(entity_id__in=ids, is_published=True)
        .order_by("entity_id", "name")
        .values_list("entity_id", "name")
    ):
        offer[entity_id].append(name)
    labels = dict(LegalForm.choices)
    url = exports.detail_url_maker("")
    query = found.query
    today = timezone.localdate()
    place = str(PLACE)
    hits = []
    for pk in ids:
        row = by_pk.get(pk)
        if row is None:
            continue
        gmina, powiat, voivodeship = (names.get(code, "") for code in exports.territory_codes(row["teryt"]))
        items = offer[pk]
        hits.append(
            Hit(
                pk=pk,
                url=url(pk),
                name=row["name"],
                marked_name=marked(row["name"], query),
                legal_form=labels.get(row["legal_form"], row["legal_form"]),
                place=place.format(gmina=gmina, powiat=powiat, voivodeship=voivodeship),
                social_enterprise=exports.holds_ps_status(row, today),
                marks=[name for _code, name in marks.get(pk, ())],
                description=marked(snippet(row["description"]), query),
                offer=[marked(name, query) for name in items[:OFFER_SHOWN]],
                more_offer=len(items) > OFFER_SHOWN,
            )
        )
    return hits, total, ranked


def _chosen(found: Catalogue) -> dict:
    """The filters' values as the page shows them filled in and selected (read once, not per option)."""
    data = found.filterset.form.data
    return {
        "q": data.get("q", ""),
        "cpv": data.get("cpv", ""),
        "teryt": data.get("teryt", ""),
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
    voivodeships = units.voivodeships().order_by("name").values_list("code", "name", "level")
    choices = {
        "voivodeships": [(code, Unit.display(name, level)) for code, name, level in voivodeships],
        "powiats": [],
        "gminas": [],
    }
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
        "sorts": SORT_CHOICES,
        "ps_choices": PS_CHOICES,
        "marks": Mark.objects.values_list("code", "name"),
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
