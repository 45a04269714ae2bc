"""Issue #7: the national-scale synthetic events (lacznik.events.datagen) are what the recruitment
would have left behind, obviously synthetic, and deterministic from the seed."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from lacznik.core.datagen import SYNTHETIC_DOMAIN, generate
from lacznik.events.datagen import (
    CERTIFICATE_PREFIX,
    PROFILES,
    clear_events,
    consistency_problems,
    synthetic_events,
)
from lacznik.events.models import Attendance, Certificate, Event, EventKind, Registration, Target
from lacznik.territory.models import Unit

from .factories import EventFactory

SCALE = 0.01  # about 45 events and 2,000 registrations over the whole register
Status = Registration.Status


def _quiet(_line: str) -> None:
    pass


def _registrations():
    return Registration.objects.unscoped(reason="test of every territory")


def _snapshot() -> list[tuple]:
    events = synthetic_events().order_by("title").values_list(
        "title", "teryt", "kind", "starts_at", "seats", "status", "confirmed_count", "next_sequence"
    )
    registrations = (
        _registrations()
        .order_by("event__title", "sequence")
        .values_list("event__title", "sequence", "email", "status", "created_at")
    )
    return [*events, *registrations]


@pytest.fixture
def generated(terc):
    return generate(scale=SCALE, seed=1, only=["events"], out=_quiet)


def test_every_event_is_consistent_with_the_recruitment_rules(generated):
    events = synthetic_events()
    assert 25 < events.count() < 120
    assert generated.rows["events.Registration"] > 10 * events.count()
    assert consistency_problems() == []
    # Popular events have a waiting list; some people cancelled, some never confirmed their e-mail.
    statuses = set(_registrations().values_list("status", flat=True))
    assert {Status.CONFIRMED, Status.WAITLISTED, Status.CANCELLED, Status.PENDING_EMAIL} <= statuses
    full = [event for event in events if event.confirmed_count == event.seats]
    assert full and all(15 <= event.seats <= 200 for event in events)
    # Every event passes the model's own checks, as if a coordinator had entered it in the form.
    for event in events[:40]:
        event.full_clean()


def test_events_cover_every_voivodeship_and_kind_over_four_years(generated):
    events = synthetic_events()
    voivodeships = set(Unit.objects.current().voivodeships().values_list("code", flat=True))
    assert {event.teryt[:2] for event in events} == voivodeships
    assert set(events.values_list("kind", flat=True)) == set(PROFILES) == set(EventKind.values)
    now = timezone.now()
    assert events.filter(ends_at__lt=now).exists() and events.filter(starts_at__gt=now).exists()
    first = events.order_by("starts_at").first().starts_at
    assert (now - first).days < 3 * 366 + 3
    trainings = events.filter(kind=EventKind.TRAINING)
    # Whatever the scale, every voivodeship has a training open for registration now.
    open_now = {event.teryt[:2] for event in trainings if event.registration_open()}
    assert open_now == voivodeships


def test_past_events_have_attendance_and_certificates_of_those_who_came(generated):
    attendance = Attendance.objects.select_related("registration__event")
    assert attendance.exists()
    for row in attendance[:300]:
        assert row.registration.status == Status.CONFIRMED
        assert row.registration.event.ends_at < timezone.now()
        assert row.day in row.registration.event.days
    certificates = Certificate.objects.select_related("registration")
    assert certificates.exists()
    for certificate in certificates[:100]:
        assert certificate.code.startswith(CERTIFICATE_PREFIX)
        assert not certificate.registration.attendance.filter(present=False).exists()
        assert certificate.issued_at > certificate.registration.event.ends_at


def test_people_are_synthetic_and_come_again(generated):
    registrations = _registrations()
    for email, last_name in registrations.values_list("email", "last_name"):
        assert email.endswith(f"@{SYNTHETIC_DOMAIN}")
        assert last_name.startswith(("Przykładowa-", "Przykładowy-"))
    assert all("przykładow" in title.lower() for title in synthetic_events().values_list("title", flat=True))
    people = registrations.values("email").distinct().count()
    assert people < registrations.count(), "some people register for several events"
    # Nobody declares a group the event is not open to, and registration times lie in the window.
    for registration in registrations.select_related("event")[:500]:
        event = registration.event
        assert registration.target_group in event.eligible_groups
        assert event.registration_opens_at <= registration.created_at <= event.registration_closes_at


def test_the_programme_targets_are_there_once(generated):
    national = Target.objects.filter(region="")
    assert national.count() >= 5
    values = set(national.values_list("value", flat=True))
    assert {3000, 200, 60, 160, 40} <= values
    generate(scale=SCALE, seed=1, only=["events"], replace=True, out=_quiet)
    assert Target.objects.filter(region="").count() == national.count()


def test_same_seed_same_data_and_replace_clears_what_was_made(generated):
    first = _snapshot()
    generate(scale=SCALE, seed=1, only=["events"], replace=True, out=_quiet)
    assert _snapshot() == first
    generate(scale=SCALE, seed=2, only=["events"], replace=True, out=_quiet)
    assert _snapshot() != first
    assert consistency_problems() == []


def test_clearing_removes_only_the_synthetic_events(generated):
    own = EventFactory(title="Seminarium koordynatora", description="Spotkanie z mieszkańcami.")
    assert clear_events() > 0
    assert not synthetic_events().exists()
    assert not _registrations().exists()
    assert not Attendance.objects.exists() and not Certificate.objects.exists()
    assert Event.objects.unscoped(reason="test").filter(pk=own.pk).exists()


def test_the_command_generates_events(terc, capsys):
    call_command("generate_national_data", "--scale", "0.001", "--seed", "3", "--only", "events")
    assert "events.generate_events" in capsys.readouterr().out
    assert synthetic_events().count() >= 16


def test_the_demo_events_show_every_state_and_load_once(db):
    from io import StringIO

    from lacznik.accounts import demo as demo_accounts
    from lacznik.events import demo

    demo_accounts.seed(stdout=StringIO())
    demo.seed(stdout=StringIO())
    events = Event.objects.unscoped(reason="test").filter(title__endswith="(demo)")
    assert events.count() == len(demo.EVENTS)
    assert {event.teryt[:2] for event in events} == {"14", "28"}
    open_now = [event for event in events if event.registration_open()]
    assert any(event.free_seats == 1 for event in open_now), "one upcoming event is nearly full"
    assert any(event.needs_approval for event in open_now) and any(event.is_online for event in open_now)
    assert _registrations().filter(status=Status.AWAITING_APPROVAL).exists()
    certificates = Certificate.objects.filter(registration__email="rzecznik.warszawa@lacznik.example")
    assert certificates.count() == 1 and certificates.get().code.startswith("LCZ-")
    assert consistency_problems(events) == []
    assert Target.objects.filter(region="").count() == 5

    demo.seed(stdout=StringIO())
    assert Event.objects.unscoped(reason="test").filter(title__endswith="(demo)").count() == len(demo.EVENTS)
    assert Target.objects.filter(region="").count() == 5
