"""Signing in and out (AU-04, AU-05): e-mail + password, new session id at sign-in, logout ends the
server session, no open redirects, the same answer for unknown and known addresses."""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

LOGIN = reverse("accounts:login")


@pytest.fixture
def person(db):
    return UserFactory(email="anna.nowak@lacznik.example")


def sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra})


def test_login_page_is_polish_with_labelled_inputs(client, db):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Zaloguj się" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert "style=" not in html


def test_sign_in_with_email_and_password(client, person):
    response = sign_in(client, "anna.nowak@lacznik.example")
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_address_is_not_case_sensitive(client, person):
    response = sign_in(client, "  Anna.Nowak@LACZNIK.example ")
    assert response.status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_answer(client, person):
    wrong = sign_in(client, "anna.nowak@lacznik.example", "not-the-password-at-all")
    unknown = sign_in(client, "nikt@lacznik.example", "not-the-password-at-all")
    assert wrong.status_code == unknown.status_code == 200
    assert "Nieprawidłowy adres e-mail lub hasło." in wrong.content.decode()
    # Apart from the echoed address and the per-response tokens (CSRF, CSP nonce, request id), identical.
    varying = re.compile(r'value="[^"]+"|nonce="[^"]+"|[0-9a-f]{32}')
    assert varying.sub("", wrong.content.decode()) == varying.sub("", unknown.content.decode())


def test_deactivated_account_cannot_sign_in_and_gets_the_generic_answer(client, person):
    person.is_active = False
    person.save()
    response = sign_in(client, "anna.nowak@lacznik.example")
    assert response.status_code == 200
    assert "Nieprawidłowy adres e-mail lub hasło." in response.content.decode()


def test_session_id_changes_at_sign_in(client, person):
    client.get(LOGIN)
    client.session.save()  # an anonymous session exists before signing in
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    sign_in(client, "anna.nowak@lacznik.example")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before and after and before != after
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_is_post_only(client, person):
    client.force_login(person)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_logout_ends_the_server_session_and_the_old_cookie_is_worthless(client, person):
    sign_in(client, "anna.nowak@lacznik.example")
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    # Replaying the cookie of the ended session: anonymous, sent to sign in.
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
        "/\\evil.example",
        "http://testserver@evil.example/",
        " //evil.example",
    ],
)
def test_no_redirect_off_the_site_after_sign_in(client, person, target):
    response = sign_in(client, "anna.nowak@lacznik.example", next=target)
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)


def test_next_on_the_site_is_followed(client, person):
    response = sign_in(client, "anna.nowak@lacznik.example", next="/konto/moje-konto/?a=1")
    assert response.url == "/konto/moje-konto/?a=1"


def test_login_form_ignores_an_evil_next_in_the_page(client, db):
    html = client.get(LOGIN, {"next": "//evil.example"}).content.decode()
    assert '<input type="hidden" name="next" value="">' in html


def test_anonymous_pages_of_accounts_send_to_login(client, db):
    for name in ["accounts:profile", "accounts:password_change", "accounts:otp_verify", "accounts:otp_setup"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(LOGIN), name
