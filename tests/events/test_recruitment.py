"""Seats, the waiting list and its order, approval and cancellation (issue #7 point 3; RC-01, RC-02, RC-04)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lacznik.core.errors import WorkflowError
from lacznik.events import services
from lacznik.events.models import Event, Registration, TargetGroup
from lacznik.events.services import RegistrationError

from .factories import CONSENT, EventFactory, person

Status = Registration.Status


def registrations(event):
    return Registration.objects.unscoped(reason="the test's oracle").filter(event=event).order_by("sequence")


def register_confirmed(event, number, **changes):
    """A guest registers and confirms the e-mail address from the link."""
    done = services.register(event=event, data=person(number, **changes), consent_text=CONSENT)
    return services.confirm_email(token=done.token)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_guest_gets_a_seat_after_confirming_the_email(db, committed):
    event = EventFactory(seats=2)
    with committed():
        done = services.register(event=event, data=person(1), consent_text=CONSENT)
    assert done.registration.status == Status.PENDING_EMAIL
    assert done.token in mail.outbox[-1].body and mail.outbox[-1].to == ["uczestnik1@przyklad.example"]
    with committed():
        services.confirm_email(token=done.token)
    done.registration.refresh_from_db()
    event.refresh_from_db()
    assert done.registration.status == Status.CONFIRMED and event.confirmed_count == 1
    assert mail.outbox[-1].attachments and mail.outbox[-1].attachments[0][0].endswith(".ics")
    # Clicking the link again changes nothing.
    services.confirm_email(token=done.token)
    event.refresh_from_db()
    assert event.confirmed_count == 1


def test_a_signed_in_user_is_placed_at_once(db, django_user_model):
    user = django_user_model.objects.create_user(email="uczestnik1@przyklad.example", password="x" * 20)
    event = EventFactory(seats=1)
    done = services.register(event=event, data=person(1), consent_text=CONSENT, user=user)
    assert done.registration.status == Status.CONFIRMED


def test_when_seats_are_gone_people_wait_in_order_and_are_promoted(db, committed):
    event = EventFactory(seats=2)
    first, second, third, fourth = (register_confirmed(event, number) for number in range(1, 5))
    assert [r.status for r in registrations(event)] == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    with committed():
        promoted = services.cancel(registration=first)
    assert promoted == third
    assert [r.status for r in registrations(event)] == [Status.CANCELLED, Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    assert {message.to[0] for message in mail.outbox[-2:]} == {first.email, third.email}
    # The promoted person's mail confirms the seat: it carries the calendar file.
    assert any(message.to == [third.email] and message.attachments for message in mail.outbox)
    # A waiting person who cancels frees nothing.
    assert services.cancel(registration=fourth) is None
    event.refresh_from_db()
    assert event.confirmed_count == 2


def test_raising_the_seats_fills_them_from_the_waiting_list(db):
    event = EventFactory(seats=1)
    for number in range(1, 4):
        register_confirmed(event, number)
    Event.objects.unscoped(reason="test").filter(pk=event.pk).update(seats=3)
    promoted = services.fill_from_waiting_list(event=event)
    assert len(promoted) == 2
    assert [r.status for r in registrations(event)] == [Status.CONFIRMED] * 3


@pytest.mark.parametrize(
    "changes, data, message",
    [
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1), "registration_opens_at": timezone.now() - timedelta(days=2)}, {}, "closed"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, {}, "opens"),
        ({"eligible_groups": [TargetGroup.ROPS_STAFF]}, {}, "group"),
        ({"status": Event.Status.DRAFT}, {}, "does not take"),
        ({"participants_from_territory_only": True}, {"jst": "2862011"}, "territory"),
    ],
)
def test_registration_rules_refuse_clearly(db, changes, data, message):
    event = EventFactory(**changes)
    with pytest.raises(RegistrationError, match=message):
        services.register(event=event, data=person(1, **data), consent_text=CONSENT)
    assert not registrations(event).exists()


def test_a_full_event_without_a_waiting_list_refuses(db):
    event = EventFactory(seats=1, has_waiting_list=False)
    register_confirmed(event, 1)
    with pytest.raises(RegistrationError, match="no waiting list"):
        services.register(event=event, data=person(2), consent_text=CONSENT)


def test_the_same_person_twice_is_refused(db):
    event = EventFactory()
    services.register(event=event, data=person(1), consent_text=CONSENT)
    with pytest.raises(RegistrationError, match="already registered"):
        services.register(event=event, data=person(1, email="UCZESTNIK1@przyklad.example"), consent_text=CONSENT)
    assert registrations(event).count() == 1


def test_limit_per_organisation(db):
    event = EventFactory(limit_per_organisation=1)
    register_confirmed(event, 1, organisation="Gmina Przykładowa")
    with pytest.raises(RegistrationError, match="organisation"):
        services.register(event=event, data=person(2, organisation="gmina przykładowa"), consent_text=CONSENT)


def test_approval_and_rejection(db, committed):
    event = EventFactory(seats=1, needs_approval=True)
    waiting = register_confirmed(event, 1)
    assert waiting.status == Status.AWAITING_APPROVAL
    event.refresh_from_db()
    assert event.confirmed_count == 0
    services.approve(registration=waiting, by=None)
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
    other = register_confirmed(event, 2)
    with pytest.raises(RegistrationError):
        services.reject(registration=other, reason=" ", by=None)
    with committed():
        services.reject(registration=other, reason="Szkolenie jest dla pracowników gmin.", by=None)
    assert "Szkolenie jest dla pracowników gmin." in mail.outbox[-1].body
    with pytest.raises(WorkflowError):
        other.move_to(Status.CONFIRMED)


def test_cancelling_the_event_cancels_every_registration_and_tells_everyone(db, committed):
    event = EventFactory(seats=1)
    seated, waiting = register_confirmed(event, 1), register_confirmed(event, 2)
    mail.outbox.clear()
    with committed():
        assert services.cancel_event(event=event, by=None) == 2
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED and event.confirmed_count == 0
    assert {r.status for r in registrations(event)} == {Status.CANCELLED}
    assert sorted(message.to[0] for message in mail.outbox) == sorted([seated.email, waiting.email])
    with pytest.raises(RegistrationError):
        services.register(event=event, data=person(3), consent_text=CONSENT)
