"""LOG-02 and LOG-03: every security event of the accounts app gives exactly one JSON record with UTC
time, actor, client address, request id and outcome; no password, token, secret or address leaks."""

import re
from datetime import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

from .conftest import code_for, login_verified

IP = "192.0.2.10"
NEW_PASSWORD = "jesienne liście na Plantach"
REQUIRED = {"time", "event", "outcome", "actor", "ip", "request_id", "path", "details"}


def client_at(ip=IP) -> Client:
    return Client(REMOTE_ADDR=ip)


def one(security_log, event, outcome) -> dict:
    records = security_log.events(event, outcome)
    assert len(records) == 1, (event, outcome, security_log.records)
    record = records[0]
    assert REQUIRED <= set(record), record
    time = datetime.fromisoformat(record["time"])
    assert time.utcoffset().total_seconds() == 0
    assert re.fullmatch(r"[0-9a-f]{32}", record["request_id"])
    assert record["ip"] == IP
    return record


@pytest.fixture
def person(db):
    return UserFactory(email="tomasz@lacznik.example")


def test_sign_in_success_and_failure(person, security_log):
    client = client_at()
    client.post(reverse("accounts:login"), {"username": person.email, "password": "wrong-password-typed"})
    failed = one(security_log, "login", "failure")
    assert failed["actor"] is None
    client.post(reverse("accounts:login"), {"username": person.email, "password": TEST_PASSWORD})
    assert one(security_log, "login", "success")["actor"] == person.pk
    client.post(reverse("accounts:logout"))
    assert one(security_log, "logout", "success")["actor"] == person.pk


def test_lockout(person, security_log):
    client = client_at()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": person.email, "password": "wrong-password-typed"})
    one(security_log, "lockout", "denied")


def test_second_factor_failure(mazowsze_coordinator, security_log):
    device = TOTPDevice.objects.create(user=mazowsze_coordinator, name="Test", confirmed=True)
    client = client_at()
    client.force_login(mazowsze_coordinator)
    wrong = "000001" if code_for(device) != "000001" else "000002"
    client.post(reverse("accounts:otp_verify"), {"token": wrong})
    assert one(security_log, "second_factor", "failure")["actor"] == mazowsze_coordinator.pk


def test_password_change(person, security_log):
    client = client_at()
    client.force_login(person)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert one(security_log, "password_change", "success")["actor"] == person.pk


def test_password_reset_requested_and_completed(person, security_log):
    client = client_at()
    client.post(reverse("accounts:password_reset"), {"email": person.email})
    requested = one(security_log, "password_reset_requested", "success")
    assert requested["actor"] is None
    link = re.search(r"http://testserver(/konto/haslo/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link).url
    client.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert one(security_log, "password_reset", "success")["actor"] == person.pk


def test_role_and_scope_changes(person, national_coordinator, security_log):
    client = client_at()
    login_verified(client, national_coordinator)
    client.post(reverse("accounts:role_add", args=[person.pk]), {"role": Role.ADVOCATE, "prefixes": "146501"})
    granted = one(security_log, "role_change", "success")
    assert granted["actor"] == national_coordinator.pk
    assert granted["details"]["target"] == person.pk
    assert granted["details"]["role"] == "advocate" and granted["details"]["prefixes"] == ["146501"]
    security_log.clear()
    client.post(reverse("accounts:role_edit", args=[person.pk, Role.ADVOCATE]), {"prefixes": "146502"})
    assert one(security_log, "role_change", "success")["details"]["action"] == "scope_changed"
    security_log.clear()
    client.post(reverse("accounts:user_status", args=[person.pk]), {"active": "0"})
    assert one(security_log, "account_change", "success")["details"]["action"] == "deactivated"


def test_permission_denied(advocate_146501, security_log):
    client = client_at()
    client.force_login(advocate_146501)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert one(security_log, "permission_denied", "denied")["actor"] == advocate_146501.pk


def test_nothing_secret_is_ever_logged(national_coordinator, security_log):
    """A whole sign-in life: setup of the second factor, password change and reset, user management."""
    user = UserFactory(
        email="sekretny@lacznik.example", last_name='Zły\r\n{"event": "login", "outcome": "success"}\x1b[31m'
    )
    client = client_at()
    client.post(
        reverse("accounts:login"), {"username": national_coordinator.email, "password": "zgadywane hasło 1"}
    )
    client.post(
        reverse("accounts:login"), {"username": national_coordinator.email, "password": TEST_PASSWORD}
    )
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=national_coordinator)
    code = code_for(device)
    client.post(reverse("accounts:otp_setup"), {"token": code})
    secrets = {
        "fixture password": TEST_PASSWORD,
        "typed password": "zgadywane hasło 1",
        "new password": NEW_PASSWORD,
        "session key": client.session.session_key,
        "csrf token": client.cookies[settings.CSRF_COOKIE_NAME].value,
        "totp key": device.key,
        "totp code": code,
        "e-mail": national_coordinator.email,
    }
    client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.post(reverse("accounts:role_add", args=[user.pk]), {"role": Role.ADVOCATE, "prefixes": "146501"})
    client.post(
        reverse("accounts:user_create"),
        {"first_name": "A", "last_name": "B", "email": "nowy@lacznik.example"},
    )
    anonymous = client_at()
    anonymous.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"http://testserver(/konto/haslo/reset/\S+/)", mail.outbox[-1].body).group(1)
    secrets["reset token"] = link.rstrip("/").rsplit("/", 1)[-1]
    secrets["other e-mail"] = user.email
    anonymous.post(anonymous.get(link).url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    text = "\n".join(security_log.lines)
    assert len(security_log.lines) >= 8
    for name, secret in secrets.items():
        assert secret and secret not in text, name
    # One event, one line: control characters cannot forge a record.
    for line in security_log.lines:
        assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert len(security_log.events("login", "success")) == 1
