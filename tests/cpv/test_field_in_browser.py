"""The CPV code field in Chromium: suggestions as the user types, picked by keyboard or mouse, the page
clean under axe-core and the strict CSP; and the same form working with JavaScript off."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.harness.browser import AXE_RUN, AXE_TAGS, axe_violations
from tests.harness.conftest import browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.urls("tests.cpv.widget_urls")


@pytest.fixture
def live_dictionary(transactional_db, live_server):
    call_command("import_cpv", verbosity=0)
    return live_server.url


def test_typing_words_suggests_codes_and_the_keyboard_picks_one(browser, live_dictionary):  # noqa: F811
    context = browser.new_context(base_url=live_dictionary, locale="pl-PL")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/oferta-cpv/")
    field = page.get_by_label("Kod CPV oferty")
    field.press_sequentially("posilki szkolne", delay=20)
    # A pause in the typing may show the list of a part of the words first; the whole phrase's list follows.
    status = page.locator("#id_cpv_cpv_status")
    expect(status).to_have_text("Pasują 2 kody; lista jest poniżej.")
    suggestion = page.locator('[data-cpv-pick="15894210-6"]')
    # The more general code first: 55523100-3 "Usługi w zakresie posiłków szkolnych", then the supplies.
    field.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.cpvPick") == "55523100-3"
    page.keyboard.press("ArrowDown")
    assert suggestion.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert field.input_value() == "15894210-6"
    assert field.evaluate("element => element === document.activeElement")
    assert page.locator("[data-cpv-pick]").count() == 0
    assert page.locator("#id_cpv_cpv_status").inner_text() == "Wybrano: 15894210-6 Posiłki szkolne"
    # The chosen code's name is shown under the field, not only said.
    assert page.locator("#id_cpv_cpv_chosen").inner_text() == "Posiłki szkolne"
    page.get_by_role("button", name="Zapisz").click()
    page.locator("#chosen").wait_for()
    assert page.locator("#chosen").inner_text() == "15894210-6 Posiłki szkolne"
    assert not errors, errors

    # Escape closes the list; the mouse picks as well.
    field.fill("")
    field.press_sequentially("5552", delay=20)
    expect(status).to_have_text("Pasuje 8 kodów; lista jest poniżej.")
    field.press("Escape")
    assert page.locator("[data-cpv-pick]").count() == 0
    field.press_sequentially("1", delay=20)  # "55521" narrows the list
    expect(status).to_have_text("Pasują 3 kody; lista jest poniżej.")
    page.locator('[data-cpv-pick="55521000-8"]').click()
    assert field.input_value() == "55521000-8"

    # A click elsewhere closes the list (it would cover the fields below).
    field.fill("")
    field.press_sequentially("5552", delay=20)
    expect(status).to_have_text("Pasuje 8 kodów; lista jest poniżej.")
    assert page.locator("#id_cpv_cpv_chosen").inner_text() == ""  # typing forgets the name shown
    page.mouse.click(1, 1)
    assert page.locator("[data-cpv-pick]").count() == 0
    context.close()


def test_the_page_with_the_field_passes_axe_with_suggestions_open(browser, live_dictionary):  # noqa: F811
    context = browser.new_context(base_url=live_dictionary, locale="pl-PL", bypass_csp=True)
    page = context.new_page()
    assert axe_violations(page, "/oferta-cpv/?cpv=74700000-7") == []
    field = page.get_by_label("Kod CPV oferty")
    field.fill("")
    field.press_sequentially("uslugi", delay=20)
    page.locator("[data-cpv-pick]").first.wait_for()
    assert page.evaluate(AXE_RUN, AXE_TAGS) == []
    context.close()


def test_without_javascript_the_code_is_typed(browser, live_dictionary):  # noqa: F811
    context = browser.new_context(base_url=live_dictionary, locale="pl-PL", java_script_enabled=False)
    page = context.new_page()
    page.goto("/oferta-cpv/")
    page.get_by_label("Kod CPV oferty").fill("74700000-7")
    page.get_by_role("button", name="Zapisz").click()
    assert "nie ma w słowniku CPV 2008" in page.locator("#cpv-error").inner_text()
    page.get_by_label("Kod CPV oferty").fill("55520000")
    page.get_by_role("button", name="Zapisz").click()
    assert page.locator("#chosen").inner_text() == "55520000-1 Usługi dostarczania posiłków"
    context.close()
