"""Appointing the advocate after the agreement is signed (issue #6 point 1)."""

import html
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lacznik.accounts.models import User
from lacznik.accounts.roles import Role
from lacznik.advocates.models import Advocate, Stage
from lacznik.advocates.services import take_step
from lacznik.core.errors import WorkflowError
from tests.helpers import login_verified

from .factories import EnrolmentFactory

APPOINTMENT = {
    "first_name": "Anna",
    "last_name": "Przykładowa-Rzeczniczka",
    "email": "Rzecznik@Gmina-Przykladowa.example",
    "position": "inspektor",
    "publish_contact": "on",
    "appointed_on": "2025-03-03",
}


def test_appointing_gives_an_account_with_the_role_and_closes_the_pipeline(client, mazowsze_coordinator, db):
    enrolment = EnrolmentFactory(code="1465011", stage=Stage.AGREEMENT_SIGNED)
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("advocates:enrolment_appoint", args=[enrolment.pk]), APPOINTMENT)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.stage == Stage.APPOINTED
    advocate = Advocate.objects.unscoped(reason="test").get()
    user = User.objects.get(email="rzecznik@gmina-przykladowa.example")
    assert advocate.user == user and advocate.publish_contact
    assert user.prefixes_for(Role.ADVOCATE) == {"146501"}
    assert mail.outbox and mail.outbox[-1].to == [user.email]
    assert advocate.history.first().history_user == mazowsze_coordinator


def test_appointing_before_the_agreement_is_refused(client, mazowsze_coordinator, db):
    enrolment = EnrolmentFactory(code="1465011", stage=Stage.VISITED)
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("advocates:enrolment_appoint", args=[enrolment.pk]), APPOINTMENT)
    assert response.status_code == 200
    with translation.override("pl"):
        assert gettext("An advocate is appointed after the agreement is signed.") in response.content.decode()
    assert not Advocate.objects.unscoped(reason="test").exists()
    assert not User.objects.filter(email="rzecznik@gmina-przykladowa.example").exists()


@pytest.mark.parametrize("holder", ["warmia_coordinator", "advocate_146501"])
def test_an_account_that_holds_a_role_is_not_appointed(client, mazowsze_coordinator, holder, request):
    """A coordinator's account, or another JST's advocate (whose role's territory the appointment
    would move), is refused by name; nothing changes."""
    user = request.getfixturevalue(holder)
    before = sorted((a.role, a.scope) for a in user.role_assignments.all())
    enrolment = EnrolmentFactory(code="1461011", stage=Stage.AGREEMENT_SIGNED)
    login_verified(client, mazowsze_coordinator)
    response = client.post(
        reverse("advocates:enrolment_appoint", args=[enrolment.pk]), {**APPOINTMENT, "email": user.email}
    )
    assert response.status_code == 200
    with translation.override("pl"):
        message = gettext(
            "The e-mail %(email)s belongs to an account that already holds a role in Łącznik "
            "(%(roles)s). Appoint the advocate with their own work e-mail, or ask an administrator."
        )
    assert message.split("%(email)s")[1].split("(%(roles)s)")[0] in html.unescape(response.content.decode())
    assert user.email in response.content.decode()
    assert not Advocate.objects.unscoped(reason="test").exists()
    enrolment.refresh_from_db()
    assert enrolment.stage == Stage.AGREEMENT_SIGNED
    assert sorted((a.role, a.scope) for a in user.role_assignments.all()) == before


def test_the_appointed_stage_needs_the_person(mazowsze_coordinator, db):
    enrolment = EnrolmentFactory(code="1465011", stage=Stage.AGREEMENT_SIGNED)
    with pytest.raises(WorkflowError):
        take_step(enrolment=enrolment, stage=Stage.APPOINTED, on=date(2025, 3, 3), by=mazowsze_coordinator)
    enrolment.refresh_from_db()
    assert enrolment.stage == Stage.AGREEMENT_SIGNED


def test_warmia_coordinator_cannot_appoint_in_mazowsze(client, warmia_coordinator, db):
    enrolment = EnrolmentFactory(code="1465011", stage=Stage.AGREEMENT_SIGNED)
    login_verified(client, warmia_coordinator)
    assert client.post(reverse("advocates:enrolment_appoint", args=[enrolment.pk]), APPOINTMENT).status_code == 404
    assert not Advocate.objects.unscoped(reason="test").exists()


def test_an_appointment_dated_in_the_future_is_refused(client, mazowsze_coordinator, db):
    from datetime import timedelta

    from django.utils import timezone

    enrolment = EnrolmentFactory(code="1465011", stage=Stage.AGREEMENT_SIGNED)
    login_verified(client, mazowsze_coordinator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("advocates:enrolment_appoint", args=[enrolment.pk]), {**APPOINTMENT, "appointed_on": tomorrow}
    )
    assert response.status_code == 200
    with translation.override("pl"):
        assert gettext("The date cannot be in the future.") in html.unescape(response.content.decode())
    assert not Advocate.objects.unscoped(reason="test").exists()
    enrolment.refresh_from_db()
    assert enrolment.stage == Stage.AGREEMENT_SIGNED
