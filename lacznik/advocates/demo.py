"""Demo of the advocates programme for `make run`: the pipelines of Mazowieckie (14) and
Warmińsko-Mazurskie (28) with JSTs in every stage, and the demo advocates (lacznik.accounts.demo:
rzecznik.warszawa, rzecznik.olsztyn) appointed in their JSTs with a few reports, support, a plan and
an evaluation.

Everything goes through the services, as the coordinators would do it: the pipeline is started for
the whole voivodeship (every gmina and powiat not contacted), then the demo JSTs take their steps
along the workflow table with dates. Running it again changes nothing: a JST that has left "not
contacted" keeps its steps, an advocate is appointed once, reports and support are added once. Dates
count back from the day of the first run. Needs the register and the demo accounts first.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

from django.conf import settings
from django.utils import timezone

from lacznik.accounts.models import User
from lacznik.territory.models import Unit

from . import activity, services
from .models import (
    ActionPlanItem,
    ActivityReport,
    Advocate,
    Enrolment,
    Evaluation,
    Stage,
    Support,
    SupportKind,
    TaskCategory,
)

COORDINATORS = {"14": "koordynator.mazowsze@lacznik.example", "28": "koordynator.warmia@lacznik.example"}
# The programme's order of steps up to the appointment.
PATH = [Stage.LETTER_SENT, Stage.SELECTED, Stage.VISITED, Stage.AGREEMENT_SIGNED, Stage.APPOINTED]
# The pilot started this many days before the first run; a step takes about three weeks.
STARTED_DAYS_AGO = 400
STEP_DAYS = 21


@dataclass(frozen=True)
class DemoJst:
    code: str
    stage: str
    note: str = ""  # the reason of an exit
    advocate: str = ""  # the demo account appointed
    publish_contact: bool = False


DEMO_JSTS = [
    DemoJst("1465011", Stage.APPOINTED, advocate="rzecznik.warszawa@lacznik.example", publish_contact=True),
    DemoJst("1465", Stage.AGREEMENT_SIGNED),
    DemoJst("1461", Stage.VISITED),
    DemoJst("1461011", Stage.SELECTED),
    DemoJst("1462", Stage.SELECTED),
    DemoJst("1401", Stage.LETTER_SENT),
    DemoJst("1401052", Stage.LETTER_SENT),
    DemoJst("1402011", Stage.VISITED),
    DemoJst("1402022", Stage.WITHDRAWN, note="Gmina nie podjęła współpracy w tym roku (demo)."),
    DemoJst("2862011", Stage.APPOINTED, advocate="rzecznik.olsztyn@lacznik.example"),
    DemoJst("2862", Stage.AGREEMENT_SIGNED),
    DemoJst("2814", Stage.VISITED),
    DemoJst("2814042", Stage.SELECTED),
    DemoJst("2801011", Stage.LETTER_SENT),
    DemoJst("2802", Stage.WITHDRAWN, note="Starostwo odłożyło decyzję do nowej kadencji (demo)."),
]

# (days after the appointment, category, what was done, people reached)
DEMO_REPORTS = [
    (12, TaskCategory.INFORM, "Spotkanie informacyjne o ekonomii społecznej dla radnych (demo)", 24),
    (35, TaskCategory.WEBSITE, "Zakładka o ekonomii społecznej na stronie urzędu (demo)", 0),
    (61, TaskCategory.COOPERATE_OWES, "Wizyta doradcy OWES w urzędzie (demo)", 6),
    (90, TaskCategory.EDUCATE_STAFF, "Szkolenie dla pracowników ośrodka pomocy społecznej (demo)", 18),
    (130, TaskCategory.RESPONSIBLE_PURCHASING, "Klauzula społeczna w zamówieniu na catering (demo)", 3),
    (170, TaskCategory.LOCAL_EVENTS, "Kiermasz podmiotów ekonomii społecznej (demo)", 140),
    (220, TaskCategory.LOCAL_PLANS, "Projekt lokalnego planu rozwoju ekonomii społecznej (demo)", 12),
]
# (days after the appointment, kind, hours, provider)
DEMO_SUPPORT = [
    (5, SupportKind.PRINTED_MATERIALS, None, "Regionalny ośrodek (demo)"),
    (20, SupportKind.TRAINING, Decimal("12"), "Regionalny ośrodek (demo)"),
    (75, SupportKind.CONSULTANCY, Decimal("2"), "OWES Demo"),
    (150, SupportKind.STUDY_VISIT, Decimal("16"), "Regionalny ośrodek (demo)"),
]
DEMO_PLAN = [
    (60, "Zakładka o ekonomii społecznej na stronie urzędu", "Rzecznik ES", ActionPlanItem.Status.DONE),
    (
        200,
        "Klauzule społeczne w zamówieniach",
        "Referat zamówień publicznych",
        ActionPlanItem.Status.IN_PROGRESS,
    ),
    (420, "Lokalny program rozwoju ekonomii społecznej", "Rada gminy", ActionPlanItem.Status.PLANNED),
]


def _path(stage: str) -> list[str]:
    if stage == Stage.NOT_CONTACTED:
        return []
    if stage == Stage.WITHDRAWN:
        return [Stage.LETTER_SENT, Stage.WITHDRAWN]
    # The last step, the appointment, names the person (services.appoint_advocate in _appoint).
    return PATH[: PATH.index(stage) + 1 if stage != Stage.APPOINTED else PATH.index(Stage.APPOINTED)]


def seed(*, stdout: TextIO) -> None:
    today = timezone.localdate()
    started = today - timedelta(days=STARTED_DAYS_AGO)
    reached = []
    for region, email in COORDINATORS.items():
        coordinator = User.objects.filter(email=email).first()
        if not Unit.objects.filter(code=region).exists():
            stdout.write(f"Rzecznicy: brak województwa {region} w rejestrze TERC, pominięto.\n")
            continue
        services.start_pipeline(region, coordinator, on=started)
        for jst in (jst for jst in DEMO_JSTS if jst.code.startswith(region)):
            enrolment = Enrolment.objects.in_scope([region]).filter(teryt=jst.code).first()
            if enrolment is None:
                continue
            _walk(enrolment, jst, coordinator, started)
            enrolment.refresh_from_db()
            if jst.advocate and enrolment.stage in (Stage.AGREEMENT_SIGNED, Stage.APPOINTED):
                _appoint(enrolment, jst, coordinator, today)
                enrolment.refresh_from_db()
            reached.append(f"{enrolment.unit.name} ({jst.code}): {enrolment.get_stage_display()}")
    stdout.write("\nProgram rzeczników (demo): " + "; ".join(reached) + "\n")


def _walk(enrolment: Enrolment, jst: DemoJst, coordinator, started: date) -> None:
    """The JST's steps, unless it has taken some already (the demo ran before, or people moved it)."""
    if enrolment.stage != Stage.NOT_CONTACTED or enrolment.steps.exists():
        return
    on = started
    for number, stage in enumerate(_path(jst.stage), start=1):
        # The JSTs of the demo move at slightly different paces.
        on = started + timedelta(days=number * STEP_DAYS + int(jst.code[-3:]) % 7)
        services.take_step(
            enrolment=enrolment,
            stage=stage,
            on=on,
            note=jst.note if stage == Stage.WITHDRAWN else "",
            by=coordinator,
        )


def _appoint(enrolment: Enrolment, jst: DemoJst, coordinator, today: date) -> None:
    user = User.objects.filter(email=jst.advocate).first()
    if user is None:
        return
    advocate = Advocate.objects.in_scope([enrolment.teryt]).filter(enrolment=enrolment).first()
    if advocate is None and enrolment.stage == Stage.AGREEMENT_SIGNED:
        advocate = services.appoint_advocate(
            enrolment=enrolment,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            position="inspektor ds. ekonomii społecznej (demo)",
            publish_contact=jst.publish_contact,
            appointed_on=min(enrolment.stage_since + timedelta(days=STEP_DAYS), today),
            by=coordinator,
            site_url=settings.LACZNIK_SITE_URL,
        )
    if advocate is None:
        return
    scope = [enrolment.teryt]
    if not ActivityReport.objects.in_scope(scope).filter(advocate=advocate).exists():
        for days, category, description, people in DEMO_REPORTS:
            on = advocate.appointed_on + timedelta(days=days)
            if on > today:
                continue
            report = ActivityReport(
                advocate=advocate,
                category=category,
                on=on,
                description=description,
                people_reached=people,
                link=f"https://urzad.{enrolment.teryt}.example/ekonomia-spoleczna/{days}",
            )
            activity.save_report(report=report, by=user)
    if not Support.objects.in_scope(scope).filter(advocate=advocate).exists():
        for days, kind, hours, provider in DEMO_SUPPORT:
            on = advocate.appointed_on + timedelta(days=days)
            if on <= today:
                activity.record_support(
                    support=Support(advocate=advocate, kind=kind, on=on, hours=hours, provider=provider),
                    by=coordinator,
                )
    if not ActionPlanItem.objects.in_scope(scope).filter(enrolment=enrolment).exists():
        for days, action, owner, status in DEMO_PLAN:
            item = ActionPlanItem(
                enrolment=enrolment,
                action=action,
                owner=owner,
                deadline=advocate.appointed_on + timedelta(days=days),
                status=status,
            )
            activity.save_plan_item(item=item, by=user)
    ends_on = advocate.appointed_on + timedelta(days=181)
    evaluated = Evaluation.objects.in_scope(scope).filter(advocate=advocate).exists()
    if not evaluated and ends_on < today:
        scores = {criterion.key: 4 for criterion in activity.CRITERIA}
        activity.evaluate_advocate(
            advocate=advocate,
            starts_on=advocate.appointed_on,
            ends_on=ends_on,
            scores=scores,
            comments="Aktywny rzecznik, dobra współpraca z OWES (demo).",
            by=coordinator,
        )
