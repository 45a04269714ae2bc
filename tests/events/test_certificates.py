"""Certificates of participation: issued once to each attendee, PDF for the owner and the coordinator,
a public page that tells a real code from a forged one (issue #7 point 4; IN-04, AC-01)."""

import json
import re
from datetime import timedelta

import pytest
import typst
from django.urls import reverse
from django.utils import timezone

from lacznik.events import documents, privacy, services
from lacznik.events.models import Attendance, Certificate, Event
from tests.factories import UserFactory
from tests.helpers import login_verified

from .factories import CONSENT, EventFactory, person

TYPST_MARKUP = '#panic("x") ] $x$ \\ #import "y"'


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def register_confirmed(event, number, user=None, **changes):
    done = services.register(event=event, data=person(number, **changes), consent_text=CONSENT, user=user)
    if done.registration.status == done.registration.Status.PENDING_EMAIL:
        return services.confirm_email(token=done.token)
    return done.registration


def held_event(people: int = 3, **changes):
    """An event held yesterday with `people` confirmed participants."""
    now = timezone.now()
    event = EventFactory(
        starts_at=now + timedelta(days=5),
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=1),
        **changes,
    )
    registrations = [register_confirmed(event, number) for number in range(1, people + 1)]
    Event.objects.unscoped(reason="the test moves the event").filter(pk=event.pk).update(
        starts_at=now - timedelta(days=1, hours=2), ends_at=now - timedelta(days=1)
    )
    event.refresh_from_db()
    return event, registrations


def mark_present(event, *registrations):
    documents.record_attendance(
        event=event,
        days=event.days,
        present={(registration.pk, day) for registration in registrations for day in event.days[:1]},
        by=None,
    )


def test_certificates_go_once_to_each_attendee(client, mazowsze_coordinator):
    event, (first, second, absent) = held_event()
    mark_present(event, first, second)
    login_verified(client, mazowsze_coordinator)
    url = reverse("events:certificates", args=[event.pk])
    client.post(url)
    def issued():
        return Certificate.objects.filter(registration__event=event)

    assert sorted(issued().values_list("registration_id", flat=True)) == sorted([first.pk, second.pk])
    assert all(re.fullmatch(r"LCZ-[2-9A-HJKMNP-Z]{10}", code) for code in issued().values_list("code", flat=True))
    assert {certificate.issued_by for certificate in issued()} == {mazowsze_coordinator}
    codes = set(issued().values_list("code", flat=True))
    # Issuing again gives nobody a second one; someone marked later gets theirs.
    client.post(url)
    assert set(issued().values_list("code", flat=True)) == codes
    mark_present(event, first, second, absent)
    client.post(url)
    assert issued().count() == 3 and codes < set(issued().values_list("code", flat=True))
    page = client.get(url).content.decode()
    assert all(code in page for code in codes)
    assert "at least one day" in page


def test_a_cancelled_event_issues_nothing(client, mazowsze_coordinator):
    event, (first, *_rest) = held_event(1)
    mark_present(event, first)
    event.move_to(Event.Status.CANCELLED, by=None)
    login_verified(client, mazowsze_coordinator)
    client.post(reverse("events:certificates", args=[event.pk]))
    assert not Certificate.objects.exists()


def test_the_coordinator_downloads_a_valid_pdf(client, mazowsze_coordinator):
    event, (first, *_rest) = held_event(1)
    mark_present(event, first)
    certificate = documents.issue_certificates(event=event, by=mazowsze_coordinator)[0]
    login_verified(client, mazowsze_coordinator)
    response = client.get(reverse("events:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and certificate.code in response["Content-Disposition"]
    data = documents.certificate_data(certificate)
    assert data["name"] == "Uczestnik Przykładowy-1" and data["code"] == certificate.code
    assert data["url"].endswith(reverse("events:verify_certificate", args=[certificate.code]))


def test_the_owner_downloads_it_and_nobody_else(client, db):
    owner = UserFactory(email="uczestnik1@przyklad.example")
    event, (first, *_rest) = held_event(1)
    mark_present(event, first)
    certificate = documents.issue_certificates(event=event, by=None)[0]
    url = reverse("events:certificate_pdf", args=[certificate.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    # A guest's registration: the account with the same e-mail address is the owner.
    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(email="ktos.inny@przyklad.example"))
    assert client.get(url).status_code == 404


def test_a_registration_made_signed_in_belongs_to_its_user(client, db):
    user = UserFactory(email="uczestnik7@przyklad.example")
    event = EventFactory()
    registration = register_confirmed(event, 7, user=user)
    Attendance.objects.create(registration=registration, day=event.days[0], present=True)
    certificate = documents.issue_certificates(event=event, by=None)[0]
    # The account's address changed since: the registration still belongs to it.
    user.email = "nowy.adres@przyklad.example"
    user.save()
    client.force_login(user)
    assert client.get(reverse("events:certificate_pdf", args=[certificate.pk])).status_code == 200


def test_a_coordinator_of_another_voivodeship_gets_404(client, warmia_coordinator):
    event, (first, *_rest) = held_event(1)
    mark_present(event, first)
    certificate = documents.issue_certificates(event=event, by=None)[0]
    login_verified(client, warmia_coordinator)
    assert client.get(reverse("events:certificate_pdf", args=[certificate.pk])).status_code == 404
    assert client.post(reverse("events:certificates", args=[event.pk])).status_code == 404


def test_the_public_page_confirms_a_real_code(client, db):
    event, (first, *_rest) = held_event(1, title="Szkolenie z klauzul społecznych")
    mark_present(event, first)
    certificate = documents.issue_certificates(event=event, by=None)[0]
    response = client.get(reverse("events:verify_certificate", args=[certificate.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Uczestnik Przykładowy-1" in page and "Szkolenie z klauzul społecznych" in page
    assert "genuine" in page and event.days[0].isoformat() in page
    # Typed in lower case with spaces, through the form.
    response = client.get(reverse("events:verify_lookup"), {"kod": f" {certificate.code.lower()} "}, follow=True)
    assert response.status_code == 200 and "Uczestnik Przykładowy-1" in response.content.decode()


def test_a_forged_code_is_told_apart_with_404(client, db):
    event, (first, *_rest) = held_event(1)
    mark_present(event, first)
    documents.issue_certificates(event=event, by=None)
    response = client.get(reverse("events:verify_certificate", args=["LCZ-AAAAAAAAAA"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "No certificate has the code" in page and "LCZ-AAAAAAAAAA" in page
    assert "Uczestnik" not in page
    response = client.get(reverse("events:verify_lookup"), {"kod": "<script>"})
    assert response.status_code == 200 and response.context["form"].errors


def test_after_anonymisation_the_page_says_so(client, db):
    event, (first, *_rest) = held_event(1)
    mark_present(event, first)
    certificate = documents.issue_certificates(event=event, by=None)[0]
    privacy.anonymise(first)
    response = client.get(reverse("events:verify_certificate", args=[certificate.code]))
    page = response.content.decode()
    assert response.status_code == 200 and "anonymised" in page and "Przykładowy-1" not in page


def test_typst_markup_in_a_name_does_not_break_the_certificate(db):
    event, (first, *_rest) = held_event(1, title=TYPST_MARKUP, venue=TYPST_MARKUP, project=TYPST_MARKUP)
    Event.objects.unscoped(reason="test").filter(pk=event.pk).update(title=TYPST_MARKUP)
    first.first_name, first.last_name = "Zażółć", TYPST_MARKUP
    first.save()
    mark_present(event, first)
    certificate = documents.issue_certificates(event=event, by=None)[0]
    assert documents.certificate_pdf(certificate).startswith(b"%PDF")
    shown = typst.query(
        str(documents.TEMPLATES / "certificate.typ"),
        "<participant>",
        field="body",
        sys_inputs={"data": json.dumps(documents.certificate_data(certificate))},
        ignore_system_fonts=True,
    )
    assert json.loads(shown)[0]["child"]["text"] == f"Zażółć {TYPST_MARKUP}"
