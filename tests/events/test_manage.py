"""Running an event as a coordinator: create, edit, publish, cancel, decide on registrations
(issue #7 points 1 and 4; AC-01, AC-06)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lacznik.events import services
from lacznik.events.models import Event, Registration, TargetGroup
from tests.helpers import login_verified

from .factories import CONSENT, EventFactory, person

Status = Registration.Status
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def events():
    return Event.objects.unscoped(reason="the test's oracle")


def registrations(event):
    return Registration.objects.unscoped(reason="the test's oracle").filter(event=event).order_by("sequence")


def register_confirmed(event, number, **changes):
    done = services.register(event=event, data=person(number, **changes), consent_text=CONSENT)
    return services.confirm_email(token=done.token)


def local(days: int, hour: int) -> str:
    """A datetime-local value `days` from today at `hour` o'clock, as the browser sends it."""
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def event_data(**changes) -> dict:
    data = {
        "kind": "szkolenie",
        "title": "Zamówienia społeczne w praktyce JST",
        "description": "Szkolenie dla pracowników JST (dane przykładowe).",
        "agenda": "10:00 Otwarcie\n12:00 Przerwa",
        "starts_at": local(40, 10),
        "ends_at": local(41, 16),
        "venue": "ul. Przykładowa 1, 00-001 Warszawa",
        "online_link": "",
        "project": "Projekt przykładowy ES 2026",
        "teryt": "14",
        "seats": "30",
        "has_waiting_list": "on",
        "registration_opens_at": local(1, 8),
        "registration_closes_at": local(35, 23),
        "eligible_groups": [TargetGroup.JST_STAFF, TargetGroup.PES_STAFF],
        "limit_per_organisation": "3",
        "limit_per_jst": "",
        "asked_fields": ["organisation", "diet"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_coordinator_creates_a_draft_event_in_polish_time(client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("events:manage_create"), event_data())
    event = events().get()
    assert response.status_code == 302 and response["Location"] == reverse("events:manage_detail", args=[event.pk])
    assert event.status == Event.Status.DRAFT and event.teryt == "14"
    assert event.created_by == mazowsze_coordinator
    assert event.eligible_groups == [TargetGroup.JST_STAFF, TargetGroup.PES_STAFF]
    assert event.asked_fields == ["organisation", "diet"] and event.limit_per_organisation == 3
    # "10:00" typed into the form is 10:00 in Warsaw, whatever the server's clock zone.
    assert event.starts_at.astimezone(WARSAW).hour == 10
    assert event.history.get().history_user == mazowsze_coordinator
    # The page of the event shows what was saved.
    page = client.get(reverse("events:manage_detail", args=[event.pk])).content.decode()
    assert "Zamówienia społeczne w praktyce JST" in page


def test_the_form_offers_the_voivodeship_and_its_powiats(client, mazowsze_coordinator, terc):
    login_verified(client, mazowsze_coordinator)
    form = client.get(reverse("events:manage_create")).context["form"]
    codes = [code for code, _label in form.fields["teryt"].choices]
    assert codes[0] == "14" and "1465" in codes and all(code.startswith("14") for code in codes)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"ends_at": local(39, 9)}, "ends_at"),  # the end before the start
        ({"registration_closes_at": local(42, 9)}, "registration_closes_at"),  # window after the event
        ({"registration_closes_at": local(0, 7)}, "registration_closes_at"),  # closes before it opens
        ({"eligible_groups": []}, "eligible_groups"),
        ({"venue": ""}, "venue"),  # neither a place nor online
        ({"teryt": "28"}, "teryt"),  # a territory outside the own
        ({"seats": "0"}, "seats"),
        ({"starts_at": "jutro"}, "starts_at"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, mazowsze_coordinator, changes, field):
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("events:manage_create"), event_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not events().exists()


def test_the_end_before_the_start_gets_its_message(client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("events:manage_create"), event_data(ends_at=local(39, 9)))
    assert "The event cannot end before it starts." in response.content.decode()


def test_seats_below_the_confirmed_count_are_refused_naming_the_count(client, mazowsze_coordinator):
    event = EventFactory(seats=5)
    for number in range(3):
        register_confirmed(event, number)
    login_verified(client, mazowsze_coordinator)
    response = client.post(
        reverse("events:manage_edit", args=[event.pk]), event_data(title=event.title, seats="2")
    )
    assert response.status_code == 200
    assert "3 participants are already confirmed" in " ".join(response.context["form"].errors["seats"])
    event.refresh_from_db()
    assert event.seats == 5 and event.confirmed_count == 3


def test_raising_the_seats_promotes_the_waiting_list_in_order(client, mazowsze_coordinator, committed):
    event = EventFactory(seats=1)
    first = register_confirmed(event, 1)
    waiting = [register_confirmed(event, number) for number in (2, 3, 4)]
    assert {registration.status for registration in waiting} == {Status.WAITLISTED}
    login_verified(client, mazowsze_coordinator)
    mail.outbox.clear()
    data = event_data(
        title=event.title,
        starts_at=f"{timezone.localtime(event.starts_at):%Y-%m-%dT%H:%M}",
        ends_at=f"{timezone.localtime(event.ends_at):%Y-%m-%dT%H:%M}",
        registration_opens_at=f"{timezone.localtime(event.registration_opens_at):%Y-%m-%dT%H:%M}",
        registration_closes_at=f"{timezone.localtime(event.registration_closes_at):%Y-%m-%dT%H:%M}",
        seats="3",
    )
    with committed():
        response = client.post(reverse("events:manage_edit", args=[event.pk]), data)
    assert response.status_code == 302
    statuses = [registration.status for registration in registrations(event)]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    event.refresh_from_db()
    assert event.seats == 3 and event.confirmed_count == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "uczestnik2@przyklad.example",
        "uczestnik3@przyklad.example",
    ]
    assert first.pk == registrations(event).first().pk
    assert event.history.first().history_user == mazowsze_coordinator


def test_an_edit_keeps_the_counters(client, mazowsze_coordinator):
    event = EventFactory(seats=4)
    register_confirmed(event, 1)
    login_verified(client, mazowsze_coordinator)
    page = client.get(reverse("events:manage_edit", args=[event.pk]))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value not in (None, False)}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        data[name] = f"{timezone.localtime(getattr(event, name)):%Y-%m-%dT%H:%M}"
    # Someone registers while the form is open: the save must not write the old count back.
    register_confirmed(event, 2)
    response = client.post(reverse("events:manage_edit", args=[event.pk]), {**data, "title": "Nowy tytuł"})
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.title == "Nowy tytuł" and event.confirmed_count == 2 and event.next_sequence == 3


def test_publish_then_cancel_and_no_way_back(client, mazowsze_coordinator):
    event = EventFactory(status=Event.Status.DRAFT)
    login_verified(client, mazowsze_coordinator)
    url = reverse("events:manage_status", args=[event.pk])
    client.post(url, {"status": "published"})
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    # Cancelling asks for the confirmation first.
    client.post(url, {"status": "cancelled"})
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    client.post(url, {"status": "cancelled", "confirm": "1"})
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    response = client.post(url, {"status": "published"}, follow=True)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert "Status change not allowed" in response.content.decode()
    assert [record.history_user for record in event.history.order_by("history_date")][1:] == [
        mazowsze_coordinator,
        mazowsze_coordinator,
    ]
    # A cancelled event is not edited any more.
    response = client.get(reverse("events:manage_edit", args=[event.pk]))
    assert response.status_code == 302


def test_approve_and_reject_with_the_reason_mailed(client, mazowsze_coordinator, committed):
    event = EventFactory(seats=5, needs_approval=True)
    first = register_confirmed(event, 1)
    second = register_confirmed(event, 2)
    assert first.status == second.status == Status.AWAITING_APPROVAL
    login_verified(client, mazowsze_coordinator)
    page = client.get(reverse("events:manage_registrations", args=[event.pk]), {"status": "awaiting_approval"})
    assert "uczestnik1@przyklad.example" in page.content.decode()
    mail.outbox.clear()
    with committed():
        client.post(reverse("events:manage_approve", args=[event.pk, first.pk]))
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED and mail.outbox[-1].to == ["uczestnik1@przyklad.example"]
    # The reason is required, and nothing changes without it.
    reject = reverse("events:manage_reject", args=[event.pk, second.pk])
    response = client.post(reject, {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    second.refresh_from_db()
    assert second.status == Status.AWAITING_APPROVAL
    with committed():
        response = client.post(reject, {"reason": "Wydarzenie jest tylko dla pracowników JST z powiatu."})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.REJECTED
    assert second.history.first().history_user == mazowsze_coordinator
    assert mail.outbox[-1].to == ["uczestnik2@przyklad.example"]
    assert "tylko dla pracowników JST z powiatu" in mail.outbox[-1].body
    # A confirmed registration cannot be rejected: a message, nothing changed.
    response = client.post(reverse("events:manage_reject", args=[event.pk, first.pk]), {"reason": "Pomyłka."})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED


def test_approving_twice_is_refused_with_a_message(client, mazowsze_coordinator):
    event = EventFactory(seats=5, needs_approval=True)
    registration = register_confirmed(event, 1)
    login_verified(client, mazowsze_coordinator)
    url = reverse("events:manage_approve", args=[event.pk, registration.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "Only a registration waiting for approval can be approved." in response.content.decode()
    event.refresh_from_db()
    assert event.confirmed_count == 1


def test_cancelling_on_someones_behalf_promotes_the_first_waiting(client, mazowsze_coordinator, committed):
    event = EventFactory(seats=1)
    holder = register_confirmed(event, 1)
    waiting = register_confirmed(event, 2)
    login_verified(client, mazowsze_coordinator)
    url = reverse("events:manage_cancel_registration", args=[event.pk, holder.pk])
    assert "Przykładowy-1" in client.get(url).content.decode()
    with committed():
        response = client.post(url, follow=True)
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Status.CANCELLED and waiting.status == Status.CONFIRMED
    assert holder.history.first().history_user == mazowsze_coordinator
    assert "Przykładowy-2" in response.content.decode()
    assert {message.to[0] for message in mail.outbox} >= {"uczestnik1@przyklad.example", "uczestnik2@przyklad.example"}


def test_a_registration_of_another_event_is_not_found(client, mazowsze_coordinator):
    event, other = EventFactory(needs_approval=True), EventFactory(needs_approval=True)
    registration = register_confirmed(other, 1)
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("events:manage_approve", args=[event.pk, registration.pk]))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.AWAITING_APPROVAL


def test_the_list_shows_the_own_territory_with_counts_and_filters(client, mazowsze_coordinator):
    now = timezone.now()
    upcoming = EventFactory(title="Szkolenie nadchodzące", seats=1)
    register_confirmed(upcoming, 1)
    register_confirmed(upcoming, 2)
    EventFactory(
        title="Konferencja miniona",
        kind="konferencja",
        starts_at=now - timedelta(days=10),
        registration_opens_at=now - timedelta(days=20),
        status=Event.Status.DRAFT,
    )
    EventFactory(title="Szkolenie warmińskie", teryt="28")
    login_verified(client, mazowsze_coordinator)
    url = reverse("events:manage_list")
    page = client.get(url).content.decode()
    assert "Szkolenie nadchodzące" in page and "Konferencja miniona" in page
    assert "Szkolenie warmińskie" not in page
    listed = {event.title: event for event in client.get(url).context["page"]}
    assert (listed["Szkolenie nadchodzące"].n_confirmed, listed["Szkolenie nadchodzące"].n_waitlisted) == (1, 1)
    assert [e.title for e in client.get(url, {"kiedy": "minione"}).context["page"]] == ["Konferencja miniona"]
    assert [e.title for e in client.get(url, {"kiedy": "nadchodzace"}).context["page"]] == ["Szkolenie nadchodzące"]
    assert [e.title for e in client.get(url, {"rodzaj": "konferencja"}).context["page"]] == ["Konferencja miniona"]
    assert [e.title for e in client.get(url, {"status": "draft"}).context["page"]] == ["Konferencja miniona"]


def test_the_national_coordinator_runs_events_everywhere(client, national_coordinator):
    event = EventFactory(teryt="28")
    login_verified(client, national_coordinator)
    assert client.get(reverse("events:manage_detail", args=[event.pk])).status_code == 200
    assert "Szkolenie" in client.get(reverse("events:manage_list")).content.decode()


@pytest.mark.parametrize(
    "name, method",
    [
        ("events:manage_detail", "get"),
        ("events:manage_edit", "post"),
        ("events:manage_status", "post"),
        ("events:manage_registrations", "get"),
        ("events:attendance", "post"),
        ("events:certificates", "post"),
    ],
)
def test_a_coordinator_of_another_voivodeship_gets_404(client, warmia_coordinator, name, method):
    event = EventFactory(teryt="1465011", status=Event.Status.DRAFT)
    login_verified(client, warmia_coordinator)
    response = getattr(client, method)(reverse(name, args=[event.pk]), {"status": "published", "title": "X"})
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT and event.title != "X"


def test_other_roles_get_403_and_visitors_the_sign_in_page(client, advocate_146501):
    event = EventFactory(teryt="1465011")
    client.force_login(advocate_146501)
    assert client.get(reverse("events:manage_list")).status_code == 403
    assert client.get(reverse("events:manage_detail", args=[event.pk])).status_code == 403
    assert client.post(reverse("events:manage_create"), event_data()).status_code == 403
    client.logout()
    response = client.get(reverse("events:manage_detail", args=[event.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert events().count() == 1


def test_the_menu_shows_the_entry_to_coordinators_only(client, mazowsze_coordinator, advocate_146501):
    client.force_login(advocate_146501)
    assert reverse("events:manage_list") not in client.get(reverse("core:home")).content.decode()
    login_verified(client, mazowsze_coordinator)
    assert reverse("events:manage_list") in client.get(reverse("core:home")).content.decode()


def test_start_given_in_the_form_is_a_warsaw_wall_clock_time(client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    client.post(reverse("events:manage_create"), event_data(starts_at="2031-07-01T10:00", ends_at="2031-07-01T16:00"))
    event = events().get()
    assert event.starts_at == datetime(2031, 7, 1, 8, 0, tzinfo=ZoneInfo("UTC"))  # CEST is UTC+2
