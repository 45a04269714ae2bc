"""The pipeline's pages: the board and the table with their filters, an enrolment's page with its
steps and office, who may see and change what (issue #6 point 1; AC-01, AC-05)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from lacznik.advocates.models import Enrolment, EnrolmentStep, Stage
from tests.helpers import login_verified

from .factories import EnrolmentFactory


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def enrolments():
    return Enrolment.objects.unscoped(reason="the test's oracle")


PIPELINE = reverse("advocates:pipeline")


# --- the board and the table ----------------------------------------------------------------------


def test_the_board_has_a_section_per_stage_with_the_cards_of_the_coordinators_voivodeship(
    client, mazowsze_coordinator
):
    EnrolmentFactory(code="1465011", stage=Stage.LETTER_SENT)
    EnrolmentFactory(code="1461011")
    EnrolmentFactory(code="2862011")
    login_verified(client, mazowsze_coordinator)

    response = client.get(PIPELINE)

    assert response.status_code == 200
    text = response.content.decode()
    for stage in Stage:
        assert f'id="stage-{stage.value}"' in text
    assert "Gmina Próbna 1465011" in text
    assert "Gmina Próbna 1461011" in text
    assert "Gmina Próbna 2862011" not in text
    counts = {entry["value"]: entry["count"] for entry in response.context["counts"]}
    assert (
        counts[Stage.LETTER_SENT] == 1 and counts[Stage.NOT_CONTACTED] == 1 and response.context["total"] == 2
    )
    columns = {
        column["value"]: [card["enrolment"].teryt for card in column["cards"]]
        for column in response.context["columns"]
    }
    assert columns[Stage.LETTER_SENT] == ["1465011"]
    assert columns[Stage.NOT_CONTACTED] == ["1461011"]


def _table(client, **query):
    response = client.get(PIPELINE, {"widok": "tabela", **query})
    assert response.status_code == 200
    return [row["enrolment"].teryt for row in response.context["rows"]]


def test_the_table_filters_by_powiat_kind_stage_and_name(terc, client, mazowsze_coordinator):
    from lacznik.advocates import services

    services.start_pipeline("14", mazowsze_coordinator)
    minsk = enrolments().get(teryt="1412011")
    services.take_step(
        enrolment=minsk, stage=Stage.LETTER_SENT, on=timezone.localdate(), by=mazowsze_coordinator
    )
    login_verified(client, mazowsze_coordinator)

    in_powiat = _table(client, powiat="1412")
    assert in_powiat[:1] and all(code.startswith("1412") for code in in_powiat)
    assert len(in_powiat) == 13 + 1  # 13 gminas of powiat miński and the powiat itself
    assert _table(client, powiat="1412", rodzaj="powiat") == ["1412"]
    urban = enrolments().filter(teryt__startswith="1412", unit__level="gmina", unit__kind="1")
    assert set(_table(client, powiat="1412", rodzaj="1")) == set(urban.values_list("teryt", flat=True))
    assert "1412011" in set(urban.values_list("teryt", flat=True))
    assert _table(client, etap=Stage.LETTER_SENT) == ["1412011"]
    # Search ignores case and diacritics.
    found = set(_table(client, q="MIŃSK"))
    assert {"1412011", "1412"} <= found
    assert found == set(
        enrolments().filter(unit__search_name__contains="minsk").values_list("teryt", flat=True)
    )
    # A filter value from another voivodeship or a made-up one is ignored, not an error.
    assert len(_table(client, powiat="2862")) == 50
    assert _table(client, rodzaj="5") == _table(client)


def test_the_table_sorts_and_pages(terc, client, mazowsze_coordinator):
    from lacznik.advocates import services

    services.start_pipeline("14", mazowsze_coordinator)
    login_verified(client, mazowsze_coordinator)

    first_page = _table(client, sort="teryt")
    assert first_page == sorted(first_page) and first_page[0] == "1401" and len(first_page) == 50
    last = client.get(PIPELINE, {"widok": "tabela", "sort": "teryt", "page": 8})
    assert [row["enrolment"].teryt for row in last.context["rows"]][-1] == "1465011"
    assert last.context["page"].paginator.count == 356
    assert _table(client, sort="-teryt")[0] == "1465011"
    names = [
        row["enrolment"].unit.search_name for row in client.get(PIPELINE, {"widok": "tabela"}).context["rows"]
    ]
    assert names == sorted(names)


def test_starting_the_pipeline_from_the_page(terc, client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)

    response = client.post(PIPELINE, {"action": "start"}, follow=True)

    assert "356 gminas and powiats were added" in response.content.decode()
    assert enrolments().count() == 356
    client.post(PIPELINE, {"action": "start"})
    assert enrolments().count() == 356


def test_an_unknown_action_on_the_pipeline_adds_nothing(terc, client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    response = client.post(PIPELINE, {"action": "wipe"}, follow=True)
    assert "Choose what to do." in response.content.decode()
    assert enrolments().count() == 0


# --- one enrolment --------------------------------------------------------------------------------


def test_the_enrolment_page_shows_the_jst_the_head_and_the_steps(client, mazowsze_coordinator):
    enrolment = EnrolmentFactory(code="1465011", stage=Stage.NOT_CONTACTED, stage_since=date(2025, 1, 2))
    login_verified(client, mazowsze_coordinator)
    client.post(
        reverse("advocates:enrolment_step", args=[enrolment.pk]),
        {"stage": Stage.LETTER_SENT, "on": "2025-01-10", "note": "Pismo wysłane pocztą."},
    )

    response = client.get(enrolment.get_absolute_url())

    text = response.content.decode()
    assert "Gmina Próbna 1465011" in text
    assert "Prezydent Miasta" in text  # the default for an urban gmina of a city with powiat rights
    assert "Pismo wysłane pocztą." in text and "2025-01-10" in text
    offered = [value for value, _label in response.context["step_form"].allowed]
    assert offered == [Stage.SELECTED, Stage.WITHDRAWN]


def test_a_legal_step_is_taken_and_shown_in_the_history(client, mazowsze_coordinator):
    enrolment = EnrolmentFactory(stage=Stage.LETTER_SENT, stage_since=date(2025, 1, 2))
    login_verified(client, mazowsze_coordinator)

    response = client.post(
        reverse("advocates:enrolment_step", args=[enrolment.pk]),
        {"stage": Stage.SELECTED, "on": "2025-01-20"},
    )

    assert response.status_code == 302
    stored = enrolments().get(pk=enrolment.pk)
    assert (stored.stage, stored.stage_since) == (Stage.SELECTED, date(2025, 1, 20))
    step = EnrolmentStep.objects.get()
    assert (step.from_stage, step.to_stage, step.by) == (
        Stage.LETTER_SENT,
        Stage.SELECTED,
        mazowsze_coordinator,
    )


@pytest.mark.parametrize(
    "stage, data, message",
    [
        # AC-05: a stage the page never offers, posted straight to the URL.
        (Stage.NOT_CONTACTED, {"stage": Stage.APPOINTED}, "Stage change not allowed"),
        (Stage.APPOINTED, {"stage": Stage.SELECTED}, "Stage change not allowed"),
        (Stage.LETTER_SENT, {"stage": Stage.WITHDRAWN, "note": ""}, "Give the reason"),
        (Stage.NOT_CONTACTED, {"stage": Stage.LETTER_SENT, "on": "2999-01-01"}, "cannot be in the future"),
        (Stage.NOT_CONTACTED, {"stage": Stage.LETTER_SENT, "on": "2024-12-31"}, "before the previous one"),
        (Stage.NOT_CONTACTED, {"stage": "rozpoczete"}, "Select a valid choice"),
    ],
)
def test_an_illegal_step_posted_to_the_url_is_refused_with_a_message_and_changes_nothing(
    client, mazowsze_coordinator, stage, data, message
):
    enrolment = EnrolmentFactory(stage=stage, stage_since=date(2025, 1, 2))
    versions = enrolment.history.count()
    login_verified(client, mazowsze_coordinator)

    response = client.post(
        reverse("advocates:enrolment_step", args=[enrolment.pk]),
        {"on": timezone.localdate().isoformat(), **data},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    stored = enrolments().get(pk=enrolment.pk)
    assert (stored.stage, stored.stage_since) == (stage, date(2025, 1, 2))
    assert not EnrolmentStep.objects.exists()
    assert stored.history.count() == versions


def test_the_office_details_are_saved_with_history(client, mazowsze_coordinator):
    enrolment = EnrolmentFactory(code="1465011")
    login_verified(client, mazowsze_coordinator)

    response = client.post(
        reverse("advocates:enrolment_office", args=[enrolment.pk]),
        {
            "head_title": "Burmistrz",
            "head_name": "Jan Przykładowy",
            "head_gender": "m",
            "office_address": "ul. Próbna 1\n00-001 Przykładowo",
            "agreement_number": "ES/1/2025",
        },
    )

    assert response.status_code == 302
    stored = enrolments().get(pk=enrolment.pk)
    assert (stored.head_title, stored.head_name, stored.agreement_number) == (
        "Burmistrz",
        "Jan Przykładowy",
        "ES/1/2025",
    )
    assert stored.history.first().history_user == mazowsze_coordinator


def test_an_unknown_head_title_is_refused(client, mazowsze_coordinator):
    enrolment = EnrolmentFactory(code="1465011")
    login_verified(client, mazowsze_coordinator)

    response = client.post(reverse("advocates:enrolment_office", args=[enrolment.pk]), {"head_title": "Król"})

    assert response.status_code == 200
    assert enrolments().get(pk=enrolment.pk).head_title == ""


# --- who sees and changes what --------------------------------------------------------------------


def test_a_coordinator_of_another_voivodeship_gets_404_and_sees_none_in_lists(client, warmia_coordinator):
    enrolment = EnrolmentFactory(code="1465011", stage=Stage.LETTER_SENT)
    login_verified(client, warmia_coordinator)

    assert client.get(enrolment.get_absolute_url()).status_code == 404
    step = client.post(reverse("advocates:enrolment_step", args=[enrolment.pk]), {"stage": Stage.SELECTED})
    assert step.status_code == 404
    office = client.post(reverse("advocates:enrolment_office", args=[enrolment.pk]), {"head_title": "Wójt"})
    assert office.status_code == 404
    assert enrolments().get(pk=enrolment.pk).stage == Stage.LETTER_SENT
    board = client.get(PIPELINE).content.decode()
    assert "Gmina Próbna 1465011" not in board
    assert "Gmina Próbna 1465011" not in client.get(PIPELINE, {"widok": "tabela"}).content.decode()
    assert "Gmina Próbna 1465011" not in client.get(reverse("advocates:selection")).content.decode()


@pytest.mark.parametrize(
    "method, name, with_pk",
    [
        ("get", "advocates:pipeline", False),
        ("post", "advocates:pipeline", False),
        ("get", "advocates:enrolment", True),
        ("post", "advocates:enrolment_step", True),
        ("post", "advocates:enrolment_office", True),
        ("get", "advocates:selection", False),
        ("post", "advocates:selection", False),
    ],
)
def test_an_advocate_gets_403(client, advocate_146501, method, name, with_pk):
    enrolment = EnrolmentFactory(code="1465011")
    client.force_login(advocate_146501)
    url = reverse(name, args=[enrolment.pk] if with_pk else [])

    response = getattr(client, method)(url, {"stage": Stage.LETTER_SENT, "action": "start"})

    assert response.status_code == 403
    assert enrolments().get(pk=enrolment.pk).stage == Stage.NOT_CONTACTED
    assert enrolments().count() == 1


def test_anonymous_goes_to_the_sign_in_page(client):
    response = client.get(PIPELINE)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_national_coordinator_reads_every_region_and_changes_nothing(client, national_coordinator):
    mazowsze = EnrolmentFactory(code="1465011")
    warmia = EnrolmentFactory(code="2862011")
    login_verified(client, national_coordinator)

    board = client.get(PIPELINE).content.decode()
    assert "Gmina Próbna 1465011" in board and "Gmina Próbna 2862011" in board
    page = client.get(warmia.get_absolute_url())
    assert page.status_code == 200 and page.context["step_form"] is None
    assert 'action="' + reverse("advocates:enrolment_step", args=[warmia.pk]) not in page.content.decode()
    step = client.post(reverse("advocates:enrolment_step", args=[mazowsze.pk]), {"stage": Stage.LETTER_SENT})
    assert step.status_code == 403
    assert client.post(PIPELINE, {"action": "start"}).status_code == 403
    assert client.get(reverse("advocates:selection")).status_code == 403
    assert set(enrolments().values_list("stage", flat=True)) == {Stage.NOT_CONTACTED}
    # With more than one voivodeship in scope, the board narrows to one.
    narrowed = client.get(PIPELINE, {"woj": "28"}).content.decode()
    assert "Gmina Próbna 2862011" in narrowed and "Gmina Próbna 1465011" not in narrowed


def test_the_date_field_refuses_the_future_in_the_browser_too(client, mazowsze_coordinator):
    enrolment = EnrolmentFactory(stage_since=date(2025, 1, 2))
    login_verified(client, mazowsze_coordinator)

    form = client.get(enrolment.get_absolute_url()).context["step_form"]

    assert form.fields["on"].widget.attrs["max"] == timezone.localdate().isoformat()
    assert form.fields["on"].widget.attrs["min"] == "2025-01-02"
