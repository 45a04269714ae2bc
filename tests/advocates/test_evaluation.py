"""The cyclical evaluation: the coordinator scores an advocate for a period; the period's activity
figures are shown pre-filled and stored with the evaluation (issue #6 point 7)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from lacznik.advocates import activity
from lacznik.advocates.models import ActivityReport, Evaluation, Support, SupportKind, TaskCategory
from tests.helpers import login_verified

START, END = date(2025, 1, 1), date(2025, 6, 30)


def report(advocate, on, category, people):
    ActivityReport.objects.create(
        advocate=advocate,
        category=category,
        on=on,
        description="Działanie",
        people_reached=people,
        link="https://a.example/",
    )


@pytest.fixture
def history(own, other):
    """Reports and support of the persona's advocate inside and outside the first half of 2025, and
    another advocate's, which must not count."""
    report(own, date(2024, 12, 31), TaskCategory.INFORM, 100)  # before the period
    report(own, date(2025, 1, 1), TaskCategory.INFORM, 10)
    report(own, date(2025, 3, 15), TaskCategory.INFORM, 20)
    report(own, date(2025, 6, 10), TaskCategory.LOCAL_EVENTS, 30)
    report(own, date(2025, 7, 1), TaskCategory.WEBSITE, 1000)  # after it
    report(other, date(2025, 2, 1), TaskCategory.INFORM, 500)
    for on, kind, hours in [
        (date(2025, 2, 1), SupportKind.TRAINING, Decimal("6")),
        (date(2025, 5, 5), SupportKind.TRAINING, Decimal("1.5")),
        (date(2025, 6, 30), SupportKind.STUDY_VISIT, Decimal("8")),
        (date(2025, 7, 1), SupportKind.STUDY_VISIT, Decimal("100")),
    ]:
        Support.objects.create(advocate=own, kind=kind, on=on, hours=hours, provider="MCPS")
    Support.objects.create(
        advocate=other, kind=SupportKind.TRAINING, on=date(2025, 3, 1), hours=50, provider="OWES"
    )
    return own


EXPECTED = {
    "reports": 3,
    "reports_by_category": {
        **{category: 0 for category in TaskCategory.values},
        TaskCategory.INFORM: 2,
        TaskCategory.LOCAL_EVENTS: 1,
    },
    "people_reached": 60,
    "support_hours": 15.5,
    "support_hours_by_kind": {
        **{kind: 0.0 for kind in SupportKind.values},
        SupportKind.TRAINING: 7.5,
        SupportKind.STUDY_VISIT: 8.0,
    },
    "last_report_on": "2025-06-10",
    "days_since_last_report": 20,
}


def scores(**changes):
    values = {f"score_{criterion.key}": "4" for criterion in activity.CRITERIA}
    values.update(changes)
    return values


def test_the_figures_of_the_period(history):
    assert activity.activity_figures(advocate=history, starts_on=START, ends_on=END) == EXPECTED


def test_the_form_shows_the_figures_and_the_evaluation_stores_them(client, mazowsze_coordinator, history):
    login_verified(client, mazowsze_coordinator)
    url = reverse("advocates:evaluation_create", args=[history.pk])
    page = client.get(url, {"starts_on": START.isoformat(), "ends_on": END.isoformat()})
    assert page.status_code == 200
    assert page.context["figures"]["reports"] == 3
    text = page.content.decode()
    assert 'data-figure="people_reached">60<' in text
    assert 'data-figure="days_since_last_report">20<' in text
    response = client.post(
        url,
        {
            "starts_on": START.isoformat(),
            "ends_on": END.isoformat(),
            "comments": "Aktywny rzecznik.",
            **scores(score_local_impact="5"),
        },
    )
    evaluation = Evaluation.objects.in_scope(["14"]).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("advocates:evaluation_detail", args=[evaluation.pk])
    assert evaluation.figures == EXPECTED
    assert evaluation.scores == {
        "activity": 4,
        "cooperation_rops": 4,
        "cooperation_owes": 4,
        "local_impact": 5,
    }
    assert evaluation.evaluated_by == mazowsze_coordinator and evaluation.teryt == "1465011"
    # A report added later does not change what was stored.
    report(history, date(2025, 2, 2), TaskCategory.INFORM, 7)
    evaluation.refresh_from_db()
    assert evaluation.figures["reports"] == 3
    listing = client.get(reverse("advocates:evaluation_advocate", args=[history.pk])).content.decode()
    assert "2025-01-01 – 2025-06-30" in listing


def test_the_default_period_is_the_last_ended_reporting_period(client, mazowsze_coordinator, own):
    from lacznik.advocates.models import ReportingPeriod

    ReportingPeriod.objects.create(region="14", starts_on=START, ends_on=END)
    ReportingPeriod.objects.create(region="28", starts_on=date(2025, 7, 1), ends_on=date(2025, 12, 31))
    assert activity.default_evaluation_period(own) == (START, END)


def test_missing_scores_and_a_period_ending_in_the_future_are_refused(client, mazowsze_coordinator, own):
    login_verified(client, mazowsze_coordinator)
    url = reverse("advocates:evaluation_create", args=[own.pk])
    response = client.post(
        url, {"starts_on": "2025-01-01", "ends_on": "2025-06-30", **scores(score_activity="")}
    )
    assert response.status_code == 200 and "score_activity" in response.context["form"].errors
    response = client.post(
        url, {"starts_on": "2025-01-01", "ends_on": "2025-06-30", **scores(score_activity="7")}
    )
    assert "score_activity" in response.context["form"].errors
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(url, {"starts_on": "2025-01-01", "ends_on": future, **scores()})
    assert "ends_on" in response.context["form"].errors
    assert not Evaluation.objects.in_scope(["14"]).exists()


def test_evaluation_is_the_coordinators_and_in_their_region(
    client, warmia_coordinator, national_coordinator, advocate_146501, owes_advisor, own
):
    url = reverse("advocates:evaluation_create", args=[own.pk])
    login_verified(client, warmia_coordinator)
    assert client.get(url).status_code == 404
    assert client.get(reverse("advocates:evaluation_advocate", args=[own.pk])).status_code == 404
    login_verified(client, national_coordinator)
    assert client.get(reverse("advocates:evaluation_advocate", args=[own.pk])).status_code == 200
    assert (
        client.post(url, {"starts_on": "2025-01-01", "ends_on": "2025-06-30", **scores()}).status_code == 403
    )
    for user in (advocate_146501, owes_advisor):
        login_verified(client, user)
        assert client.get(reverse("advocates:evaluations")).status_code == 403
    assert not Evaluation.objects.in_scope(["14"]).exists()
