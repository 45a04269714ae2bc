"""OPS-02: the site works from the keyboard alone, with the focus always visible and never trapped."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from lacznik.territory.policy import unit_sample

from .personas import BY_KEY, PASSWORD

pytestmark = pytest.mark.browser

# A description of the focused element and whether its focus indicator can be seen.
FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const path = [];
  for (let node = el; node && node.nodeType === 1 && path.length < 4; node = node.parentElement) {
    path.unshift(node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') +
                 (node.classList.length ? '.' + [...node.classList].slice(0, 2).join('.') : ''));
  }
  return {
    selector: path.join(' > '),
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
    text: (el.innerText || '').trim().slice(0, 40),
    href: el.getAttribute('href'), classes: [...el.classList],
    visibleFocus: Boolean(outline || shadow),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 &&
              box.top < innerHeight && box.left < innerWidth && style.visibility !== 'hidden',
    inNav: Boolean(el.closest('header nav')),
  };
}
"""


def _tab(page) -> dict | None:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


def _tab_to(page, predicate, limit: int = 40) -> dict:
    for _ in range(limit):
        focused = _tab(page)
        if focused and predicate(focused):
            return focused
    raise AssertionError(f"{limit} presses of Tab never reached the element on {page.url}")


@pytest.fixture
def page(browser, live_server, live_world):
    context = browser.new_context(
        base_url=live_server.url, locale="pl-PL", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    yield page
    context.close()


def test_first_tab_reaches_a_visible_skip_link_that_moves_focus_to_main(page):
    page.goto("/")
    focused = _tab(page)
    assert focused is not None and "skip-link" in focused["classes"], focused
    assert focused["onScreen"], "the skip link is focused but not visible"
    assert focused["visibleFocus"], "the skip link shows no focus indicator"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "tresc"
    # The next Tab continues inside the main content or after it, not back in the header.
    after = _tab(page)
    assert after is None or not after["inNav"], after


def test_navigation_is_reachable_in_order_and_focus_is_always_visible_and_never_trapped(page):
    page.goto("/")
    nav_targets = page.eval_on_selector_all(
        "header nav a:visible, header nav button:visible", "els => els.map(e => (e.innerText || '').trim())"
    )
    sequence = []
    invisible = []
    for _ in range(60):
        focused = _tab(page)
        sequence.append(focused)
        if focused is not None and not focused["visibleFocus"]:
            invisible.append(focused["selector"])
    reached_nav = [f["text"] for f in sequence if f and f["inNav"]]
    for label in nav_targets:
        assert label in reached_nav, f"navigation item {label!r} never receives focus; reached {reached_nav}"
    assert not invisible, "focused without a visible indicator: " + ", ".join(sorted(set(invisible)))
    # Focus moves with every press: no element keeps it (a trap); leaving the page to the browser
    # (None) and coming back round is fine.
    stuck = [
        a["selector"]
        for a, b in zip(sequence, sequence[1:], strict=False)
        if a is not None and b is not None and a == b
    ]
    assert not stuck, f"focus stayed on {stuck}"
    assert len({f["selector"] + str(f["href"]) for f in sequence if f}) >= len(nav_targets)


def test_sign_in_with_the_keyboard_only(page, live_world):
    persona = BY_KEY["advocate_146501"]
    page.goto(reverse("accounts:login"))
    # The e-mail field may hold the focus already (autofocus); otherwise Tab gets there.
    if page.evaluate("document.activeElement.id") != "id_username":
        _tab_to(page, lambda f: f["id"] == "id_username")
    page.keyboard.type(persona.email)
    focused = _tab(page)
    assert focused["id"] == "id_password", focused
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path != reverse("accounts:login"), "still on the sign-in page"
    assert page.locator(f"form[action='{reverse('accounts:logout')}']").count() == 1


def test_territory_search_with_the_keyboard_only(page):
    marker = unit_sample("1465011").marker
    page.goto(reverse("territory:index"))
    focused = _tab_to(page, lambda f: f["name"] == "q")
    assert focused["visibleFocus"]
    page.keyboard.type(marker.split()[-1])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("q") == [marker.split()[-1]], page.url
    assert marker in page.inner_text("main"), f"searching for {marker.split()[-1]} did not find {marker}"
