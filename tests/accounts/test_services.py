"""The account and role services: groups = roles, admin flag = administrator role, history with the
acting user, one security-log record per change, refusals that change nothing."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.accounts import services
from lacznik.accounts.models import RoleAssignment, User
from lacznik.accounts.roles import Role
from tests.factories import UserFactory, assign

from .conftest import group_names, totp_device


@pytest.fixture
def person(db):
    return UserFactory(email="piotr@lacznik.example")


def test_assign_role_creates_the_assignment_group_and_history(person, national_coordinator, security_log):
    assignment = services.assign_role(
        user=person, role=Role.REGIONAL_COORDINATOR, prefixes=["14", "28"], by=national_coordinator
    )
    assert assignment.scope == "14,28"
    assert assignment.granted_by == national_coordinator
    assert group_names(person) == {Role.REGIONAL_COORDINATOR}
    person = User.objects.get(pk=person.pk)
    assert person.scope_prefixes == {"14", "28"}
    assert person.has_perm("accounts.manage_roles") is False
    assert not person.is_staff
    record = assignment.history.first()
    assert record.history_type == "+" and record.history_user == national_coordinator
    [event] = security_log.events("role_change")
    assert event["actor"] == national_coordinator.pk and event["outcome"] == "success"
    assert event["details"] == {
        "action": "granted",
        "target": person.pk,
        "role": "regional_coordinator",
        "prefixes": ["14", "28"],
        "previous": None,
    }


def test_changing_the_scope_replaces_it_and_records_the_old_one(person, national_coordinator, security_log):
    services.assign_role(user=person, role=Role.ADVOCATE, prefixes=["146501"], by=national_coordinator)
    security_log.clear()
    services.assign_role(
        user=person, role=Role.ADVOCATE, prefixes=["146502", "1465"], by=national_coordinator
    )
    assignment = RoleAssignment.objects.get(user=person)
    assert assignment.prefixes == ["1465", "146502"]
    assert RoleAssignment.objects.filter(user=person).count() == 1
    assert [r.history_type for r in assignment.history.all()] == ["~", "+"]
    [event] = security_log.events("role_change")
    assert event["details"]["action"] == "scope_changed"
    assert event["details"]["previous"] == ["146501"]


def test_the_same_scope_again_changes_nothing(person, security_log):
    services.assign_role(user=person, role=Role.ADVOCATE, prefixes=["146501"], by=None)
    security_log.clear()
    services.assign_role(user=person, role=Role.ADVOCATE, prefixes=[" 146501 "], by=None)
    assert RoleAssignment.objects.get(user=person).history.count() == 1
    assert security_log.records == []


@pytest.mark.parametrize(
    "prefixes", [[], [""], ["1"], ["146"], ["14a"], ["14650112"], ["14", "x"], ["1%"], ["14_"]]
)
def test_malformed_or_empty_scope_is_refused_and_nothing_changes(person, prefixes, security_log):
    with pytest.raises(ValidationError):
        services.assign_role(user=person, role=Role.ADVOCATE, prefixes=prefixes, by=None)
    assert not RoleAssignment.objects.filter(user=person).exists()
    assert group_names(person) == set()
    assert security_log.records == []


def test_unknown_role_is_refused(person):
    with pytest.raises(ValueError):
        services.assign_role(user=person, role="superhero", prefixes=["14"], by=None)


def test_administrator_role_and_admin_site_access_go_together(person, administrator):
    services.assign_role(
        user=person, role=Role.ADMINISTRATOR, prefixes=services.ALL_VOIVODESHIPS, by=administrator
    )
    person.refresh_from_db()
    assert person.is_staff
    services.assign_role(user=person, role=Role.ADVOCATE, prefixes=["146501"], by=administrator)
    services.revoke_role(user=person, role=Role.ADMINISTRATOR, by=administrator)
    person.refresh_from_db()
    assert not person.is_staff
    assert group_names(person) == {Role.ADVOCATE}


def test_groups_are_exactly_the_roles_held(person):
    stray = Group.objects.create(name="hand-made group")
    person.groups.add(stray, Group.objects.get(name=Role.ADMINISTRATOR))
    services.assign_role(user=person, role=Role.OWES_ADVISOR, prefixes=["1461"], by=None)
    assert group_names(person) == {Role.OWES_ADVISOR}
    User.objects.filter(pk=person.pk).update(is_staff=True)
    person.refresh_from_db()
    services.assign_role(user=person, role=Role.COMMITTEE_MEMBER, prefixes=["14"], by=None)
    person.refresh_from_db()
    assert group_names(person) == {Role.OWES_ADVISOR, Role.COMMITTEE_MEMBER}
    assert not person.is_staff


def test_revoke_role_records_who_took_it(person, national_coordinator, security_log):
    assign(person, Role.ADVOCATE, "146501")
    security_log.clear()
    services.revoke_role(user=person, role=Role.ADVOCATE, by=national_coordinator)
    assert not RoleAssignment.objects.filter(user=person).exists()
    assert group_names(person) == set()
    last = RoleAssignment.history.filter(user_id=person.pk).first()
    assert last.history_type == "-" and last.history_user == national_coordinator
    [event] = security_log.events("role_change")
    assert event["details"]["action"] == "revoked" and event["details"]["previous"] == ["146501"]


def test_revoking_a_role_not_held_does_nothing(person, security_log):
    services.revoke_role(user=person, role=Role.ADVOCATE, by=None)
    assert security_log.records == []


def test_nobody_changes_their_own_roles_or_account(national_coordinator):
    with pytest.raises(services.AccountChangeRefused):
        services.assign_role(
            user=national_coordinator, role=Role.ADVOCATE, prefixes=["14"], by=national_coordinator
        )
    with pytest.raises(services.AccountChangeRefused):
        services.revoke_role(
            user=national_coordinator, role=Role.NATIONAL_COORDINATOR, by=national_coordinator
        )
    with pytest.raises(services.AccountChangeRefused):
        services.set_active(user=national_coordinator, active=False, by=national_coordinator)
    national_coordinator.refresh_from_db()
    assert national_coordinator.is_active
    assert national_coordinator.roles == {Role.NATIONAL_COORDINATOR}


def test_only_an_administrator_gives_the_administrator_role(person, national_coordinator, administrator):
    with pytest.raises(services.AccountChangeRefused):
        services.assign_role(user=person, role=Role.ADMINISTRATOR, prefixes=["14"], by=national_coordinator)
    assert not RoleAssignment.objects.filter(user=person).exists()
    # …nor touches an administrator's account.
    with pytest.raises(services.AccountChangeRefused):
        services.set_active(user=administrator, active=False, by=national_coordinator)
    with pytest.raises(services.AccountChangeRefused):
        services.revoke_role(user=administrator, role=Role.ADMINISTRATOR, by=national_coordinator)
    services.assign_role(user=person, role=Role.ADMINISTRATOR, prefixes=["14"], by=administrator)


def test_a_user_without_the_permission_changes_nothing(person, mazowsze_coordinator, advocate_146501):
    for by in (mazowsze_coordinator, advocate_146501):
        with pytest.raises(services.AccountChangeRefused):
            services.assign_role(user=person, role=Role.ADVOCATE, prefixes=["146501"], by=by)
        with pytest.raises(services.AccountChangeRefused):
            services.set_active(user=person, active=False, by=by)
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_create_user_mails_a_set_password_link(national_coordinator, security_log):
    user = services.create_user(
        email=" Nowa.Osoba@Gmina.example ",
        first_name="Nowa",
        last_name="Osoba",
        by=national_coordinator,
        site_url="https://lacznik.example",
    )
    assert user.email == "nowa.osoba@gmina.example"
    assert not user.has_usable_password()
    assert user.history.first().history_user == national_coordinator
    [message] = mail.outbox
    assert message.to == ["nowa.osoba@gmina.example"]
    assert message.subject == "Twoje konto w Łączniku"
    assert re.search(r"https://lacznik\.example/konto/haslo/reset/[^/\s]+/[^/\s]+/", message.body)
    [event] = security_log.events("account_change")
    assert event["details"] == {"action": "created", "target": user.pk}


def test_create_user_refuses_a_taken_address(person):
    with pytest.raises(ValidationError):
        services.create_user(
            email="PIOTR@lacznik.example", first_name="A", last_name="B", by=None, site_url="http://x"
        )
    assert User.objects.filter(email="piotr@lacznik.example").count() == 1
    assert mail.outbox == []


def test_set_active_records_history_and_log(person, national_coordinator, security_log):
    services.set_active(user=person, active=False, by=national_coordinator)
    person.refresh_from_db()
    assert not person.is_active
    assert person.history.first().history_user == national_coordinator
    assert person.scope_prefixes == frozenset()
    services.set_active(user=person, active=True, by=national_coordinator)
    assert [e["details"]["action"] for e in security_log.events("account_change")] == [
        "deactivated",
        "activated",
    ]


def test_reset_second_factor_removes_the_devices(person, national_coordinator, security_log):
    assign(person, Role.REGIONAL_COORDINATOR, "14")
    totp_device(person)
    services.reset_second_factor(user=person, by=national_coordinator)
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert security_log.events("account_change")[0]["details"]["action"] == "second_factor_reset"


def test_users_holding_a_role_in_a_territory(db):
    people = {
        "national": assign(UserFactory(), Role.NATIONAL_COORDINATOR, services_all()),
        "mazowsze": assign(UserFactory(), Role.REGIONAL_COORDINATOR, "14"),
        "warmia": assign(UserFactory(), Role.REGIONAL_COORDINATOR, "28"),
        "advocate": assign(UserFactory(), Role.ADVOCATE, "146501"),
        "owes": assign(UserFactory(), Role.OWES_ADVISOR, "1461,1462"),
        "nobody": UserFactory(),
    }

    def found(**kwargs):
        pks = set(User.objects.holding(**kwargs).values_list("pk", flat=True))
        return {key for key, user in people.items() if user.pk in pks}

    assert found(prefix="14") == {"national", "mazowsze", "advocate", "owes"}
    assert found(prefix="1465") == {"national", "mazowsze", "advocate"}
    assert found(prefix="146501") == {"national", "mazowsze", "advocate"}
    assert found(prefix="1462") == {"national", "mazowsze", "owes"}
    assert found(prefix="28") == {"national", "warmia"}
    assert found(prefix="02") == {"national"}
    assert found(role=Role.REGIONAL_COORDINATOR) == {"mazowsze", "warmia"}
    assert found(role=Role.REGIONAL_COORDINATOR, prefix="1465") == {"mazowsze"}
    with pytest.raises(ValidationError):
        User.objects.holding(prefix="1%")


def services_all() -> str:
    return ",".join(services.ALL_VOIVODESHIPS)
