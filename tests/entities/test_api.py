"""The catalogue's JSON API, /api/v1/entities/ (issue #5 point 3): the page's filters, capped counts."""

from datetime import date

import pytest

from lacznik.entities.models import Entity, Mark
from lacznik.entities.search import COUNT_CAP

from .factories import EntityFactory, OfferItemFactory, cpv, gmina

LIST = "/api/v1/entities/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


@pytest.fixture
def entities(db):
    mark, _created = Mark.objects.get_or_create(
        code="zakup-prospoleczny", defaults={"name": "Zakup Prospołeczny"}
    )
    catering = EntityFactory(
        name="Spółdzielnia Socjalna Smaczna Łódka",
        code="1465011",
        description="Usługi cateringowe dla szkół.",
        ps_granted_on=date(2022, 1, 10),
        ps_decision_number="WPS.1.2022",
    )
    catering.marks.add(mark)
    OfferItemFactory(entity=catering, cpv=cpv("55520000-1"), name="Obiady dla szkół", description="Dwa dania")
    OfferItemFactory(
        entity=catering, cpv=cpv("90910000-9", "Usługi sprzątania"), name="Sprzątanie", is_published=False
    )
    garden = EntityFactory(name="Fundacja Zielony Ogród", code="1465011", legal_form="fundacja")
    OfferItemFactory(
        entity=garden, cpv=cpv("77310000-6", "Usługi sadzenia roślin"), name="Pielęgnacja zieleni"
    )
    warmia = EntityFactory(name="Stowarzyszenie Warmińskie", code="2862011", legal_form="stowarzyszenie")
    hidden = EntityFactory(name="Spółdzielnia Socjalna Niepublikowana", code="2862011", is_published=False)
    return {"catering": catering, "garden": garden, "warmia": warmia, "hidden": hidden}


def test_list_is_ordered_by_name_and_leaves_out_unpublished(client, entities):
    response = client.get(LIST)
    assert names(response) == [
        "Fundacja Zielony Ogród",
        "Spółdzielnia Socjalna Smaczna Łódka",
        "Stowarzyszenie Warmińskie",
    ]
    page = response.json()
    assert (page["count"], page["count_capped"], page["limit"], page["offset"]) == (3, False, 20, 0)


def test_list_item_has_the_public_fields(client, entities):
    (item,) = client.get(LIST, {"teryt": "1465", "ps": "true"}).json()["items"]
    catering = entities["catering"]
    assert item["id"] == catering.pk and item["legal_form"] == "spoldzielnia-socjalna"
    assert item["social_enterprise"] is True and item["social_enterprise_since"] == "2022-01-10"
    assert item["social_enterprise_decision"] == "WPS.1.2022" and item["social_enterprise_lost_on"] is None
    assert (item["teryt"], item["gmina"], item["powiat"], item["voivodeship"]) == (
        "1465011",
        "Gmina Próbna 1465011",
        "Powiat Próbny 1465",
        "Próbne 14",
    )
    assert item["marks"] == [{"code": "zakup-prospoleczny", "name": "Zakup Prospołeczny"}]
    assert item["url"] == f"http://testserver/katalog/{catering.pk}/"
    assert "search_document" not in item and "description" not in item


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"teryt": "28"}, ["Stowarzyszenie Warmińskie"]),
        ({"teryt": "14"}, ["Fundacja Zielony Ogród", "Spółdzielnia Socjalna Smaczna Łódka"]),
        ({"forma": ["fundacja", "stowarzyszenie"]}, ["Fundacja Zielony Ogród", "Stowarzyszenie Warmińskie"]),
        ({"ps": "false", "teryt": "14"}, ["Fundacja Zielony Ogród"]),
        ({"ps": "1"}, ["Spółdzielnia Socjalna Smaczna Łódka"]),
        ({"cpv": "55"}, ["Spółdzielnia Socjalna Smaczna Łódka"]),
        ({"cpv": "773"}, ["Fundacja Zielony Ogród"]),
        ({"cpv": "90910000-9"}, []),  # the offer item with this code is not published
        ({"znak": "zakup-prospoleczny"}, ["Spółdzielnia Socjalna Smaczna Łódka"]),
        (
            {"sort": "-nazwa"},
            ["Stowarzyszenie Warmińskie", "Spółdzielnia Socjalna Smaczna Łódka", "Fundacja Zielony Ogród"],
        ),
        ({"q": "usługami cateringowymi"}, ["Spółdzielnia Socjalna Smaczna Łódka"]),
        ({"q": "spoldzielnia", "teryt": "28"}, []),
        ({"q": "zieleni", "sort": "nazwa"}, ["Fundacja Zielony Ogród"]),
        # The page's territory pickers, so that its query string works here unchanged.
        ({"woj": "28"}, ["Stowarzyszenie Warmińskie"]),
        ({"woj": "14", "pow": "1465", "ps": "1"}, ["Spółdzielnia Socjalna Smaczna Łódka"]),
        ({"gmi": "2862011"}, ["Stowarzyszenie Warmińskie"]),
        ({"woj": "28", "pow": "1465"}, []),
    ],
)
def test_filters_are_the_catalogue_ones(client, entities, params, expected):
    response = client.get(LIST, params)
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_ranked_search_pages_through_the_hits(client, db):
    for n in range(5):
        EntityFactory(name=f"Spółdzielnia Socjalna Próbna {n}")
    first = client.get(LIST, {"q": "spółdzielni socjalnych", "limit": 2}).json()
    second = client.get(LIST, {"q": "spółdzielni socjalnych", "limit": 2, "offset": 2}).json()
    third = client.get(LIST, {"q": "spółdzielni socjalnych", "limit": 2, "offset": 4}).json()
    seen = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert len(seen) == len(set(seen)) == 5 and first["count"] == 5


def test_count_stops_at_the_cap(client, db):
    unit = gmina("1465011")
    Entity.objects.bulk_create(
        Entity(name=f"Podmiot {n:04}", legal_form="fundacja", gmina=unit, teryt=unit.code)
        for n in range(COUNT_CAP + 1)
    )
    page = client.get(LIST, {"limit": 100, "offset": 900}).json()
    assert (page["count"], page["count_capped"]) == (COUNT_CAP, True)
    assert [item["name"] for item in page["items"]][:2] == ["Podmiot 0900", "Podmiot 0901"]
    exact = client.get(LIST, {"teryt": "1465", "limit": 1}).json()
    assert exact["count_capped"] is True
    assert client.get(LIST, {"teryt": "28"}).json() == {
        "count": 0,
        "count_capped": False,
        "limit": 20,
        "offset": 0,
        "items": [],
    }


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101},
        {"limit": 0},
        {"offset": -1},
        {"teryt": "14a"},
        {"teryt": "123"},
        {"woj": "1465"},
        {"pow": "14"},
        {"gmi": "14650"},
        {"cpv": "5"},
        {"forma": "spolka-akcyjna"},
        {"ps": "maybe"},
        {"sort": "cena"},
        {"q": "x" * 201},
        {"znak": "nie-ma-takiego-znaku"},
    ],
)
def test_bad_parameters_get_422_naming_them(client, entities, params):
    response = client.get(LIST, params)
    assert response.status_code == 422
    # loc is ["query", name] (and the position for a repeated parameter).
    assert {error["loc"][1] for error in response.json()["detail"]} == set(params)


def test_detail_has_the_published_offer_and_marks(client, entities):
    catering = entities["catering"]
    response = client.get(f"{LIST}{catering.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == catering.name and body["description"] == "Usługi cateringowe dla szkół."
    assert body["offer"] == [
        {
            "id": body["offer"][0]["id"],
            "name": "Obiady dla szkół",
            "description": "Dwa dania",
            "cpv": "55520000-1",
            "cpv_name": "Usługi dostarczania posiłków",
        }
    ]
    assert body["marks"] == [{"code": "zakup-prospoleczny", "name": "Zakup Prospołeczny"}]


def test_unpublished_or_missing_entity_is_404(client, entities):
    assert client.get(f"{LIST}{entities['hidden'].pk}").status_code == 404
    assert client.get(f"{LIST}999999").status_code == 404


def test_api_is_read_only(client, entities):
    assert client.post(LIST, {}).status_code == 405
    assert client.delete(f"{LIST}{entities['catering'].pk}").status_code == 405


def test_openapi_describes_the_operations_and_their_parameters(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    listing = schema["paths"]["/api/v1/entities/"]["get"]
    assert listing["operationId"] and listing["summary"]
    parameters = {parameter["name"]: parameter for parameter in listing["parameters"]}
    filters = {"q", "forma", "ps", "teryt", "woj", "pow", "gmi", "cpv", "znak", "sort"}
    assert set(parameters) == filters | {"limit", "offset"}
    assert all(parameter.get("description") for parameter in parameters.values())
    assert parameters["limit"]["schema"]["maximum"] == 100
    detail = schema["paths"]["/api/v1/entities/{entity_id}"]["get"]
    # The refusals are described too: 422 naming the parameters, 404 for an entity not shown.
    assert {"200", "422"} <= set(listing["responses"]) and {"200", "404"} <= set(detail["responses"])
    assert detail["parameters"][0]["description"]
    assert "entities" in listing["tags"] and "entities" in detail["tags"]
