"""Boundaries of voivodeships, powiats and gminas for maps, and counts of records per unit to colour them.

The GeoJSON layers (PRG, GUGiK, simplified; released into the public domain) are static files under
`territory/static/territory/boundaries/`, served compressed and cached by whitenoise. Each feature has
the properties `{terc, name}`: 2 digits for a voivodeship, 4 for a powiat, 7 for a gmina.

A map joins records to shapes on TERYT codes, never on names. Gminas join on their first 6 digits:
the gmina layer predates some changes of kind (the 7th, RODZ digit), and the parts of an urban-rural
gmina (kinds 4 and 5) share its 6 digits. The districts of Warsaw and the delegatury of Kraków, Łódź,
Poznań and Wrocław (kinds 8 and 9) have codes of their own but no shape: they count for their city,
which, being a city with powiat rights, is the gmina XXYY01.

Any app draws a choropleth with `core/choropleth.js` from `boundary_url(level)` and a JSON view that
answers `{"counts": counts_by_unit(queryset, level)}` (see lacznik/entities/map_views.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Unit


# eq=False: levels compare and hash by identity (their lazy labels hash differently per language).
@dataclass(frozen=True, eq=False)
class Level:
    """One level of the map: its query-string value, the length of its join key, its shapes."""

    param: str  # the value of ?poziom= (Polish, like every query-string value of the catalogue)
    digits: int
    unit_level: str  # Unit.Level
    file: str  # under static/territory/boundaries/
    label: Promise
    label_plural: Promise

    @property
    def boundary_path(self) -> str:
        return f"territory/boundaries/{self.file}"


VOIVODESHIP = Level(
    param="wojewodztwo",
    digits=2,
    unit_level=Unit.Level.VOIVODESHIP,
    file="poland.voivodeships.geojson",
    label=_("voivodeship"),
    label_plural=_("voivodeships"),
)
POWIAT = Level(
    param="powiat",
    digits=4,
    unit_level=Unit.Level.POWIAT,
    file="poland.counties.geojson",
    label=_("powiat"),
    label_plural=_("powiats"),
)
GMINA = Level(
    param="gmina",
    digits=6,
    unit_level=Unit.Level.GMINA,
    file="poland.municipalities.geojson",
    label=_("gmina"),
    label_plural=_("gminas"),
)
LEVELS: dict[str, Level] = {level.param: level for level in (VOIVODESHIP, POWIAT, GMINA)}

# RODZ digits of the units inside a city with powiat rights that have no shape of their own.
CITY_PARTS = frozenset({Unit.Kind.DISTRICT, Unit.Kind.DELEGATURA})


def boundary_url(level: Level) -> str:
    """The URL of the level's GeoJSON (a static file: hashed name and far-future caching in production)."""
    return static(level.boundary_path)


def join_key(code: str, level: Level) -> str:
    """The key that joins a record's TERYT code to a shape of `level` (2, 4 or 6 digits)."""
    if level is GMINA and len(code) == 7 and code[6] in CITY_PARTS:
        return code[:4] + "01"
    return code[: level.digits]


def filter_code(key: str, level: Level) -> str:
    """The TERYT prefix that selects every record of the unit `key` (for ?teryt= of a list). A city
    with powiat rights is selected by its powiat code, so that its districts are included."""
    if level is GMINA and int(key[2:4]) >= 61:
        return key[:4]
    return key


def counts_by_unit(queryset: QuerySet, level: Level, field: str = "teryt") -> dict[str, int]:
    """How many rows of `queryset` lie in each unit of `level`: join key → count, units with rows only.

    One GROUP BY query. Gminas are grouped on the whole code (a B-tree index on `field` serves it) and
    folded to their join keys here, because a district's 7th digit decides where it counts."""
    rows = queryset.order_by()
    if level is GMINA:
        grouped = rows.values(field).annotate(count=Count("pk")).values_list(field, "count")
    else:
        grouped = (
            rows.annotate(join_key=Substr(field, 1, level.digits))
            .values("join_key")
            .annotate(count=Count("pk"))
            .values_list("join_key", "count")
        )
    counts: dict[str, int] = {}
    for code, count in grouped:
        key = join_key(code, level)
        counts[key] = counts.get(key, 0) + count
    return counts


def units_by_key(keys: Iterable[str], level: Level) -> dict[str, Unit]:
    """The register's unit for each join key (with its parent), for names in tables. A unit still in
    the register wins over one that left it (a gmina whose kind changed keeps its 6 digits)."""
    keys = set(keys)
    if not keys:
        return {}
    units = Unit.objects.filter(level=level.unit_level).select_related("parent")
    if level is GMINA:
        units = units.filter(kind__in=Unit.GMINA_KINDS)
    # Past a few hundred keys, reading the whole level (2,500 gminas at most) beats a long IN list.
    if len(keys) <= 500:
        if level is GMINA:
            units = units.annotate(join_key=Substr("code", 1, 6)).filter(join_key__in=keys)
        else:
            units = units.filter(code__in=keys)
    found: dict[str, Unit] = {}
    for unit in units:
        key = unit.code[: level.digits]
        if key not in keys:
            continue
        if key not in found or (unit.is_current and not found[key].is_current):
            found[key] = unit
    return found
