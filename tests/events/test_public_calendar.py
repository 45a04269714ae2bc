"""The public calendar: filters in the query string, the month view and the iCal feed (issue #7 point 2)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from lacznik.events.models import Event, EventKind

from .factories import EventFactory


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def local(year, month, day, hour=10):
    return timezone.make_aware(datetime(year, month, day, hour))


def at(starts_at, **fields):
    """A published event starting at `starts_at`, lasting `hours` (6 by default)."""
    hours = fields.pop("hours", 6)
    return EventFactory(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        registration_opens_at=starts_at - timedelta(days=60),
        registration_closes_at=starts_at - timedelta(days=1),
        **fields,
    )


def titles(response):
    return {event.title for event in response.context["page"].object_list}


def test_the_list_shows_upcoming_published_events_only(client, db):
    soon = EventFactory(title="Szkolenie wkrótce")
    EventFactory(title="Szkic", status=Event.Status.DRAFT)
    EventFactory(title="Odwołane", status=Event.Status.CANCELLED)
    at(timezone.now() - timedelta(days=10), title="Minione")
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 200
    assert titles(response) == {soon.title}
    assert soon.get_absolute_url() in response.content.decode()


def test_filters_by_kind_region_and_dates(client, db):
    now = timezone.now()
    training_14 = EventFactory(title="Szkolenie mazowieckie", teryt="1465011", kind=EventKind.TRAINING)
    EventFactory(title="Konferencja mazowiecka", teryt="14", kind=EventKind.CONFERENCE)
    EventFactory(title="Szkolenie warmińskie", teryt="2862011", kind=EventKind.TRAINING)
    response = client.get(reverse("events:calendar"), {"rodzaj": EventKind.TRAINING, "woj": "14"})
    assert titles(response) == {training_14.title}

    past = at(now - timedelta(days=40), title="Wizyta minionej wiosny", kind=EventKind.STUDY_VISIT)
    period = {"od": f"{(now - timedelta(days=45)).date()}", "do": f"{(now - timedelta(days=35)).date()}"}
    assert titles(client.get(reverse("events:calendar"), period)) == {past.title}


def test_bad_filters_are_explained_not_crashed_on(client, db):
    response = client.get(reverse("events:calendar"), {"od": "2026-12-10", "do": "2026-12-01", "woj": "1'--"})
    assert response.status_code == 200
    assert "The end of the period cannot precede its start." in response.content.decode()


def test_pages_keep_the_filters(client, db):
    for number in range(23):
        EventFactory(title=f"Szkolenie seryjne {number:02}", kind=EventKind.SEMINAR)
    EventFactory(title="Inne")
    response = client.get(reverse("events:calendar"), {"rodzaj": EventKind.SEMINAR})
    assert response.context["page"].paginator.count == 23
    assert "rodzaj=seminarium&amp;page=2" in response.content.decode()
    second = client.get(reverse("events:calendar"), {"rodzaj": EventKind.SEMINAR, "page": 2})
    assert len(second.context["page"].object_list) == 3


def test_the_month_view_puts_events_in_their_days(client, db):
    single = at(local(2031, 3, 12), title="Seminarium marcowe", kind=EventKind.SEMINAR)
    # A three-day study visit over the turn of the month shows in March's last days and April's first.
    visit = at(local(2031, 3, 30), title="Wizyta trzydniowa", kind=EventKind.STUDY_VISIT, hours=50)
    at(local(2031, 5, 5), title="Majowe targi", kind=EventKind.FAIR)
    response = client.get(reverse("events:calendar"), {"widok": "miesiac", "miesiac": "2031-03", "woj": "14"})
    assert response.status_code == 200
    days = {
        day["date"].isoformat(): [event.title for event in day["events"]]
        for week in response.context["weeks"]
        for day in week
    }
    assert days["2031-03-12"] == [single.title]
    assert days["2031-03-30"] == days["2031-03-31"] == days["2031-04-01"] == [visit.title]
    assert days["2031-03-29"] == []
    assert all("Majowe targi" not in events for events in days.values())
    html = response.content.decode()
    assert "<caption>" in html and 'scope="col"' in html
    # Previous and next month keep the other filters.
    assert 'href="?widok=miesiac&amp;miesiac=2031-02&amp;woj=14"' in html
    assert 'href="?widok=miesiac&amp;miesiac=2031-04&amp;woj=14"' in html


def test_the_month_view_without_a_month_shows_this_month(client, db):
    event = EventFactory(starts_at=timezone.now() + timedelta(minutes=5))
    response = client.get(reverse("events:calendar"), {"widok": "miesiac"})
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert event.title in response.content.decode()


def feed(client, **params):
    response = client.get(reverse("events:ical"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(component["summary"]) for component in calendar.walk("VEVENT")}


def test_the_ical_feed_holds_exactly_the_filtered_events(client, db):
    training = EventFactory(title="Szkolenie z PZP", kind=EventKind.TRAINING, teryt="1465011")
    conference = EventFactory(title="Dni ES", kind=EventKind.CONFERENCE, teryt="2862011")
    EventFactory(title="Szkic szkolenia", status=Event.Status.DRAFT)
    at(timezone.now() - timedelta(days=3), title="Szkolenie minione")
    assert feed(client) == {training.title, conference.title}
    assert feed(client, rodzaj=EventKind.TRAINING) == {training.title}
    assert feed(client, woj="28") == {conference.title}
    assert feed(client, rodzaj=EventKind.TRAINING, woj="28") == set()


def test_the_ical_link_carries_the_page_filters(client, db):
    march = at(local(2031, 3, 12), title="Seminarium marcowe")
    at(local(2031, 4, 12), title="Seminarium kwietniowe")
    response = client.get(reverse("events:calendar"), {"widok": "miesiac", "miesiac": "2031-03", "woj": "14"})
    link = reverse("events:ical") + "?widok=miesiac&amp;miesiac=2031-03&amp;woj=14\""
    assert link in response.content.decode()
    assert feed(client, widok="miesiac", miesiac="2031-03", woj="14") == {march.title}


def test_the_event_page_says_who_may_come_and_how_many_seats_are_left(client, db):
    event = EventFactory(
        title="Szkolenie dla JST",
        seats=12,
        eligible_groups=["pracownicy-jst", "rzecznicy-es"],
        agenda="10:00 Otwarcie\n11:00 Klauzule społeczne",
        project="W sieci dobrych połączeń",
        has_waiting_list=False,
        starts_at=local(2031, 3, 12, 9),
        ends_at=local(2031, 3, 12, 15),
        registration_closes_at=local(2031, 3, 10, 9),
    )
    Event.objects.unscoped(reason="test").filter(pk=event.pk).update(confirmed_count=5)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "JST employees" in html and "Social economy advocates" in html and "ROPS staff" not in html
    assert "7 of 12 seats left" in html
    assert "no waiting list" in html
    assert "Klauzule społeczne" in html and "W sieci dobrych połączeń" in html
    # Europe/Warsaw: 09:00 local time, whatever the server's clock zone.
    assert "March 12, 2031, 09:00" in html or "12 March 2031, 09:00" in html
    assert reverse("events:register", args=[event.pk]) in html


def test_the_event_page_has_no_register_button_outside_the_window(client, db):
    event = EventFactory(registration_opens_at=timezone.now() + timedelta(days=2))
    html = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:register", args=[event.pk]) not in html
    assert "Registration has not opened yet." in html


def test_a_draft_has_no_public_page(client, db):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:register", args=[event.pk])).status_code == 404
