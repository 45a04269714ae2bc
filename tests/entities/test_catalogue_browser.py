"""The catalogue's territory pickers in Chromium, with htmx on (issue #5 point 1): choosing a
voivodeship brings its powiats, a powiat its gminas, and a new voivodeship forgets the old powiat."""

import pytest

from tests.harness.conftest import browser  # noqa: F401  (the fixture: Debian's Chromium)

from .factories import EntityFactory, gmina


@pytest.mark.browser
def test_the_pickers_narrow_step_by_step_without_reloading(browser, live_server, transactional_db):  # noqa: F811
    gmina("1465011")
    gmina("2862011")
    EntityFactory(name="Podmiot Mazowiecki", code="1465011")
    EntityFactory(name="Podmiot Warmiński", code="2862011")
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/katalog/", wait_until="load")
    apply = page.locator("#katalog-filtry button.btn-outline-primary")
    results = page.locator("#wyniki")

    page.select_option("#id_woj", "14")
    apply.click()
    page.wait_for_selector("#id_pow")  # brought by the search, out of band
    assert "Podmiot Mazowiecki" in results.inner_text() and "Podmiot Warmiński" not in results.inner_text()
    page.select_option("#id_pow", "1465")
    apply.click()
    page.wait_for_selector("#id_gmi")
    assert "woj=14" in page.url and "pow=1465" in page.url  # the address can be shared

    # Another voivodeship: its powiats, and none of the old choices kept (no contradiction).
    page.select_option("#id_woj", "28")
    apply.click()
    page.wait_for_selector("#id_pow option[value='2862']", state="attached")
    assert page.locator("#id_gmi").count() == 0
    assert "Podmiot Warmiński" in results.inner_text() and "Podmiot Mazowiecki" not in results.inner_text()
    assert "pow=1465" not in page.url
    assert errors == []
    context.close()
