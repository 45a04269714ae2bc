"""WEB-04: the session and CSRF cookies of production are __Host- cookies, Secure, SameSite=Lax, without
Domain; the session cookie is HttpOnly. AU-06: no account exists unless somebody made it."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from lacznik.accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "SECRET_KEY": "production-like-secret-key-for-this-test-only-0123456789abcdef",
    "ALLOWED_HOSTS": "lacznik.example",
    "PYTHONPATH": str(settings.BASE_DIR),
}
COOKIE_SETTINGS = [
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_DOMAIN",
    "CSRF_COOKIE_PATH",
]


@pytest.fixture(scope="module")
def production() -> dict:
    """The cookie settings as production computes them (DEBUG off, HTTPS on)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {COOKIE_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "lacznik.settings"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_cookie_settings(production):
    assert production["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert production["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_COOKIE_DOMAIN"] is None and production["CSRF_COOKIE_DOMAIN"] is None
    assert production["SESSION_COOKIE_PATH"] == production["CSRF_COOKIE_PATH"] == "/"


def test_sign_in_sets_the_cookies_as_production_configures_them(production, db, settings):
    for name, value in production.items():
        setattr(settings, name, value)
    UserFactory(email="ciastko@lacznik.example")
    client = Client()
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": "ciastko@lacznik.example", "password": TEST_PASSWORD}
    )
    session = response.cookies[production["SESSION_COOKIE_NAME"]]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax" and session["path"] == "/" and not session["domain"]
    csrf = client.cookies[production["CSRF_COOKIE_NAME"]]
    assert csrf["secure"] and csrf["samesite"] == "Lax" and csrf["path"] == "/" and not csrf["domain"]


def test_a_fresh_database_has_no_accounts(db):
    assert User.objects.count() == 0


def test_demo_accounts_are_refused_outside_development(db):
    assert not settings.DEBUG
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert User.objects.count() == 0
