"""The recruitment key: a ranking of the JSTs still to be chosen by weighted criteria, each score
explained, and the saved selection moving the chosen to "selected for the pilot" (issue #6 point 2)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lacznik.advocates import services
from lacznik.advocates.models import Enrolment, EnrolmentStep, Selection, Stage
from tests.entities.factories import EntityFactory
from tests.helpers import login_verified

from .factories import EnrolmentFactory, appoint

WEIGHTS = {"pes": 10, "no_advocate": 5, "kind_1": 0, "kind_2": 2, "kind_3": 1, "kind_powiat": 0}
KEY = reverse("advocates:selection")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def enrolments():
    return Enrolment.objects.unscoped(reason="the test's oracle")


@pytest.fixture
def region(db):
    """Four candidates of Mazowsze, PES in two of them, an advocate in the powiat of one."""
    candidates = {
        "city": EnrolmentFactory(code="1465011"),  # urban gmina, Warsaw-like city with powiat rights
        "rural": EnrolmentFactory(code="1461022", stage=Stage.LETTER_SENT),
        "urban_rural": EnrolmentFactory(code="1462033"),
        "powiat": EnrolmentFactory(code="1463"),
    }
    for _number in range(4):
        EntityFactory(code="1461022")
    EntityFactory(code="1461022", is_published=False)
    EntityFactory(code="1462033")
    EntityFactory(code="1462033")
    EntityFactory(code="2862011")  # another voivodeship
    appoint(EnrolmentFactory(code="1462011"))  # powiat 1462 has an advocate now
    EnrolmentFactory(code="2862022")  # a Warmia candidate, never in Mazowsze's ranking
    return candidates


def test_the_key_ranks_by_the_weighted_score_and_explains_it(region):
    ranked = services.rank(prefixes=["14"], weights=WEIGHTS)

    assert [(item.enrolment.teryt, item.score) for item in ranked] == [
        ("1461022", Decimal("17.00")),  # 4 of 4 PES ×10, no advocate ×5, rural ×2
        ("1462033", Decimal("6.00")),  # 2 of 4 PES ×10, powiat covered, urban-rural ×1
        ("1465011", Decimal("5.00")),  # no PES, no advocate ×5, urban ×0
        ("1463", Decimal("5.00")),  # the same score: by name
    ]
    explained = {
        part.criterion.key: (part.value, part.points, part.weight, part.contribution)
        for part in ranked[1].shown_parts
    }
    assert explained == {
        "pes": (2, Decimal("0.50"), 10, Decimal("5.00")),
        "no_advocate": (0, Decimal("0.00"), 5, Decimal("0.00")),
        "kind_3": (1, Decimal("1.00"), 1, Decimal("1.00")),
    }


def test_other_weights_give_another_order(region):
    ranked = services.rank(prefixes=["14"], weights={"kind_powiat": 10, "kind_1": 3})

    assert [item.enrolment.teryt for item in ranked][:2] == ["1463", "1465011"]


def test_pes_of_a_city_with_powiat_rights_count_in_all_its_districts(region):
    EntityFactory(code="1465011")
    EntityFactory(code="1465028")  # a district of Warsaw (unit made on the spot)

    ranked = {item.enrolment.teryt: item for item in services.rank(prefixes=["14"], weights={"pes": 1})}

    assert ranked["1465011"].parts[0].value == 2


def test_the_page_shows_the_ranking_the_explanation_and_the_missing_monitoring(
    client, region, mazowsze_coordinator
):
    login_verified(client, mazowsze_coordinator)

    response = client.get(KEY, WEIGHTS)

    text = response.content.decode()
    assert [item.enrolment.teryt for item in response.context["ranked"]] == [
        "1461022",
        "1462033",
        "1465011",
        "1463",
    ]
    assert "social economy entities in the JST: 4 → 1.00 × 10 = 10.00" in text
    assert "Gmina Próbna 2862022" not in text
    assert "Gmina Próbna 1462011" not in text  # appointed: no longer a candidate
    assert "population" in text and "no monitoring data yet" in text


def test_weights_out_of_range_are_refused_and_the_defaults_used(client, region, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)

    response = client.get(KEY, {**WEIGHTS, "pes": 11})

    assert "Ensure this value is less than or equal to 10" in response.content.decode()
    assert response.context["weights"] == services.default_weights()


def test_saving_a_selection_moves_the_chosen_that_may_move_to_selected(client, region, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)

    response = client.post(
        KEY,
        {
            **WEIGHTS,
            "name": "Nabór pilotażowy 2025",
            "chosen": ["1461022", "1462033"],
            "move_to_selected": "on",
        },
        follow=True,
    )

    text = response.content.decode()
    assert "1 JST moved" in text
    assert "send the cover letter first" in text and "Gmina Próbna 1462033" in text
    selection = Selection.objects.get()
    assert (selection.region, selection.name, selection.created_by) == (
        "14",
        "Nabór pilotażowy 2025",
        mazowsze_coordinator,
    )
    assert selection.weights == WEIGHTS
    assert sorted(selection.chosen) == ["1461022", "1462033"]
    rural = enrolments().get(teryt="1461022")
    assert (rural.stage, rural.selection_score) == (Stage.SELECTED, Decimal("17.00"))
    step = EnrolmentStep.objects.get()
    assert (step.from_stage, step.to_stage, step.by) == (
        Stage.LETTER_SENT,
        Stage.SELECTED,
        mazowsze_coordinator,
    )
    assert "Nabór pilotażowy 2025" in step.note
    urban_rural = enrolments().get(teryt="1462033")
    assert (urban_rural.stage, urban_rural.selection_score) == (Stage.NOT_CONTACTED, Decimal("6.00"))
    # The saved selection is listed with its weights and the names of the chosen.
    assert "Nabór pilotażowy 2025" in text and "Gmina Próbna 1461022" in text


def test_saving_without_moving_keeps_the_stages(client, region, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)

    client.post(KEY, {**WEIGHTS, "name": "Wariant A", "chosen": ["1461022"]})

    assert Selection.objects.get().chosen == ["1461022"]
    assert enrolments().get(teryt="1461022").stage == Stage.LETTER_SENT
    assert not EnrolmentStep.objects.exists()


@pytest.mark.parametrize(
    "chosen",
    [
        [],  # nothing ticked
        ["2862022"],  # another voivodeship
        ["1462011"],  # appointed: not a candidate
        ["1461022", "9999999"],
    ],
)
def test_a_selection_of_jsts_that_are_not_candidates_is_refused(client, region, mazowsze_coordinator, chosen):
    login_verified(client, mazowsze_coordinator)

    response = client.post(KEY, {**WEIGHTS, "name": "Zły wybór", "chosen": chosen, "move_to_selected": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors["chosen"]
    assert not Selection.objects.exists()
    assert not EnrolmentStep.objects.exists()
    assert enrolments().get(teryt="1461022").selection_score is None
