"""The enrolment pipeline as a service: every gmina and powiat of a voivodeship enrolled once, and the
workflow table obeyed step by step (issue #6 point 1; AC-05)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from lacznik.advocates import services
from lacznik.advocates.models import NEEDS_REASON, TRANSITIONS, Advocate, Enrolment, EnrolmentStep, Stage
from lacznik.core.errors import WorkflowError
from lacznik.territory.models import Unit
from tests.factories import UserFactory

from .factories import EnrolmentFactory, unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def enrolments():
    return Enrolment.objects.unscoped(reason="the test's oracle")


# --- start_pipeline -------------------------------------------------------------------------------


def test_start_pipeline_enrols_every_gmina_and_powiat_of_mazowsze_once(terc, mazowsze_coordinator):
    added = services.start_pipeline("14", mazowsze_coordinator)

    assert added == 314 + 42
    mazowsze = enrolments().filter(teryt__startswith="14")
    assert mazowsze.count() == 356
    assert mazowsze.filter(unit__level=Unit.Level.POWIAT).count() == 42
    assert mazowsze.filter(unit__level=Unit.Level.GMINA, unit__kind__in=["1", "2", "3"]).count() == 314
    # Parts of gminas, Warsaw's districts and other voivodeships are not enrolled.
    assert not enrolments().filter(unit__kind__in=["4", "5", "8", "9"]).exists()
    assert not enrolments().exclude(teryt__startswith="14").exists()
    assert set(mazowsze.values_list("stage", flat=True)) == {Stage.NOT_CONTACTED}
    first = mazowsze.get(teryt="1465011")
    assert first.history.get().history_user == mazowsze_coordinator


def test_start_pipeline_again_adds_nothing_and_keeps_the_steps_taken(terc, mazowsze_coordinator):
    services.start_pipeline("14", mazowsze_coordinator)
    plock = enrolments().get(teryt="1462011")
    services.take_step(
        enrolment=plock, stage=Stage.LETTER_SENT, on=timezone.localdate(), by=mazowsze_coordinator
    )

    assert services.start_pipeline("14", mazowsze_coordinator) == 0
    assert enrolments().count() == 356
    assert enrolments().get(teryt="1462011").stage == Stage.LETTER_SENT


def test_start_pipeline_adds_only_the_missing_ones(db, mazowsze_coordinator):
    EnrolmentFactory(code="1465011", stage=Stage.SELECTED)
    unit("1461011")

    added = services.start_pipeline("14", mazowsze_coordinator)

    # The register made here holds gminas 1465011 and 1461011 and powiats 1465 and 1461.
    assert added == 3
    assert enrolments().get(teryt="1465011").stage == Stage.SELECTED


def test_the_head_of_the_office_is_titled_by_the_kind_of_jst(terc, mazowsze_coordinator):
    services.start_pipeline("14", mazowsze_coordinator)

    titles = dict(enrolments().filter(teryt__in=TITLES).values_list("teryt", "head_title"))
    assert titles == TITLES


TITLES = {
    "1465011": "Prezydent Miasta",  # Warszawa, a city with powiat rights
    "1465": "Prezydent Miasta",  # its powiat: the prezydent does the powiat's tasks
    "1412": "Starosta",  # powiat miński
    "1412011": "Burmistrz",  # Mińsk Mazowiecki, urban
    "1412043": "Burmistrz",  # Cegłów, urban-rural
    "1412052": "Wójt",  # Dębe Wielkie, rural
}


# --- the workflow ---------------------------------------------------------------------------------

LEGAL = [(old, new) for old, targets in TRANSITIONS.items() for new in sorted(targets)]
ILLEGAL = [(old, new) for old in Stage.values for new in Stage.values if new not in TRANSITIONS[old]]


@pytest.mark.parametrize("old, new", LEGAL)
def test_every_legal_step_moves_the_enrolment_and_records_who_when_and_why(
    db, mazowsze_coordinator, old, new
):
    enrolment = EnrolmentFactory(stage=old, stage_since=date(2025, 1, 2))
    note = "Rada gminy odmówiła udziału." if new in NEEDS_REASON else ""
    if new == Stage.APPOINTED:
        # The appointed stage needs its person (services.appoint_advocate; tests/advocates/test_appointment.py).
        Advocate.objects.create(enrolment=enrolment, user=UserFactory(), appointed_on=date(2025, 1, 2))

    step = services.take_step(
        enrolment=enrolment, stage=new, on=date(2025, 2, 3), note=note, by=mazowsze_coordinator
    )

    stored = enrolments().get(pk=enrolment.pk)
    assert (stored.stage, stored.stage_since) == (new, date(2025, 2, 3))
    assert (step.from_stage, step.to_stage, step.on, step.by, step.note) == (
        old,
        new,
        date(2025, 2, 3),
        mazowsze_coordinator,
        note,
    )
    assert stored.history.first().history_user == mazowsze_coordinator


@pytest.mark.parametrize("old, new", ILLEGAL)
def test_every_illegal_step_is_refused_and_changes_nothing(db, mazowsze_coordinator, old, new):
    enrolment = EnrolmentFactory(stage=old, stage_since=date(2025, 1, 2))
    versions = enrolment.history.count()

    with pytest.raises(WorkflowError, match="not allowed"):
        services.take_step(
            enrolment=enrolment, stage=new, on=date(2025, 2, 3), note="x", by=mazowsze_coordinator
        )

    stored = enrolments().get(pk=enrolment.pk)
    assert (stored.stage, stored.stage_since) == (old, date(2025, 1, 2))
    assert not EnrolmentStep.objects.exists()
    assert stored.history.count() == versions


@pytest.mark.parametrize(
    "old, new, on, note, message",
    [
        (Stage.LETTER_SENT, Stage.WITHDRAWN, date(2025, 2, 3), "  ", "reason"),
        (Stage.APPOINTED, Stage.SUSPENDED, date(2025, 2, 3), "", "reason"),
        (Stage.SUSPENDED, Stage.ENDED, date(2025, 2, 3), "", "reason"),
        (Stage.NOT_CONTACTED, Stage.LETTER_SENT, timezone.localdate() + timedelta(days=1), "", "future"),
        (Stage.NOT_CONTACTED, Stage.LETTER_SENT, date(2025, 1, 1), "", "before the previous"),
    ],
)
def test_a_legal_step_without_reason_or_with_a_wrong_date_is_refused(
    db, mazowsze_coordinator, old, new, on, note, message
):
    enrolment = EnrolmentFactory(stage=old, stage_since=date(2025, 1, 2))

    with pytest.raises(WorkflowError, match=message):
        services.take_step(enrolment=enrolment, stage=new, on=on, note=note, by=mazowsze_coordinator)

    assert enrolments().get(pk=enrolment.pk).stage == old
    assert not EnrolmentStep.objects.exists()


def test_the_whole_programme_in_order(db, mazowsze_coordinator):
    enrolment = EnrolmentFactory(stage_since=date(2025, 1, 2))
    path = [Stage.LETTER_SENT, Stage.SELECTED, Stage.VISITED, Stage.AGREEMENT_SIGNED]
    for number, stage in enumerate(path):
        services.take_step(
            enrolment=enrolment, stage=stage, on=date(2025, 2, 1 + number), by=mazowsze_coordinator
        )
    services.appoint_advocate(
        enrolment=enrolment,
        email="rzecznik@gmina.example",
        first_name="Anna",
        last_name="Przykładowa",
        appointed_on=date(2025, 2, 5),
        by=mazowsze_coordinator,
        site_url="http://testserver/",
    )
    path.append(Stage.APPOINTED)

    assert enrolment.stage == Stage.APPOINTED
    assert enrolment.agreement_signed_on == date(2025, 2, 4)
    assert list(enrolment.steps.values_list("to_stage", flat=True)) == path
