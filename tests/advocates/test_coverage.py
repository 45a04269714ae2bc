"""Coverage of the advocates programme (issue #6 point 9): the numbers per stage and with an advocate in
office, for gminas and powiats, equal a slow Python oracle; the map joins gminas on 6 digits; the exports
hold the table's numbers; the public list shows only JSTs with an advocate in office, and an e-mail only
when the advocate agreed."""

import csv
import io
from collections import Counter
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from lacznik.advocates import coverage
from lacznik.advocates.models import Advocate, Enrolment, Stage
from lacznik.territory.models import Unit
from tests.helpers import login_verified

from .factories import EnrolmentFactory, appoint, unit

PAGE = reverse("advocates:coverage")
MAP = reverse("advocates:coverage_map")
CSV = reverse("advocates:coverage_export_csv")
XLSX = reverse("advocates:coverage_export_xlsx")
PUBLIC = reverse("advocates:public_list")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def spread(db):
    """Two voivodeships: gminas of every kind in several stages, parts of an urban-rural gmina, a
    gmina that left the register, powiats with and without an enrolment."""
    published = appoint(EnrolmentFactory(code="1465011"))
    Advocate.objects.unscoped(reason="test").filter(pk=published.pk).update(publish_contact=True)
    EnrolmentFactory(code="1465", stage=Stage.AGREEMENT_SIGNED)
    EnrolmentFactory(code="1401011", stage=Stage.LETTER_SENT)
    ended = appoint(EnrolmentFactory(code="1401022"))
    Advocate.objects.unscoped(reason="test").filter(pk=ended.pk).update(ended_on=date(2025, 6, 30))
    suspended = EnrolmentFactory(code="1401033")
    appoint(suspended)
    Enrolment.objects.unscoped(reason="test").filter(pk=suspended.pk).update(stage=Stage.SUSPENDED)
    unit("1401034")  # the town of the urban-rural gmina 140103: not a gmina of its own
    unit("1402052")  # a rural gmina never contacted (and its powiat 1402)
    retired = unit("1401062")
    Unit.objects.filter(pk=retired.pk).update(valid_to=date(2024, 12, 31))
    appoint(EnrolmentFactory(code="1401062"))  # left the register: counted nowhere
    appoint(EnrolmentFactory(code="2862011"))  # contact not published
    EnrolmentFactory(code="2862", stage=Stage.WITHDRAWN)
    EnrolmentFactory(code="2801012", stage=Stage.SELECTED)


def oracle(prefix: str) -> dict[str, tuple[Counter, int, int]]:
    """Per level: stages, units with an advocate in office, all units; the slow obvious way."""
    found = {"gmina": [Counter(), 0, 0], "powiat": [Counter(), 0, 0]}
    for each in Unit.objects.filter(code__startswith=prefix):
        if each.valid_to is not None:
            continue
        if each.level == Unit.Level.POWIAT:
            level = "powiat"
        elif each.level == Unit.Level.GMINA and each.kind in ("1", "2", "3"):
            level = "gmina"
        else:
            continue
        enrolment = Enrolment.objects.unscoped(reason="oracle").filter(unit=each).first()
        stage = enrolment.stage if enrolment else Stage.NOT_CONTACTED
        in_office = (
            enrolment is not None
            and stage == Stage.APPOINTED
            and Advocate.objects.unscoped(reason="oracle").filter(enrolment=enrolment, ended_on=None).exists()
        )
        found[level][0][stage] += 1
        found[level][1] += int(in_office)
        found[level][2] += 1
    return {level: tuple(values) for level, values in found.items()}


def as_oracle(tally: coverage.Tally) -> tuple[Counter, int, int]:
    return (
        Counter({stage: count for stage, count in tally.stages.items() if count}),
        tally.with_advocate,
        tally.total,
    )


@pytest.mark.parametrize("prefix", ["14", "28", "1401"])
def test_numbers_by_stage_equal_the_oracle(spread, prefix):
    summary = coverage.summarise([prefix])
    expected = oracle(prefix)
    assert as_oracle(summary.gminas) == expected["gmina"]
    assert as_oracle(summary.powiats) == expected["powiat"]
    # Grouped by voivodeship (the national dashboard), the same numbers.
    coarse = coverage.summarise([prefix], per_powiat=False)
    assert as_oracle(coarse.gminas) == expected["gmina"] and as_oracle(coarse.powiats) == expected["powiat"]
    assert coarse.by_powiat == [] and summary.by_powiat
    assert [as_oracle(line.gminas) for line in coarse.by_voivodeship] == [
        as_oracle(line.gminas) for line in summary.by_voivodeship
    ]


def test_the_numbers_of_mazowieckie(spread):
    summary = coverage.summarise(["14"])
    # Gminas: 1465011, 1401011, 1401022, 1401033, 1402052 (not the town 1401034, not the retired 1401062).
    assert summary.gminas.total == 5
    assert summary.gminas.with_advocate == 1  # 1401022's advocate ended, 1401033 is suspended
    assert summary.gminas.with_advocate_percent == 20.0
    assert summary.gminas.stages[Stage.NOT_CONTACTED] == 1
    assert summary.gminas.enrolled == 4 and summary.gminas.enrolled_percent == 80.0
    assert summary.powiats.total == 3  # 1465, 1401, 1402
    assert summary.powiats.stages[Stage.AGREEMENT_SIGNED] == 1
    assert summary.powiats.with_advocate == 0
    lines = {stage: (count, share) for stage, _label, count, share in summary.gminas.lines}
    assert lines[Stage.APPOINTED] == (2, 40.0)
    assert sum(count for count, _share in lines.values()) == summary.gminas.total
    by_powiat = {line.code: line for line in summary.by_powiat}
    assert set(by_powiat) == {"1401", "1402", "1465"}
    assert by_powiat["1401"].gminas.total == 3 and by_powiat["1401"].stage == Stage.NOT_CONTACTED
    assert by_powiat["1465"].stage == Stage.AGREEMENT_SIGNED and by_powiat["1465"].is_city
    assert [line.code for line in coverage.summarise(["02", "14", "28"]).by_voivodeship] == ["14", "28"]


def test_the_dashboard_costs_the_same_few_queries_whatever_the_size(spread, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        coverage.summarise(["14", "28"])
    with django_assert_max_num_queries(2):
        coverage.unit_rows(["14", "28"])


def test_the_regional_coordinator_sees_the_own_voivodeship(english, spread, mazowsze_coordinator):
    login_verified(english, mazowsze_coordinator)
    response = english.get(PAGE, {"woj": "28"})  # another voivodeship is not the user's: ignored
    assert response.status_code == 200
    summary = response.context["summary"]
    assert as_oracle(summary.gminas) == oracle("14")["gmina"]
    assert response.context["territory"].region == "14"
    rows = response.context["rows"]
    assert [row.code for row in rows] == [
        "1401",
        "1401011",
        "1401022",
        "1401033",
        "1402",
        "1402052",
        "1465",
        "1465011",
    ]
    text = response.content.decode()
    assert "20.0%" in text and "2862011" not in text
    assert 'data-teryt="1465011" data-category="3"' in text


def test_the_national_coordinator_sees_all_and_picks_a_region(english, spread, national_coordinator):
    login_verified(english, national_coordinator)
    everything = english.get(PAGE)
    assert everything.context["territory"].region == ""
    assert everything.context["rows"] == []  # the table of units is per voivodeship
    assert [line.code for line in everything.context["summary"].by_voivodeship] == ["14", "28"]
    assert as_oracle(everything.context["summary"].gminas) == oracle("")["gmina"]
    warmia = english.get(PAGE, {"woj": "28"})
    assert warmia.context["territory"].region == "28"
    assert [row.code for row in warmia.context["rows"]] == ["2801", "2801012", "2862", "2862011"]


def test_other_roles_are_refused(client, advocate_146501, owes_advisor):
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    for user in (advocate_146501, owes_advisor):
        client.force_login(user)
        for url in (PAGE, MAP, CSV, XLSX):
            assert client.get(url).status_code == 403


def test_the_map_joins_gminas_on_six_digits(spread, client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    answer = client.get(MAP, {"poziom": "gmina"}).json()
    assert answer["digits"] == 6
    # Every gmina of the voivodeship and nothing else; the town 1401034 shares its gmina's key.
    assert answer["counts"] == {"146501": 3, "140101": 1, "140102": 2, "140103": 4, "140205": 0}
    assert [category["value"] for category in answer["categories"]] == [0, 1, 2, 3, 4]
    assert all(category["colour"].startswith("#") for category in answer["categories"])
    powiats = client.get(MAP, {"poziom": "powiat"}).json()
    assert powiats["counts"] == {"1401": 0, "1402": 0, "1465": 2}
    assert client.get(MAP, {"poziom": "wojewodztwo"}).status_code == 400


def test_the_map_of_the_country_has_every_unit(spread, client, national_coordinator):
    login_verified(client, national_coordinator)
    counts = client.get(MAP).json()["counts"]
    assert counts["286201"] == 3 and counts["280101"] == 1
    assert all(len(key) == 6 for key in counts)


def test_the_csv_holds_the_table(spread, english, mazowsze_coordinator):
    login_verified(english, mazowsze_coordinator)
    rows = english.get(PAGE).context["rows"]
    response = english.get(CSV)
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][0] == "TERYT code"
    assert [line[0] for line in table[1:]] == [row.code for row in rows]
    by_code = {line[0]: line for line in table[1:]}
    assert by_code["1465011"][5:8] == ["advocate appointed", "2025-01-02", "yes"]
    assert by_code["1401022"][7] == "no"  # the advocate ended
    assert by_code["1402052"][5:8] == ["not contacted", "", "no"]
    assert by_code["1401011"][3:5] == ["Powiat Próbny 1401", "Próbne 14"]
    assert Counter(line[7] for line in table[1:])["yes"] == response_summary(english).gminas.with_advocate


def response_summary(client):
    return client.get(PAGE).context["summary"]


def test_the_xlsx_holds_the_table_and_the_numbers(spread, english, national_coordinator):
    login_verified(english, national_coordinator)
    response = english.get(XLSX, {"woj": "14"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    units, summary = (list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    assert [line[0] for line in units[1:]] == [
        row.code for row in english.get(PAGE, {"woj": "14"}).context["rows"]
    ]
    numbers = {(level, stage): (count, share) for level, stage, count, share in summary[1:]}
    assert numbers[("gminas", "advocate in office")] == (1, 20.0)
    assert numbers[("gminas", "advocate appointed")] == (2, 40.0)
    assert numbers[("gminas", "all")] == (5, 100.0)
    assert numbers[("powiats", "agreement signed")] == (1, 33.3)


def test_a_text_that_looks_like_a_formula_is_not_one(db, english, mazowsze_coordinator):
    odd = unit("1403011")
    Unit.objects.filter(pk=odd.pk).update(name="=HYPERLINK(1)")
    login_verified(english, mazowsze_coordinator)
    body = english.get(CSV).content.decode("utf-8")
    assert "'=HYPERLINK(1)" in body


# --- the public list ------------------------------------------------------------------------------


def test_the_public_list_shows_only_advocates_in_office(spread, english):
    response = english.get(PUBLIC)
    assert response.status_code == 200
    codes = [row.code for row in response.context["rows"]]
    # Not the ended advocate (1401022), the suspended JST (1401033), the ones in earlier stages.
    assert codes == ["1465011", "2862011"]  # nor 1401062, which left the register
    text = response.content.decode()
    assert "rzecznik.1465011@lacznik.example" in text
    # 2862011's advocate did not agree to publish the e-mail.
    assert "rzecznik.2862011@lacznik.example" not in text
    assert "not published" in text


def test_the_public_list_filters_by_voivodeship_and_powiat(spread, english):
    assert [row.code for row in english.get(PUBLIC, {"woj": "28"}).context["rows"]] == ["2862011"]
    response = english.get(PUBLIC, {"woj": "14", "pow": "1465"})
    assert [row.code for row in response.context["rows"]] == ["1465011"]
    assert response.context["form"].has_powiats
    # A powiat of another voivodeship, or an unknown value, narrows nothing beyond the voivodeship.
    assert len(english.get(PUBLIC, {"woj": "14", "pow": "2862"}).context["rows"]) == 1
    assert len(english.get(PUBLIC, {"woj": "x"}).context["rows"]) == 2


def test_the_public_list_has_pages(db, english):
    for number in range(1, 53):
        appoint(EnrolmentFactory(code=f"1465{number:02d}2"))
    first = english.get(PUBLIC)
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 52
    assert len(english.get(PUBLIC, {"page": 2}).context["rows"]) == 2


# --- the map in Chromium ------------------------------------------------------------------------

from tests.harness.browser import AXE, AXE_RUN, AXE_TAGS  # noqa: E402
from tests.harness.conftest import browser  # noqa: E402,F401  (the fixture: Debian's Chromium)

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener(
  'securitypolicyviolation', (e) => window.__cspViolations.push(e.effectiveDirective));
"""


def _signed_in_context(browser, live_server, user, **options):  # noqa: F811
    from django.test import Client

    client = login_verified(Client(), user)
    context = browser.new_context(base_url=live_server.url, locale="pl-PL", **options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


@pytest.mark.browser
def test_the_map_colours_each_unit_by_its_stage(browser, live_server, transactional_db):  # noqa: F811
    from tests.conftest import ALL_VOIVODESHIPS
    from tests.factories import UserFactory, assign

    appoint(EnrolmentFactory(code="1465011"))
    EnrolmentFactory(code="1401011", stage=Stage.LETTER_SENT)
    EnrolmentFactory(code="1402", stage=Stage.WITHDRAWN)
    coordinator = assign(UserFactory(email="koordynator.mapa@lacznik.example"), "regional_coordinator", "14")
    context = _signed_in_context(browser, live_server, coordinator)
    context.add_init_script(CSP_LISTENER)
    errors, foreign = [], []
    context.on(
        "request", lambda request: request.url.startswith(live_server.url) or foreign.append(request.url)
    )
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(PAGE, wait_until="load")
    page.wait_for_selector("#mapa[data-choropleth-state=ready]", timeout=30000)
    assert page.locator("#mapa path.leaflet-interactive").count() == 2477
    # Gminas join on their first 6 digits; the colour is the stage's category.
    assert page.locator('#mapa path[data-teryt="146501"]').get_attribute("fill") == coverage.APPOINTED.colour
    assert (
        page.locator('#mapa path[data-teryt="140101"]').get_attribute("fill") == coverage.IN_PIPELINE.colour
    )
    assert page.locator('#mapa path[data-teryt="286201"]').get_attribute("fill") == "#d9dee4"  # outside
    legend = page.locator(".choropleth-legend li")
    assert legend.count() == len(coverage.CATEGORIES) + 1
    page.goto(f"{PAGE}?poziom=powiat", wait_until="load")
    page.wait_for_selector("#mapa[data-choropleth-state=ready]", timeout=30000)
    assert page.locator('#mapa path[data-teryt="1402"]').get_attribute("fill") == coverage.LEFT.colour
    assert page.evaluate("window.__cspViolations") == []
    assert errors == [] and foreign == []
    context.close()

    national = assign(
        UserFactory(email="krajowy.mapa@lacznik.example"), "national_coordinator", ALL_VOIVODESHIPS
    )
    axe_context = _signed_in_context(browser, live_server, national, bypass_csp=True)
    page = axe_context.new_page()
    page.goto(f"{PAGE}?poziom=powiat&woj=14", wait_until="load")
    page.wait_for_selector("#mapa[data-choropleth-state=ready]", timeout=30000)
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN, AXE_TAGS) == []
    page.goto(PUBLIC, wait_until="load")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN, AXE_TAGS) == []
    axe_context.close()
