"""Issue #7 "Figures": the machinery of `manage.py loadtest_registration` on a small run against a live
server (not a timing test: the figure itself is measured with gunicorn and PostgreSQL, see the README)."""

import pytest
from django.core import mail

from lacznik.events.management.commands.loadtest_registration import CONFIRM_LINK, check_event, run_load
from lacznik.events.models import Event, Registration, TargetGroup

from .factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)
Status = Registration.Status


def mailed_token(email: str) -> str | None:
    """The token of the confirmation link in the mail sent to `email` (what the person clicks)."""
    for message in reversed(mail.outbox):
        if message.to == [email] and (link := CONFIRM_LINK.search(message.body)):
            return link.group(1)
    return None


def test_a_small_run_counts_every_request_and_never_overbooks(live_server, mailoutbox):
    event = EventFactory(seats=3, eligible_groups=[TargetGroup.JST_STAFF], asked_fields=["organisation"])

    report = run_load(
        base_url=live_server.url,
        event=event,
        rate=5,
        seconds=2,
        clients=3,
        confirm_share=1.0,
        token_for=mailed_token,
    )

    assert report.planned == report.sent == 10
    assert report.errors == 0 and report.refused == 0, report.summary()
    assert report.registered == len(report.registrations.samples_ms) == 10
    assert 1 <= len(report.forms.samples_ms) <= 3, "each client GETs the form once"
    assert report.confirmed_links == 10
    assert check_event(event, report) == []
    event.refresh_from_db()
    rows = Registration.objects.unscoped(reason="the test's oracle").filter(event=event)
    assert event.confirmed_count == rows.filter(status=Status.CONFIRMED).count() == 3
    assert rows.filter(status=Status.WAITLISTED).count() == 7
    text = "\n".join(report.summary())
    assert "registration POST" in text and "10 requests" in text and "load average" in text


def test_the_check_finds_a_broken_counter_and_a_lost_registration(live_server, mailoutbox):
    event = EventFactory(seats=2, eligible_groups=[TargetGroup.JST_STAFF], asked_fields=[])
    report = run_load(base_url=live_server.url, event=event, rate=4, seconds=1, clients=2)
    assert report.registered == 4 and check_event(event, report) == []

    report.accepted_emails.append("nigdy.niewyslany@syntetyczne.example")
    Event.objects.unscoped(reason="test").filter(pk=event.pk).update(confirmed_count=1)
    problems = check_event(event, report)
    assert any("confirmed_count 1" in problem for problem in problems)
    assert any("not stored" in problem for problem in problems)


def test_only_the_loopback_address_and_bounded_runs():
    event = Event(pk=1)
    with pytest.raises(ValueError, match="loopback"):
        run_load(base_url="http://192.0.2.1:8000", event=event, rate=1, seconds=1, clients=1)
    with pytest.raises(ValueError):
        run_load(base_url="http://127.0.0.1:8000", event=event, rate=10_000, seconds=1, clients=1)
