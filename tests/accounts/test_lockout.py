"""AU-02: django-axes locks the pair (account, address) after 5 failures for 15 minutes, without
locking colleagues behind the same office NAT; a forged X-Forwarded-For changes nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, UserFactory

LOGIN = reverse("accounts:login")
OFFICE = "10.20.30.40"
HOME = "10.99.0.7"


@pytest.fixture
def anna(db):
    return UserFactory(email="anna@lacznik.example")


@pytest.fixture
def bartek(db):
    return UserFactory(email="bartek@lacznik.example")


def attempt(client, email, password, ip=OFFICE, **headers):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **headers)


def fail(client, email, times, ip=OFFICE, **headers):
    return [attempt(client, email, "wrong-password-guess", ip, **headers) for _ in range(times)]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_and_the_sixth_try_fails_even_with_the_right_password(client, anna, security_log):
    responses = fail(client, "anna@lacznik.example", 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429
    response = attempt(client, "anna@lacznik.example", TEST_PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


def test_the_lockout_page_is_polish_and_accessible(client, anna):
    response = fail(client, "anna@lacznik.example", 5)[-1]
    html = response.content.decode()
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert html.count("<h1") == 1
    assert "Logowanie chwilowo zablokowane" in html
    assert "Spróbuj ponownie za 15 minut." in html
    assert "anna@lacznik.example" not in html


def test_another_user_behind_the_same_address_is_not_locked(client, anna, bartek):
    fail(client, "anna@lacznik.example", 6)
    response = attempt(client, "bartek@lacznik.example", TEST_PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_same_user_from_another_address_is_not_locked(client, anna):
    fail(client, "anna@lacznik.example", 6, ip=OFFICE)
    response = attempt(client, "anna@lacznik.example", TEST_PASSWORD, ip=HOME)
    assert response.status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, anna):
    fail(client, "anna@lacznik.example", 3)
    fail(client, "anna@lacznik.example", 2, HTTP_X_FORWARDED_FOR="203.0.113.5")
    response = attempt(client, "anna@lacznik.example", TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert response.status_code == 429
    assert not signed_in(client)


def test_changing_the_case_of_the_address_does_not_give_new_tries(client, anna):
    for email in [
        "anna@lacznik.example",
        "Anna@lacznik.example",
        "ANNA@LACZNIK.EXAMPLE",
        " anna@Lacznik.example",
        "aNNa@lacznik.example",
    ]:
        attempt(client, email, "wrong-password-guess")
    assert attempt(client, "anna@lacznik.example", TEST_PASSWORD).status_code == 429


def test_a_different_browser_does_not_give_new_tries(client, anna):
    for number in range(5):
        attempt(client, "anna@lacznik.example", "wrong-password-guess", HTTP_USER_AGENT=f"Browser/{number}")
    assert (
        attempt(client, "anna@lacznik.example", TEST_PASSWORD, HTTP_USER_AGENT="Other/1").status_code == 429
    )


def test_the_lock_lifts_after_fifteen_minutes(client, anna):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "anna@lacznik.example", 5)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert attempt(client, "anna@lacznik.example", TEST_PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=15, seconds=5), tick=False):
        assert attempt(client, "anna@lacznik.example", TEST_PASSWORD).status_code == 302


def test_unknown_and_known_addresses_are_locked_alike(client, anna):
    known = fail(client, "anna@lacznik.example", 6)
    unknown = fail(client, "nobody@lacznik.example", 6)
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [200] * 4 + [429] * 2


def test_each_lockout_is_logged_once_without_the_password(client, anna, security_log):
    fail(client, "anna@lacznik.example", 5)
    attempt(client, "anna@lacznik.example", TEST_PASSWORD)
    lockouts = security_log.events("lockout")
    assert len(lockouts) == 1
    assert lockouts[0]["outcome"] == "denied"
    assert lockouts[0]["ip"] == OFFICE
    assert lockouts[0]["details"]["failures"] == 5
    assert len(security_log.events("login", "failure")) == 5
    assert len(security_log.events("login", "denied")) == 1
    assert not security_log.events("login", "success")
    text = "\n".join(security_log.lines)
    assert TEST_PASSWORD not in text and "wrong-password-guess" not in text
    assert "anna@lacznik.example" not in text
