"""The coverage of the advocates programme (issue #6 point 9): of all gminas and powiats of a territory,
how many are in each stage of the pipeline and how many have an advocate in office.

The denominators are the register's current gminas proper (kinds 1, 2 and 3: 2,477 in Poland) and
powiats (380, the cities with powiat rights among them). A unit without an enrolment has not been
contacted, so every unit is in exactly one stage and the stages of a level add up to its total.
"Has an advocate" means the enrolment is in the stage APPOINTED and an advocate of it is in office
(not ended); a suspended advocate does not count.

The dashboard's numbers are two GROUP BY queries (units per powiat and level; enrolments per powiat,
level, stage and advocate), whatever the size of the territory. The table of units, the map and the
exports read one row per unit in two queries (units; enrolments with their advocate), never one query
per unit.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from lacznik.core.scope import prefix_q
from lacznik.territory.boundaries import GMINA, POWIAT, Level
from lacznik.territory.models import Unit

from .models import Advocate, Enrolment, Stage

STAGES: tuple[str, ...] = tuple(Stage.values)


@dataclass(frozen=True)
class Category:
    """A colour of the map: stages grouped as a reader of the map asks about them."""

    value: int
    label: object
    colour: str


# In the programme's order, light to dark (ColorBrewer "Blues"), and the way out in orange, so that the
# map reads without the legend and by people with colour-vision deficiencies.
NOT_CONTACTED = Category(0, _("not contacted"), "#ffffff")
IN_PIPELINE = Category(1, _("in the pipeline (letter, selection, visit)"), "#9ecae1")
AGREEMENT = Category(2, _("agreement signed"), "#4292c6")
APPOINTED = Category(3, _("advocate in office"), "#08306b")
LEFT = Category(4, _("withdrawn, suspended or ended"), "#fd8d3c")
CATEGORIES = (NOT_CONTACTED, IN_PIPELINE, AGREEMENT, APPOINTED, LEFT)

_CATEGORY_OF_STAGE = {
    Stage.NOT_CONTACTED: NOT_CONTACTED,
    Stage.LETTER_SENT: IN_PIPELINE,
    Stage.SELECTED: IN_PIPELINE,
    Stage.VISITED: IN_PIPELINE,
    Stage.AGREEMENT_SIGNED: AGREEMENT,
    # Appointed but nobody in office (the advocate left and no successor yet): the agreement stands.
    Stage.APPOINTED: AGREEMENT,
    Stage.SUSPENDED: LEFT,
    Stage.WITHDRAWN: LEFT,
    Stage.ENDED: LEFT,
}


def category_of(stage: str, has_advocate: bool) -> Category:
    if stage == Stage.APPOINTED and has_advocate:
        return APPOINTED
    return _CATEGORY_OF_STAGE[stage]


def percent(part: int, whole: int) -> float:
    """`part` of `whole` in per cent, to one decimal (0 of 0 is 0)."""
    return round(100 * part / whole, 1) if whole else 0.0


# --- what is counted --------------------------------------------------------------------------------


def jst_units(prefixes: Iterable[str]) -> QuerySet:
    """The current gminas proper and powiats of the territory `prefixes` (the denominators)."""
    match = prefix_q(prefixes, "code")
    if match is None:
        return Unit.objects.none()
    return (
        Unit.objects.current()
        .filter(match)
        .filter(Q(level=Unit.Level.POWIAT) | Q(level=Unit.Level.GMINA, kind__in=Unit.GMINA_KINDS))
    )


def _in_office() -> Exists:
    return Exists(
        Advocate.objects.unscoped(reason="advocates of enrolments already limited to a scope").filter(
            enrolment=OuterRef("pk"), ended_on__isnull=True
        )
    )


def jst_enrolments(prefixes: Iterable[str]) -> QuerySet:
    """The enrolments of those units, each with `has_advocate` (an advocate in office)."""
    return (
        Enrolment.objects.in_scope(prefixes)
        .filter(unit__valid_to__isnull=True)
        .filter(
            Q(unit__level=Unit.Level.POWIAT)
            | Q(unit__level=Unit.Level.GMINA, unit__kind__in=Unit.GMINA_KINDS)
        )
        .annotate(has_advocate=_in_office())
    )


# --- the dashboard's numbers ----------------------------------------------------------------------


@dataclass
class Tally:
    """Units of one level: how many in all, in each stage, and with an advocate in office."""

    total: int = 0
    stages: Counter = field(default_factory=Counter)
    with_advocate: int = 0

    @property
    def enrolled(self) -> int:
        """Units past "not contacted" (the letter went out, at least)."""
        return self.total - self.stages[Stage.NOT_CONTACTED]

    @property
    def with_advocate_percent(self) -> float:
        return percent(self.with_advocate, self.total)

    @property
    def enrolled_percent(self) -> float:
        return percent(self.enrolled, self.total)

    @property
    def lines(self) -> list[tuple[str, object, int, float]]:
        """(stage, label, count, per cent of the total) in the programme's order."""
        return [
            (stage, Stage(stage).label, self.stages[stage], percent(self.stages[stage], self.total))
            for stage in STAGES
        ]

    def merge(self, other: "Tally") -> None:
        self.total += other.total
        self.stages.update(other.stages)
        self.with_advocate += other.with_advocate


@dataclass
class PowiatLine:
    code: str
    name: str
    is_city: bool
    stage: str  # of the powiat itself
    has_advocate: bool
    gminas: Tally

    @property
    def stage_label(self) -> object:
        return Stage(self.stage).label


@dataclass
class RegionLine:
    code: str
    name: str
    gminas: Tally
    powiats: Tally


@dataclass
class Summary:
    gminas: Tally
    powiats: Tally
    by_powiat: list[PowiatLine]
    by_voivodeship: list[RegionLine]


def summarise(prefixes: Iterable[str], *, per_powiat: bool = True) -> Summary:
    """The dashboard's numbers for the territory `prefixes`: two GROUP BY queries and the names of
    the territory's voivodeships (and powiats). Without `per_powiat` the queries group by
    voivodeship (a few hundred rows for the whole country, not a few thousand) and `by_powiat` is
    empty."""
    prefixes = tuple(prefixes)
    length = 4 if per_powiat else 2
    # Gminas and powiats (the JSTs themselves) by the key: a powiat's code, or a voivodeship's.
    gminas_by_key: dict[str, Tally] = {}
    powiats_by_key: dict[str, Tally] = {}

    def tally(store: dict[str, Tally], key: str) -> Tally:
        return store.setdefault(key, Tally())

    units = (
        jst_units(prefixes)
        .annotate(key=Substr("code", 1, length))
        .values("key", "level")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in units:
        store = gminas_by_key if row["level"] == Unit.Level.GMINA else powiats_by_key
        tally(store, row["key"]).total += row["count"]

    enrolments = (
        jst_enrolments(prefixes)
        .annotate(key=Substr("teryt", 1, length))
        .values("key", "unit__level", "stage", "has_advocate")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in enrolments:
        store = gminas_by_key if row["unit__level"] == Unit.Level.GMINA else powiats_by_key
        line = tally(store, row["key"])
        line.stages[row["stage"]] += row["count"]
        if row["stage"] == Stage.APPOINTED and row["has_advocate"]:
            line.with_advocate += row["count"]
    # Units without an enrolment were not contacted.
    for line in (*gminas_by_key.values(), *powiats_by_key.values()):
        line.stages[Stage.NOT_CONTACTED] += line.total - sum(line.stages.values())

    keys = sorted(set(powiats_by_key) | set(gminas_by_key))
    names = names_of(set(keys) | {key[:2] for key in keys})
    by_powiat = []
    for code in keys if per_powiat else ():
        own = powiats_by_key.get(code, Tally())
        stage = next((stage for stage in STAGES if own.stages[stage]), Stage.NOT_CONTACTED)
        by_powiat.append(
            PowiatLine(
                code=code,
                name=names.get(code, code),
                is_city=int(code[2:4]) >= 61,
                stage=stage,
                has_advocate=bool(own.with_advocate),
                gminas=gminas_by_key.get(code, Tally()),
            )
        )
    regions: dict[str, RegionLine] = {}
    gminas, powiats = Tally(), Tally()
    for key in keys:
        region = regions.setdefault(
            key[:2], RegionLine(key[:2], names.get(key[:2], key[:2]), Tally(), Tally())
        )
        region.gminas.merge(gminas_by_key.get(key, Tally()))
        region.powiats.merge(powiats_by_key.get(key, Tally()))
    for region in regions.values():
        gminas.merge(region.gminas)
        powiats.merge(region.powiats)
    return Summary(gminas=gminas, powiats=powiats, by_powiat=by_powiat, by_voivodeship=list(regions.values()))


def names_of(codes: set[str]) -> dict[str, str]:
    """Display names of voivodeships and powiats by code (one query)."""
    return Unit.objects.current().display_names(codes) if codes else {}


# --- one row per unit: the table, the map, the exports --------------------------------------------


def kind_label(code: str, level: str, kind: str) -> object:
    """ "powiat", "city with powiat rights", or the gmina's kind."""
    if level == Unit.Level.POWIAT:
        return _("city with powiat rights") if int(code[2:4]) >= 61 else _("powiat")
    return Unit.Kind(kind).label if kind in Unit.Kind.values else _("gmina")


@dataclass
class UnitRow:
    code: str
    name: str
    level: str
    kind: str
    stage: str
    since: date | None
    has_advocate: bool

    @property
    def is_powiat(self) -> bool:
        return self.level == Unit.Level.POWIAT

    @property
    def kind_label(self) -> object:
        return kind_label(self.code, self.level, self.kind)

    @property
    def stage_label(self) -> object:
        return Stage(self.stage).label

    @property
    def category(self) -> Category:
        return category_of(self.stage, self.has_advocate)

    @property
    def advocate_in_office(self) -> bool:
        return self.category is APPOINTED

    def join_key(self, level: Level) -> str:
        """The key of the map's shapes: 4 digits for a powiat, the first 6 for a gmina."""
        return self.code[: level.digits]


def unit_rows(prefixes: Iterable[str], *, level: str | None = None) -> list[UnitRow]:
    """Every gmina and powiat of the territory (or those of `level`) with its stage, by TERYT code:
    each powiat followed by its gminas."""
    prefixes = tuple(prefixes)
    units = jst_units(prefixes)
    enrolments = jst_enrolments(prefixes)
    if level is not None:
        units = units.filter(level=level)
        enrolments = enrolments.filter(unit__level=level)
    found = {
        teryt: (stage, since, has_advocate)
        for teryt, stage, since, has_advocate in enrolments.values_list(
            "teryt", "stage", "stage_since", "has_advocate"
        )
    }
    rows = []
    for code, name, unit_level, kind in units.order_by("code").values_list("code", "name", "level", "kind"):
        stage, since, has_advocate = found.get(code, (Stage.NOT_CONTACTED, None, False))
        rows.append(UnitRow(code, name, unit_level, kind, stage, since, has_advocate))
    return rows


def map_values(prefixes: Iterable[str], level: Level) -> dict[str, int]:
    """Join key → category value of every unit of `level` (POWIAT or GMINA) in the territory: gminas
    join the map on their first 6 digits."""
    if level not in (GMINA, POWIAT):
        raise ValueError("The coverage map has gminas and powiats only.")
    rows = unit_rows(prefixes, level=level.unit_level)
    return {row.join_key(level): row.category.value for row in rows}
