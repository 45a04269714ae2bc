"""Attendance per day and the sign-in sheet (lista obecności) as PDF and XLSX (issue #7 point 4; IN-04)."""

import io
import json
from datetime import timedelta

import pytest
import typst
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lacznik.events import documents, services
from lacznik.events.models import Attendance, Event
from tests.helpers import login_verified

from .factories import CONSENT, EventFactory, person

# What a name may contain that Typst would read as code or markup if it were spliced into the source.
TYPST_MARKUP = '#panic("x") ] $x$ \\ #import "y"'


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def register_confirmed(event, number, **changes):
    done = services.register(event=event, data=person(number, **changes), consent_text=CONSENT)
    return services.confirm_email(token=done.token)


def two_day_event_under_way(**changes):
    """An event that started yesterday and ends tomorrow; its participants registered before it began."""
    now = timezone.now()
    event = EventFactory(
        starts_at=now + timedelta(days=5),
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=1),
        **changes,
    )
    people = [register_confirmed(event, number, organisation=f"Gmina Przykładowa {number}") for number in (1, 2)]
    Event.objects.unscoped(reason="the test moves the event").filter(pk=event.pk).update(
        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1)
    )
    event.refresh_from_db()
    return event, people


def attendance_rows(event):
    return Attendance.objects.filter(registration__event=event)


def test_attendance_is_saved_once_and_saving_again_changes_nothing(client, mazowsze_coordinator):
    event, (first, second) = two_day_event_under_way()
    yesterday, today, tomorrow = event.days
    login_verified(client, mazowsze_coordinator)
    url = reverse("events:attendance", args=[event.pk])
    marks = [f"{first.pk}:{yesterday}", f"{first.pk}:{today}", f"{second.pk}:{today}"]
    client.post(url, {"obecnosc": marks})
    present = set(attendance_rows(event).filter(present=True).values_list("registration_id", "day"))
    assert present == {(first.pk, yesterday), (first.pk, today), (second.pk, today)}
    # Every participant × every day so far has a row (absent ones too), and none for tomorrow.
    assert attendance_rows(event).count() == 4
    history = Attendance.history.count()
    client.post(url, {"obecnosc": marks})
    assert attendance_rows(event).count() == 4 and Attendance.history.count() == history
    # Unticking writes "absent", with the user in the history.
    client.post(url, {"obecnosc": marks[:2]})
    row = attendance_rows(event).get(registration=second, day=today)
    assert row.present is False and row.history.first().history_user == mazowsze_coordinator


def test_days_to_come_and_strangers_cannot_be_marked(client, mazowsze_coordinator):
    event, (first, _second) = two_day_event_under_way()
    other, (stranger, _other_second) = two_day_event_under_way()
    tomorrow = event.days[-1]
    login_verified(client, mazowsze_coordinator)
    client.post(
        reverse("events:attendance", args=[event.pk]),
        {"obecnosc": [f"{first.pk}:{tomorrow}", f"{stranger.pk}:{event.days[0]}", "rubbish", "7:2020-13-45"]},
    )
    assert not attendance_rows(event).filter(present=True).exists()
    assert not attendance_rows(other).exists()


def test_the_grid_shows_participants_and_days(client, mazowsze_coordinator):
    event, (first, _second) = two_day_event_under_way()
    login_verified(client, mazowsze_coordinator)
    page = client.get(reverse("events:attendance", args=[event.pk])).content.decode()
    assert "Przykładowy-1" in page and "Przykładowy-2" in page
    assert all(day.isoformat() in page for day in event.days)


def test_the_sign_in_sheet_pdf_lists_the_confirmed_participants(client, mazowsze_coordinator):
    event, _people = two_day_event_under_way()
    login_verified(client, mazowsze_coordinator)
    response = client.get(reverse("events:sign_in_sheet_pdf", args=[event.pk, event.days[0].isoformat()]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    data = documents.sign_in_sheet_data(event, event.days[0])
    assert [row["name"] for row in data["rows"]] == ["Uczestnik Przykładowy-1", "Uczestnik Przykładowy-2"]
    shown = typst.query(
        str(documents.TEMPLATES / "sign_in_sheet.typ"),
        "<participant>",
        field="body",
        sys_inputs={"data": json.dumps(data)},
        ignore_system_fonts=True,
    )
    assert [item["body"]["text"] for item in json.loads(shown)] == [
        "Uczestnik Przykładowy-1",
        "Uczestnik Przykładowy-2",
    ]


def test_a_day_outside_the_event_is_not_found(client, mazowsze_coordinator):
    event, _people = two_day_event_under_way()
    login_verified(client, mazowsze_coordinator)
    before = (event.days[0] - timedelta(days=1)).isoformat()
    assert client.get(reverse("events:sign_in_sheet_pdf", args=[event.pk, before])).status_code == 404
    assert client.get(reverse("events:sign_in_sheet_xlsx", args=[event.pk, "2026-02-30"])).status_code == 404


def test_the_sign_in_sheet_xlsx_reads_back_with_the_participants(client, mazowsze_coordinator):
    event, (first, _second) = two_day_event_under_way(title="Szkolenie z ekonomii społecznej")
    # A name that a spreadsheet would take for a formula stays text.
    register_confirmed(event, 3, first_name="=HYPERLINK(\"x\")", organisation="Spółdzielnia Żółta")
    login_verified(client, mazowsze_coordinator)
    response = client.get(reverse("events:sign_in_sheet_xlsx", args=[event.pk, event.days[1].isoformat()]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    text = json.dumps(values, ensure_ascii=False, default=str)
    assert "Szkolenie z ekonomii społecznej" in text
    assert sheet.page_setup.orientation == "portrait" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    header = next(index for index, row in enumerate(values) if row[0] == "No.")
    rows = values[header + 1 :]
    assert [row[1] for row in rows] == [
        "Uczestnik Przykładowy-1",
        "Uczestnik Przykładowy-2",
        '=HYPERLINK("x") Przykładowy-3',
    ]
    assert rows[2][2] == "Spółdzielnia Żółta" and all(row[3] in (None, "") for row in rows)
    assert sheet.cell(row=header + 4, column=2).data_type == "s"


def test_typst_markup_in_a_name_is_printed_as_written(db):
    event, _people = two_day_event_under_way(title=f"Szkolenie {TYPST_MARKUP}")
    register_confirmed(event, 3, last_name=TYPST_MARKUP, organisation=TYPST_MARKUP)
    data = documents.sign_in_sheet_data(event, event.days[0])
    # Compiles (a spliced #panic would abort it) and shows the characters themselves.
    assert documents.sign_in_sheet_pdf(event, event.days[0]).startswith(b"%PDF")
    shown = typst.query(
        str(documents.TEMPLATES / "sign_in_sheet.typ"),
        "<participant>",
        field="body",
        sys_inputs={"data": json.dumps(data)},
        ignore_system_fonts=True,
    )
    assert f"Uczestnik {TYPST_MARKUP}" in [item["body"]["text"] for item in json.loads(shown)]
