"""The Users and roles pages: national coordinator and administrator allowed, other roles 403,
anonymous to sign-in; every change by POST through the services; Polish, accessible pages."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.accounts.models import RoleAssignment, User
from lacznik.accounts.roles import Role
from lacznik.accounts.services import ALL_VOIVODESHIPS, assign_role
from tests.factories import TEST_PASSWORD, UserFactory, assign

from .conftest import group_names, login_verified, totp_device


@pytest.fixture
def person(db):
    return assign(
        UserFactory(email="marta@lacznik.example", first_name="Marta", last_name="Testowa"),
        Role.ADVOCATE,
        "146501",
    )


def pages(person) -> list[tuple[str, str]]:
    """(method, url) of every page; POSTs with no data change nothing when refused."""
    pk = person.pk
    return [
        ("get", reverse("accounts:user_list")),
        ("get", reverse("accounts:user_create")),
        ("get", reverse("accounts:user_detail", args=[pk])),
        ("get", reverse("accounts:role_add", args=[pk])),
        ("get", reverse("accounts:role_edit", args=[pk, Role.ADVOCATE])),
        ("get", reverse("accounts:role_revoke", args=[pk, Role.ADVOCATE])),
        ("get", reverse("accounts:user_status", args=[pk])),
        ("get", reverse("accounts:user_end_sessions", args=[pk])),
        ("get", reverse("accounts:user_reset_second_factor", args=[pk])),
        ("post", reverse("accounts:role_revoke", args=[pk, Role.ADVOCATE])),
        ("post", reverse("accounts:user_status", args=[pk])),
        ("post", reverse("accounts:user_end_sessions", args=[pk])),
    ]


@pytest.mark.parametrize("persona", ["national_coordinator", "administrator"])
def test_allowed_roles_see_every_page(client, request, persona, person):
    login_verified(client, request.getfixturevalue(persona))
    for method, url in pages(person):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert html.count("<h1") == 1, url
            assert "style=" not in html, url
            assert "<script>" not in html, url


@pytest.mark.parametrize("persona", ["mazowsze_coordinator", "advocate_146501", "owes_advisor"])
def test_other_roles_get_403_everywhere_and_change_nothing(client, request, persona, person, security_log):
    login_verified(client, request.getfixturevalue(persona))
    for method, url in pages(person):
        assert getattr(client, method)(url).status_code == 403, url
    assert RoleAssignment.objects.filter(user=person).count() == 1
    person.refresh_from_db()
    assert person.is_active
    assert len(security_log.events("permission_denied")) == len(pages(person))


def test_anonymous_is_sent_to_sign_in(client, person):
    for method, url in pages(person):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_get_requests_change_nothing(client, national_coordinator, person):
    login_verified(client, national_coordinator)
    before = (RoleAssignment.history.count(), User.history.count())
    for method, url in pages(person):
        if method == "get":
            client.get(url)
    assert (RoleAssignment.history.count(), User.history.count()) == before


def test_posts_need_the_csrf_token(national_coordinator, person):
    client = Client(enforce_csrf_checks=True)
    login_verified(client, national_coordinator)
    for method, url in pages(person):
        if method == "post":
            assert client.post(url, {"active": "0"}).status_code == 403, url
    assert RoleAssignment.objects.filter(user=person).exists()
    person.refresh_from_db()
    assert person.is_active


# --- the list ------------------------------------------------------------------------------------


@pytest.fixture
def coordinator_client(client, national_coordinator):
    login_verified(client, national_coordinator)
    return client


def names(response) -> list[str]:
    return [user.email for user in response.context["page"]]


def test_list_searches_by_name_and_address(coordinator_client, person):
    UserFactory(email="inna@lacznik.example", first_name="Inna", last_name="Osoba")
    assert names(coordinator_client.get(reverse("accounts:user_list"), {"q": "marta"})) == [
        "marta@lacznik.example"
    ]
    assert names(coordinator_client.get(reverse("accounts:user_list"), {"q": "Testowa Marta"})) == [
        "marta@lacznik.example"
    ]
    assert names(coordinator_client.get(reverse("accounts:user_list"), {"q": "inna@"})) == [
        "inna@lacznik.example"
    ]


def test_list_filters_by_role_and_territory(
    coordinator_client, person, mazowsze_coordinator, warmia_coordinator
):
    url = reverse("accounts:user_list")
    assert set(names(coordinator_client.get(url, {"role": Role.REGIONAL_COORDINATOR}))) == {
        mazowsze_coordinator.email,
        warmia_coordinator.email,
    }
    found = set(names(coordinator_client.get(url, {"teryt": "1465"})))
    assert {person.email, mazowsze_coordinator.email} <= found and warmia_coordinator.email not in found
    found = set(names(coordinator_client.get(url, {"role": Role.REGIONAL_COORDINATOR, "teryt": "28"})))
    assert found == {warmia_coordinator.email}


def test_list_rejects_a_malformed_territory_with_a_polish_message(coordinator_client, person):
    response = coordinator_client.get(reverse("accounts:user_list"), {"teryt": "14x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "To nie jest prefiks TERYT" in html
    assert "“14x”" in html


def test_list_sorts_and_pages(coordinator_client, db):
    for number in range(30):
        UserFactory(email=f"u{number:02d}@lacznik.example", last_name=f"Nazwisko-{number:02d}")
    url = reverse("accounts:user_list")
    first = coordinator_client.get(url, {"sort": "email"})
    assert len(names(first)) == 25
    emails = names(first) + names(coordinator_client.get(url, {"sort": "email", "page": 2}))
    assert emails == sorted(emails)
    descending = names(coordinator_client.get(url, {"sort": "-email"}))
    assert descending == sorted(descending, reverse=True)
    html = first.content.decode()
    assert 'aria-sort="ascending"' in html
    assert "<caption>" in html and 'scope="col"' in html
    assert "Znaleziono 31 użytkowników" in html
    # Paging keeps the sorting.
    assert "sort=email" in re.search(r'href="\?([^"]*page=2[^"]*)"', html).group(1)


def test_list_survives_a_nonsense_sort(coordinator_client, person):
    response = coordinator_client.get(reverse("accounts:user_list"), {"sort": "password", "page": "x"})
    assert response.status_code == 200


# --- creating an account ---------------------------------------------------------------------------


def test_create_an_account(coordinator_client, security_log):
    response = coordinator_client.post(
        reverse("accounts:user_create"),
        {"first_name": "Nowy", "last_name": "Pracownik", "email": "Nowy.Pracownik@Gmina.example"},
    )
    user = User.objects.get(email="nowy.pracownik@gmina.example")
    assert response.status_code == 302 and response.url == reverse("accounts:user_detail", args=[user.pk])
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert security_log.events("account_change")[0]["details"]["action"] == "created"


def test_create_refuses_a_taken_address_and_empty_names(coordinator_client, person):
    response = coordinator_client.post(
        reverse("accounts:user_create"), {"first_name": "", "last_name": "", "email": "MARTA@lacznik.example"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Konto z tym adresem e-mail już istnieje." in html
    assert 'aria-describedby="id_email_error"' in html
    assert User.objects.filter(email="marta@lacznik.example").count() == 1
    assert mail.outbox == []


def test_the_invitation_link_sets_the_first_password(coordinator_client, db):
    coordinator_client.post(
        reverse("accounts:user_create"),
        {"first_name": "Ala", "last_name": "Nowa", "email": "ala@lacznik.example"},
    )
    link = re.search(r"http://testserver(/konto/haslo/reset/\S+/)", mail.outbox[0].body).group(1)
    visitor = Client()
    form = visitor.get(link).url
    password = "pierwsze hasło Ali na start"
    assert visitor.post(form, {"new_password1": password, "new_password2": password}).status_code == 302
    assert User.objects.get(email="ala@lacznik.example").check_password(password)


# --- roles -----------------------------------------------------------------------------------------


def test_detail_shows_roles_with_scope_and_granter(coordinator_client, person, national_coordinator):
    assign_role(user=person, role=Role.OWES_ADVISOR, prefixes=["1461", "1462"], by=national_coordinator)
    html = coordinator_client.get(reverse("accounts:user_detail", args=[person.pk])).content.decode()
    assert "Doradca OWES" in html and "1461, 1462" in html
    assert str(national_coordinator) in html
    assert "Rzecznik ekonomii społecznej" in html


def test_give_a_role_with_a_scope(coordinator_client, person, national_coordinator, security_log):
    response = coordinator_client.post(
        reverse("accounts:role_add", args=[person.pk]),
        {"role": Role.COMMITTEE_MEMBER, "prefixes": "14, 1465"},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person, role=Role.COMMITTEE_MEMBER)
    assert assignment.prefixes == ["14", "1465"] and assignment.granted_by == national_coordinator
    assert group_names(person) == {Role.ADVOCATE, Role.COMMITTEE_MEMBER}
    assert assignment.history.first().history_user == national_coordinator
    [event] = security_log.events("role_change")
    assert event["ip"] == "127.0.0.1" and event["request_id"] and event["path"].endswith("/role/nowa/")


def test_the_whole_of_poland_fills_the_sixteen_voivodeships(coordinator_client, person):
    coordinator_client.post(
        reverse("accounts:role_add", args=[person.pk]),
        {"role": Role.CERTIFICATION_REVIEWER, "prefixes": "", "whole_country": "on"},
    )
    assignment = RoleAssignment.objects.get(user=person, role=Role.CERTIFICATION_REVIEWER)
    assert assignment.prefixes == list(ALL_VOIVODESHIPS)
    assert (
        len(assignment.prefixes) == 16 and assignment.prefixes[0] == "02" and assignment.prefixes[-1] == "32"
    )


@pytest.mark.parametrize(
    ("prefixes", "message"),
    [
        ("", "Podaj co najmniej jeden prefiks TERYT albo zaznacz „Cała Polska”."),
        ("14, 1x65", "To nie jest prefiks TERYT (2, 4, 6 lub 7 cyfr, np. 14 lub 1465): “1x65”."),
        ("146, 14", "“146”"),
        ("14; 12345678", "“12345678”"),
        ("14%", "“14%”"),
    ],
)
def test_a_bad_scope_is_refused_naming_the_bad_prefix(coordinator_client, person, prefixes, message):
    response = coordinator_client.post(
        reverse("accounts:role_add", args=[person.pk]), {"role": Role.COMMITTEE_MEMBER, "prefixes": prefixes}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-describedby="id_prefixes_helptext id_prefixes_error"' in html
    assert not RoleAssignment.objects.filter(user=person, role=Role.COMMITTEE_MEMBER).exists()


def test_a_national_coordinator_is_not_offered_the_administrator_role(coordinator_client, person):
    response = coordinator_client.get(reverse("accounts:role_add", args=[person.pk]))
    assert 'value="administrator"' not in response.content.decode()
    response = coordinator_client.post(
        reverse("accounts:role_add", args=[person.pk]), {"role": Role.ADMINISTRATOR, "prefixes": "14"}
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=person, role=Role.ADMINISTRATOR).exists()
    person.refresh_from_db()
    assert not person.is_staff


def test_an_administrator_gives_the_administrator_role(client, administrator, person):
    login_verified(client, administrator)
    client.post(
        reverse("accounts:role_add", args=[person.pk]), {"role": Role.ADMINISTRATOR, "whole_country": "on"}
    )
    person.refresh_from_db()
    assert person.is_staff and Role.ADMINISTRATOR in person.roles


def test_change_the_scope(coordinator_client, person):
    url = reverse("accounts:role_edit", args=[person.pk, Role.ADVOCATE])
    assert 'value="146501"' in coordinator_client.get(url).content.decode()
    # The role itself cannot be swapped through this form.
    response = coordinator_client.post(url, {"role": Role.NATIONAL_COORDINATOR, "prefixes": "146502"})
    assert response.status_code == 302
    assert list(RoleAssignment.objects.filter(user=person).values_list("role", "scope")) == [
        (Role.ADVOCATE, "146502")
    ]


def test_unknown_role_in_the_address_is_404(coordinator_client, person):
    assert (
        coordinator_client.get(reverse("accounts:role_edit", args=[person.pk, "superhero"])).status_code
        == 404
    )
    assert (
        coordinator_client.get(reverse("accounts:role_edit", args=[person.pk, Role.OWES_ADVISOR])).status_code
        == 404
    )


def test_revoke_asks_first_then_takes_the_role(coordinator_client, person):
    url = reverse("accounts:role_revoke", args=[person.pk, Role.ADVOCATE])
    html = coordinator_client.get(url).content.decode()
    assert "Odbierz rolę" in html and 'method="post"' in html
    assert RoleAssignment.objects.filter(user=person).exists()
    response = coordinator_client.post(url)
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=person).exists()
    assert group_names(person) == set()


# --- account state ---------------------------------------------------------------------------------


def test_deactivate_and_activate(coordinator_client, person):
    url = reverse("accounts:user_status", args=[person.pk])
    assert 'name="active" value="0"' in coordinator_client.get(url).content.decode()
    coordinator_client.post(url, {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    assert 'name="active" value="1"' in coordinator_client.get(url).content.decode()
    coordinator_client.post(url, {"active": "1"})
    person.refresh_from_db()
    assert person.is_active


def test_status_post_without_a_clear_value_changes_nothing(coordinator_client, person):
    coordinator_client.post(reverse("accounts:user_status", args=[person.pk]), {"active": "maybe"})
    person.refresh_from_db()
    assert person.is_active


def test_own_account_cannot_be_changed_from_the_pages(coordinator_client, national_coordinator):
    html = coordinator_client.get(
        reverse("accounts:user_detail", args=[national_coordinator.pk])
    ).content.decode()
    assert "To Twoje własne konto." in html
    response = coordinator_client.post(
        reverse("accounts:user_status", args=[national_coordinator.pk]), {"active": "0"}, follow=True
    )
    assert "Nie możesz zmieniać własnego konta" in response.content.decode()
    national_coordinator.refresh_from_db()
    assert national_coordinator.is_active
    coordinator_client.post(
        reverse("accounts:role_revoke", args=[national_coordinator.pk, Role.NATIONAL_COORDINATOR])
    )
    assert RoleAssignment.objects.filter(user=national_coordinator).exists()


def test_reset_the_second_factor(coordinator_client, mazowsze_coordinator):
    totp_device(mazowsze_coordinator)
    coordinator_client.post(reverse("accounts:user_reset_second_factor", args=[mazowsze_coordinator.pk]))
    assert not TOTPDevice.objects.filter(user=mazowsze_coordinator).exists()


def test_sign_out_everywhere(coordinator_client, person):
    victim = Client()
    victim.post(reverse("accounts:login"), {"username": person.email, "password": TEST_PASSWORD})
    assert victim.get(reverse("accounts:profile")).status_code == 200
    coordinator_client.post(reverse("accounts:user_end_sessions", args=[person.pk]))
    assert victim.get(reverse("accounts:profile")).status_code == 302


def test_menu_shows_users_and_roles_only_to_managers(client, coordinator_client, advocate_146501):
    assert reverse("accounts:user_list") in coordinator_client.get(reverse("core:home")).content.decode()
    client.force_login(advocate_146501)
    assert reverse("accounts:user_list") not in client.get(reverse("core:home")).content.decode()
