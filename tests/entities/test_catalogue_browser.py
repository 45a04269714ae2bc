"""The catalogue in Chromium, with htmx on (issue #5 point 1): choosing a voivodeship brings its
powiats at once, a powiat its gminas, a new voivodeship forgets the old powiat; a search's address
carries only the filters in use, is ranked, and the focus moves to the new count; on a phone the
results come before the filters."""

import pytest
from playwright.sync_api import expect

from tests.harness.conftest import browser  # noqa: F401  (the fixture: Debian's Chromium)

from .factories import EntityFactory, gmina


def settled(page) -> None:
    """htmx gives swapped-in pickers their behaviour when the swap settles (20 ms later): a person
    cannot choose sooner, a test must wait."""
    page.wait_for_selector("#teren:not(.htmx-added)", state="attached")
    page.wait_for_selector("#wyniki:not(.htmx-settling)", state="attached")


@pytest.mark.browser
def test_the_pickers_narrow_step_by_step_without_reloading(browser, live_server, transactional_db):  # noqa: F811
    gmina("1465011")
    gmina("2862011")
    gmina("1421011")
    EntityFactory(name="Podmiot Mazowiecki", code="1465011")
    EntityFactory(name="Podmiot Podwarszawski", code="1421011")
    EntityFactory(name="Podmiot Warmiński", code="2862011")
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/katalog/", wait_until="load")
    apply = page.locator("#katalog-filtry button.btn-outline-primary")
    results = page.locator("#wyniki")

    # Choosing a voivodeship lists its powiats at once; the results wait for the button.
    page.focus("#id_woj")
    page.select_option("#id_woj", "14")
    page.wait_for_selector("#id_pow")
    assert "Podmiot Warmiński" in results.inner_text()
    assert page.evaluate("document.activeElement.id") == "id_woj"  # the focus stays on the picker
    apply.click()
    expect(results).not_to_contain_text("Warmiński")
    settled(page)
    assert "Podmiot Mazowiecki" in results.inner_text()
    # The focus is on the new count (read out, the results in view); the address holds only the
    # filters in use.
    assert page.evaluate("document.activeElement.id") == "liczba-wynikow"
    assert "woj=14" in page.url and "ps=" not in page.url and "cpv=" not in page.url
    assert page.locator("#liczba-wynikow").inner_text() == "Znaleziono 2 podmioty"

    page.select_option("#id_pow", "1465")
    page.wait_for_selector("#id_gmi")
    apply.click()
    # (Waiting for the new results: the pickers come with them, and a choice made before they arrive
    # would be replaced.)
    expect(results).not_to_contain_text("Podwarszawski")
    assert "pow=1465" in page.url
    settled(page)

    # Another voivodeship: its powiats, and none of the old choices kept (no contradiction).
    page.select_option("#id_woj", "28")
    page.wait_for_selector("#id_pow option[value='2862']", state="attached")
    assert page.locator("#id_gmi").count() == 0
    apply.click()
    expect(results).to_contain_text("Warmiński")
    assert "Podmiot Mazowiecki" not in results.inner_text()
    assert "pow=1465" not in page.url
    assert errors == []
    context.close()


@pytest.mark.browser
def test_a_search_typed_on_a_list_by_name_is_ranked_and_phones_see_results_first(
    browser,  # noqa: F811
    live_server,
    transactional_db,
):
    # By name the weaker hit comes first; ranked, the stronger.
    EntityFactory(
        name="Agencja Usług",
        description="Usługi biurowe, porządkowe, transportowe i remontowe, czasem też catering okazjonalny.",
    )
    EntityFactory(name="Zakład Catering", description="Catering dla szkół: catering codzienny.")
    context = browser.new_context(
        base_url=live_server.url, locale="pl-PL", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/katalog/", wait_until="load")
    # On a phone the filters start closed, so the list follows the search box.
    assert page.locator("#filtry").evaluate("details => details.open") is False
    assert page.locator("#id_woj").is_hidden()
    # The order offered is relevance, so typed words are ranked (not sorted by name as the list is).
    assert page.locator("#id_sort").input_value() == "trafnosc"
    page.fill("#id_q", "catering")
    page.press("#id_q", "Enter")
    page.wait_for_url("**q=catering**")
    assert "sort=trafnosc" in page.url
    assert page.locator("#wyniki .entity-result").count() == 2
    assert "Zakład Catering" in page.locator("#wyniki .entity-result").first.inner_text()
    context.close()


@pytest.mark.browser
def test_back_shows_the_earlier_search_with_its_words(browser, live_server, transactional_db):  # noqa: F811
    EntityFactory(name="Zakład Catering", description="Catering dla szkół.")
    EntityFactory(name="Drukarnia Społeczna", description="Druk ulotek.")
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    page.goto("/katalog/", wait_until="load")
    for words in ("catering", "druk"):
        page.fill("#id_q", words)
        page.press("#id_q", "Enter")
        page.wait_for_url(f"**q={words}**")
        expect(page.locator("#wyniki .entity-result")).to_have_count(1)
    page.go_back()
    page.wait_for_url("**q=catering**")
    # The results and the form agree: searching again searches what the results are for.
    expect(page.locator("#wyniki")).to_contain_text("Zakład Catering")
    expect(page.locator("#id_q")).to_have_value("catering")
    context.close()
