"""Issue #6: the national-scale synthetic advocates programme (lacznik.advocates.datagen) is what the
workflow would have left behind (stages match the advocates, steps follow the workflow table), covers
every JST with an advocate in about a third of them, is obviously synthetic and deterministic."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lacznik.advocates import coverage
from lacznik.advocates.datagen import (
    SYNTHETIC_MARK,
    clear_advocates,
    consistency_problems,
    synthetic_enrolments,
)
from lacznik.advocates.models import (
    ActionPlanItem,
    ActivityReport,
    Advocate,
    Enrolment,
    EnrolmentStep,
    Evaluation,
    Stage,
    Support,
)
from lacznik.core.datagen import SYNTHETIC_DOMAIN, generate
from lacznik.territory.models import Unit
from lacznik.territory.policy import unit_sample

from .factories import EnrolmentFactory

# Six powiats of eight gminas each in Mazowieckie, and Olsztyn: 55 JSTs.
CODES = [f"14{powiat:02d}0{gmina}2" for powiat in range(1, 7) for gmina in range(1, 9)] + ["2862011"]
REASON = "test of every territory"


def _quiet(_line: str) -> None:
    pass


@pytest.fixture
def register(db):
    for code in CODES:
        unit_sample(code)


def _generate(seed: int = 1, replace: bool = False):
    return generate(scale=1.0, seed=seed, only=["accounts", "advocates"], replace=replace, out=_quiet)


def _snapshot() -> list[tuple]:
    enrolments = (
        synthetic_enrolments().order_by("teryt").values_list("teryt", "stage", "stage_since", "head_name")
    )
    advocates = (
        Advocate.objects.unscoped(reason=REASON)
        .order_by("teryt")
        .values_list("teryt", "user__email", "appointed_on")
    )
    reports = ActivityReport.objects.unscoped(reason=REASON).order_by(
        "teryt", "on", "category", "people_reached"
    )
    return [*enrolments, *advocates, *reports.values_list("teryt", "on", "category", "people_reached")]


def test_every_jst_is_enrolled_and_stages_match_the_advocates(register):
    report = _generate()
    units = (
        Unit.objects.current().filter(level__in=["gmina", "powiat"]).exclude(level="gmina", kind__in="4589")
    )
    assert synthetic_enrolments().count() == units.count() == len(CODES) + 7
    assert consistency_problems() == []
    stages = set(synthetic_enrolments().values_list("stage", flat=True))
    assert {Stage.APPOINTED, Stage.NOT_CONTACTED} <= stages and len(stages) >= 4
    assert report.rows["advocates.EnrolmentStep"] == EnrolmentStep.objects.count() > 0
    # About a third of all JSTs have an advocate in office (every office has an account at scale 1.0).
    summary = coverage.summarise(["14", "28"])
    in_office = summary.gminas.with_advocate + summary.powiats.with_advocate
    assert 0.2 < in_office / (summary.gminas.total + summary.powiats.total) < 0.47
    # The advocate is the account made for that JST's office.
    for teryt, email in Advocate.objects.unscoped(reason=REASON).values_list("teryt", "user__email"):
        assert email.startswith(f"rzecznik.{teryt}.") and email.endswith(SYNTHETIC_DOMAIN)


def test_each_advocate_has_a_year_of_reports_support_evaluations_and_a_plan(register):
    _generate()
    today = timezone.localdate()
    advocates = Advocate.objects.unscoped(reason=REASON).active().filter(enrolment__stage=Stage.APPOINTED)
    assert advocates.exists()
    reports = ActivityReport.objects.unscoped(reason=REASON)
    for advocate in advocates:
        own = reports.filter(advocate=advocate)
        months = {(on.year, on.month) for on in own.values_list("on", flat=True)}
        assert own.count() >= 12 and len(months) >= 9, "a few reports a month for a year"
        first, last = min(own.values_list("on", flat=True)), max(own.values_list("on", flat=True))
        assert advocate.appointed_on <= first and last <= min(
            today, advocate.appointed_on + timedelta(days=365)
        )
        assert set(own.values_list("teryt", flat=True)) == {advocate.teryt}
        assert ActionPlanItem.objects.unscoped(reason=REASON).filter(enrolment=advocate.enrolment).exists()
    assert len(set(reports.values_list("category", flat=True))) == 7
    assert Support.objects.unscoped(reason=REASON).exists()
    evaluations = Evaluation.objects.unscoped(reason=REASON)
    assert evaluations.exists()
    assert all(
        1 <= score <= 5
        for scores in evaluations.values_list("scores", flat=True)
        for score in scores.values()
    )
    assert all(
        address.endswith(SYNTHETIC_MARK)
        for address in synthetic_enrolments().values_list("office_address", flat=True)
    )


def test_same_seed_same_data_and_replace_removes_it(register):
    _generate()
    first = _snapshot()
    _generate(replace=True)
    assert _snapshot() == first
    _generate(seed=2, replace=True)
    assert _snapshot() != first
    assert clear_advocates() > 0
    assert not synthetic_enrolments().exists()
    assert not ActivityReport.objects.unscoped(reason=REASON).exists()


def test_an_enrolment_kept_by_people_is_left_alone(register):
    kept = EnrolmentFactory(code=CODES[0], stage=Stage.LETTER_SENT)
    _generate()
    kept.refresh_from_db()
    assert kept.stage == Stage.LETTER_SENT and not kept.office_address.endswith(SYNTHETIC_MARK)
    assert Enrolment.objects.unscoped(reason=REASON).filter(unit=kept.unit).count() == 1
    clear_advocates()
    assert Enrolment.objects.unscoped(reason=REASON).get() == kept


def test_the_demo_shows_every_stage_and_loads_once(terc):
    from io import StringIO

    from lacznik.accounts import demo as demo_accounts
    from lacznik.advocates import demo

    demo_accounts.seed(stdout=StringIO())
    demo.seed(stdout=StringIO())
    enrolments = Enrolment.objects.unscoped(reason=REASON)
    # The whole pipeline of both voivodeships, the demo JSTs moved along it.
    assert (
        enrolments.count()
        == coverage.summarise(["14", "28"]).gminas.total + coverage.summarise(["14", "28"]).powiats.total
    )
    stages = dict(
        enrolments.filter(teryt__in=[jst.code for jst in demo.DEMO_JSTS]).values_list("teryt", "stage")
    )
    assert stages == {jst.code: jst.stage for jst in demo.DEMO_JSTS}
    advocates = Advocate.objects.unscoped(reason=REASON).active()
    assert set(advocates.values_list("user__email", flat=True)) == {
        "rzecznik.warszawa@lacznik.example",
        "rzecznik.olsztyn@lacznik.example",
    }
    warszawa = advocates.get(teryt="1465011")
    assert (
        warszawa.publish_contact
        and ActivityReport.objects.unscoped(reason=REASON).filter(advocate=warszawa).count() >= 5
    )
    assert Support.objects.unscoped(reason=REASON).filter(advocate=warszawa).exists()
    assert Evaluation.objects.unscoped(reason=REASON).filter(advocate=warszawa).count() == 1
    # Every step went through the workflow: who and when are recorded.
    assert EnrolmentStep.objects.filter(enrolment__teryt="1465011").count() == 5
    assert not EnrolmentStep.objects.filter(by__isnull=True).exists()
    counts = (
        enrolments.count(),
        EnrolmentStep.objects.count(),
        ActivityReport.objects.unscoped(reason=REASON).count(),
    )

    demo.seed(stdout=StringIO())
    again = (
        enrolments.count(),
        EnrolmentStep.objects.count(),
        ActivityReport.objects.unscoped(reason=REASON).count(),
    )
    assert again == counts
