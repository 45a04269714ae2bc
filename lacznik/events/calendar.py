"""Calendar files (iCalendar, RFC 5545) of events: the feed of published events and a mail's attachment."""

from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event


def event_ics(events: Iterable[Event], *, with_link: bool = False) -> bytes:
    """The events as an iCalendar file; `with_link` puts an online meeting's link in (for a confirmed
    participant's mail, never the public feed)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Łącznik//wydarzenia//PL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Łącznik — wydarzenia ekonomii społecznej")
    site = settings.LACZNIK_SITE_URL.rstrip("/")
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"wydarzenie-{event.pk}@lacznik")
        entry.add("dtstamp", event.created_at)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.title)
        entry.add("description", event.description)
        # The link of an online meeting goes to confirmed participants only (in their e-mail).
        entry.add("location", (event.online_link if with_link else "online") if event.is_online else event.venue)
        entry.add("url", site + event.get_absolute_url())
        if event.status == Event.Status.CANCELLED:
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
    return calendar.to_ical()
