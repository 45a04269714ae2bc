"""AU-04 and ASVS 7.x: idle (30 min) and absolute (12 h) limits, password change keeps only the
current session, a deactivated account loses every session at its next request."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lacznik.accounts import services
from tests.factories import TEST_PASSWORD, UserFactory

PROFILE = reverse("accounts:profile")
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "nowe hasło na zimowe wieczory"


@pytest.fixture
def person(db):
    return UserFactory(email="ewa@lacznik.example")


def sign_in(user) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    return client.get(PROFILE).status_code == 200


def test_idle_session_ends_after_thirty_minutes(person, security_log):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in(person)
        clock.shift(timedelta(minutes=29))
        assert is_signed_in(client)
        clock.shift(timedelta(minutes=31))
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN) and "next=" in response.url
        assert "Sesja wygasła. Zaloguj się ponownie." in client.get(response.url).content.decode()
        assert not is_signed_in(client)
    assert len(security_log.events("session_expired")) == 1


def test_activity_keeps_the_session_alive_until_the_absolute_limit(person):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in(person)
        for _ in range(35):  # a request every 20 minutes: 11 h 40 min
            clock.shift(timedelta(minutes=20))
            assert is_signed_in(client)
        clock.shift(timedelta(minutes=21))  # 12 h 1 min after signing in
        assert not is_signed_in(client)


def test_the_absolute_limit_counts_from_signing_in(person):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in(person)
        session = client.session
        assert session["lacznik_started"] == session["lacznik_seen"]
        clock.shift(settings.SESSION_ABSOLUTE_TIMEOUT + timedelta(seconds=1))
        assert not is_signed_in(client)


def test_expired_session_is_deleted_on_the_server(person):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in(person)
        key = client.session.session_key
        clock.shift(timedelta(minutes=31))
        client.get(PROFILE)
        assert not Session.objects.filter(session_key=key).exists()


def test_password_change_keeps_this_session_and_ends_the_others(person, security_log):
    here, elsewhere = sign_in(person), sign_in(person)
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert len(security_log.events("password_change", "success")) == 1
    assert NEW_PASSWORD not in "\n".join(security_log.lines)


def test_password_change_needs_the_old_password(person, security_log):
    client = sign_in(person)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "not the old one at all",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)
    assert len(security_log.events("password_change", "failure")) == 1


def test_password_change_page_is_accessible(person):
    client = sign_in(person)
    html = client.get(reverse("accounts:password_change")).content.decode()
    assert html.count("<h1") == 1
    for name, autocomplete in [
        ("old_password", "current-password"),
        ("new_password1", "new-password"),
        ("new_password2", "new-password"),
    ]:
        assert f'for="id_{name}"' in html
        assert f'autocomplete="{autocomplete}"' in html


def test_password_reset_ends_every_session(person, client):
    signed_in = sign_in(person)
    person.refresh_from_db()  # the token depends on the time of the last sign-in
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    url = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(person)])
    form_url = client.get(url).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not is_signed_in(signed_in)


def test_deactivated_account_loses_its_sessions_at_the_next_request(person, national_coordinator):
    first, second = sign_in(person), sign_in(person)
    services.set_active(user=person, active=False, by=None)
    for client in (first, second):
        response = client.get(PROFILE)
        assert response.status_code == 302 and response.url.startswith(LOGIN)
    # Opening the account again does not bring the old sessions back.
    services.set_active(user=person, active=True, by=None)
    assert not is_signed_in(first) and not is_signed_in(second)
    assert is_signed_in(sign_in(person))


def test_signing_out_everywhere_ends_every_session_but_keeps_the_account(person):
    clients = [sign_in(person), sign_in(person)]
    services.end_sessions(user=person, by=None)
    assert not any(is_signed_in(client) for client in clients)
    assert is_signed_in(sign_in(person))
