"""AC-07 (KRI § 20, ASVS 7.4.2): a change of role, scope or account applies from the very next request
of a user who is signed in; no request is served with the old rights."""

import pytest
from django.test import Client
from django.urls import reverse

from lacznik.accounts import services
from lacznik.accounts.roles import Role

from .conftest import login_verified

pytestmark = pytest.mark.urls("tests.accounts.probe_urls")
PROBE = "/probe/regional/"


def test_revoked_regional_coordinator_is_denied_at_the_next_request(
    client, mazowsze_coordinator, national_coordinator
):
    login_verified(client, mazowsze_coordinator)
    assert client.get(PROBE).content == b"14"
    services.revoke_role(user=mazowsze_coordinator, role=Role.REGIONAL_COORDINATOR, by=national_coordinator)
    assert client.get(PROBE).status_code == 403


def test_changed_scope_applies_at_the_next_request(client, mazowsze_coordinator, national_coordinator):
    login_verified(client, mazowsze_coordinator)
    assert client.get(PROBE).content == b"14"
    services.assign_role(
        user=mazowsze_coordinator, role=Role.REGIONAL_COORDINATOR, prefixes=["28"], by=national_coordinator
    )
    assert client.get(PROBE).content == b"28"


def test_deactivated_user_is_signed_out_at_the_next_request(
    client, mazowsze_coordinator, national_coordinator
):
    login_verified(client, mazowsze_coordinator)
    assert client.get(PROBE).status_code == 200
    services.set_active(user=mazowsze_coordinator, active=False, by=national_coordinator)
    response = client.get(PROBE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_revoked_national_coordinator_loses_user_management_at_once(
    client, national_coordinator, administrator
):
    login_verified(client, national_coordinator)
    assert client.get(reverse("accounts:user_list")).status_code == 200
    services.revoke_role(user=national_coordinator, role=Role.NATIONAL_COORDINATOR, by=administrator)
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_revoked_role_through_the_page_applies_to_the_live_session(
    client, mazowsze_coordinator, national_coordinator
):
    victim = Client()
    login_verified(victim, mazowsze_coordinator)
    assert victim.get(PROBE).status_code == 200
    login_verified(client, national_coordinator)
    url = reverse("accounts:role_revoke", args=[mazowsze_coordinator.pk, Role.REGIONAL_COORDINATOR])
    assert client.post(url).status_code == 302
    assert victim.get(PROBE).status_code == 403


def test_a_new_staff_role_asks_for_the_second_factor_at_the_next_request(
    client, advocate_146501, administrator
):
    client.force_login(advocate_146501)
    assert client.get(reverse("core:home")).status_code == 200
    services.assign_role(
        user=advocate_146501, role=Role.NATIONAL_COORDINATOR, prefixes=["14"], by=administrator
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_setup"))
