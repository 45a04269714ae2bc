"""Every change to domain data is visible: who, when, what (issue #3 point 7)."""

from lacznik.accounts.models import RoleAssignment
from lacznik.accounts.roles import Role
from lacznik.core.history import historical_models
from tests.factories import UserFactory
from tests.helpers import login_verified


def test_every_domain_model_keeps_history():
    tracked = set(historical_models())
    assert {"accounts.user", "accounts.roleassignment", "territory.unit"} <= tracked


def test_history_page_shows_who_changed_what(client, national_coordinator):
    person = UserFactory(email="zmieniana@lacznik.example")
    assignment = RoleAssignment(user=person, role=Role.ADVOCATE, scope="146501")
    assignment._history_user = national_coordinator
    assignment.save()
    assignment.scope = "146501,146502"
    assignment._history_user = national_coordinator
    assignment.save()

    login_verified(client, national_coordinator)
    response = client.get("/historia-zmian/", {"model": "accounts.roleassignment"})
    html = response.content.decode()
    assert response.status_code == 200
    assert str(national_coordinator) in html
    assert "<del>146501</del> → 146501,146502" in html


def test_history_of_a_model_with_fields_left_out_of_it(client, national_coordinator):
    # An entity's history keeps no search document (derived data): its creation shows the rest.
    from tests.entities.factories import EntityFactory

    EntityFactory(name="Spółdzielnia Historyczna")
    login_verified(client, national_coordinator)
    response = client.get("/historia-zmian/", {"model": "entities.entity"})
    assert response.status_code == 200 and "Spółdzielnia Historyczna" in response.content.decode()


def test_history_is_refused_to_roles_without_the_permission(client, advocate_146501):
    client.force_login(advocate_146501)
    assert client.get("/historia-zmian/").status_code == 403


def test_history_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/historia-zmian/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logowanie/")


def test_role_groups_are_not_editable_in_the_admin(client, administrator):
    from tests.helpers import login_verified

    login_verified(client, administrator)
    assert client.get("/admin/auth/group/").status_code == 404
