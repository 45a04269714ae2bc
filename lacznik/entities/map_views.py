"""The catalogue on a map: a choropleth of published entities per voivodeship, powiat or gmina.

The page works without JavaScript: its table lists every unit with entities (the text alternative
of the map). The map (core/choropleth.js with Leaflet, no tile server) draws the boundary layers of
lacznik.territory.boundaries and colours them from `map_counts`; a click on a unit asks `map_unit`
for its entities. Every view takes the catalogue's filters from the query string.
"""

import re
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from lacznik.core.policy import PUBLIC, Policy, Sample
from lacznik.core.text import fold
from lacznik.territory.boundaries import (
    GMINA,
    LEVELS,
    POWIAT,
    VOIVODESHIP,
    Level,
    boundary_url,
    counts_by_unit,
    filter_code,
    units_by_key,
)
from lacznik.territory.models import Unit

from .filters import catalogue, public_entities
from .models import LegalForm

# How many entities the panel of a clicked unit lists; the rest are a link to the catalogue away.
UNIT_LIST_SIZE = 20
# The map's own parameters, dropped from the catalogue links it makes.
MAP_PARAMS = ("poziom", "kolejnosc", "page")
TERRITORY_PARAMS = ("teryt", "woj", "pow", "gmi")
UNIT_KEY = re.compile(r"\d{2}(\d{2}(\d{2})?)?")
# Counts change when an entity is saved; a minute of staleness spares the database on busy days.
COUNTS_MAX_AGE = 60
TABLE_ORDERS = ("liczba", "nazwa", "kod")


@dataclass
class UnitRow:
    key: str
    unit: Unit | None
    count: int
    catalogue_url: str

    @property
    def name(self) -> str:
        return self.unit.display_name if self.unit else self.key


def _filters(params: QueryDict) -> QueryDict:
    """The catalogue's filters of the query string, without the map's own parameters."""
    filters = params.copy()
    for name in MAP_PARAMS:
        filters.pop(name, None)
    return filters


def _narrowed(filters: QueryDict, key: str) -> QueryDict | None:
    """`filters` limited to the unit `key` (one `teryt` that is the narrowest of the territorial
    filters and the unit), or None when they contradict (no entity can match)."""
    narrowed = filters.copy()
    prefixes = [key]
    for name in TERRITORY_PARAMS:
        value = narrowed.pop(name, [""])[-1].strip()
        if value:
            prefixes.append(value)
    prefixes.sort(key=len)
    if any(not longer.startswith(shorter) for shorter, longer in zip(prefixes, prefixes[1:])):
        return None
    narrowed["teryt"] = prefixes[-1]
    return narrowed


def _catalogue_url(filters: QueryDict, key: str, level: Level) -> str:
    narrowed = _narrowed(filters, filter_code(key, level))
    query = narrowed.urlencode() if narrowed is not None else filters.urlencode()
    return f"{reverse('entities:catalogue')}?{query}"


def _matching(filters: QueryDict):
    found = catalogue(filters, public_entities())
    return found, found.matching()


def _level(params: QueryDict) -> Level | None:
    return LEVELS.get(params.get("poziom") or VOIVODESHIP.param)


# Per level, so that each language inflects the unit as it needs.
TITLES = {
    VOIVODESHIP.param: gettext_lazy("Published entities by voivodeship"),
    POWIAT.param: gettext_lazy("Published entities by powiat"),
    GMINA.param: gettext_lazy("Published entities by gmina"),
}
LEGEND_TITLES = {
    VOIVODESHIP.param: gettext_lazy("Entities in the voivodeship"),
    POWIAT.param: gettext_lazy("Entities in the powiat"),
    GMINA.param: gettext_lazy("Entities in the gmina"),
}
LOCATIVE = {
    VOIVODESHIP.param: lambda n: ngettext("in %(count)s voivodeship", "in %(count)s voivodeships", n),
    POWIAT.param: lambda n: ngettext("in %(count)s powiat", "in %(count)s powiats", n),
    GMINA.param: lambda n: ngettext("in %(count)s gmina", "in %(count)s gminas", n),
}


def _summary(rows: list[UnitRow], level: Level) -> str:
    total = sum(row.count for row in rows)
    if not total:
        return _("No published entity matches the filters.")
    entities = ngettext("%(count)s entity", "%(count)s entities", total) % {"count": total}
    units = LOCATIVE[level.param](len(rows)) % {"count": len(rows)}
    top = max(rows, key=lambda row: (row.count, -int(row.key)))
    return _("On the map: %(entities)s %(units)s. The most: %(name)s (%(count)s).") % {
        "entities": entities,
        "units": units,
        "name": top.name,
        "count": top.count,
    }


@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    level = _level(request.GET) or VOIVODESHIP
    filters = _filters(request.GET)
    found, entities = _matching(filters)
    counts = counts_by_unit(entities, level)
    units = units_by_key(counts, level)
    rows = [
        UnitRow(key, units.get(key), count, _catalogue_url(filters, key, level))
        for key, count in counts.items()
    ]
    order = request.GET.get("kolejnosc")
    order = order if order in TABLE_ORDERS else "liczba"
    if order == "liczba":
        rows.sort(key=lambda row: (-row.count, fold(row.name), row.key))
    elif order == "nazwa":
        # Folded, so that "Łódź" sorts among the L's rather than after "Żyrardów".
        rows.sort(key=lambda row: (fold(row.name), row.key))
    else:
        rows.sort(key=lambda row: row.key)
    map_query = filters.copy()
    map_query["poziom"] = level.param
    form = found.filterset.form
    # The map zooms to the territory the filters choose (the narrowest of them).
    territory = _narrowed(filters, "")
    focus = territory["teryt"][:6] if territory is not None and territory["teryt"].isdigit() else ""
    context = {
        "level": level,
        "title": TITLES[level.param],
        "legend_title": LEGEND_TITLES[level.param],
        "levels": [(choice, _level_url(filters, choice)) for choice in LEVELS.values()],
        "rows": rows,
        "order": order,
        "order_urls": {choice: _order_url(filters, level, choice) for choice in TABLE_ORDERS},
        "summary": _summary(rows, level),
        "form": form,
        "filters_valid": found.is_valid,
        "legal_forms": LegalForm.choices,
        "focus": focus,
        # The catalogue's pickers (woj, pow, gmi) show as the one territory field, the narrowest of
        # them: nothing filters the map that the form does not show.
        "territory_code": territory["teryt"] if territory is not None else (form["teryt"].value() or ""),
        "filter_query": filters.urlencode(),
        "map_query": map_query.urlencode(),
        "boundaries_url": boundary_url(level),
        "outline_url": boundary_url(VOIVODESHIP) if level is not VOIVODESHIP else "",
        "unit_url": reverse("entities:map_unit", kwargs={"code": "KOD"}),
    }
    return render(request, "entities/map.html", context)


def _level_url(filters: QueryDict, level: Level) -> str:
    query = filters.copy()
    query["poziom"] = level.param
    return f"{reverse('entities:map')}?{query.urlencode()}"


def _order_url(filters: QueryDict, level: Level, order: str) -> str:
    query = filters.copy()
    query["poziom"] = level.param
    query["kolejnosc"] = order
    return f"{reverse('entities:map')}?{query.urlencode()}#tabela"


@require_safe
def map_counts(request: HttpRequest) -> JsonResponse:
    """{"level", "digits", "total", "counts": {join key: count}} for the choropleth; one GROUP BY."""
    level = _level(request.GET)
    if level is None:
        error = _("Unknown level; use one of: %(choices)s.") % {"choices": ", ".join(LEVELS)}
        return JsonResponse({"error": error}, status=400)
    _found, entities = _matching(_filters(request.GET))
    counts = counts_by_unit(entities, level)
    response = JsonResponse(
        {"level": level.param, "digits": level.digits, "total": sum(counts.values()), "counts": counts}
    )
    patch_cache_control(response, max_age=COUNTS_MAX_AGE)
    return response


@require_safe
def map_unit(request: HttpRequest, code: str) -> JsonResponse:
    """The entities of one unit (2, 4 or 6 digits) that match the filters: the first ones by name,
    how many there are, and the catalogue's URL of all of them."""
    if not UNIT_KEY.fullmatch(code):
        raise Http404
    level = {2: VOIVODESHIP, 4: POWIAT, 6: GMINA}[len(code)]
    filters = _filters(request.GET)
    unit = units_by_key([code], level).get(code)
    narrowed = _narrowed(filters, filter_code(code, level))
    listed, count = [], 0
    if narrowed is not None:
        _found, entities = _matching(narrowed)
        count = entities.count()
        listed = [
            {"name": entity.name, "url": entity.get_absolute_url(), "town": entity.city}
            for entity in entities.only("pk", "name", "city")[:UNIT_LIST_SIZE]
        ]
    response = JsonResponse(
        {
            "code": code,
            "level": level.param,
            "name": unit.display_name if unit else "",
            "count": count,
            "entities": listed,
            "catalogue_url": _catalogue_url(filters, code, level),
        }
    )
    patch_cache_control(response, max_age=COUNTS_MAX_AGE)
    return response


urlpatterns = [
    path("katalog/mapa/", map_page, name="map"),
    path("katalog/mapa/dane.json", map_counts, name="map_counts"),
    path("katalog/mapa/jednostki/<str:code>.json", map_unit, name="map_unit"),
]


# --- who may call them (joined into lacznik.entities.policy) ----------------------------------------


def _voivodeship_row(code: str) -> Sample:
    """A published entity in `code`: the map's table (voivodeships by default) names its voivodeship."""
    from .policy import entity_sample

    entity_sample(code)
    return Sample(marker=Unit.objects.get(code=code[:2]).display_name)


def _voivodeship_count(code: str) -> Sample:
    from .policy import entity_sample

    entity_sample(code)
    return Sample(marker=f'"{code[:2]}": ')


def _unit_entities(code: str) -> Sample:
    from .policy import entity_sample

    sample = entity_sample(code)
    return Sample(kwargs={"code": code[:6]}, marker=sample.marker)


# Public like the catalogue: published entities of every region.
POLICIES: dict[str, Policy] = {
    "entities:map": Policy(read=PUBLIC, rows=_voivodeship_row),
    "entities:map_counts": Policy(read=PUBLIC, rows=_voivodeship_count),
    "entities:map_unit": Policy(read=PUBLIC, object=_unit_entities),
}
