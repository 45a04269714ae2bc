"""“My events”: a person's own registrations with their status, cancelling and certificates (issue #7
point 6)."""

import pytest
from django.urls import reverse

from lacznik.events import services
from lacznik.events.models import Certificate, Registration

from ..factories import UserFactory
from .factories import CONSENT, EventFactory, person

Status = Registration.Status


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def participant(db):
    return UserFactory(email="uczestnik1@przyklad.example")


def test_my_events_lists_only_my_own_registrations(client, participant):
    mine_signed_in = EventFactory(title="Szkolenie zapisane z konta")
    mine_as_guest = EventFactory(title="Konferencja zapisana jako gość")
    someone_elses = EventFactory(title="Wizyta kogoś innego")
    services.register(event=mine_signed_in, data=person(1), consent_text=CONSENT, user=participant)
    # Before having an account, with the same address: still theirs.
    same_address = person(1, email="Uczestnik1@Przyklad.example")
    services.register(event=mine_as_guest, data=same_address, consent_text=CONSENT)
    services.register(event=someone_elses, data=person(2), consent_text=CONSENT)
    client.force_login(participant)
    response = client.get(reverse("events:my_events"))
    html = response.content.decode()
    assert mine_signed_in.title in html and mine_as_guest.title in html
    assert someone_elses.title not in html
    assert "Confirmed" in html and "Waiting for e-mail confirmation" in html


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("events:my_events"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_cancelling_from_my_events(client, participant):
    event = EventFactory(seats=1)
    mine = services.register(event=event, data=person(1), consent_text=CONSENT, user=participant).registration
    waiting = services.register(event=event, data=person(2), consent_text=CONSENT)
    services.confirm_email(token=waiting.token)
    client.force_login(participant)
    response = client.post(reverse("events:my_events"), {"cancel": mine.pk})
    assert response.status_code == 302
    mine.refresh_from_db(), waiting.registration.refresh_from_db()
    assert mine.status == Status.CANCELLED and waiting.registration.status == Status.CONFIRMED


def test_nobody_cancels_someone_elses_registration(client, participant):
    event = EventFactory()
    other = services.register(event=event, data=person(2), consent_text=CONSENT).registration
    client.force_login(participant)
    assert client.post(reverse("events:my_events"), {"cancel": other.pk}).status_code == 404
    other.refresh_from_db()
    assert other.status == Status.PENDING_EMAIL


def test_a_certificate_is_linked_from_my_events(client, participant):
    event = EventFactory()
    mine = services.register(event=event, data=person(1), consent_text=CONSENT, user=participant).registration
    certificate = Certificate.objects.create(registration=mine, code="ZAS-2026-0001")
    client.force_login(participant)
    html = client.get(reverse("events:my_events")).content.decode()
    assert reverse("events:certificate_pdf", args=[certificate.pk]) in html
