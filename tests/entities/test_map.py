"""The catalogue's map (issue #5 point 2): counts per voivodeship, powiat and gmina joined on TERYT
codes, its table (the text alternative), its JSON endpoints, and the map drawn in Chromium."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from lacznik.entities.models import Entity, LegalForm
from lacznik.territory.boundaries import GMINA, LEVELS, POWIAT, VOIVODESHIP, counts_by_unit, units_by_key
from lacznik.territory.models import Unit
from tests.entities.factories import EntityFactory

COUNTS = reverse("entities:map_counts")
PAGE = reverse("entities:map")


def unit_url(code: str) -> str:
    return reverse("entities:map_unit", kwargs={"code": code})


def oracle(level, **filters) -> dict[str, int]:
    """The counts computed in Python, the slow obvious way: published entities, key by level; the
    districts of Warsaw (RODZ 8) and delegatury (9) count for their city, gmina XXYY01."""
    counts = Counter()
    for entity in Entity.objects.unscoped(reason="test oracle").filter(**filters):
        if not entity.is_published:
            continue
        code = entity.teryt
        if level is GMINA:
            key = code[:4] + "01" if code[6] in "89" else code[:6]
        else:
            key = code[: level.digits]
        counts[key] += 1
    return dict(counts)


@pytest.fixture
def english(client):
    """The client reading the English texts (the msgids), whatever the Polish catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def spread(db):
    """Entities over two voivodeships: a gmina, a Warsaw district, both parts of an urban-rural
    gmina (kinds 4 and 5), other legal forms, and one unpublished."""
    made = [
        EntityFactory(code="1465011"),
        EntityFactory(code="1465011", legal_form=LegalForm.FOUNDATION),
        EntityFactory(code="1465028", legal_form=LegalForm.FOUNDATION),  # Bemowo: counts for Warszawa
        EntityFactory(code="1401011"),
        EntityFactory(code="1401034", legal_form=LegalForm.ASSOCIATION),  # town of an urban-rural gmina
        EntityFactory(code="1401035", legal_form=LegalForm.FOUNDATION),  # its rural area
        EntityFactory(code="2862011", legal_form=LegalForm.FOUNDATION),
        EntityFactory(code="2862011", is_published=False),
    ]
    return made


@pytest.mark.parametrize("level", [VOIVODESHIP, POWIAT, GMINA], ids=lambda level: level.param)
def test_counts_per_level_equal_the_oracle(client, spread, level):
    answer = client.get(COUNTS, {"poziom": level.param}).json()
    assert answer["counts"] == oracle(level)
    assert answer["total"] == 7 and answer["level"] == level.param and answer["digits"] == level.digits


@pytest.mark.parametrize("level", [VOIVODESHIP, POWIAT, GMINA], ids=lambda level: level.param)
def test_the_catalogue_filters_apply(client, spread, level):
    answer = client.get(COUNTS, {"poziom": level.param, "forma": LegalForm.FOUNDATION}).json()
    assert answer["counts"] == oracle(level, legal_form=LegalForm.FOUNDATION)
    two_forms = client.get(
        COUNTS, {"poziom": level.param, "forma": [LegalForm.FOUNDATION, LegalForm.ASSOCIATION], "teryt": "14"}
    ).json()
    assert two_forms["counts"] == oracle(
        level, legal_form__in=[LegalForm.FOUNDATION, LegalForm.ASSOCIATION], teryt__startswith="14"
    )


def test_gminas_join_on_six_digits(client, db):
    EntityFactory(code="1465011")
    EntityFactory(code="1465011")
    assert client.get(COUNTS, {"poziom": "gmina"}).json()["counts"] == {"146501": 2}
    assert client.get(COUNTS, {"poziom": "powiat"}).json()["counts"] == {"1465": 2}


def test_a_search_counts_only_the_entities_it_finds(client, db):
    EntityFactory(code="1465011", name="Spółdzielnia Socjalna Smaczny Catering")
    EntityFactory(code="2862011", name="Fundacja Ogrody Miejskie", legal_form=LegalForm.FOUNDATION)
    answer = client.get(COUNTS, {"poziom": "wojewodztwo", "q": "cateringu"}).json()
    assert answer["counts"] == {"14": 1}


def test_the_counts_endpoint_refuses_an_unknown_level(client, db):
    response = client.get(COUNTS, {"poziom": "kraj"})
    assert response.status_code == 400
    assert "wojewodztwo" in response.json()["error"]
    assert client.get(COUNTS).json()["level"] == "wojewodztwo"


def test_every_gmina_of_the_register_has_a_shape(terc):
    """The layers shipped in the repository join the TERC 2024 register: gminas on 6 digits (73 of
    them differ in the 7th), powiats and voivodeships on the whole code."""
    for level in LEVELS.values():
        path = Path(finders.find(level.boundary_path))
        features = json.loads(path.read_text())["features"]
        shapes = {feature["properties"]["terc"][: level.digits] for feature in features}
        units = Unit.objects.current().filter(level=level.unit_level)
        if level is GMINA:
            units = units.gminas()
        codes = {code[: level.digits] for code in units.values_list("code", flat=True)}
        assert codes == shapes, level.param
        # Every shape has its name in the register (the table's names), whatever the number of keys.
        assert set(units_by_key(shapes, level)) == shapes
        assert set(units_by_key(sorted(shapes)[:3], level)) == set(sorted(shapes)[:3])


def test_a_gmina_whose_kind_changed_joins_its_older_shape(client, terc):
    # TERC 2024 has Bogatynia as urban-rural (0218033); the gmina layer still has 0218032.
    path = Path(finders.find(GMINA.boundary_path))
    shapes = [feature["properties"]["terc"] for feature in json.loads(path.read_text())["features"]]
    assert "0218032" in shapes and "0218033" not in shapes
    EntityFactory(code="0218033")
    assert client.get(COUNTS, {"poziom": "gmina"}).json()["counts"] == {"021803": 1}


def test_counting_is_one_query(spread, django_assert_num_queries):
    queryset = Entity.objects.unscoped(reason="test").published()
    for level in LEVELS.values():
        with django_assert_num_queries(1):
            counts_by_unit(queryset, level)


def test_unpublished_entities_are_not_counted(english, db):
    EntityFactory(code="1465011", is_published=False)
    assert english.get(COUNTS, {"poziom": "gmina"}).json()["counts"] == {}
    assert "No published entity matches the filters." in english.get(PAGE).content.decode()


def table_rows(html: str) -> list[tuple[str, str, str]]:
    """(name, code, count) of every row of the map's table, in order."""
    body = html.split('class="table table-sm table-striped align-middle map-table">')[1].split("</tbody>")[0]
    row = r'<th scope="row">(.*?)</th>.*?<td><code>(\d+)</code></td>\s*<td class="text-end">(\d+)</td>'
    found = re.findall(row, body, re.S)
    return [(re.sub(r"<[^>]+>", "", name).strip(), code, count) for name, code, count in found]


def test_the_table_lists_every_unit_with_a_link_to_the_catalogue(english, spread):
    html = english.get(PAGE, {"poziom": "gmina", "forma": LegalForm.FOUNDATION}).content.decode()
    rows = table_rows(html)
    assert [(code, count) for _n, code, count in rows] == [("146501", "2"), ("140103", "1"), ("286201", "1")]
    assert rows[0][0].startswith("Gmina Próbna 1465011")
    # Warszawa is a city with powiat rights: its districts are selected with the powiat's code.
    assert 'href="/katalog/?forma=fundacja&amp;teryt=1465"' in html
    assert 'href="/katalog/?forma=fundacja&amp;teryt=140103"' in html
    assert "On the map: 4 entities in 3 gminas. The most: Gmina Próbna 1465011 (2)." in html


def test_the_table_sorts_by_count_name_or_code(client, spread):
    foundations = {"poziom": "powiat", "forma": LegalForm.FOUNDATION}
    html = client.get(PAGE, foundations).content.decode()
    by_count = [(code, count) for _n, code, count in table_rows(html)]
    assert by_count == [("1465", "2"), ("1401", "1"), ("2862", "1")]
    html = client.get(PAGE, {**foundations, "kolejnosc": "kod"}).content.decode()
    assert [code for _n, code, _c in table_rows(html)] == ["1401", "1465", "2862"]
    html = client.get(PAGE, {"poziom": "powiat", "kolejnosc": "nazwa"}).content.decode()
    names = [name for name, _code, _count in table_rows(html)]
    assert names == sorted(names)
    assert 'aria-sort="ascending"' in html


def test_the_page_lists_the_voivodeships_by_default(client, spread):
    rows = table_rows(client.get(PAGE).content.decode())
    assert [(code, count) for _name, code, count in rows] == [("14", "6"), ("28", "1")]


def test_the_catalogues_pickers_show_as_the_territory_field(client, spread):
    # From the catalogue with a powiat chosen: the map's form shows it, and hides no other territory.
    html = client.get(PAGE, {"woj": "14", "pow": "1465"}).content.decode()
    assert 'name="teryt" value="1465"' in html
    assert 'name="woj"' not in html and 'name="pow"' not in html
    # Another code typed there replaces it: the map shows that territory.
    rows = table_rows(client.get(PAGE, {"teryt": "28"}).content.decode())
    assert [(code, count) for _name, code, count in rows] == [("28", "1")]


def test_a_unit_lists_its_entities_with_the_filters(client, spread):
    answer = client.get(unit_url("146501"), {"forma": LegalForm.FOUNDATION}).json()
    assert answer["count"] == 2 and answer["name"] == "Gmina Próbna 1465011"
    assert {entity["url"] for entity in answer["entities"]} == {
        entity.get_absolute_url() for entity in spread[1:3]
    }
    assert answer["catalogue_url"] == "/katalog/?forma=fundacja&teryt=1465"


def test_a_unit_lists_at_most_twenty(client, db):
    for _ in range(23):
        EntityFactory(code="2862011")
    answer = client.get(unit_url("28")).json()
    assert answer["count"] == 23 and len(answer["entities"]) == 20
    names = [entity["name"] for entity in answer["entities"]]
    assert names == sorted(names)


def test_a_unit_outside_the_territory_filter_has_no_entities(client, spread):
    answer = client.get(unit_url("14"), {"teryt": "28"}).json()
    assert answer["count"] == 0 and answer["entities"] == []
    narrower = client.get(unit_url("14"), {"teryt": "1401"}).json()
    assert narrower["count"] == 3 and narrower["catalogue_url"] == "/katalog/?teryt=1401"


def test_a_unit_code_must_be_two_four_or_six_digits(client, db):
    assert client.get(unit_url("1465011")).status_code == 404
    assert client.get(unit_url("14a")).status_code == 404
    assert client.get("/katalog/mapa/jednostki/14%0A.json").status_code == 404


# --- in Chromium ----------------------------------------------------------------------------------

from tests.harness.browser import AXE, AXE_RUN, AXE_TAGS  # noqa: E402
from tests.harness.conftest import browser  # noqa: E402,F401  (the fixture: Debian's Chromium)

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener(
  'securitypolicyviolation', (e) => window.__cspViolations.push(e.effectiveDirective));
"""


@pytest.mark.browser
def test_the_map_is_drawn_and_a_click_lists_entities(browser, live_server, transactional_db):  # noqa: F811
    EntityFactory(code="1465011", name="Spółdzielnia <img src=x onerror=alert(1)> Mazowiecka")
    EntityFactory(code="1401011", name="Fundacja Ciechanowska", legal_form=LegalForm.FOUNDATION)
    EntityFactory(code="2862011", name="Spółdzielnia Elbląska")
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    context.add_init_script(CSP_LISTENER)
    errors, foreign = [], []
    origin = live_server.url
    context.on("request", lambda request: request.url.startswith(origin) or foreign.append(request.url))
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(PAGE, wait_until="load")
    page.wait_for_selector("#mapa[data-choropleth-state=ready]", timeout=15000)
    assert page.locator("#mapa path.leaflet-interactive").count() == 16
    assert page.locator(".choropleth-legend li").count() >= 2
    # From the keyboard, the map is one stop (and its zoom buttons), not a stop per unit: the table
    # beside it leads to the same units.
    page.locator("#mapa").focus()
    stops = []
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.closest('#mapa path') === null"))
    assert all(stops)

    page.locator('#mapa path[data-teryt="14"]').click()
    panel = page.locator("#mapa-panel")
    panel.locator("a", has_text="Fundacja Ciechanowska").wait_for(timeout=10000)
    assert panel.locator("#mapa-panel-tytul").inner_text() == "Próbne 14"  # the register's name
    # A name with markup is text, never HTML.
    assert panel.locator("a", has_text="<img src=x onerror=alert(1)> Mazowiecka").count() == 1
    assert panel.locator("img").count() == 0
    assert panel.locator("a", has_text="(2)").get_attribute("href") == "/katalog/?teryt=14"

    # The gminas: 2,477 shapes, and the chosen territory's outline on top.
    page.goto(f"{PAGE}?poziom=gmina&teryt=14", wait_until="load")
    page.wait_for_selector("#mapa[data-choropleth-state=ready]", timeout=30000)
    assert page.locator("#mapa path.leaflet-interactive").count() == 2477
    page.locator('#mapa path[data-teryt="140101"]').click(force=True)
    panel.locator("a", has_text="Fundacja Ciechanowska").wait_for(timeout=10000)

    assert page.evaluate("window.__cspViolations") == []
    assert errors == [] and foreign == []
    context.close()

    # axe-core (WCAG 2.1 A/AA) on the drawn map with a unit's list open; CSP lifted only to inject axe.
    axe_context = browser.new_context(base_url=live_server.url, locale="pl-PL", bypass_csp=True)
    page = axe_context.new_page()
    page.goto(PAGE, wait_until="load")
    page.wait_for_selector("#mapa[data-choropleth-state=ready]", timeout=15000)
    page.locator('#mapa path[data-teryt="28"]').click()
    page.locator("#mapa-panel a", has_text="Spółdzielnia Elbląska").wait_for(timeout=10000)
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN, AXE_TAGS) == []
    axe_context.close()
