"""Participant indicators against targets, without double-counting a person (issue #7 point 5)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lacznik.core.text import neutralise_formula
from lacznik.events import indicators, services
from lacznik.events.indicators import VOIVODESHIPS, Filters
from lacznik.events.models import Attendance, Event, EventKind, Registration, Target, TargetGroup
from tests.helpers import login_verified

from .factories import CONSENT, EventFactory, person

MAZOWSZE = Filters(prefixes=("14",))


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def past_event(**changes) -> Event:
    """A published event that ended ten days ago (its registration window was open before it)."""
    starts = timezone.now() - timedelta(days=10, hours=6)
    return EventFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        registration_opens_at=starts - timedelta(days=30),
        registration_closes_at=starts - timedelta(days=1),
        **changes,
    )


def participant(django_user_model, number: int):
    return django_user_model.objects.create_user(
        email=f"uczestnik{number}@przyklad.example", password="x" * 20
    )


def register(event: Event, number: int, *, user=None, **changes) -> Registration:
    """Register during the event's window (a user with the same e-mail is confirmed at once)."""
    during = event.registration_opens_at + timedelta(hours=1)
    done = services.register(
        event=event, data=person(number, **changes), consent_text=CONSENT, user=user, now=during
    )
    return done.registration


def attend(registration: Registration, *, present: bool = True) -> Registration:
    Attendance.objects.create(
        registration=registration,
        day=timezone.localtime(registration.event.starts_at).date(),
        present=present,
    )
    return registration


def came(event: Event, user, number: int, **changes) -> Registration:
    return attend(register(event, number, user=user, **changes))


def by_code(lines) -> dict[str, int]:
    return {line.code: line.count for line in lines}


# --- counting -----------------------------------------------------------------------------------------


def test_a_person_at_three_trainings_counts_once(db, django_user_model):
    user = participant(django_user_model, 1)
    for _ in range(3):
        came(past_event(), user, 1)
    report = indicators.build_report(MAZOWSZE)
    assert report.persons == 1
    assert by_code(report.by_group) == {TargetGroup.JST_STAFF: 1}
    assert by_code(report.by_kind) == {EventKind.TRAINING: 1}
    assert report.events == 3


def test_a_guest_is_known_by_the_email_in_any_case(db, django_user_model):
    # Guests are the same person by e-mail address, however it was typed.
    for email in ("Gosc@Przyklad.example", "gosc@przyklad.example"):
        event = past_event()
        registration = register(event, 1, email=email)
        Registration.objects.unscoped(reason="test").filter(pk=registration.pk).update(
            status=Registration.Status.CONFIRMED
        )
        attend(registration)
    assert indicators.build_report(MAZOWSZE).persons == 1


def test_a_person_counts_once_in_each_cell_and_once_in_the_total(db, django_user_model):
    user = participant(django_user_model, 1)
    came(past_event(kind=EventKind.TRAINING, project="Projekt A"), user, 1)
    came(past_event(kind=EventKind.CONFERENCE, project="Projekt B"), user, 1)
    came(past_event(kind=EventKind.CONFERENCE, project="Projekt B"), user, 1)
    report = indicators.build_report(MAZOWSZE)
    assert report.persons == 1
    assert by_code(report.by_kind) == {EventKind.TRAINING: 1, EventKind.CONFERENCE: 1}
    assert by_code(report.by_project) == {"Projekt A": 1, "Projekt B": 1}
    assert report.cross == {
        (TargetGroup.JST_STAFF, EventKind.TRAINING): 1,
        (TargetGroup.JST_STAFF, EventKind.CONFERENCE): 1,
    }
    assert by_code(report.events_by_kind) == {EventKind.TRAINING: 1, EventKind.CONFERENCE: 2}


def test_two_persons_of_different_groups_count_in_their_groups(db, django_user_model):
    event = past_event()
    came(event, participant(django_user_model, 1), 1, target_group=TargetGroup.JST_STAFF)
    came(event, participant(django_user_model, 2), 2, target_group=TargetGroup.ROPS_STAFF)
    came(past_event(), participant(django_user_model, 3), 3, target_group=TargetGroup.ROPS_STAFF)
    report = indicators.build_report(MAZOWSZE)
    assert report.persons == 3
    assert by_code(report.by_group) == {TargetGroup.ROPS_STAFF: 2, TargetGroup.JST_STAFF: 1}
    assert [line.code for line in report.by_group] == [TargetGroup.ROPS_STAFF, TargetGroup.JST_STAFF]


def test_only_confirmed_registrations_with_a_day_present_count(db, django_user_model):
    event = past_event(seats=2)
    came(event, participant(django_user_model, 1), 1)
    register(event, 2, user=participant(django_user_model, 2))  # confirmed, no attendance
    attend(register(event, 3, user=participant(django_user_model, 3)), present=False)  # waitlisted, absent
    cancelled = came(past_event(), participant(django_user_model, 4), 4)
    services.cancel(registration=cancelled)
    absent = register(past_event(), 5, user=participant(django_user_model, 5))
    attend(absent, present=False)
    report = indicators.build_report(MAZOWSZE)
    assert report.persons == 1
    assert by_code(report.by_status) == {
        Registration.Status.CONFIRMED: 3,
        Registration.Status.WAITLISTED: 1,
        Registration.Status.CANCELLED: 1,
    }


def test_anonymised_registrations_still_count_each_as_itself(db, django_user_model):
    user = participant(django_user_model, 1)
    first = came(past_event(), user, 1)
    second = came(past_event(), user, 1)
    # What is left after the person asked for deletion (issue #7 point 6): no name, no address.
    Registration.objects.unscoped(reason="test").filter(pk__in=[first.pk, second.pk]).update(
        anonymised_at=timezone.now(), user=None, email="", first_name="", last_name=""
    )
    assert indicators.build_report(MAZOWSZE).persons == 2


def test_events_held_are_the_published_events_that_ended(db):
    past_event()
    past_event(kind=EventKind.CONFERENCE, project="Projekt A")
    past_event(status=Event.Status.DRAFT)
    cancelled = past_event()
    cancelled.move_to(Event.Status.CANCELLED, by=None)
    EventFactory()  # published, still to come
    past_event(teryt="28")  # another region
    report = indicators.build_report(MAZOWSZE)
    assert report.events == 2
    assert by_code(report.events_by_kind) == {EventKind.TRAINING: 1, EventKind.CONFERENCE: 1}
    assert by_code(report.events_by_project) == {"Projekt A": 1, "": 1}


def test_filters_narrow_the_counts(db, django_user_model):
    user = participant(django_user_model, 1)
    came(past_event(kind=EventKind.CONFERENCE, project="Projekt A"), user, 1)
    came(past_event(project="Projekt B"), participant(django_user_model, 2), 2)
    year = timezone.localtime(timezone.now() - timedelta(days=10)).year
    assert indicators.build_report(Filters(prefixes=("14",), project="Projekt A")).persons == 1
    assert indicators.build_report(Filters(prefixes=("14",), kind=EventKind.TRAINING)).persons == 1
    assert indicators.build_report(Filters(prefixes=("14",), year=year)).persons == 2
    assert indicators.build_report(Filters(prefixes=("14",), year=year - 3)).persons == 0
    assert indicators.build_report(Filters(prefixes=("28",))).persons == 0


# --- targets ------------------------------------------------------------------------------------------


def test_a_target_counts_its_group_kind_and_region(db, django_user_model):
    came(past_event(), participant(django_user_model, 1), 1)
    came(past_event(kind=EventKind.CONFERENCE), participant(django_user_model, 2), 2)
    came(past_event(teryt="28"), participant(django_user_model, 3), 3)
    came(past_event(), participant(django_user_model, 4), 4, target_group=TargetGroup.ROPS_STAFF)
    national = indicators.add_default_targets()
    trained = next(target for target in national if target.value == 3000)
    trainings = next(target for target in national if target.value == 200)
    everywhere = Filters(prefixes=tuple(VOIVODESHIPS))
    assert indicators.measure(trained, everywhere) == 2  # JST employees at trainings, 14 and 28
    assert indicators.measure(trained, MAZOWSZE) == 1
    assert indicators.measure(trainings, everywhere) == 3
    regional = Target.objects.create(label="JST Warmia", region="28", measure="persons", value=10)
    assert indicators.measure(regional, everywhere) == 1
    assert indicators.measure(regional, MAZOWSZE) == 0


def test_the_programme_targets_are_added_once(db, national_coordinator):
    assert len(indicators.add_default_targets(by=national_coordinator)) == 5
    assert indicators.add_default_targets(by=national_coordinator) == []
    assert sorted(Target.objects.values_list("value", flat=True)) == [40, 60, 160, 200, 3000]
    assert set(Target.objects.values_list("region", flat=True)) == {""}
    assert Target.objects.first().history.first().history_user == national_coordinator


def test_the_page_shows_a_target_with_its_progress(client, mazowsze_coordinator, django_user_model):
    came(past_event(), participant(django_user_model, 1), 1)
    indicators.add_default_targets()
    login_verified(client, mazowsze_coordinator)
    response = client.get(reverse("events:indicators"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Pracownicy JST przeszkoleni" in text
    assert "1 / 3,000 (0%)" in text
    assert '<progress class="w-100 indicator-progress" max="3000" value="1"' in text


def test_targets_of_another_region_are_not_shown(client, mazowsze_coordinator):
    Target.objects.create(label="Cel Warmii", region="28", measure="persons", value=10)
    Target.objects.create(label="Cel Mazowsza", region="14", measure="persons", value=10)
    Target.objects.create(label="Cel krajowy", region="", measure="events", value=10)
    login_verified(client, mazowsze_coordinator)
    text = client.get(reverse("events:indicators")).content.decode()
    assert "Cel Mazowsza" in text and "Cel krajowy" in text
    assert "Cel Warmii" not in text
    # Asking for the other region in the query string changes nothing.
    text = client.get(reverse("events:indicators"), {"woj": "28"}).content.decode()
    assert "Cel Warmii" not in text and "Cel Mazowsza" in text


def test_a_coordinator_counts_only_the_own_region(client, mazowsze_coordinator, django_user_model):
    came(past_event(teryt="28"), participant(django_user_model, 1), 1)
    login_verified(client, mazowsze_coordinator)
    report = client.get(reverse("events:indicators"), {"woj": "28"}).context["report"]
    assert report.persons == 0 and report.events == 0
    assert report.comparison is None


def test_the_national_comparison_lists_every_region(client, national_coordinator, django_user_model):
    came(past_event(teryt="1465011"), participant(django_user_model, 1), 1)
    warmian = participant(django_user_model, 2)
    came(past_event(teryt="28"), warmian, 2)
    came(past_event(teryt="28"), warmian, 2)
    Target.objects.create(label="Osoby", region="", measure="persons", value=100)
    Target.objects.create(label="Osoby", region="28", measure="persons", value=4)
    login_verified(client, national_coordinator)
    response = client.get(reverse("events:indicators"))
    comparison = response.context["report"].comparison
    assert [line.code for line in comparison.lines] == list(VOIVODESHIPS)
    counts = {line.code: line.count for line in comparison.lines}
    assert counts["14"] == 1 and counts["28"] == 1 and sum(counts.values()) == 2
    national = Target.objects.get(region="")
    comparison = (
        client.get(reverse("events:indicators"), {"porownaj": national.pk}).context["report"].comparison
    )
    warmia = next(line for line in comparison.lines if line.code == "28")
    assert (warmia.count, warmia.target.value, warmia.percent) == (1, 4, 25)
    events = client.get(reverse("events:indicators"), {"porownaj": "events"}).context["report"].comparison
    assert {line.code: line.count for line in events.lines if line.count} == {"14": 1, "28": 2}
    # One region chosen: its numbers only.
    report = client.get(reverse("events:indicators"), {"woj": "28"}).context["report"]
    assert report.persons == 1 and report.events == 2


def test_a_coordinator_adds_and_edits_a_target_of_the_own_region(client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    data = {
        "label": "Rzecznicy",
        "region": "14",
        "measure": "persons",
        "target_group": "rzecznicy-es",
        "event_kind": "",
        "project": "",
        "value": "30",
    }
    assert client.post(reverse("events:target_create"), data).status_code == 302
    target = Target.objects.get(label="Rzecznicy")
    assert target.region == "14" and target.history.first().history_user == mazowsze_coordinator
    response = client.post(reverse("events:target_edit", args=[target.pk]), {**data, "value": "35"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 35 and target.history.count() == 2


def test_a_regional_coordinator_cannot_set_national_or_foreign_targets(client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    data = {"label": "Cudzy", "measure": "persons", "value": "30"}
    for region in ("", "28"):
        response = client.post(reverse("events:target_create"), {**data, "region": region})
        assert response.status_code == 200 and response.context["form"].errors["region"]
    warmia = Target.objects.create(label="Cel Warmii", region="28", measure="persons", value=10)
    national = Target.objects.create(label="Cel krajowy", region="", measure="persons", value=10)
    for target in (warmia, national):
        response = client.post(reverse("events:target_edit", args=[target.pk]), {**data, "region": "14"})
        assert response.status_code == 404
    assert client.post(reverse("events:targets_default")).status_code == 403
    assert not Target.objects.filter(label="Cudzy").exists() and Target.objects.count() == 2


def test_bad_targets_are_refused(client, national_coordinator):
    login_verified(client, national_coordinator)
    data = {
        "label": "Szkolenia",
        "region": "",
        "measure": "events",
        "target_group": "pracownicy-jst",
        "value": "0",
    }
    response = client.post(reverse("events:target_create"), data)
    assert set(response.context["form"].errors) == {"target_group", "value"}
    assert not Target.objects.exists()


def test_the_national_coordinator_adds_the_programme_targets_from_the_page(client, national_coordinator):
    login_verified(client, national_coordinator)
    assert client.post(reverse("events:targets_default")).status_code == 302
    assert Target.objects.count() == 5


# --- exports ------------------------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [
        ["" if value is None else value for value in row]
        for row in workbook.active.iter_rows(values_only=True)
    ]


def test_exports_hold_the_numbers_of_the_page(client, national_coordinator, django_user_model):
    user = participant(django_user_model, 1)
    came(past_event(project='=HYPERLINK("http://zly.example")'), user, 1)
    came(past_event(kind=EventKind.CONFERENCE), user, 1)
    came(past_event(teryt="28"), participant(django_user_model, 2), 2, target_group=TargetGroup.ROPS_STAFF)
    indicators.add_default_targets()
    login_verified(client, national_coordinator)
    report = client.get(reverse("events:indicators")).context["report"]
    csv_rows = _csv_rows(client.get(reverse("events:indicators_export_csv")))
    xlsx_rows = _xlsx_rows(client.get(reverse("events:indicators_export_xlsx")))
    assert csv_rows[0] == list(indicators.EXPORT_COLUMNS) == list(xlsx_rows[0])
    assert len(csv_rows) == len(xlsx_rows)
    numbers = {(row[0], row[1], row[2]): int(row[4]) for row in csv_rows[1:]}
    # The same numbers; only the CSV marks a formula-like text with an apostrophe.
    assert numbers == {
        (row[0], neutralise_formula(str(row[1])), str(row[2])): row[4] for row in xlsx_rows[1:]
    }
    assert numbers[("osoby_razem", "", "")] == report.persons == 2
    assert numbers[("wydarzenia_razem", "", "")] == report.events == 3
    for line in report.by_group:
        assert numbers[("osoby_wg_grupy", line.code, "")] == line.count
    for line in report.by_kind:
        assert numbers[("osoby_wg_rodzaju", line.code, "")] == line.count
    for item in report.targets:
        assert numbers[("cel", item.target.region, str(item.target.pk))] == item.count
    assert numbers[("porownanie_regionow", "28", "persons")] == 1
    # A project named like a formula stays text in both files.
    assert numbers[("osoby_wg_projektu", '\'=HYPERLINK("http://zly.example")', "")] == 1
    assert any(row[1] == '=HYPERLINK("http://zly.example")' for row in xlsx_rows)


def test_exports_follow_the_filters_and_the_scope(client, mazowsze_coordinator, django_user_model):
    came(past_event(), participant(django_user_model, 1), 1)
    came(past_event(kind=EventKind.CONFERENCE), participant(django_user_model, 2), 2)
    came(past_event(teryt="28"), participant(django_user_model, 3), 3)
    Target.objects.create(label="Cel Warmii", region="28", measure="persons", value=10)
    login_verified(client, mazowsze_coordinator)
    rows = _csv_rows(client.get(reverse("events:indicators_export_csv"), {"rodzaj": "szkolenie"}))
    numbers = {(row[0], row[1]): int(row[4]) for row in rows[1:]}
    assert numbers[("osoby_razem", "")] == 1
    assert not any(row[0] == "cel" or "Warmii" in row[3] for row in rows)


def test_other_roles_do_not_see_indicators(client, advocate_146501):
    client.force_login(advocate_146501)
    assert client.get(reverse("events:indicators")).status_code == 403
    assert client.get(reverse("events:indicators_export_csv")).status_code == 403
    assert client.get(reverse("events:indicators_export_xlsx")).status_code == 403
