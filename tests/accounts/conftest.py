"""Helpers of the accounts tests: a session with a verified second factor, the security log as records."""

import json
import logging
import time

import pytest
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.core.security_log import JsonLineFormatter, RequestIdFilter


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Test", confirmed=confirmed)


def code_for(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the authenticator app shows now (or at time `at`)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def login_verified(client, user) -> TOTPDevice:
    """Sign `user` in with a session whose second factor is confirmed, as after the TOTP step."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def group_names(user) -> set[str]:
    return set(Group.objects.filter(user=user).values_list("name", flat=True))


class _Collect(logging.Handler):
    """Formats each record with the production formatter and filter, keeps the JSON lines."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(JsonLineFormatter())
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


class SecurityLog:
    def __init__(self, handler: _Collect):
        self.handler = handler

    @property
    def lines(self) -> list[str]:
        return self.handler.lines

    @property
    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]

    def events(self, event: str, outcome: str | None = None) -> list[dict]:
        return [
            r for r in self.records if r["event"] == event and (outcome is None or r["outcome"] == outcome)
        ]

    def clear(self) -> None:
        self.handler.lines.clear()


@pytest.fixture
def security_log():
    """The JSON lines the security log writes during the test (logger "lacznik.security")."""
    handler = _Collect()
    logger = logging.getLogger("lacznik.security")
    logger.addHandler(handler)
    try:
        yield SecurityLog(handler)
    finally:
        logger.removeHandler(handler)
