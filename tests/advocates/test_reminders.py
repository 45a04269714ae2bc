"""Reminders: `manage.py remind_advocates` (daily from cron) e-mails every active advocate who has not
reported for LACZNIK_ADVOCATE_REMINDER_DAYS days, once in 14 days, and the coordinator sees who was
reminded (issue #6 point 7)."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lacznik.advocates.models import ActivityReport, Enrolment, Reminder, Stage, TaskCategory
from tests.advocates.factories import EnrolmentFactory, appoint
from tests.helpers import login_verified


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def reported(advocate, days):
    ActivityReport.objects.create(
        advocate=advocate,
        category=TaskCategory.INFORM,
        on=days_ago(days),
        description="x",
        link="https://a.example/",
    )
    return advocate


@pytest.fixture
def advocates(db, settings):
    """Advocates in every situation the rule tells apart, by e-mail."""
    settings.LACZNIK_ADVOCATE_REMINDER_DAYS = 60
    made = {
        "silent_61": reported(appoint(EnrolmentFactory(code="1465011")), 61),
        "exactly_60": reported(appoint(EnrolmentFactory(code="1461011")), 60),
        "reported_59": reported(appoint(EnrolmentFactory(code="1462011")), 59),
        "recent": reported(reported(appoint(EnrolmentFactory(code="1463011")), 200), 10),
        "never_appointed_100_days_ago": appoint(EnrolmentFactory(code="1464011"), appointed_on=days_ago(100)),
        "new_30_days": appoint(EnrolmentFactory(code="1465")),
        "ended": appoint(EnrolmentFactory(code="2862011")),
        "suspended": appoint(EnrolmentFactory(code="2863011")),
        "reminded_5_days_ago": reported(appoint(EnrolmentFactory(code="2861011")), 90),
    }
    made["new_30_days"].appointed_on = days_ago(30)
    made["new_30_days"].save()
    made["ended"].ended_on = days_ago(1)
    made["ended"].save()
    Enrolment.objects.unscoped(reason="test set-up").filter(pk=made["suspended"].enrolment_id).update(
        stage=Stage.SUSPENDED
    )
    Reminder.objects.create(advocate=made["reminded_5_days_ago"], days_without_report=85)
    Reminder.objects.filter(advocate=made["reminded_5_days_ago"]).update(
        sent_at=timezone.now() - timedelta(days=5)
    )
    return made


def emails(*keys, advocates):
    return {advocates[key].user.email for key in keys}


def run(committed):
    mail.outbox.clear()
    with committed():
        call_command("remind_advocates", stdout=io.StringIO())
    return {address for message in mail.outbox for address in message.to}


def test_reminders_go_to_exactly_the_advocates_over_the_threshold_once(advocates, committed):
    due = emails("silent_61", "exactly_60", "never_appointed_100_days_ago", advocates=advocates)
    assert run(committed) == due
    reminders = Reminder.objects.exclude(advocate=advocates["reminded_5_days_ago"])
    assert {r.advocate.user.email: r.days_without_report for r in reminders} == {
        advocates["silent_61"].user.email: 61,
        advocates["exactly_60"].user.email: 60,
        advocates["never_appointed_100_days_ago"].user.email: 100,
    }
    message = next(m for m in mail.outbox if m.to == [advocates["silent_61"].user.email])
    assert reverse("advocates:report_create") in message.body
    assert "61" in message.body
    # The same day again (cron retried, a second run): nobody, no new rows.
    assert run(committed) == set()
    assert Reminder.objects.count() == 4
    # 13 days on, those reminded today are left alone; the one reminded 18 days ago and the one whose
    # last report is now 72 days old are reminded.
    with time_machine.travel(timezone.now() + timedelta(days=13)):
        assert run(committed) == emails("reminded_5_days_ago", "reported_59", advocates=advocates)
    # 15 days on, those reminded today and still silent are reminded again.
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert run(committed) == due


def test_the_threshold_is_a_setting(advocates, committed, settings):
    settings.LACZNIK_ADVOCATE_REMINDER_DAYS = 30
    assert run(committed) == emails(
        "silent_61",
        "exactly_60",
        "reported_59",
        "never_appointed_100_days_ago",
        "new_30_days",
        advocates=advocates,
    )


def test_a_dry_run_sends_nothing(advocates, committed, capsys):
    mail.outbox.clear()
    with committed():
        call_command("remind_advocates", "--dry-run")
    assert mail.outbox == [] and Reminder.objects.count() == 1
    assert "3 advocate(s) would be reminded" in capsys.readouterr().out


def test_the_coordinator_sees_who_was_reminded_and_when(
    client, advocates, committed, mazowsze_coordinator, warmia_coordinator
):
    url = reverse("advocates:reminders")
    login_verified(client, mazowsze_coordinator)
    before = client.get(url)
    # Before the run, the page lists who is due at the next one.
    assert {advocate.user.email for advocate, _days in before.context["due"]} == emails(
        "silent_61", "exactly_60", "never_appointed_100_days_ago", advocates=advocates
    )
    run(committed)
    page = client.get(url).content.decode()
    for key in ("silent_61", "exactly_60", "never_appointed_100_days_ago"):
        assert advocates[key].user.email in page
    assert advocates["reminded_5_days_ago"].user.email not in page  # in Warmia
    assert timezone.localtime().strftime("%Y-%m-%d") in page
    login_verified(client, warmia_coordinator)
    page = client.get(url).content.decode()
    assert advocates["reminded_5_days_ago"].user.email in page
    assert advocates["silent_61"].user.email not in page
