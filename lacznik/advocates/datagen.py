"""Synthetic advocates programme at national scale (lacznik.core.datagen), for the coverage benchmark of
issue #6 and for trying the programme at full size.

Every current gmina (kinds 1, 2, 3) and powiat of the register gets an enrolment, as the coordinators'
"start the pipeline" leaves it, taken along the workflow table (models.TRANSITIONS) step by step with
dates, who and a note. At scale 1.0 about a third of all JSTs have an advocate in office; the rest are
spread over the earlier stages, with some withdrawn, and a few appointed JSTs suspended or ended. An
advocate is the synthetic advocate account the accounts generator made for that JST office
(lacznik.accounts.datagen: "rzecznik.<TERYT>.<number>@syntetyczne.example"), so at smaller scales,
where fewer offices have an account, fewer JSTs can be appointed (at most those with an account).

Each advocate has a year of activity reports (a few a month, categories mixed) from the appointment,
the support received (trainings, consultancy, study visits …), an evaluation of the first half-year
for most and of the second for some, and a local action plan. Everything is what the services would
have left: an APPOINTED or SUSPENDED enrolment has exactly one advocate in office, an ENDED one only
ended advocates, the earlier stages none; `stage_since` is the date of the last step; steps follow the
workflow table in order. Everything looks synthetic: addresses end with SYNTHETIC_MARK, names are
"Przykładowa"/"Przykładowy", descriptions say "(dane syntetyczne)". Bulk inserts write no history.
The data depends on the seed and on the day it is generated (dates count back from today).
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from lacznik.accounts.models import User
from lacznik.core.datagen import SYNTHETIC_DOMAIN, BatchWriter, generator, scaled
from lacznik.territory.models import Unit

from .models import (
    NEEDS_REASON,
    TRANSITIONS,
    ActionPlanItem,
    ActivityReport,
    Advocate,
    Enrolment,
    EnrolmentStep,
    Evaluation,
    Reminder,
    Stage,
    Support,
    SupportKind,
    TaskCategory,
)
from .services import default_head_title

SYNTHETIC_MARK = "(adres syntetyczny)"
SYNTHETIC_NOTE = "(dane syntetyczne)"
# Of all JSTs, the share with an advocate in office at scale 1.0 (the issue: "a third").
APPOINTED_SHARE = 1 / 3
# Of the JSTs that reached an appointment, some were suspended or ended since.
SUSPENDED_SHARE = 0.03
ENDED_SHARE = 0.03
# The JSTs without an advocate: where they stand (relative weights).
EARLIER_STAGES = {
    Stage.NOT_CONTACTED: 30,
    Stage.LETTER_SENT: 25,
    Stage.SELECTED: 14,
    Stage.VISITED: 10,
    Stage.AGREEMENT_SIGNED: 8,
    Stage.WITHDRAWN: 8,
}
# The programme's order of steps up to the appointment.
PATH = [Stage.LETTER_SENT, Stage.SELECTED, Stage.VISITED, Stage.AGREEMENT_SIGNED, Stage.APPOINTED]
REPORTS_PER_MONTH = 2.5
SUPPORT_PER_ADVOCATE = 4.0
CATEGORY_WEIGHTS = {
    TaskCategory.INFORM: 30,
    TaskCategory.COOPERATE_OWES: 18,
    TaskCategory.EDUCATE_STAFF: 14,
    TaskCategory.RESPONSIBLE_PURCHASING: 8,
    TaskCategory.WEBSITE: 10,
    TaskCategory.LOCAL_PLANS: 8,
    TaskCategory.LOCAL_EVENTS: 12,
}
DESCRIPTIONS = {
    TaskCategory.INFORM: "Spotkanie informacyjne o ekonomii społecznej dla mieszkańców",
    TaskCategory.COOPERATE_OWES: "Konsultacje z doradcą OWES w sprawie lokalnych PES",
    TaskCategory.EDUCATE_STAFF: "Szkolenie wewnętrzne dla pracowników urzędu",
    TaskCategory.RESPONSIBLE_PURCHASING: "Przygotowanie zamówienia z klauzulą społeczną",
    TaskCategory.WEBSITE: "Aktualizacja zakładki o ekonomii społecznej na stronie urzędu",
    TaskCategory.LOCAL_PLANS: "Prace nad lokalnym planem rozwoju ekonomii społecznej",
    TaskCategory.LOCAL_EVENTS: "Lokalny kiermasz podmiotów ekonomii społecznej",
}
# (kind, weight, hours range or None)
SUPPORT_KINDS = [
    (SupportKind.TRAINING, 30, (4, 16)),
    (SupportKind.CONSULTANCY, 30, (1, 4)),
    (SupportKind.PRINTED_MATERIALS, 12, None),
    (SupportKind.OWES_INTERNSHIP, 8, (16, 40)),
    (SupportKind.STUDY_VISIT, 10, (8, 24)),
    (SupportKind.FAIR_CONFERENCE_SEMINAR, 10, (4, 8)),
]
PROVIDERS = (
    "Regionalny Ośrodek Polityki Społecznej (przykładowy)",
    "Ośrodek Wsparcia Ekonomii Społecznej „Przykładowy” nr 1",
    "Ośrodek Wsparcia Ekonomii Społecznej „Przykładowy” nr 2",
    "Fundacja Szkoleniowa „Przykładowa”",
)
PLAN_ACTIONS = (
    "Zakładka o ekonomii społecznej na stronie urzędu",
    "Spotkanie z lokalnymi PES i OWES",
    "Klauzule społeczne w zamówieniach gminy",
    "Lokalny program rozwoju ekonomii społecznej",
    "Kiermasz produktów PES",
    "Zlecenie zadania publicznego spółdzielni socjalnej",
)
EXIT_REASONS = {
    Stage.WITHDRAWN: "Urząd nie podjął współpracy (dane syntetyczne).",
    Stage.SUSPENDED: "Długa nieobecność rzecznika (dane syntetyczne).",
    Stage.ENDED: "Rzecznik zmienił pracę (dane syntetyczne).",
}
FIRST_NAMES = {
    "f": ("Anna", "Maria", "Ewa", "Zofia", "Joanna"),
    "m": ("Jan", "Piotr", "Adam", "Marek", "Tomasz"),
}
LAST_NAMES = {"f": "Przykładowa", "m": "Przykładowy"}
POSITIONS = ("inspektor ds. ekonomii społecznej", "podinspektor", "kierownik referatu spraw społecznych")


def _criteria() -> list[str]:
    """The keys of the evaluation's criteria (lacznik.advocates.activity.CRITERIA)."""
    from . import activity

    return [criterion.key for criterion in getattr(activity, "CRITERIA", [])] or ["activity"]


# --- removing what was made before --------------------------------------------------------------


def synthetic_enrolments():
    return Enrolment.objects.unscoped(reason="synthetic data of every territory").filter(
        office_address__endswith=SYNTHETIC_MARK
    )


def clear_advocates() -> int:
    """Remove the synthetic enrolments with everything hanging from them, in bulk and without history
    (they were made without any)."""
    reason = "synthetic data of every territory"
    enrolments = synthetic_enrolments()
    advocates = Advocate.objects.unscoped(reason=reason).filter(enrolment__in=enrolments)
    removed = 0
    for related in (
        Reminder.objects.filter(advocate__in=advocates),
        Evaluation.objects.unscoped(reason=reason).filter(advocate__in=advocates),
        ActivityReport.objects.unscoped(reason=reason).filter(advocate__in=advocates),
        Support.objects.unscoped(reason=reason).filter(advocate__in=advocates),
        ActionPlanItem.objects.unscoped(reason=reason).filter(enrolment__in=enrolments),
        advocates,
        EnrolmentStep.objects.filter(enrolment__in=enrolments),
    ):
        removed += related._raw_delete(related.db)
    return removed + enrolments._raw_delete(enrolments.db)


# --- the generator ------------------------------------------------------------------------------


def _accounts(prefix: str) -> dict[str, list[int]]:
    """The synthetic accounts whose mailbox is "<prefix>.<code>.<number>", by code."""
    found: dict[str, list[int]] = {}
    people = User.objects.filter(email__startswith=f"{prefix}.", email__endswith=f"@{SYNTHETIC_DOMAIN}")
    for pk, email in people.order_by("email").values_list("pk", "email"):
        code = email.split(".")[1]
        found.setdefault(code, []).append(pk)
    return found


class Pipeline:
    """Makes the enrolment of one JST and, when appointed, its advocate's year."""

    def __init__(self, rng: random.Random, writer: BatchWriter, *, today: date, coordinators, advisors):
        self.rng = rng
        self.writer = writer
        self.today = today
        self.coordinators = coordinators
        self.advisors = advisors
        self.criteria = _criteria()
        self.numbers = 0

    def _coordinator(self, code: str) -> int | None:
        people = self.coordinators.get(code[:2])
        return self.rng.choice(people) if people else None

    def _recorder(self, code: str) -> int | None:
        """Who recorded support: the region's OWES advisor or its coordinator."""
        people = self.advisors.get(code[:2]) if self.rng.random() < 0.5 else None
        return self.rng.choice(people) if people else self._coordinator(code)

    def _dates_back(self, last: date, steps: int) -> list[date]:
        """`steps` dates in order ending on `last`, a week to six weeks apart."""
        dates = [last]
        for _ in range(steps - 1):
            dates.append(dates[-1] - timedelta(days=self.rng.randint(7, 42)))
        return list(reversed(dates))

    def make(
        self, *, unit_id: int, code: str, name: str, level: str, kind: str, advocate_user: int | None
    ) -> None:
        rng = self.rng
        self.numbers += 1
        final, path = self._path(advocate_user is not None)
        if final in (Stage.APPOINTED, Stage.SUSPENDED, Stage.ENDED):
            appointed_on = self.today - timedelta(days=rng.randint(370, 470))
            dates = self._dates_back(appointed_on, len(PATH))
            if final != Stage.APPOINTED:
                dates.append(appointed_on + timedelta(days=rng.randint(120, 300)))
        elif path:
            dates = self._dates_back(self.today - timedelta(days=rng.randint(3, 420)), len(path))
        else:
            dates = []
        started = (dates[0] if dates else self.today) - timedelta(days=rng.randint(1, 30))
        sex = rng.choice("fm")
        reached = set(path)
        unit = Unit(code=code, level=level, kind=kind)
        enrolment = self.writer.add(
            Enrolment(
                unit_id=unit_id,
                teryt=code,
                stage=final,
                stage_since=dates[-1] if dates else started,
                head_title=default_head_title(unit),
                head_name=f"{rng.choice(FIRST_NAMES[sex])} {LAST_NAMES[sex]}-{self.numbers:06d}",
                head_gender=sex,
                office_address=f"ul. Przykładowa {rng.randint(1, 99)}, 00-000 {name} {SYNTHETIC_MARK}",
                agreement_number=(
                    f"POR/{code}/{dates[path.index(Stage.AGREEMENT_SIGNED)].year}"
                    if Stage.AGREEMENT_SIGNED in reached
                    else ""
                ),
                agreement_signed_on=dates[path.index(Stage.AGREEMENT_SIGNED)]
                if Stage.AGREEMENT_SIGNED in reached
                else None,
                selection_score=(
                    Decimal(rng.randint(2000, 9500)) / 100 if Stage.SELECTED in reached else None
                ),
            )
        )
        previous = Stage.NOT_CONTACTED
        for stage, on in zip(path, dates, strict=True):
            self.writer.add(
                EnrolmentStep(
                    enrolment=enrolment,
                    from_stage=previous,
                    to_stage=stage,
                    on=on,
                    by_id=self._coordinator(code),
                    note=EXIT_REASONS.get(stage, "") if stage in NEEDS_REASON else "",
                )
            )
            previous = stage
        if advocate_user is not None and Stage.APPOINTED in reached:
            appointed_on = dates[path.index(Stage.APPOINTED)]
            # An ended advocate worked until the end; a suspended one stays in office, not reporting.
            last_day = dates[-1] if final != Stage.APPOINTED else self.today
            self._advocate(enrolment, code, advocate_user, appointed_on, last_day, ended=final == Stage.ENDED)

    def _path(self, can_appoint: bool) -> tuple[str, list[str]]:
        """The final stage and the steps that led to it, as TRANSITIONS allows them."""
        rng = self.rng
        if can_appoint:
            chance = rng.random()
            if chance < SUSPENDED_SHARE:
                return Stage.SUSPENDED, [*PATH, Stage.SUSPENDED]
            if chance < SUSPENDED_SHARE + ENDED_SHARE:
                return Stage.ENDED, [*PATH, Stage.ENDED]
            return Stage.APPOINTED, list(PATH)
        final = rng.choices(list(EARLIER_STAGES), list(EARLIER_STAGES.values()))[0]
        if final == Stage.WITHDRAWN:
            # Withdrawn after any step before the agreement's signature (or before the first letter).
            steps = PATH[: rng.randint(0, 3)]
            return final, [*steps, Stage.WITHDRAWN]
        if final == Stage.NOT_CONTACTED:
            return final, []
        return final, PATH[: PATH.index(final) + 1]

    def _advocate(
        self,
        enrolment: Enrolment,
        code: str,
        user_id: int,
        appointed_on: date,
        last_day: date,
        *,
        ended: bool,
    ) -> None:
        rng = self.rng
        advocate = self.writer.add(
            Advocate(
                enrolment=enrolment,
                teryt=code,
                user_id=user_id,
                position=rng.choice(POSITIONS),
                publish_contact=rng.random() < 0.6,
                appointed_on=appointed_on,
                ended_on=last_day if ended else None,
            )
        )
        # A year of reports from the appointment (a few a month), up to the last day of activity.
        reports: list[tuple[date, int]] = []
        month = appointed_on.replace(day=1)
        until = min(last_day, appointed_on + timedelta(days=365), self.today)
        categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
        while month <= until:
            following = (month + timedelta(days=32)).replace(day=1)
            first, last = max(month, appointed_on), min(following - timedelta(days=1), until)
            for _ in range(scaled(rng, REPORTS_PER_MONTH)):
                on = first + timedelta(days=rng.randint(0, (last - first).days))
                category = rng.choices(categories, weights)[0]
                people = rng.randint(0, 15) if category == TaskCategory.WEBSITE else rng.randint(3, 120)
                self.writer.add(
                    ActivityReport(
                        advocate=advocate,
                        teryt=code,
                        category=category,
                        on=on,
                        description=f"{DESCRIPTIONS[category]} {SYNTHETIC_NOTE}.",
                        people_reached=people,
                        # The evidence every report needs (activity.save_report): a link here.
                        link=f"https://urzad-{code}.{SYNTHETIC_DOMAIN}/ekonomia-spoleczna"
                        if category == TaskCategory.WEBSITE
                        else f"https://urzad-{code}.{SYNTHETIC_DOMAIN}/aktualnosci/{len(reports) + 1}",
                    )
                )
                reports.append((on, people))
            month = following
        kinds = [kind for kind, _weight, _hours in SUPPORT_KINDS]
        span = max(0, (until - appointed_on).days)
        for _ in range(scaled(rng, SUPPORT_PER_ADVOCATE)):
            kind, _weight, hours = SUPPORT_KINDS[
                kinds.index(rng.choices(kinds, [w for _k, w, _h in SUPPORT_KINDS])[0])
            ]
            self.writer.add(
                Support(
                    advocate=advocate,
                    teryt=code,
                    kind=kind,
                    on=appointed_on + timedelta(days=rng.randint(0, span)),
                    hours=Decimal(rng.randint(*hours)) if hours else None,
                    provider=rng.choice(PROVIDERS),
                    note=SYNTHETIC_NOTE,
                    recorded_by_id=self._recorder(code),
                )
            )
        # Evaluations of the half-years that have ended: most get the first, some the second.
        for half, chance in ((0, 0.7), (1, 0.4)):
            starts_on = appointed_on + timedelta(days=182 * half)
            ends_on = starts_on + timedelta(days=181)
            if ends_on >= min(self.today, last_day) or rng.random() >= chance:
                continue
            inside = [people for on, people in reports if starts_on <= on <= ends_on]
            self.writer.add(
                Evaluation(
                    advocate=advocate,
                    teryt=code,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    scores={key: rng.choices((2, 3, 4, 5), (1, 3, 4, 2))[0] for key in self.criteria},
                    figures={"reports": len(inside), "people_reached": sum(inside)},
                    comments=f"Ocena półroczna {SYNTHETIC_NOTE}.",
                    evaluated_by_id=self._coordinator(code),
                )
            )
        for action in rng.sample(PLAN_ACTIONS, rng.randint(2, 4)):
            deadline = appointed_on + timedelta(days=rng.randint(60, 540))
            if deadline < self.today:
                status = rng.choices(("done", "in_progress", "dropped"), (6, 3, 1))[0]
            else:
                status = rng.choices(("planned", "in_progress"), (2, 1))[0]
            self.writer.add(
                ActionPlanItem(
                    enrolment=enrolment,
                    teryt=code,
                    action=action,
                    owner=rng.choice(
                        ("Referat spraw społecznych", "Rzecznik ES", "Ośrodek pomocy społecznej")
                    ),
                    deadline=deadline,
                    status=status,
                )
            )


@generator("advocates", order=40, clear=clear_advocates)
def generate_advocates(scale: float, rng: random.Random, writer: BatchWriter) -> None:
    units = (
        Unit.objects.current()
        .filter(Q(level=Unit.Level.POWIAT) | Q(level=Unit.Level.GMINA, kind__in=Unit.GMINA_KINDS))
        .order_by("code")
    )
    total = units.count()
    if not total:
        raise LookupError("The TERC register is empty: run manage.py import_terc first.")
    enrolled = set(
        Enrolment.objects.unscoped(reason="units already enrolled").values_list("unit_id", flat=True)
    )
    advocates = _accounts("rzecznik")
    taken = set(
        Advocate.objects.unscoped(reason="accounts already advocates").values_list("user_id", flat=True)
    )
    # A third of all JSTs, from those whose office has an advocate's account (all of them at scale 1.0).
    with_account = sum(1 for code in advocates if advocates[code])
    chance = min(1.0, APPOINTED_SHARE * total / with_account) if with_account else 0.0
    pipeline = Pipeline(
        rng,
        writer,
        today=timezone.localdate(),
        coordinators=_accounts("koordynator"),
        advisors=_accounts("owes"),
    )
    for unit_id, code, name, level, kind in units.values_list("pk", "code", "name", "level", "kind").iterator(
        chunk_size=2000
    ):
        if unit_id in enrolled:
            continue
        free = [pk for pk in advocates.get(code, ()) if pk not in taken]
        user = free[0] if free and rng.random() < chance else None
        pipeline.make(unit_id=unit_id, code=code, name=name, level=level, kind=kind, advocate_user=user)


def consistency_problems() -> list[str]:
    """What the workflow would never leave behind: a stage that does not match the advocates, a step
    the workflow table does not allow, steps out of order, `stage_since` not the last step's date."""
    problems = []
    reason = "consistency of synthetic data"
    in_office: dict[int, int] = {}
    ended: dict[int, int] = {}
    for enrolment_id, ended_on in Advocate.objects.unscoped(reason=reason).values_list(
        "enrolment_id", "ended_on"
    ):
        target = ended if ended_on else in_office
        target[enrolment_id] = target.get(enrolment_id, 0) + 1
    steps: dict[int, list[tuple[date, str, str]]] = {}
    for enrolment_id, on, from_stage, to_stage in EnrolmentStep.objects.order_by(
        "enrolment_id", "on", "pk"
    ).values_list("enrolment_id", "on", "from_stage", "to_stage"):
        steps.setdefault(enrolment_id, []).append((on, from_stage, to_stage))
    for pk, teryt, stage, since in synthetic_enrolments().values_list("pk", "teryt", "stage", "stage_since"):
        active = in_office.get(pk, 0)
        if stage in (Stage.APPOINTED, Stage.SUSPENDED) and active != 1:
            problems.append(f"{teryt}: {stage} with {active} advocates in office")
        if stage not in (Stage.APPOINTED, Stage.SUSPENDED) and active:
            problems.append(f"{teryt}: {stage} with an advocate in office")
        if stage == Stage.ENDED and not ended.get(pk):
            problems.append(f"{teryt}: ended without an ended advocate")
        if stage not in (Stage.APPOINTED, Stage.SUSPENDED, Stage.ENDED) and ended.get(pk):
            problems.append(f"{teryt}: {stage} with an ended advocate")
        path = steps.get(pk, [])
        current = Stage.NOT_CONTACTED
        for _on, from_stage, to_stage in path:
            if from_stage != current or to_stage not in TRANSITIONS[from_stage]:
                problems.append(f"{teryt}: step {from_stage} → {to_stage} after {current}")
            current = to_stage
        if current != stage:
            problems.append(f"{teryt}: steps end in {current}, the stage is {stage}")
        if path and path[-1][0] != since:
            problems.append(f"{teryt}: in the stage since {since}, the last step was on {path[-1][0]}")
    return problems
