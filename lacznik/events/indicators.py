"""Participant indicators and the programme's targets (issue #7 point 5).

A person who attended is a registration that is confirmed and has at least one day marked present.
A person is counted once however many events they attended: once in the total and once in each cell
of a breakdown (a JST employee at a training and at a conference counts once under "training", once
under "conference", and once in the total, which is therefore not the sum of its cells). The person
is the user account, else the e-mail address (lower-cased); an anonymised registration no longer
names anyone and counts as a person of its own (issue #7 point 6: kept as anonymised counts).

Every number is one SQL query with COUNT(DISTINCT ...) over the person key, grouped by the breakdown
(about ten queries for a page, whatever the number of events and registrations): the same SQL on
SQLite and PostgreSQL.

"Events held" are published events that have ended. Targets (model `Target`) are measured over the
events of the territory shown, narrowed to the target's region, kind, project and target group.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, Lower, Substr, Trim
from django.utils import timezone
from django.utils.translation import gettext as _

from lacznik.accounts.services import ALL_VOIVODESHIPS
from lacznik.core.scope import code_in_scope

from .models import Attendance, Event, EventKind, Registration, Target, TargetGroup

VOIVODESHIPS = tuple(ALL_VOIVODESHIPS)


def person_key() -> Case:
    """Registration.person_key in SQL, with each anonymised registration a person of its own."""
    return Case(
        When(anonymised_at__isnull=False, then=Concat(Value("registration:"), Cast("pk", CharField()))),
        When(user__isnull=False, then=Concat(Value("user:"), Cast("user_id", CharField()))),
        default=Concat(Value("email:"), Lower(Trim("email"))),
        output_field=CharField(),
    )


def _unique_persons() -> Count:
    return Count(person_key(), distinct=True)


@dataclass(frozen=True)
class Filters:
    """What is counted: events in the territory `prefixes`, optionally of one year (by their start,
    local time), one project ("" is any) and one kind ("" is any)."""

    prefixes: tuple[str, ...]
    year: int | None = None
    project: str = ""
    kind: str = ""

    def narrowed_to(self, region: str) -> "Filters":
        """The same filters within the voivodeship `region` ("" keeps the territory as it is)."""
        if not region:
            return self
        inside = {p for p in self.prefixes if p.startswith(region)}
        inside |= {region for p in self.prefixes if region.startswith(p)}
        return Filters(prefixes=tuple(sorted(inside)), year=self.year, project=self.project, kind=self.kind)

    def event_q(self, prefix: str = "") -> Q:
        """The filters on the event's own fields (`prefix` "event__" when querying registrations)."""
        match = Q()
        if self.year:
            zone = timezone.get_current_timezone()
            match &= Q(**{f"{prefix}starts_at__gte": datetime(self.year, 1, 1, tzinfo=zone)})
            match &= Q(**{f"{prefix}starts_at__lt": datetime(self.year + 1, 1, 1, tzinfo=zone)})
        if self.project:
            match &= Q(**{f"{prefix}project": self.project})
        if self.kind:
            match &= Q(**{f"{prefix}kind": self.kind})
        return match


def registrations(filters: Filters) -> QuerySet:
    # Registration.teryt is the event's code, so the registrations' scope is their events' scope.
    return Registration.objects.in_scope(filters.prefixes).filter(filters.event_q("event__"))


def attended(filters: Filters, *, target_group: str = "") -> QuerySet:
    """Confirmed registrations with at least one day marked present."""
    # A semi-join (IN) over the days present: measured faster than EXISTS per row on SQLite, alike on
    # PostgreSQL.
    present = Attendance.objects.filter(present=True).values("registration_id")
    rows = registrations(filters).filter(pk__in=present, status=Registration.Status.CONFIRMED)
    return rows.filter(target_group=target_group) if target_group else rows


def held(filters: Filters, *, now: datetime | None = None) -> QuerySet:
    """Published events that have ended."""
    now = now or timezone.now()
    return Event.objects.in_scope(filters.prefixes).published().filter(filters.event_q(), ends_at__lt=now)


def count_persons(filters: Filters, *, target_group: str = "") -> int:
    return attended(filters, target_group=target_group).aggregate(n=_unique_persons())["n"]


def _persons_by(rows: QuerySet, *fields: str) -> dict[Any, int]:
    counted = rows.order_by().values_list(*fields).annotate(n=_unique_persons())
    return {(row[:-1] if len(fields) > 1 else row[0]): row[-1] for row in counted}


def _count_by(rows: QuerySet, *fields: str) -> dict[Any, int]:
    counted = rows.order_by().values_list(*fields).annotate(n=Count("pk"))
    return {(row[:-1] if len(fields) > 1 else row[0]): row[-1] for row in counted}


# --- the report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    count: int


@dataclass
class Progress:
    target: Target
    count: int
    where: str = ""  # the territory the count covers, in words

    @property
    def percent(self) -> int:
        return self.count * 100 // self.target.value if self.target.value else 0

    @property
    def bar_value(self) -> int:
        # <progress> cannot go past its maximum; the text says how far past the target it is.
        return min(self.count, self.target.value)


@dataclass
class RegionLine:
    code: str
    name: str
    count: int
    target: Target | None = None

    @property
    def percent(self) -> int | None:
        return self.count * 100 // self.target.value if self.target and self.target.value else None


@dataclass
class Comparison:
    choice: str
    label: str
    lines: list[RegionLine]


@dataclass
class Report:
    filters: Filters
    persons: int
    by_group: list[Line]
    by_kind: list[Line]
    by_project: list[Line]
    # (group, kind) → unique persons, with the groups and kinds that have any.
    cross: dict[tuple[str, str], int]
    events: int
    events_by_kind: list[Line]
    events_by_project: list[Line]
    by_status: list[Line]
    targets: list[Progress] = field(default_factory=list)
    comparison: Comparison | None = None

    @property
    def cross_rows(self) -> list[tuple[Line, list[int]]]:
        """The cross table: a row per target group, a cell per kind (the kinds of `by_kind`)."""
        return [
            (group, [self.cross.get((group.code, kind.code), 0) for kind in self.by_kind])
            for group in self.by_group
        ]


def _lines(counts: dict[str, int], labels: dict[str, str]) -> list[Line]:
    """Lines in the order of `labels` (the choices), unknown codes after them; zero lines left out."""
    order = list(labels) + sorted(set(counts) - set(labels))
    return [Line(code, str(labels.get(code, code)), counts[code]) for code in order if counts.get(code)]


def _project_lines(counts: dict[str, int]) -> list[Line]:
    named = sorted((code for code in counts if code), key=str.lower)
    lines = [Line(code, code, counts[code]) for code in named]
    if counts.get(""):
        lines.append(Line("", _("no project named"), counts[""]))
    return lines


def build_report(filters: Filters, *, now: datetime | None = None) -> Report:
    people = attended(filters)
    events = held(filters, now=now)
    groups = dict(TargetGroup.choices)
    kinds = dict(EventKind.choices)
    statuses = dict(Registration.Status.choices)
    return Report(
        filters=filters,
        persons=people.aggregate(n=_unique_persons())["n"],
        by_group=_lines(_persons_by(people, "target_group"), groups),
        by_kind=_lines(_persons_by(people, "event__kind"), kinds),
        by_project=_project_lines(_persons_by(people, "event__project")),
        cross=_persons_by(people, "target_group", "event__kind"),
        events=events.count(),
        events_by_kind=_lines(_count_by(events, "kind"), kinds),
        events_by_project=_project_lines(_count_by(events, "project")),
        by_status=_lines(_count_by(registrations(filters), "status"), statuses),
    )


# --- targets ------------------------------------------------------------------------------------------


def regions_of(prefixes: Iterable[str]) -> set[str]:
    """The voivodeships a territory lies in (or covers)."""
    return {prefix[:2] for prefix in prefixes}


def visible_targets(prefixes: Iterable[str]) -> QuerySet:
    """The national targets and those of the voivodeships of the territory."""
    return Target.objects.filter(Q(region="") | Q(region__in=regions_of(prefixes))).order_by(
        "region", "label"
    )


def target_filters(target: Target, filters: Filters) -> Filters:
    """What a target counts: the territory and year shown, within its region, of its kind and project."""
    narrowed = filters.narrowed_to(target.region)
    return Filters(
        prefixes=narrowed.prefixes, year=filters.year, project=target.project, kind=target.event_kind
    )


def measure(target: Target, filters: Filters, *, now: datetime | None = None) -> int:
    counted = target_filters(target, filters)
    if target.measure == Target.Measure.EVENTS:
        return held(counted, now=now).count()
    return count_persons(counted, target_group=target.target_group)


def progress_of(
    targets: Iterable[Target], filters: Filters, *, now: datetime | None = None
) -> list[Progress]:
    return [Progress(target=target, count=measure(target, filters, now=now)) for target in targets]


def compare_regions(
    choice: str, filters: Filters, names: dict[str, str], *, now: datetime | None = None
) -> Comparison | None:
    """Every voivodeship of the territory side by side: "persons" (who attended), "events" (held), or
    a national target's pk (its measure, and each region's own target of the same name)."""
    target = None
    if choice == "events":
        label = _("events held")
        rows = held(filters, now=now)
        counts = _count_by(rows.annotate(region=Substr("teryt", 1, 2)), "region")
    elif choice == "persons" or not choice:
        choice, label = "persons", _("unique persons who attended")
        counts = _persons_by(attended(filters).annotate(region=Substr("teryt", 1, 2)), "region")
    else:
        target = Target.objects.filter(region="", pk=choice).first() if choice.isdigit() else None
        if target is None:
            return None
        label = target.label
        counted = target_filters(target, filters)
        if target.measure == Target.Measure.EVENTS:
            counts = _count_by(held(counted, now=now).annotate(region=Substr("teryt", 1, 2)), "region")
        else:
            rows = attended(counted, target_group=target.target_group).annotate(region=Substr("teryt", 1, 2))
            counts = _persons_by(rows, "region")
    covered = [code for code in VOIVODESHIPS if any(code_in_scope(code, [p]) for p in filters.prefixes)]
    own = {}
    if target is not None:
        own = {t.region: t for t in Target.objects.filter(region__in=covered, label=target.label)}
    lines = [RegionLine(code, names.get(code, code), counts.get(code, 0), own.get(code)) for code in covered]
    return Comparison(choice=choice, label=label, lines=lines)


# --- keeping targets ----------------------------------------------------------------------------------


def save_target(*, target: Target, by) -> Target:
    """Save a target with its history under `by`."""
    target._history_user = by
    target._change_reason = "events.target.saved"
    target.save()
    return target


def default_targets() -> list[Target]:
    """The programme's targets (unsaved, national): 200 trainings for 3,000 JST employees
    (sources/w-sieci-dobrych-polaczen-spoldzielczosc-socjalna.txt, point 5), and the project's target
    groups of 60 ROPS staff, 160 committee members and 40 marshal office staff
    (sources/spojna-integracja-regionalna-es.txt). The labels are data, in Polish like any a
    coordinator types."""
    persons, events = Target.Measure.PERSONS, Target.Measure.EVENTS
    return [
        Target(
            label="Pracownicy JST przeszkoleni",
            measure=persons,
            target_group=TargetGroup.JST_STAFF,
            event_kind=EventKind.TRAINING,
            value=3000,
        ),
        Target(label="Szkolenia zrealizowane", measure=events, event_kind=EventKind.TRAINING, value=200),
        Target(
            label="Pracownicy ROPS — uczestnicy wydarzeń",
            measure=persons,
            target_group=TargetGroup.ROPS_STAFF,
            value=60,
        ),
        Target(
            label="Członkowie RKRES i ciał doradczych — uczestnicy wydarzeń",
            measure=persons,
            target_group=TargetGroup.COMMITTEE_MEMBERS,
            value=160,
        ),
        Target(
            label="Pracownicy urzędów marszałkowskich — uczestnicy wydarzeń",
            measure=persons,
            target_group=TargetGroup.MARSHAL_OFFICE_STAFF,
            value=40,
        ),
    ]


def add_default_targets(*, by=None) -> list[Target]:
    """Create the programme's targets that are missing (matched by name, nationally); safe to repeat."""
    existing = set(Target.objects.filter(region="").values_list("label", flat=True))
    return [save_target(target=target, by=by) for target in default_targets() if target.label not in existing]


# --- the same numbers as a table, for the exports -----------------------------------------------------

EXPORT_COLUMNS = ("zestawienie", "kod", "kod_2", "nazwa", "liczba", "cel", "procent")


def export_rows(report: Report, names: dict[str, str]) -> list[list[Any]]:
    """One row per number of the page, under the Polish column names of EXPORT_COLUMNS: the section,
    the code(s) of what is counted, its name, the count, and for targets the value and percentage."""
    rows: list[list[Any]] = [
        ["osoby_razem", "", "", _("unique persons who attended"), report.persons, "", ""]
    ]
    for section, lines in (
        ("osoby_wg_grupy", report.by_group),
        ("osoby_wg_rodzaju", report.by_kind),
        ("osoby_wg_projektu", report.by_project),
    ):
        rows += [[section, line.code, "", line.label, line.count, "", ""] for line in lines]
    for group, cells in report.cross_rows:
        for kind, count in zip(report.by_kind, cells, strict=True):
            if count:
                rows.append(
                    [
                        "osoby_grupa_rodzaj",
                        group.code,
                        kind.code,
                        f"{group.label} — {kind.label}",
                        count,
                        "",
                        "",
                    ]
                )
    rows.append(["wydarzenia_razem", "", "", _("events held"), report.events, "", ""])
    rows += [
        ["wydarzenia_wg_rodzaju", line.code, "", line.label, line.count, "", ""]
        for line in report.events_by_kind
    ]
    rows += [
        ["wydarzenia_wg_projektu", line.code, "", line.label, line.count, "", ""]
        for line in report.events_by_project
    ]
    rows += [
        ["zgloszenia_wg_statusu", line.code, "", line.label, line.count, "", ""] for line in report.by_status
    ]
    for item in report.targets:
        region = item.target.region
        rows.append(
            [
                "cel",
                region,
                str(item.target.pk),
                item.target.label,
                item.count,
                item.target.value,
                item.percent,
            ]
        )
    if report.comparison is not None:
        for line in report.comparison.lines:
            value = line.target.value if line.target else ""
            percent = line.percent if line.percent is not None else ""
            rows.append(
                [
                    "porownanie_regionow",
                    line.code,
                    report.comparison.choice,
                    f"{line.name} — {report.comparison.label}",
                    line.count,
                    value,
                    percent,
                ]
            )
    return rows
