"""The JST's local action plan: the advocate and the coordinator keep it; another JST's advocate gets
404 (issue #6 point 6)."""

import html
from datetime import date

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lacznik.advocates.models import ActionPlanItem
from tests.helpers import login_verified


def items():
    return list(ActionPlanItem.objects.unscoped(reason="the test's oracle").order_by("pk"))


def data(enrolment, **changes):
    values = {
        "enrolment": str(enrolment.pk),
        "action": "Zakładka o ekonomii społecznej na stronie gminy",
        "owner": "Referat promocji",
        "deadline": "2026-06-30",
        "status": ActionPlanItem.Status.PLANNED,
    }
    values.update(changes)
    return values


def test_advocate_keeps_the_plan_of_the_own_jst(client, advocate_146501, own):
    login_verified(client, advocate_146501)
    assert client.post(reverse("advocates:plan_create"), data(own.enrolment)).status_code == 302
    (item,) = items()
    assert item.teryt == "1465011" and item.status == ActionPlanItem.Status.PLANNED
    response = client.post(
        reverse("advocates:plan_edit", args=[item.pk]), data(own.enrolment, status=ActionPlanItem.Status.DONE)
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionPlanItem.Status.DONE
    assert "Zakładka o ekonomii społecznej" in client.get(reverse("advocates:plan")).content.decode()


def test_advocate_cannot_plan_for_another_jst(client, advocate_146501, own, other):
    login_verified(client, advocate_146501)
    response = client.post(reverse("advocates:plan_create"), data(other.enrolment))
    with translation.override("pl"):
        message = gettext("Choose a JST of your territory.")
    assert message in html.unescape(response.content.decode())
    assert items() == []
    foreign = ActionPlanItem.objects.create(
        enrolment=other.enrolment, action="Cudzy plan", owner="X", deadline=date(2026, 1, 1)
    )
    assert client.get(reverse("advocates:plan_edit", args=[foreign.pk])).status_code == 404
    assert (
        client.post(
            reverse("advocates:plan_edit", args=[foreign.pk]), data(other.enrolment, action="Przejęty")
        ).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.action == "Cudzy plan"
    assert "Cudzy plan" not in client.get(reverse("advocates:plan")).content.decode()


def test_coordinator_edits_plans_of_the_region_and_national_reads(
    client, mazowsze_coordinator, warmia_coordinator, national_coordinator, own
):
    item = ActionPlanItem.objects.create(
        enrolment=own.enrolment, action="Targi ES", owner="Wydział", deadline=date(2026, 9, 1)
    )
    login_verified(client, mazowsze_coordinator)
    client.post(reverse("advocates:plan_edit", args=[item.pk]), data(own.enrolment, action="Targi ES 2026"))
    item.refresh_from_db()
    assert item.action == "Targi ES 2026"
    login_verified(client, warmia_coordinator)
    assert client.get(reverse("advocates:plan_edit", args=[item.pk])).status_code == 404
    login_verified(client, national_coordinator)
    assert "Targi ES 2026" in client.get(reverse("advocates:plan")).content.decode()
    assert client.get(reverse("advocates:plan_edit", args=[item.pk])).status_code == 403
