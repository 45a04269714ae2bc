"""The public catalogue's pages and the national statistics (issue #5 points 1, 2 and 7)."""

from datetime import date

import pytest
from django.urls import reverse

from lacznik.entities.models import Entity, Mark
from lacznik.entities.views import PAGE_SIZE
from lacznik.territory.models import Unit
from tests.helpers import login_verified

from .factories import EntityFactory, OfferItemFactory, cpv


def test_search_page_shows_ranked_highlighted_hits(client, db):
    entity = EntityFactory(name="Spółdzielnia Socjalna Smaczna", description="Usługi cateringowe dla szkół.")
    EntityFactory(name="Fundacja Zielona", legal_form="fundacja", description="Ogrody.")
    response = client.get(reverse("entities:catalogue"), {"q": "usługami cateringowymi"})
    assert response.status_code == 200
    html = response.content.decode()
    assert entity.name in html and "Fundacja Zielona" not in html
    assert "<mark>Usługi</mark> <mark>cateringowe</mark>" in html
    assert "1 podmiot" in html


def test_filters_make_a_shareable_url(client, db):
    mine = EntityFactory(name="Stowarzyszenie Mazowieckie", legal_form="stowarzyszenie", code="1465011")
    EntityFactory(name="Stowarzyszenie Warmińskie", legal_form="stowarzyszenie", code="2862011")
    EntityFactory(name="Fundacja Mazowiecka", legal_form="fundacja", code="1465011")
    response = client.get(reverse("entities:catalogue") + "?forma=stowarzyszenie&woj=14")
    html = response.content.decode()
    assert mine.name in html
    assert "Stowarzyszenie Warmińskie" not in html and "Fundacja Mazowiecka" not in html
    # The pickers offer the powiats of the chosen voivodeship.
    assert 'name="pow"' in html
    # The form shows what was chosen, so the next search keeps it.
    assert '<option value="14" selected>' in html
    assert 'value="stowarzyszenie" id="forma-stowarzyszenie" checked' in html
    assert 'value="fundacja" id="forma-fundacja">' in html


def test_social_enterprise_filter(client, db):
    enterprise = EntityFactory(
        name="Przedsiębiorstwo Przykładowe", ps_granted_on=date(2024, 2, 1), ps_decision_number="1/2024"
    )
    EntityFactory(name="Bez Statusu Przykładowe")
    html = client.get(reverse("entities:catalogue"), {"ps": "1"}).content.decode()
    assert enterprise.name in html and "Bez Statusu" not in html
    html = client.get(reverse("entities:catalogue"), {"ps": "0"}).content.decode()
    assert enterprise.name not in html and "Bez Statusu" in html


def test_cpv_and_mark_filters(client, db):
    caterer = EntityFactory(name="Kuchnia Przykładowa")
    OfferItemFactory(entity=caterer, cpv=cpv("55520000-1"))
    gardener = EntityFactory(name="Ogrody Przykładowe")
    OfferItemFactory(
        entity=gardener, cpv=cpv("77310000-6", "Usługi sadzenia roślin oraz utrzymania terenów zielonych")
    )
    gardener.marks.add(Mark.objects.get(code="zakup-prospoleczny"))
    for params, expected in [
        ({"cpv": "55"}, caterer),
        ({"cpv": "773"}, gardener),
        ({"znak": "zakup-prospoleczny"}, gardener),
    ]:
        html = client.get(reverse("entities:catalogue"), params).content.decode()
        other = gardener if expected is caterer else caterer
        assert expected.name in html and other.name not in html, params


def test_unpublished_entities_are_not_in_the_catalogue(client, db):
    hidden = EntityFactory(name="Ukryta Przykładowa", is_published=False)
    assert hidden.name not in client.get(reverse("entities:catalogue")).content.decode()
    assert client.get(reverse("entities:detail", args=[hidden.pk])).status_code == 404


def test_pages_of_results(client, db):
    for number in range(PAGE_SIZE + 3):
        EntityFactory(name=f"Podmiot {number:03d}")
    first = client.get(reverse("entities:catalogue"), {"sort": "nazwa"}).content.decode()
    second = client.get(reverse("entities:catalogue"), {"sort": "nazwa", "page": 2}).content.decode()
    assert "Podmiot 000" in first and "Podmiot 022" not in first
    assert "Podmiot 022" in second and "Podmiot 000" not in second
    assert "page=2" in first


def test_htmx_gets_the_results_and_the_territory_pickers(client, db):
    EntityFactory(name="Podmiot Przykładowy")
    response = client.get(
        reverse("entities:catalogue"), {"woj": "14"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wyniki"
    )
    html = response.content.decode()
    assert "Podmiot Przykładowy" in html and "<html" not in html
    # The pickers come along out of band: the chosen voivodeship's powiats can now be chosen.
    assert 'id="teren" hx-swap-oob="true"' in html and 'name="pow"' in html


def test_a_result_shows_place_status_marks_and_offer(client, db):
    entity = EntityFactory(
        name="Spółdzielnia Socjalna Pełna",
        code="1465011",
        ps_granted_on=date(2024, 1, 2),
        ps_decision_number="1/2024",
    )
    entity.marks.add(Mark.objects.get(code="zakup-prospoleczny"))
    for number in range(7):
        OfferItemFactory(entity=entity, name=f"Pozycja {number}")
    html = client.get(reverse("entities:catalogue"), {"q": "pełna"}).content.decode()
    # Warsaw is a city with powiat rights, not a "powiat Powiat Próbny 1465"; the voivodeship is written
    # in lower case inside a sentence.
    gmina = Unit.objects.get(code="1465011")
    assert f"{gmina.name}, miasto na prawach powiatu, województwo próbne 14" in html
    assert "przedsiębiorstwo społeczne" in html
    assert "Zakup Prospołeczny" in html
    # The first five offer items by name, then an ellipsis.
    assert "Pozycja 4; …" in html and "Pozycja 5" not in html
    assert "<mark>Pełna</mark>" in html


def test_a_gmina_of_a_land_powiat_is_placed_in_its_powiat(client, db):
    EntityFactory(name="Fundacja Wiejska", code="1421012")
    html = client.get(reverse("entities:catalogue"), {"q": "wiejska"}).content.decode()
    assert "Gmina Próbna 1421012, powiat Powiat Próbny 1421, województwo próbne 14" in html


def test_more_hits_than_the_cap_say_so_and_page_only_to_the_cap(client, db, monkeypatch):
    monkeypatch.setattr("lacznik.entities.filters.COUNT_CAP", 3)
    monkeypatch.setattr("lacznik.entities.views.COUNT_CAP", 3)
    monkeypatch.setattr("lacznik.entities.views.PAGE_SIZE", 2)
    monkeypatch.setattr("lacznik.entities.views.LAST_PAGE", 2)
    for number in range(5):
        EntityFactory(name=f"Usługi {number}")
    first = client.get(reverse("entities:catalogue"), {"q": "usługi"})
    assert "Znaleziono ponad 3 podmiotów" in first.content.decode()
    # Page 2 is the last page within the cap (ceil(3 / 2)): no page after it, and page 9 is page 2.
    last = client.get(reverse("entities:catalogue"), {"q": "usługi", "page": "9"})
    assert last.context["page_number"] == 2 and not last.context["has_next"]
    assert len(last.context["entities"]) == 2
    assert 'start="3"' in last.content.decode()


def test_a_query_with_nothing_searchable_finds_nothing(client, db):
    EntityFactory(name="Podmiot Przykładowy")
    for text in ["кот", "!!!"]:
        response = client.get(reverse("entities:catalogue"), {"q": text})
        assert response.context["entities"] == [] and response.context["total"] == 0, text


def test_a_territory_code_from_the_map_shows_in_the_pickers(client, db):
    EntityFactory(code="1465011")
    html = client.get(reverse("entities:catalogue"), {"teryt": "146501"}).content.decode()
    assert '<option value="14" selected>' in html
    assert '<option value="1465" selected>' in html
    assert '<option value="1465011" selected>' in html
    # Shown in the pickers, it is not also a hidden filter that would outlive a new choice.
    assert 'name="teryt"' not in html
    # A district of Warsaw has no gmina picker of its own: it stays a filter of the page.
    html = client.get(reverse("entities:catalogue"), {"teryt": "1465028"}).content.decode()
    assert '<option value="1465" selected>' in html
    assert '<input type="hidden" name="teryt" value="1465028">' in html


def test_entity_page_shows_the_profile_and_the_offer(client, db):
    entity = EntityFactory(
        name="Spółdzielnia Socjalna Przykładowa",
        nip="8567346215",
        krs="0000123456",
        email="biuro@przykladowa.example",
        ps_granted_on=date(2024, 5, 6),
        ps_decision_number="WPS-II.1.2024",
    )
    OfferItemFactory(entity=entity, name="Obiady dla szkół")
    OfferItemFactory(entity=entity, name="Ukryta pozycja", is_published=False)
    html = client.get(entity.get_absolute_url()).content.decode()
    for text in [
        "8567346215",
        "0000123456",
        "WPS-II.1.2024",
        "Obiady dla szkół",
        "55520000-1",
        "biuro@przykladowa.example",
    ]:
        assert text in html
    assert "Ukryta pozycja" not in html


def test_statistics_count_every_region(client, national_coordinator, terc):
    EntityFactory(code="1465011")
    EntityFactory(code="1465011", ps_granted_on=date(2024, 1, 2), ps_decision_number="1")
    EntityFactory(code="2862011", legal_form="fundacja", is_published=False)
    login_verified(client, national_coordinator)
    response = client.get(reverse("entities:statistics"))
    rows = {row["region"]: row for row in response.context["regions"]}
    assert len(rows) == 16  # every region, those without entities with zeros
    assert (rows["14"]["total"], rows["14"]["published"], rows["14"]["enterprises"]) == (2, 2, 1)
    assert (rows["28"]["total"], rows["28"]["published"]) == (1, 0)
    assert (rows["02"]["name"], rows["02"]["total"]) == ("Dolnośląskie", 0)
    assert response.context["totals"] == {"total": 3, "published": 2, "enterprises": 1}
    forms = {row["code"]: row for row in response.context["by_form"]}
    assert forms["fundacja"]["total"] == 1 and forms["fundacja"]["published"] == 0
    assert sum(row["enterprises"] for row in forms.values()) == 1


@pytest.mark.parametrize("persona", ["mazowsze_coordinator", "advocate_146501"])
def test_statistics_are_for_national_roles(client, persona, request):
    login_verified(client, request.getfixturevalue(persona))
    assert client.get(reverse("entities:statistics")).status_code == 403


def test_a_search_with_more_hits_than_the_cap_lists_them_newest_first(client, db, monkeypatch):
    monkeypatch.setattr("lacznik.entities.filters.COUNT_CAP", 3)
    for name in ["Usługi Ż", "Usługi A", "Usługi M", "Usługi C"]:
        EntityFactory(name=name, description="usługi usługi usługi" if name == "Usługi Ż" else "")
    response = client.get(reverse("entities:catalogue"), {"q": "usługi"})
    names = [entity.name for entity in response.context["entities"]]
    assert names == ["Usługi C", "Usługi M", "Usługi A", "Usługi Ż"]
    assert response.context["unranked_search"]
    monkeypatch.setattr("lacznik.entities.filters.COUNT_CAP", 10)
    response = client.get(reverse("entities:catalogue"), {"q": "usługi"})
    assert response.context["entities"][0].name == "Usługi Ż"  # ranked: the most mentions first
    assert not response.context["unranked_search"]


@pytest.mark.parametrize("share", [1.0, 0.001], ids=["a common word", "a rare word"])
def test_newest_first_reaches_hits_behind_the_newest_rows(client, db, monkeypatch, share):
    """The newest hits are listed whether or not the newest rows of the register match: on PostgreSQL
    the newest rows are read first when the planner expects a common word, then (or at once for a rare
    word) every hit from the index; a later page too."""
    monkeypatch.setattr("lacznik.entities.filters.COUNT_CAP", 2)
    monkeypatch.setattr("lacznik.entities.views.PAGE_SIZE", 2)
    # The planner's estimate, as its statistics of a large register would give it.
    monkeypatch.setattr(
        "lacznik.entities.search._planned_rows",
        lambda cursor, sql, params: round(100_000 * share) if params else 100_000,
    )
    for name in ["Opieka 1", "Opieka 2", "Opieka 3", "Opieka 4", "Opieka 5"]:
        EntityFactory(name=name, description="")
    for number in range(6):
        EntityFactory(name=f"Catering {number}", description="")
    for name in ["Opieka 6", "Opieka 7"]:
        EntityFactory(name=name, description="")

    def page(number: str) -> list[str]:
        response = client.get(reverse("entities:catalogue"), {"q": "opieki", "page": number})
        assert response.context["unranked_search"]
        return [hit.name for hit in response.context["entities"]]

    assert page("1") == ["Opieka 7", "Opieka 6"]
    assert page("2") == ["Opieka 5", "Opieka 4"]
    assert page("4") == ["Opieka 1"]


def test_the_territory_pickers_list_units_in_polish_alphabetical_order(client, terc):
    voivodeships = client.get(reverse("entities:catalogue")).context["territory"]["voivodeships"]
    names = [name for _code, name in voivodeships]
    # Not by bytes, which puts Łódzkie, Śląskie and Świętokrzyskie after Zachodniopomorskie.
    assert names.index("Lubuskie") < names.index("Łódzkie") < names.index("Małopolskie")
    assert names.index("Pomorskie") < names.index("Śląskie") < names.index("Świętokrzyskie")
    assert names[-1] == "Zachodniopomorskie"
    territory = client.get(reverse("entities:catalogue"), {"woj": "14"}).context["territory"]
    powiats = [unit.name for unit in territory["powiats"]]
    assert powiats.index("ostrołęcki") < powiats.index("ostrowski")
    assert powiats.index("łosicki") < powiats.index("makowski")


def test_a_chosen_voivodeship_brings_its_powiats_alone_over_htmx(client, terc):
    # The pickers' own request: the fieldset only, and a powiat left from another voivodeship dropped.
    # "All of Poland" chosen with a powiat still selected: no voivodeship is brought back from it.
    cleared = client.get(
        reverse("entities:catalogue"),
        {"woj": "", "pow": "1465"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="teren",
        HTTP_HX_TRIGGER="id_woj",
    ).content.decode()
    assert 'name="pow"' not in cleared and "selected" not in cleared
    params = {"woj": "28", "pow": "1465"}
    response = client.get(
        reverse("entities:catalogue"), params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="teren"
    )
    html = response.content.decode()
    assert html.startswith('<fieldset class="mb-3" id="teren"') and 'id="wyniki' not in html
    assert 'value="2862"' in html and 'value="1465"' not in html and 'name="gmi"' not in html


def test_a_page_past_the_last_shows_the_last(client, db):
    for number in range(3):
        EntityFactory(name=f"Podmiot {number}")
    response = client.get(reverse("entities:catalogue"), {"page": "9"})
    assert response.context["page_number"] == 1 and len(response.context["entities"]) == 3
    # One page: no pagination to offer.
    assert "Strona 1 z 1" not in response.content.decode()


def test_a_wrong_filter_is_named_in_words(client, db):
    EntityFactory(name="Podmiot")
    html = client.get(reverse("entities:catalogue"), {"cpv": "restauracja", "woj": "1"}).content.decode()
    assert "Kod CPV oferty: Podaj dział CPV (2 cyfry, np. 55)" in html
    assert "Województwo: Podaj kod TERYT" in html
    # An order nobody can choose on the page is the default order, not an error.
    response = client.get(reverse("entities:catalogue"), {"sort": "cena"})
    assert response.context["catalogue"].is_valid and len(response.context["entities"]) == 1
    # An empty legal form (a hand-shortened address) is no legal form, not "  is not one of the choices".
    response = client.get(reverse("entities:catalogue"), {"forma": ""})
    assert response.context["catalogue"].is_valid and len(response.context["entities"]) == 1


def test_no_hits_offer_no_downloads(client, db):
    html = client.get(reverse("entities:catalogue"), {"q": "nieistniejące"}).content.decode()
    assert "Znaleziono 0 podmiotów" in html and "Żaden podmiot nie pasuje" in html
    assert "Pobierz CSV" not in html and "Pokaż na mapie" not in html


def test_a_list_by_name_is_in_polish_alphabetical_order(client, db):
    for name in (
        "Żłobek Zet",
        "Zakład Aktywności",
        "Łódzka Fundacja",
        "Lubuska Spółdzielnia",
        "Śląskie Koło",
    ):
        EntityFactory(name=name)
    page = client.get(reverse("entities:catalogue"), {"sort": "nazwa"})
    names = [hit.name for hit in page.context["entities"]]
    assert names == [
        "Lubuska Spółdzielnia",
        "Łódzka Fundacja",
        "Śląskie Koło",
        "Zakład Aktywności",
        "Żłobek Zet",
    ]
    backwards = client.get(reverse("entities:catalogue"), {"sort": "-nazwa"}).context["entities"]
    assert [hit.name for hit in backwards] == names[::-1]
    # A renamed entity moves to its new place (the key follows the name, update_fields or not).
    entity = Entity.objects.unscoped(reason="test").get(name="Żłobek Zet")
    entity.name = "Agencja Usług"
    entity.save(update_fields=["name"])
    first = client.get(reverse("entities:catalogue"), {"sort": "nazwa"}).context["entities"][0]
    assert first.name == "Agencja Usług"


def test_a_powiat_alone_in_the_address_shows_in_its_voivodeships_pickers(client, terc):
    territory = client.get(reverse("entities:catalogue"), {"pow": "1465"}).context["territory"]
    assert (territory["woj"], territory["pow"]) == ("14", "1465") and territory["gminas"]


def test_digits_of_other_scripts_are_refused_in_words(client, db):
    # "١٤" (Arabic-Indic 14) is a digit to Python's \d, not a TERYT code.
    response = client.get(reverse("entities:catalogue"), {"q": "catering", "teryt": "١٤", "cpv": "٥٥"})
    assert response.status_code == 200 and not response.context["catalogue"].is_valid
