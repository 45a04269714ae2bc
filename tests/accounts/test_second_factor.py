"""AU-03 and AC-09: staff roles confirm every sign-in with a TOTP code; a code works once; the admin
site is refused without a confirmed second factor."""

import base64
import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.accounts.roles import Role
from lacznik.accounts.services import revoke_role
from tests.factories import TEST_PASSWORD, UserFactory, assign

from .conftest import code_for, login_verified, totp_device

SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")
HOME = reverse("core:home")


def sign_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@lacznik.example", is_superuser=True, is_staff=True)


STAFF = ["national_coordinator", "mazowsze_coordinator", "administrator", "superuser"]
NOT_STAFF = ["advocate_146501", "owes_advisor"]


@pytest.mark.parametrize("persona", STAFF)
@pytest.mark.parametrize(
    "path", [HOME, reverse("accounts:profile"), reverse("accounts:user_list"), "/teryt/", "/admin/"]
)
def test_staff_with_a_password_only_session_is_sent_to_set_up_the_second_factor(
    client, request, persona, path
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    assert parse_qs(urlparse(response.url).query)["next"] == [path]


@pytest.mark.parametrize("persona", STAFF)
def test_staff_with_an_authenticator_is_asked_for_a_code(client, request, persona):
    user = request.getfixturevalue(persona)
    totp_device(user)
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


@pytest.mark.parametrize("persona", NOT_STAFF)
def test_other_roles_never_see_the_second_factor(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(HOME).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200
    # Even asking for the pages directly just sends them on.
    assert client.get(SETUP).status_code == 302
    assert client.get(VERIFY).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_staff_can_sign_out_before_the_second_factor(client, mazowsze_coordinator):
    client.force_login(mazowsze_coordinator)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_skip_setting_turns_the_step_off_in_development(client, settings, mazowsze_coordinator):
    settings.SKIP_SECOND_FACTOR = True
    client.force_login(mazowsze_coordinator)
    assert client.get(HOME).status_code == 200


def test_setup_page_shows_an_inline_qr_code_and_the_key(client, mazowsze_coordinator):
    client.force_login(mazowsze_coordinator)
    response = client.get(SETUP, {"next": "/teryt/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "<svg" in html and "<title>" in html
    assert "style=" not in html
    assert not re.search(r'<(img|script|link)[^>]+(src|href)="(https?:)?//', html)  # nothing from elsewhere
    device = TOTPDevice.objects.get(user=mazowsze_coordinator, confirmed=False)
    secret = response.context["secret"]
    assert secret.replace(" ", "") and secret in html
    assert (
        base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
        == device.bin_key
    )
    assert 'autocomplete="one-time-code"' in html and 'for="id_token"' in html
    # Reloading keeps the same secret: a code already scanned stays valid.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=mazowsze_coordinator).count() == 1


def test_setup_confirms_the_device_with_a_valid_code(client, mazowsze_coordinator, security_log):
    sign_in(client, mazowsze_coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=mazowsze_coordinator)
    key_before = client.session.session_key
    response = client.post(SETUP, {"token": code_for(device), "next": "/teryt/"})
    assert response.status_code == 302
    assert response.url == "/teryt/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != key_before
    assert client.get(HOME).status_code == 200
    assert security_log.events("second_factor", "success")[0]["details"]["action"] == "setup"


def test_setup_refuses_a_wrong_code(client, mazowsze_coordinator, security_log):
    client.force_login(mazowsze_coordinator)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    device = TOTPDevice.objects.get(user=mazowsze_coordinator)
    if code_for(device) == "000000":  # one chance in a million
        pytest.skip("the current code happened to be 000000")
    assert response.status_code == 200
    assert "Kod jest błędny albo został już użyty." in response.content.decode()
    assert not TOTPDevice.objects.get(user=mazowsze_coordinator).confirmed
    assert len(security_log.events("second_factor", "failure")) == 1


def test_setup_is_not_offered_once_an_authenticator_is_confirmed(client, mazowsze_coordinator):
    totp_device(mazowsze_coordinator)
    client.force_login(mazowsze_coordinator)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=mazowsze_coordinator).count() == 1


def test_verify_accepts_the_current_code_and_goes_to_a_safe_next(client, national_coordinator, security_log):
    device = totp_device(national_coordinator)
    sign_in(client, national_coordinator)
    key_before = client.session.session_key
    response = client.post(VERIFY, {"token": code_for(device), "next": "/konto/uzytkownicy/"})
    assert response.status_code == 302
    assert response.url == "/konto/uzytkownicy/"
    assert client.session.session_key != key_before
    assert client.get("/konto/uzytkownicy/").status_code == 200
    record = security_log.events("second_factor", "success")[0]
    assert record["actor"] == national_coordinator.pk and record["request_id"]


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x", "javascript:alert(1)"])
def test_verify_never_redirects_off_the_site(client, national_coordinator, target):
    device = totp_device(national_coordinator)
    client.force_login(national_coordinator)
    response = client.post(VERIFY, {"token": code_for(device), "next": target})
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)


def test_verify_refuses_a_wrong_code_in_polish_and_logs_it(client, national_coordinator, security_log):
    device = totp_device(national_coordinator)
    client.force_login(national_coordinator)
    wrong = "123456" if code_for(device) != "123456" else "654321"
    response = client.post(VERIFY, {"token": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kod jest błędny albo został już użyty." in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_token_error"' in html
    assert client.get(HOME).status_code == 302
    failures = security_log.events("second_factor", "failure")
    assert len(failures) == 1
    assert failures[0]["actor"] == national_coordinator.pk
    assert wrong not in "\n".join(security_log.lines)


def test_malformed_codes_are_refused(client, national_coordinator):
    totp_device(national_coordinator)
    client.force_login(national_coordinator)
    for token in ["", "12345", "1234567", "abcdef"]:
        response = client.post(VERIFY, {"token": token})
        assert response.status_code == 200
    assert client.get(HOME).status_code == 302


def test_a_code_works_only_once(client, national_coordinator):
    device = totp_device(national_coordinator)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        code = code_for(device, at=time.time())
        client.force_login(national_coordinator)
        assert client.post(VERIFY, {"token": code}).status_code == 302
        # Somebody who saw the code types it in another session within the same 30 seconds.
        other = Client()
        other.force_login(national_coordinator)
        response = other.post(VERIFY, {"token": code})
        assert response.status_code == 200
        assert "Kod jest błędny albo został już użyty." in response.content.decode()
        assert other.get(HOME).status_code == 302


def test_guessing_is_slowed_down(client, national_coordinator):
    device = totp_device(national_coordinator)
    client.force_login(national_coordinator)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        right = code_for(device, at=time.time())
        wrong = "111111" if right != "111111" else "222222"
        client.post(VERIFY, {"token": wrong})
        response = client.post(VERIFY, {"token": right})
        assert "Zbyt wiele błędnych kodów." in response.content.decode()
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        assert client.post(VERIFY, {"token": code_for(device, at=time.time())}).status_code == 302


# --- AC-09: the admin site ----------------------------------------------------------------------


def test_admin_site_needs_a_confirmed_second_factor(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 302 and not response.url.startswith("/admin/")
    login_verified(client, administrator)
    assert client.get("/admin/").status_code == 200


def test_superuser_without_second_factor_gets_no_admin_page(client, superuser):
    client.force_login(superuser)
    for path in ["/admin/", "/admin/accounts/user/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(SETUP)


@pytest.mark.parametrize("persona", ["national_coordinator", "mazowsze_coordinator"])
def test_staff_roles_other_than_administrator_get_no_admin_page_even_verified(client, request, persona):
    user = request.getfixturevalue(persona)
    assert not user.is_staff
    login_verified(client, user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert client.get("/admin/accounts/user/").status_code == 302


def test_non_staff_role_gets_no_admin_page(client, advocate_146501):
    client.force_login(advocate_146501)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_a_former_administrator_loses_the_admin_site_at_once(client, administrator):
    login_verified(client, administrator)
    assert client.get("/admin/").status_code == 200
    assign(administrator, Role.NATIONAL_COORDINATOR, "14")
    revoke_role(user=administrator, role=Role.ADMINISTRATOR, by=None)
    assert client.get("/admin/").status_code == 302
