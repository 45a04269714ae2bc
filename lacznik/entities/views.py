"""The public catalogue: search and filter entities, an entity's page, statistics of the regions."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString

from lacznik.territory.models import Unit

from . import exports
from .filters import PS_CHOICES, RELEVANCE, SORT_CHOICES, Catalogue, public_entities
from .filters import catalogue as filter_catalogue
from .models import Entity, LegalForm, Mark, OfferItem
from .search import COUNT_CAP, marked, snippet

PAGE_SIZE = 20


LAST_PAGE = -(-COUNT_CAP // PAGE_SIZE)


def _page_number(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    # The count is capped, so pages past the cap are not offered.
    return min(max(number, 1), LAST_PAGE)


OFFER_SHOWN = 5


@dataclass(frozen=True)
class Hit:
    """One entity of a results page as the page shows it, the matched words already in <mark>."""

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
    rows = exports.rows_by_ids(
        Entity.objects.unscoped(reason="rows already filtered"),
        ids,
        ("id", "name", "legal_form", "teryt", "description", "ps_granted_on", "ps_lost_on"),
    )
    shown = exports.Shown.of(rows)
    offer: dict[int, list[str]] = defaultdict(list)
    for entity_id, name in (
        OfferItem.objects.unscoped(reason="the offer of entities already selected")
        .filter(entity_id__in=ids, is_published=True)
        .order_by("entity_id", "name")
        .values_list("entity_id", "name")
    ):
        offer[entity_id].append(name)
    query = found.query
    hits = []
    for row in rows:
        items = offer[row["id"]]
        hits.append(
            Hit(
                url=shown.url(row["id"]),
                name=row["name"],
                marked_name=marked(row["name"], query),
                legal_form=shown.legal_form(row),
                place=Unit.place(row["teryt"], *shown.places(row)),
                social_enterprise=shown.social_enterprise(row),
                marks=[name for _code, name in shown.marks.get(row["id"], ())],
                description=marked(snippet(row["description"]), query),
                offer=[marked(name, query) for name in items[:OFFER_SHOWN]],
                more_offer=len(items) > OFFER_SHOWN,
            )
        )
    return hits, total, ranked


def _chosen(found: Catalogue) -> dict:
    """The filters' values as the page shows them filled in and selected (read once, not per option).
    The order shown is the one asked for, relevance when none was: a search typed into a list by name
    is then ranked, where a preselected "name A–Z" would have sent its words sorted by name."""
    data = found.filterset.form.data
    return {
        "q": data.get("q", ""),
        "cpv": data.get("cpv", ""),
        "ps": data.get("ps", ""),
        "znak": data.get("znak", ""),
        "sort": data.get("sort") or RELEVANCE,
        "forma": set(data.getlist("forma") if hasattr(data, "getlist") else data.get("forma") or []),
    }


def _territory(params) -> dict:
    """The three territory pickers: the options (voivodeships, the chosen one's powiats, the chosen
    powiat's gminas, in Polish alphabetical order) and the chosen codes. A `teryt` code alone (a link
    from the map) is shown in the pickers it stands for; one they cannot show (a district of Warsaw),
    or one beside chosen pickers, stays a hidden filter. A narrower pick outside the wider one (a
    powiat left from another voivodeship) is not shown."""
    picked = {name: params.get(name, "").strip() for name in ("woj", "pow", "gmi")}
    teryt = params.get("teryt", "").strip()
    shown_by_pickers = teryt.isdigit() and len(teryt) in (2, 4, 6, 7) and not any(picked.values())
    if shown_by_pickers:
        picked = {"woj": teryt[:2], "pow": teryt[:4] if len(teryt) >= 4 else "", "gmi": ""}
    # A narrower pick alone (?pow=1465 in a shared address) shows with the wider ones it lies in.
    picked["pow"] = picked["pow"] or picked["gmi"][:4]
    picked["woj"] = picked["woj"] or picked["pow"][:2]
    if not picked["pow"].startswith(picked["woj"]):
        picked["pow"] = ""
    if not picked["gmi"].startswith(picked["pow"]) or not picked["pow"]:
        picked["gmi"] = ""
    units = Unit.objects.current()
    territory = {
        "voivodeships": [(unit.code, unit.display_name) for unit in units.voivodeships().alphabetical()],
        "powiats": [],
        "gminas": [],
        **picked,
    }
    if len(picked["woj"]) == 2 and picked["woj"].isdigit():
        territory["powiats"] = units.powiats().filter(code__startswith=picked["woj"]).alphabetical()
    if len(picked["pow"]) == 4 and picked["pow"].isdigit():
        territory["gminas"] = units.gminas().filter(code__startswith=picked["pow"]).alphabetical()
    if shown_by_pickers and len(teryt) >= 6:
        # A gmina's 6 digits (the map's) or its 7: the gmina of the picker, when it is that very unit.
        territory["gmi"] = next(
            (unit.code for unit in territory["gminas"] if unit.code[: len(teryt)] == teryt), ""
        )
        shown_by_pickers = bool(territory["gmi"])
    territory["hidden_teryt"] = "" if shown_by_pickers else teryt
    return territory


def catalogue(request: HttpRequest) -> HttpResponse:
    if request.htmx and request.htmx.target == "teren":
        # A voivodeship or powiat just chosen: its powiats or gminas, the results left as they are.
        # The picker just changed forgets the narrower ones (their old values come along in the request).
        params = request.GET.copy()
        for narrower in {"id_woj": ("pow", "gmi"), "id_pow": ("gmi",)}.get(request.htmx.trigger, ()):
            params.pop(narrower, None)
        return render(request, "entities/_territory_picker.html", {"territory": _territory(params)})
    found = filter_catalogue(request.GET, public_entities())
    number = _page_number(request)
    entities, total, ranked = results_page(found, number)
    last_page = max(1, (min(total, COUNT_CAP) + PAGE_SIZE - 1) // PAGE_SIZE)
    if not entities and number > last_page:
        # A page past the last (an old link, a hand-typed number): the last page, not "no entity
        # matches" under a count of hits.
        number = last_page
        entities, total, ranked = results_page(found, number)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "catalogue": found,
        "form": found.filterset.form,
        "entities": entities,
        "total": total,
        "capped": total > COUNT_CAP,
        "cap": COUNT_CAP,
        "unranked_search": bool(found.query) and not ranked,
        "page_number": number,
        "has_previous": number > 1,
        "has_next": len(entities) == PAGE_SIZE and number * PAGE_SIZE < min(total, COUNT_CAP),
        "last_page": last_page,
        "first_number": (number - 1) * PAGE_SIZE + 1,
        "query_string": query_string.urlencode(),
        "legal_forms": LegalForm.choices,
        "sorts": SORT_CHOICES,
        "ps_choices": PS_CHOICES,
        "marks": Mark.objects.values_list("code", "name"),
        "chosen": _chosen(found),
        "territory": _territory(request.GET),
    }
    # htmx replaces the results and, out of band, the territory pickers (a chosen voivodeship brings
    # its powiats).
    partial = bool(request.htmx) and request.htmx.target == "wyniki"
    context["oob"] = partial
    template = "entities/_results.html" if partial else "entities/catalogue.html"
    return render(request, template, context)


def _with_places_and_offer(entities):
    """An entity's page: its places, published offer (with CPV names) and marks, as lists (to_attr)."""
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
    counts = {
        "total": Count("pk"),
        "published": Count("pk", filter=Q(is_published=True)),
        "enterprises": Count("pk", filter=Q(pk__in=enterprises)),
    }
    by_region = {
        row["region"]: row
        for row in entities.annotate(region=Substr("teryt", 1, 2)).values("region").annotate(**counts)
    }
    # Every voivodeship, those without entities too (with zeros).
    empty = {"total": 0, "published": 0, "enterprises": 0}
    regions = [
        {**empty, **by_region.get(unit.code, {}), "region": unit.code, "name": unit.display_name}
        for unit in Unit.objects.current().voivodeships().order_by("code")
    ]
    forms = dict(LegalForm.choices)
    by_form = [
        {**row, "code": row["legal_form"], "label": forms.get(row["legal_form"], row["legal_form"])}
        for row in entities.values("legal_form").annotate(**counts).order_by("-total", "legal_form")
    ]
    totals = {name: sum(row[name] for row in regions) for name in empty}
    return render(
        request, "entities/statistics.html", {"regions": regions, "by_form": by_form, "totals": totals}
    )
