"""The admin shows accounts and role assignments to a verified administrator; it never shows the
password hash, and nothing is added or deleted there (roles change through the services)."""

from django.contrib import admin
from django.urls import reverse

from lacznik.accounts.models import RoleAssignment, User

from .conftest import login_verified


def test_both_models_are_registered():
    assert isinstance(admin.site._registry[User], admin.ModelAdmin)
    assert isinstance(admin.site._registry[RoleAssignment], admin.ModelAdmin)


def test_user_pages_never_show_the_password_hash(client, administrator, advocate_146501):
    login_verified(client, administrator)
    for url in [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[advocate_146501.pk]),
        reverse("admin:accounts_user_history", args=[advocate_146501.pk]),
        reverse("admin:accounts_roleassignment_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert advocate_146501.password not in html
        assert "pbkdf2_sha256$" not in html


def test_nothing_is_added_or_deleted_in_the_admin(client, administrator, advocate_146501):
    login_verified(client, administrator)
    assignment = RoleAssignment.objects.get(user=advocate_146501)
    for url in [
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_delete", args=[advocate_146501.pk]),
        reverse("admin:accounts_roleassignment_add"),
        reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"post": "yes"}).status_code == 403, url
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [advocate_146501.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=advocate_146501.pk).exists()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert response.status_code in {200, 302}


def test_roles_and_flags_are_read_only_in_the_admin(client, administrator, advocate_146501):
    login_verified(client, administrator)
    url = reverse("admin:accounts_user_change", args=[advocate_146501.pk])
    response = client.post(
        url,
        {
            "email": "Rzecznik.Nowy@lacznik.example",
            "first_name": "Nowe",
            "last_name": "Nazwisko",
            "is_staff": "on",
            "is_superuser": "on",
            "is_active": "",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    advocate_146501.refresh_from_db()
    assert advocate_146501.email == "rzecznik.nowy@lacznik.example"
    assert not advocate_146501.is_staff and not advocate_146501.is_superuser and advocate_146501.is_active
    assert RoleAssignment.objects.filter(user=advocate_146501).exists()
