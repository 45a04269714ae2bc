"""Enrolment of the JSTs of a voivodeship into the advocates programme: starting the pipeline, taking a
step of the workflow (Enrolment.move_to is the only place that changes a stage), the head of the office,
and the recruitment key that ranks the JSTs still to be chosen for the pilot.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from lacznik.core.errors import WorkflowError
from lacznik.core.scope import in_scope, validate_prefix
from lacznik.territory.models import Unit

from .addressing import TITLES, default_head
from .models import TRANSITIONS, Advocate, Enrolment, EnrolmentStep, Selection, Stage

# --- the head of the office -----------------------------------------------------------------------


def is_city_with_powiat_rights(code: str) -> bool:
    """A gmina or powiat code inside a city with powiat rights (POW 61-99, domain-facts.md)."""
    return len(code) >= 4 and int(code[2:4]) >= 61


# The head of the office, as the letters print it (Enrolment.head_title): addressing.py decides who
# heads which JST and declines the office's name.
HEAD_TITLES = [(title, title) for title in TITLES.values()]


def default_head_title(unit: Unit) -> str:
    """The title by the kind of the JST: Wójt, Burmistrz, Prezydent Miasta or Starosta."""
    return TITLES[default_head(unit)]


# The kinds of JST the pipeline filters by: the gmina kinds of the register, and the powiat.
POWIAT = "powiat"
JST_KINDS = [
    (Unit.Kind.URBAN.value, Unit.Kind.URBAN.label),
    (Unit.Kind.RURAL.value, Unit.Kind.RURAL.label),
    (Unit.Kind.URBAN_RURAL.value, Unit.Kind.URBAN_RURAL.label),
    (POWIAT, _("powiat")),
]


def jst_kind(unit: Unit) -> str:
    return POWIAT if unit.level == Unit.Level.POWIAT else unit.kind


def jst_kind_label(unit: Unit) -> str:
    if unit.level == Unit.Level.POWIAT:
        if is_city_with_powiat_rights(unit.code):
            return gettext("city with powiat rights (powiat)")
        return gettext("powiat")
    if unit.kind == Unit.Kind.URBAN and is_city_with_powiat_rights(unit.code):
        return gettext("city with powiat rights (gmina)")
    return str(unit.get_kind_display())


def kind_filter(kind: str) -> Q:
    """Enrolments of one kind of JST (a value of JST_KINDS)."""
    if kind == POWIAT:
        return Q(unit__level=Unit.Level.POWIAT)
    return Q(unit__level=Unit.Level.GMINA, unit__kind=kind)


# --- the pipeline ---------------------------------------------------------------------------------


def pipeline_units(region: str):
    """The current gminas (kinds 1, 2, 3) and powiats of `region` (a TERYT prefix, usually 2 digits)."""
    validate_prefix(region)
    units = Unit.objects.current().filter(
        Q(level=Unit.Level.GMINA, kind__in=Unit.GMINA_KINDS) | Q(level=Unit.Level.POWIAT)
    )
    return in_scope(units, [region], "code")


def start_pipeline(region: str, by, *, on: date | None = None) -> int:
    """Enrol every current gmina and powiat of `region` that has no enrolment yet, as not contacted;
    returns how many were added. Running it again adds only units new in the register."""
    on = on or timezone.localdate()
    for attempt in range(2):
        try:
            with transaction.atomic():
                enrolled = Enrolment.objects.in_scope([region]).values("unit_id")
                missing = pipeline_units(region).exclude(pk__in=enrolled).order_by("code")
                new = [
                    Enrolment(
                        unit=unit,
                        teryt=unit.code,
                        stage=Stage.NOT_CONTACTED,
                        stage_since=on,
                        head_title=default_head_title(unit),
                    )
                    for unit in missing
                ]
                if new:
                    bulk_create_with_history(
                        new,
                        Enrolment,
                        batch_size=500,
                        default_user=by,
                        default_change_reason="advocates.enrolment.started",
                    )
                return len(new)
        except IntegrityError:
            # Someone started the same pipeline at the same moment: their rows are in, add the rest.
            if attempt:
                raise
    return 0  # pragma: no cover - the loop returns or raises


@transaction.atomic
def take_step(*, enrolment: Enrolment, stage: str, on: date, note: str = "", by) -> EnrolmentStep:
    """Move the enrolment to `stage` as the workflow table allows (WorkflowError otherwise, with
    nothing changed). Appointing needs the advocate (appoint_advocate); ending the programme in a JST
    ends its advocate's term."""
    locked = Enrolment.objects.in_scope([enrolment.teryt]).select_for_update().get(pk=enrolment.pk)
    active = Advocate.objects.in_scope([locked.teryt]).active().filter(enrolment=locked)
    if stage == Stage.APPOINTED and stage in TRANSITIONS[locked.stage] and not active.exists():
        raise WorkflowError(_("Appoint the advocate with the appointment form: name the person first."))
    step = locked.move_to(stage, on=on, by=by, note=note)
    if stage == Stage.ENDED:
        for advocate in active:
            advocate.ended_on = on
            advocate._history_user = by
            advocate.save(update_fields=["ended_on"])
    enrolment.refresh_from_db()
    return step


@transaction.atomic
def appoint_advocate(
    *,
    enrolment: Enrolment,
    email: str,
    first_name: str,
    last_name: str,
    position: str = "",
    phone: str = "",
    publish_contact: bool = False,
    appointed_on: date,
    by,
    site_url: str,
) -> Advocate:
    """Appoint the JST's advocate after the agreement is signed: the employee gets an account (invited
    by e-mail to set a password) with the advocate role in the JST's territory, and the enrolment
    moves to "advocate appointed"."""
    from lacznik.accounts.models import User
    from lacznik.accounts.roles import Role
    from lacznik.accounts.services import assign_role, create_user

    locked = Enrolment.objects.in_scope([enrolment.teryt]).select_for_update().get(pk=enrolment.pk)
    if locked.stage != Stage.AGREEMENT_SIGNED:
        raise WorkflowError(_("An advocate is appointed after the agreement is signed."))
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    territory = locked.teryt[:6] if len(locked.teryt) == 7 else locked.teryt
    if user is not None:
        # An existing account is appointed only when it holds no role but this JST's advocacy (a
        # re-appointment): never a coordinator's account, never another JST's advocate, whose role's
        # territory the appointment would otherwise move here.
        held = [
            assignment
            for assignment in user.active_assignments
            if not (assignment.role == Role.ADVOCATE and assignment.prefixes == [territory])
        ]
        if held:
            raise WorkflowError(
                _(
                    "The e-mail %(email)s belongs to an account that already holds a role in Łącznik "
                    "(%(roles)s). Appoint the advocate with their own work e-mail, or ask an administrator."
                )
                % {"email": email, "roles": ", ".join(sorted(str(Role(a.role).label) for a in held))}
            )
    # The role comes with the appointment, which the coordinator is entitled to make: the account
    # changes are the system's (by=None), the appointment's history names the coordinator.
    if user is None:
        user = create_user(email=email, first_name=first_name, last_name=last_name, by=None, site_url=site_url)
    assign_role(user=user, role=Role.ADVOCATE, prefixes=[territory], by=None)
    locked.move_to(Stage.APPOINTED, on=appointed_on, by=by, note=f"{first_name} {last_name} <{email}>")
    advocate = Advocate(
        enrolment=locked,
        user=user,
        position=position,
        phone=phone,
        publish_contact=publish_contact,
        appointed_on=appointed_on,
    )
    advocate._history_user = by
    advocate.save()
    enrolment.refresh_from_db()
    return advocate


# What the enrolment's page lets the coordinator change about the office it writes to.
OFFICE_FIELDS = ["head_title", "head_name", "head_gender", "office_address", "agreement_number"]


def save_office(*, enrolment: Enrolment, by) -> Enrolment:
    enrolment._history_user = by
    enrolment._change_reason = "advocates.enrolment.office"
    enrolment.save(update_fields=OFFICE_FIELDS)
    return enrolment


# --- the recruitment key --------------------------------------------------------------------------

CANDIDATE_STAGES = (Stage.NOT_CONTACTED, Stage.LETTER_SENT)


@dataclass(frozen=True)
class Candidate:
    enrolment: Enrolment

    @property
    def code(self) -> str:
        return self.enrolment.teryt


# Given the candidates, raw values by TERYT code; None when the platform has no such data.
Source = Callable[[list[Candidate]], dict[str, float] | None]


@dataclass(frozen=True)
class Criterion:
    """One criterion of the key. Its points are 0-1: a yes/no is 1 or 0, a figure is its share of the
    highest figure among the candidates (so that weights 0-10 compare criteria, not units)."""

    key: str
    label: Promise
    explanation: Promise
    source: Source | None
    default_weight: int = 0
    proportional: bool = False  # points = value / highest value among the candidates
    group: str = ""

    def values(self, candidates: list[Candidate]) -> dict[str, float] | None:
        return self.source(candidates) if self.source is not None else None


def _pes_counts(candidates: list[Candidate]) -> dict[str, float]:
    """Published PES in each candidate's territory, in one GROUP BY over the candidates' regions."""
    from lacznik.entities.models import Entity

    regions = {candidate.code[:2] for candidate in candidates}
    by_code = (
        Entity.objects.in_scope(regions)
        .published()
        .order_by()
        .values_list("teryt")
        .annotate(count=Count("pk"))
    )
    by_key: dict[str, int] = {}
    for code, count in by_code:
        # A gmina is its first 6 digits (its parts count with it); a city with powiat rights is its
        # powiat (Warsaw's districts, the delegatury of the large cities).
        for key in {code[:4], code[:6]}:
            by_key[key] = by_key.get(key, 0) + count
    values = {}
    for candidate in candidates:
        code = candidate.code
        key = code[:4] if len(code) == 4 or is_city_with_powiat_rights(code) else code[:6]
        values[code] = by_key.get(key, 0)
    return values


def _without_advocate(candidates: list[Candidate]) -> dict[str, float]:
    """1 when neither the powiat nor any of its gminas has an appointed advocate."""
    regions = {candidate.code[:2] for candidate in candidates}
    covered = {
        code[:4]
        for code in Enrolment.objects.in_scope(regions).with_advocate().values_list("teryt", flat=True)
    }
    return {candidate.code: 0 if candidate.code[:4] in covered else 1 for candidate in candidates}


def _of_kind(kind: str) -> Source:
    def source(candidates: list[Candidate]) -> dict[str, float]:
        return {candidate.code: int(jst_kind(candidate.enrolment.unit) == kind) for candidate in candidates}

    return source


# TODO(#5 monitoring): population and unemployment come from the monitoring app's values by territory
# and year (DESIGN.md §2.5) once it exists; until then the page says they are not available.
_MONITORING: Source | None = None

CRITERIA: list[Criterion] = [
    Criterion(
        "pes",
        _("social economy entities in the JST"),
        _("published PES in the gmina or powiat, as a share of the highest number among the candidates"),
        _pes_counts,
        default_weight=5,
        proportional=True,
    ),
    Criterion(
        "no_advocate",
        _("the powiat has no advocate yet"),
        _("1 when neither the powiat nor any of its gminas has an appointed advocate, otherwise 0"),
        _without_advocate,
        default_weight=5,
    ),
    Criterion(
        "kind_1", _("urban gmina"), _("1 for an urban gmina"), _of_kind(Unit.Kind.URBAN), 2, group="kind"
    ),
    Criterion(
        "kind_2", _("rural gmina"), _("1 for a rural gmina"), _of_kind(Unit.Kind.RURAL), 3, group="kind"
    ),
    Criterion(
        "kind_3",
        _("urban-rural gmina"),
        _("1 for an urban-rural gmina"),
        _of_kind(Unit.Kind.URBAN_RURAL),
        3,
        group="kind",
    ),
    Criterion("kind_powiat", _("powiat"), _("1 for a powiat"), _of_kind(POWIAT), 1, group="kind"),
    Criterion(
        "population",
        _("population"),
        _("inhabitants, as a share of the highest number among the candidates (from monitoring)"),
        _MONITORING,
        proportional=True,
    ),
    Criterion(
        "unemployment",
        _("registered unemployment rate"),
        _("the rate, as a share of the highest rate among the candidates (from monitoring)"),
        _MONITORING,
        proportional=True,
    ),
]
CRITERIA_BY_KEY = {criterion.key: criterion for criterion in CRITERIA}
WEIGHT_MIN, WEIGHT_MAX = 0, 10


def available_criteria() -> list[Criterion]:
    return [criterion for criterion in CRITERIA if criterion.source is not None]


def unavailable_criteria() -> list[Criterion]:
    return [criterion for criterion in CRITERIA if criterion.source is None]


def default_weights() -> dict[str, int]:
    return {criterion.key: criterion.default_weight for criterion in available_criteria()}


@dataclass(frozen=True)
class Part:
    """One criterion's share of a score: the raw value, its points (0-1) and the weight."""

    criterion: Criterion
    value: float
    points: Decimal
    weight: int

    @property
    def contribution(self) -> Decimal:
        return (self.points * self.weight).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class Ranked:
    enrolment: Enrolment
    parts: list[Part] = field(default_factory=list)

    @property
    def score(self) -> Decimal:
        return sum((part.contribution for part in self.parts), Decimal("0.00"))

    @property
    def shown_parts(self) -> list[Part]:
        """The parts worth explaining: every criterion but the kinds the JST is not."""
        return [part for part in self.parts if part.criterion.group != "kind" or part.value]


def _points(value: float, highest: float, proportional: bool) -> Decimal:
    if proportional:
        share = Decimal(value) / Decimal(highest) if highest else Decimal(0)
    else:
        share = Decimal(1 if value else 0)
    return share.quantize(Decimal("0.01"), ROUND_HALF_UP)


def candidates_in(prefixes: Iterable[str]):
    """The enrolments still to be chosen: not contacted, or the cover letter sent."""
    return (
        Enrolment.objects.in_scope(prefixes)
        .filter(stage__in=CANDIDATE_STAGES)
        .select_related("unit")
        .order_by("teryt")
    )


def rank(*, prefixes: Iterable[str], weights: dict[str, int]) -> list[Ranked]:
    """The candidates of `prefixes`, best first, each with its score explained criterion by criterion."""
    candidates = [Candidate(enrolment) for enrolment in candidates_in(prefixes)]
    ranked = {candidate.code: Ranked(candidate.enrolment) for candidate in candidates}
    if not candidates:
        return []
    for criterion in available_criteria():
        values = criterion.values(candidates) or {}
        highest = max(values.values(), default=0)
        weight = int(weights.get(criterion.key, 0))
        for candidate in candidates:
            value = values.get(candidate.code, 0)
            ranked[candidate.code].parts.append(
                Part(criterion, value, _points(value, highest, criterion.proportional), weight)
            )
    return sorted(
        ranked.values(), key=lambda item: (-item.score, item.enrolment.unit.name, item.enrolment.teryt)
    )


@dataclass
class SelectionResult:
    selection: Selection
    moved: list[Enrolment]
    not_moved: list[Enrolment]


@transaction.atomic
def save_selection(
    *,
    region: str,
    name: str,
    weights: dict[str, int],
    chosen: list[Ranked],
    move_to_selected: bool,
    by,
    on: date | None = None,
) -> SelectionResult:
    """Save the weights and the chosen JSTs with their scores; optionally move the chosen whose stage
    allows it to "selected for the pilot" (a JST not yet sent the cover letter stays where it is)."""
    on = on or timezone.localdate()
    selection = Selection(
        region=region,
        name=name,
        weights=dict(weights),
        chosen=[item.enrolment.teryt for item in chosen],
        created_by=by,
    )
    selection._history_user = by
    selection._change_reason = "advocates.selection.saved"
    selection.save()
    scores = {item.enrolment.pk: item.score for item in chosen}
    locked = Enrolment.objects.in_scope([region]).select_for_update().filter(pk__in=scores).order_by("teryt")
    moved, not_moved = [], []
    note = gettext("Chosen by the recruitment key: “%(name)s”.") % {"name": name}
    for enrolment in locked:
        enrolment.selection_score = scores[enrolment.pk]
        enrolment._history_user = by
        enrolment._change_reason = "advocates.enrolment.scored"
        enrolment.save(update_fields=["selection_score"])
        if not move_to_selected:
            continue
        if Stage.SELECTED in TRANSITIONS[enrolment.stage]:
            enrolment.move_to(Stage.SELECTED, on=max(on, enrolment.stage_since), by=by, note=note)
            moved.append(enrolment)
        else:
            not_moved.append(enrolment)
    return SelectionResult(selection, moved, not_moved)
