"""Site-wide qualities: health check, error pages, headers, deployment settings (issue #3)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import path

from lacznik.urls import urlpatterns as real_urlpatterns

REPO = Path(__file__).resolve().parents[2]


def test_healthz_answers_200_when_the_database_is_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


class _DatabaseDown:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    from lacznik.core import views

    monkeypatch.setattr(views, "connection", _DatabaseDown())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_unknown_address_gives_a_polish_404_page(client, db):
    response = client.get("/nie-ma-takiej-strony/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert "Nie znaleziono strony" in html
    assert 'href="/deklaracja-dostepnosci/"' in html


def _boom(request):
    raise RuntimeError("secret detail /etc/passwd SELECT * FROM accounts_user")


urlpatterns = [path("boom/", _boom), *real_urlpatterns]
handler500 = "lacznik.core.views.error_500"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_gives_a_generic_polish_page_with_the_request_id(db):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Przepraszamy, wystąpił błąd serwera" in html
    assert response["X-Request-ID"] in html
    for leak in ("secret detail", "/etc/passwd", "SELECT", "Traceback", "RuntimeError"):
        assert leak not in html


def test_every_page_carries_the_security_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "'nonce-" in csp.split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["X-Request-ID"]


def test_script_tags_carry_the_nonce_of_the_policy(client, db):
    response = client.get("/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert html.count("<script") == html.count(f'nonce="{nonce}"') >= 2


def test_htmx_is_served_locally_with_eval_off(client, db):
    html = client.get("/").content.decode()
    assert "/static/django_htmx/htmx-2" in html
    assert '"allowEval": false' in html
    assert "http://" not in html.split("<body")[0].replace("http-equiv", "")
    assert "https://" not in html


def test_signed_in_pages_are_not_stored(client, advocate_146501, mazowsze_coordinator):
    client.force_login(advocate_146501)
    response = client.get("/konto/moje-konto/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    # Also the redirect to the second-factor step that a staff role gets first.
    client.force_login(mazowsze_coordinator)
    assert "no-store" in client.get("/konto/moje-konto/")["Cache-Control"]


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBUG", "LACZNIK_", "DJANGO_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lacznik.settings",
            "SECRET_KEY": "x7#kP2m!vQ9zL4wR8tY1uI6oE3aS5dF0gH_jK-lZ;cX/vB.nM,qW",
            "ALLOWED_HOSTS": "lacznik.example",
            "DATABASE_URL": "postgres://lacznik@127.0.0.1:5432/lacznik",
            "EMAIL_HOST": "smtp.lacznik.example",
            "LACZNIK_LOG_DIR": str(REPO / "var" / "log-check"),
        }
    )
    env.update(extra)
    return env


def test_production_settings_pass_the_deployment_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_host_only_and_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == [
        "__Host-session",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "Lax",
        "31536000",
        "True",
    ], result.stderr


@pytest.mark.parametrize(
    "extra",
    [{"LACZNIK_DEV_SKIP_SECOND_FACTOR": "1"}, {"SECRET_KEY": ""}, {"DEBUG": "maybe"}],
)
def test_production_refuses_unsafe_settings(extra):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=_production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_the_home_page_searches_the_catalogue(client, db):
    html = client.get("/").content.decode()
    form = html.split('role="search"')[0].rsplit("<form", 1)[1]
    assert 'action="/katalog/"' in form and 'method="get"' in form
    assert 'name="q"' in html.split('role="search"')[1].split("</form>")[0]
    for path in ("/katalog/mapa/", "/katalog/dane-otwarte/", "/wydarzenia/"):
        assert f'href="{path}"' in html


def test_the_menu_groups_a_roles_pages_under_dropdowns_and_keeps_the_public_ones_as_links(
    client, mazowsze_coordinator
):
    from tests.helpers import login_verified

    public = client.get("/katalog/").context["main_menu"]
    assert all(entry["links"] == [] for entry in public)
    html = client.get("/katalog/").content.decode()
    assert 'data-bs-toggle="dropdown"' not in html and '<a class="nav-link active" href="/katalog/"' in html
    assert [entry["label"] for entry in public][:4] == [
        "Strona główna",
        "Katalog podmiotów",
        "Wydarzenia",
        "Rzecznicy ES",
    ]
    assert next(entry for entry in public if entry["url"] == "/katalog/")["active"]

    login_verified(client, mazowsze_coordinator)
    menu = client.get("/podmioty/import/").context["main_menu"]
    catalogue = next(entry for entry in menu if entry["label"] == "Katalog podmiotów")
    assert [link["url"] for link in catalogue["links"]][:3] == [
        "/katalog/",
        "/podmioty/",
        "/podmioty/import/",
    ]
    # The page's own entry is the current one, and its dropdown with it; nothing else is.
    assert catalogue["active"] and [link["active"] for link in catalogue["links"]][:3] == [False, False, True]
    assert sum(entry["active"] for entry in menu) == 1
    html = client.get("/podmioty/import/").content.decode()
    assert 'data-bs-toggle="dropdown"' in html and 'href="/podmioty/import/" aria-current="page"' in html
