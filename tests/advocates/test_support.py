"""Support for advocates: coordinators (the voivodeship) and OWES advisors (the powiats the centre
serves) record it; the list filters it and totals the hours by kind (issue #6 point 5)."""

import html
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lacznik.advocates.models import Support, SupportKind
from tests.helpers import login_verified


def says(response, msgid: str) -> bool:
    with translation.override("pl"):
        text = gettext(msgid)
    return text in html.unescape(response.content.decode())


def support_rows():
    return list(Support.objects.unscoped(reason="the test's oracle").order_by("pk"))


def data(advocate, **changes):
    values = {
        "advocate": str(advocate.pk),
        "kind": SupportKind.TRAINING,
        "on": "2025-05-20",
        "hours": "6",
        "provider": "MCPS, Wydział ES",
        "note": "",
    }
    values.update(changes)
    return values


def test_coordinator_records_support(client, mazowsze_coordinator, own):
    login_verified(client, mazowsze_coordinator)
    response = client.post(
        reverse("advocates:support_create"), data(own, kind=SupportKind.STUDY_VISIT, hours="7.5")
    )
    assert response.status_code == 302
    support = Support.objects.unscoped(reason="test").get()
    assert (support.advocate, support.kind, support.hours, support.teryt) == (
        own,
        SupportKind.STUDY_VISIT,
        Decimal("7.5"),
        "1465011",
    )
    assert support.recorded_by == mazowsze_coordinator
    assert support.history.first().history_user == mazowsze_coordinator


def test_owes_advisor_records_support_only_in_the_powiats_served(client, owes_advisor, own, other):
    login_verified(client, owes_advisor)
    # 1461011 lies in the powiat 1461 that the centre serves.
    assert client.post(reverse("advocates:support_create"), data(other)).status_code == 302
    # Warszawa (1465) does not: the choice is refused and nothing is saved.
    response = client.post(reverse("advocates:support_create"), data(own, provider="Próba"))
    assert response.status_code == 200
    assert says(response, "Choose an advocate of your territory.")
    assert [support.advocate for support in support_rows()] == [other]
    form_page = client.get(reverse("advocates:support_create")).content.decode()
    assert f'value="{other.pk}"' in form_page and f'value="{own.pk}"' not in form_page


def test_owes_advisor_cannot_edit_or_see_support_outside_the_powiats_served(client, owes_advisor, own):
    support = Support.objects.create(
        advocate=own, kind=SupportKind.TRAINING, on=date(2025, 5, 1), hours=3, provider="MCPS Warszawa"
    )
    login_verified(client, owes_advisor)
    url = reverse("advocates:support_edit", args=[support.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, data(own, hours="99")).status_code == 404
    support.refresh_from_db()
    assert support.hours == 3
    assert "MCPS Warszawa" not in client.get(reverse("advocates:support_list")).content.decode()


def test_an_advocate_cannot_record_support(client, advocate_146501, own):
    login_verified(client, advocate_146501)
    assert client.get(reverse("advocates:support_create")).status_code == 403
    assert client.post(reverse("advocates:support_create"), data(own)).status_code == 403
    assert client.get(reverse("advocates:support_list")).status_code == 403
    assert support_rows() == []


def test_national_coordinator_reads_but_does_not_record(client, national_coordinator, own):
    Support.objects.create(
        advocate=own, kind=SupportKind.TRAINING, on=date(2025, 5, 1), hours=3, provider="MCPS Warszawa"
    )
    login_verified(client, national_coordinator)
    assert "MCPS Warszawa" in client.get(reverse("advocates:support_list")).content.decode()
    assert client.post(reverse("advocates:support_create"), data(own)).status_code == 403


def test_support_in_the_future_or_with_negative_hours_is_refused(client, mazowsze_coordinator, own):
    login_verified(client, mazowsze_coordinator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(reverse("advocates:support_create"), data(own, on=tomorrow))
    assert says(response, "Support is recorded once given: the date cannot be in the future.")
    response = client.post(reverse("advocates:support_create"), data(own, hours="-2"))
    assert response.status_code == 200
    assert support_rows() == []


def test_the_list_filters_and_totals_hours_by_kind(
    client, mazowsze_coordinator, warmia_coordinator, own, other
):
    def add(advocate, kind, on, hours, provider):
        Support.objects.create(advocate=advocate, kind=kind, on=on, hours=hours, provider=provider)

    add(own, SupportKind.TRAINING, date(2025, 4, 1), 6, "Szkolenie A")
    add(own, SupportKind.TRAINING, date(2025, 6, 1), Decimal("2.5"), "Szkolenie B")
    add(own, SupportKind.CONSULTANCY, date(2025, 6, 2), 1, "Doradztwo C")
    add(other, SupportKind.TRAINING, date(2025, 6, 3), 4, "Szkolenie D")
    login_verified(client, mazowsze_coordinator)
    url = reverse("advocates:support_list")
    response = client.get(url)
    totals = {row["kind"]: (row["count"], row["hours"]) for row in response.context["totals"]}
    assert totals[SupportKind.TRAINING] == (3, Decimal("12.5"))
    assert totals[SupportKind.CONSULTANCY] == (1, Decimal("1"))
    assert totals[SupportKind.STUDY_VISIT] == (0, 0)
    assert response.context["total_hours"] == Decimal("13.5")
    filtered = client.get(url, {"rzecznik": own.pk, "rodzaj": SupportKind.TRAINING, "od": "2025-05-01"})
    page = filtered.content.decode()
    assert "Szkolenie B" in page
    assert "Szkolenie A" not in page and "Doradztwo C" not in page and "Szkolenie D" not in page
    assert filtered.context["total_hours"] == Decimal("2.5")
    login_verified(client, warmia_coordinator)
    assert "Szkolenie A" not in client.get(url).content.decode()
