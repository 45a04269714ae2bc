"""Registrations arriving at once never overbook an event (issue #7 figures; RC-01, RC-02, RC-04).

Threads with their own database connections register through the service, released together by a
barrier. PostgreSQL allows 100 connections by default, so 50 threads make the 200 attempts; on SQLite
the test database is a file (tests/settings.py), where writers wait for each other as in production.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from lacznik.events import services
from lacznik.events.models import Event, Registration

from .factories import CONSENT, EventFactory, person

Status = Registration.Status
THREADS = 50
# 50 connections at once: the suite's workers (pytest-xdist) run these tests one after another, on one
# worker, so that PostgreSQL's 100 connections are never shared between two of them.
pytestmark = pytest.mark.xdist_group("fifty_connections")


def _run_at_once(jobs):
    """Run every job in THREADS threads started together; each thread uses its own connection."""
    barrier = threading.Barrier(THREADS)
    chunks = [jobs[index::THREADS] for index in range(THREADS)]
    errors = []

    def worker(chunk):
        try:
            barrier.wait(timeout=60)
            for job in chunk:
                try:
                    job()
                except services.RegistrationError as error:
                    errors.append(str(error))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(worker, chunks))
    return errors


def _users(django_user_model, count, start=0):
    return django_user_model.objects.bulk_create(
        django_user_model(email=f"uczestnik{number}@przyklad.example", password="!")
        for number in range(start, start + count)
    )


def _registrations(event):
    return Registration.objects.unscoped(reason="the test's oracle").filter(event=event)


@pytest.mark.django_db(transaction=True)
def test_200_attempts_for_50_seats(django_user_model):
    event = EventFactory(seats=50)
    users = _users(django_user_model, 200)
    jobs = [
        (lambda user=user, n=n: services.register(event=event, data=person(n), consent_text=CONSENT, user=user))
        for n, user in enumerate(users)
    ]
    assert _run_at_once(jobs) == []
    event.refresh_from_db()
    rows = _registrations(event)
    confirmed = rows.filter(status=Status.CONFIRMED)
    waitlisted = rows.filter(status=Status.WAITLISTED)
    assert confirmed.count() == 50 == event.confirmed_count
    assert waitlisted.count() == 150
    # The first 50 to arrive have the seats; the rest wait in the order they arrived.
    assert sorted(confirmed.values_list("sequence", flat=True)) == list(range(1, 51))
    assert sorted(waitlisted.values_list("sequence", flat=True)) == list(range(51, 201))


@pytest.mark.django_db(transaction=True)
def test_the_same_person_fifty_times_at_once_registers_once(django_user_model):
    event = EventFactory(seats=10)
    user = _users(django_user_model, 1)[0]
    jobs = [lambda: services.register(event=event, data=person(0), consent_text=CONSENT, user=user)] * THREADS
    errors = _run_at_once(jobs)
    assert _registrations(event).count() == 1
    assert len(errors) == THREADS - 1


@pytest.mark.django_db(transaction=True)
def test_cancellations_racing_registrations_keep_every_seat_filled_in_order(django_user_model):
    event = EventFactory(seats=50)
    users = _users(django_user_model, 80)
    for n, user in enumerate(users):
        services.register(event=event, data=person(n), consent_text=CONSENT, user=user)
    leaving = list(_registrations(event).filter(status=Status.CONFIRMED).order_by("sequence")[:20])
    newcomers = _users(django_user_model, 40, start=1000)
    jobs = [(lambda r=r: services.cancel(registration=r)) for r in leaving]
    jobs += [
        (lambda user=user, n=n: services.register(event=event, data=person(n), consent_text=CONSENT, user=user))
        for n, user in zip(range(1000, 1040), newcomers, strict=True)
    ]
    assert _run_at_once(jobs) == []
    event.refresh_from_db()
    rows = _registrations(event)
    confirmed = rows.filter(status=Status.CONFIRMED)
    assert confirmed.count() == 50 == event.confirmed_count
    assert rows.filter(status=Status.CANCELLED).count() == 20
    # Whoever waited longest got the freed seats: every confirmed person arrived before every waiting one.
    last_confirmed = max(confirmed.values_list("sequence", flat=True))
    first_waiting = min(rows.filter(status=Status.WAITLISTED).values_list("sequence", flat=True))
    assert last_confirmed < first_waiting
    assert Event.objects.unscoped(reason="test").get(pk=event.pk).confirmed_count <= event.seats
