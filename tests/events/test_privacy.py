"""Personal data of registrations: the consent text, retention, anonymisation, purge and a person's
request for erasure (issue #7 point 6; RODO art. 5(1)(e), 17(3)(b), 18)."""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from lacznik.events import privacy, services
from lacznik.events.models import Attendance, Certificate, Registration, TargetGroup

from ..factories import UserFactory
from .factories import CONSENT, EventFactory, person


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def held_in(year, **fields):
    """An event held in June of `year` (its registration window long closed)."""
    starts = timezone.make_aware(datetime(year, 6, 10, 10))
    return EventFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        registration_opens_at=starts - timedelta(days=30),
        registration_closes_at=starts - timedelta(days=1),
        **fields,
    )


def registered(event, number, *, user=None, **changes):
    """A registration made while the event's window was open, placed at once for a user."""
    during = event.registration_opens_at + timedelta(days=1)
    data = person(number, **changes)
    done = services.register(event=event, data=data, consent_text=CONSENT, user=user, now=during)
    return done.registration


def all_registrations():
    return Registration.objects.unscoped(reason="the test's oracle")


def counts():
    """What the indicators count: registrations by target group and status, and unique persons."""
    by_group = {
        (row["target_group"], row["status"]): row["n"]
        for row in all_registrations().values("target_group", "status").annotate(n=Count("pk")).order_by()
    }
    persons = {registration.person_key for registration in all_registrations()}
    return by_group, len(persons)


def test_the_consent_names_the_controller_purpose_retention_and_rights(db):
    event = held_in(2026, teryt="2862011", title="Dni ES")
    text = privacy.consent_text(event)
    assert "województwa warmińsko-mazurskiego" in text
    assert "“Dni ES”" in text and "31.12.2031" in text
    assert "PUODO" in text and "withdraw" in text


def test_retention_ends_with_the_fifth_full_year_after_the_event(db):
    event = held_in(2021)
    assert privacy.retained_until(event) == date(2026, 12, 31)
    assert privacy.anonymised_from(event) == date(2027, 1, 1)
    registration = registered(event, 1)
    due = privacy.past_retention(all_registrations(), today=date(2026, 12, 31))
    assert not due.exists()
    assert list(privacy.past_retention(all_registrations(), today=date(2027, 1, 1))) == [registration]


def test_anonymising_replaces_the_person_and_keeps_what_the_indicators_count(db):
    user = UserFactory(email="uczestnik1@przyklad.example")
    event = held_in(2019, asked_fields=["organisation", "phone", "diet", "accessibility", "position", "jst"])
    registration = registered(
        event,
        1,
        user=user,
        organisation="Spółdzielnia Socjalna Przykład",
        position="prezes",
        phone="600 000 001",
        diet="wegańska",
        accessibility="pętla indukcyjna",
        jst="1465011",
        target_group=TargetGroup.PES_STAFF,
    )
    Attendance.objects.create(registration=registration, day=event.days[0], present=True)
    Certificate.objects.create(registration=registration, code="ZAS-2019-0001")
    services.cancel(registration=registration, by=user)  # one more history row, by the person
    before = counts()

    privacy.anonymise(registration)

    registration.refresh_from_db()
    assert registration.email == f"anonim-{registration.pk}@usunieto.example"
    assert registration.user is None and registration.anonymised_at is not None
    for field in ("organisation", "position", "phone", "diet", "accessibility"):
        assert getattr(registration, field) == ""
    assert "Przykładowy" not in f"{registration.first_name} {registration.last_name}"
    # Kept: what the counts and the audit need, and the consent text (not personal).
    assert registration.status == Registration.Status.CANCELLED
    kept = (registration.target_group, registration.jst, registration.event)
    assert kept == (TargetGroup.PES_STAFF, "1465011", event)
    assert registration.consent_text == CONSENT
    assert registration.certificate.code == "ZAS-2019-0001" and registration.attendance.get().present
    assert counts() == before
    # The history keeps no trace of the person either.
    history = list(Registration.history.filter(id=registration.pk))
    assert len(history) >= 3
    for row in history:
        assert row.email == registration.email and row.user_id is None and row.history_user_id != user.pk
        assert "Przykładowy" not in row.last_name and row.phone == "" and row.organisation == ""
    # The mailed links stop working.
    assert services.registration_for_token("anything") is None


def test_purge_anonymises_only_what_is_past_retention_and_running_twice_changes_nothing(db, capsys):
    old, recent = held_in(2020), held_in(2024)
    same_person_old = registered(old, 1)
    other_old = registered(old, 2, target_group=TargetGroup.ROPS_STAFF)
    same_person_2021 = registered(held_in(2021), 1, email="UCZESTNIK1@przyklad.example")
    kept = registered(recent, 3)
    before = counts()

    call_command("purge_registrations", "--today", "2027-01-01")
    assert "Anonymised 3 registration(s)" in capsys.readouterr().out

    anonymised = set(all_registrations().filter(anonymised_at__isnull=False))
    assert anonymised == {same_person_old, other_old, same_person_2021}
    kept.refresh_from_db()
    assert kept.email == "uczestnik3@przyklad.example" and kept.anonymised_at is None
    # One person at two events is still one person among the anonymised.
    assert counts() == before
    state = list(all_registrations().order_by("pk").values())
    history_rows = Registration.history.count()

    call_command("purge_registrations", "--today", "2027-01-01")
    assert "Anonymised 0 registration(s)" in capsys.readouterr().out
    assert list(all_registrations().order_by("pk").values()) == state
    assert Registration.history.count() == history_rows


def test_erasure_request_anonymises_what_is_due_and_restricts_the_rest(client, db):
    user = UserFactory(email="uczestnik1@przyklad.example")
    past = registered(held_in(2018, title="Szkolenie z 2018"), 1)
    current = registered(EventFactory(title="Szkolenie przyszłe"), 1, user=user)
    someone_else = registered(held_in(2018), 2)
    client.force_login(user)

    page = client.get(reverse("events:erase_my_data"))
    html = page.content.decode()
    assert "Szkolenie z 2018" in html and "Szkolenie przyszłe" in html
    assert f'datetime="{privacy.anonymised_from(current.event):%Y-%m-%d}"' in html
    past.refresh_from_db()
    assert past.anonymised_at is None  # a GET changes nothing

    response = client.post(reverse("events:erase_my_data"))
    assert response.status_code == 302
    past.refresh_from_db(), current.refresh_from_db(), someone_else.refresh_from_db()
    assert past.anonymised_at is not None and past.email.startswith("anonim-")
    assert current.anonymised_at is None and current.email == "uczestnik1@przyklad.example"
    assert someone_else.anonymised_at is None
    # The request is recorded in the kept registration's history, by the person.
    request = current.history.filter(history_change_reason="events.registration.erasure_requested").get()
    assert request.history_user == user
    assert "You asked for the deletion on" in client.get(reverse("events:erase_my_data")).content.decode()
