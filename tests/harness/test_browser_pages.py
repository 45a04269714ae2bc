"""OPS-02, WEB-02, WEB-03, DP-06 in a real browser: every page each persona reaches passes axe-core
(WCAG 2.1 A and AA), sends the security headers, and runs with 0 CSP violations, 0 JavaScript errors
and 0 requests to any host but the live server."""

from urllib.parse import urlsplit

import pytest

from .browser import Watch, crawl, seed_pages, sign_in
from .known_problems import KNOWN_PROBLEMS
from .personas import BY_KEY, PERSONA_KEYS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("persona_key", PERSONA_KEYS)
def test_every_page_is_accessible_and_clean(browser, live_server, live_world, persona_key):
    persona = BY_KEY[persona_key]
    user = live_world.user(persona)
    base_url = live_server.url
    seeds = seed_pages(live_world, persona, user)

    # The crawl runs under the real CSP, and axe-core checks each page as it shows it.
    context = browser.new_context(base_url=base_url, locale="pl-PL")
    watch = Watch(origin=base_url)
    watch.attach(context)
    page = context.new_page()
    watch.attach_page(page)
    if user is not None:
        sign_in(page, persona, user, base_url)
    visited = crawl(page, base_url, seeds, signed_in=user is not None, watch=watch)
    context.close()

    # (page, problem) pairs; errors and requests name the page they happened on.
    found = [(visit.url, problem) for visit in visited for problem in visit.problems]
    found += [(url, error) for url, error in watch.errors]
    found += [(page_url, f"request to another host: {url}") for page_url, url in watch.foreign_requests]
    pages = sorted({visit.url for visit in visited if visit.html and visit.status < 400})

    known = [entry for entry in KNOWN_PROBLEMS if persona_key in entry.personas]
    used = set()
    problems = []
    for url, problem in found:
        covering = [entry for entry in known if entry.covers(persona_key, urlsplit(url).path, problem)]
        used.update(id(entry) for entry in covering)
        if not covering:
            problems.append(f"{url}: {problem}")
    problems += [f"known problem no longer seen, remove it: {e.source}" for e in known if id(e) not in used]
    assert len(pages) >= 3, f"the crawl reached too little: {pages}"
    summary = f"{len(problems)} problems on {len(pages)} pages as {persona_key}:\n"
    assert not problems, summary + "\n".join(problems)


CANARY_CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
CANARY_PAGES = {
    # Under the strict policy: an inline script without a nonce is blocked (a CSP violation).
    "/canary/csp/": (
        CANARY_CSP,
        "<!DOCTYPE html><html lang='pl'><title>c</title><script>window.ran = 1</script>",
    ),
    # Without a policy: a third-party image, a failing script, an image without text, no language.
    "/canary/loose/": (
        None,
        "<!DOCTYPE html><html><title>c</title><img src='http://cdn.example.invalid/x.png'>"
        "<script>undefinedFunction()</script>",
    ),
}


def test_the_harness_notices_violations(browser, live_server):
    """The detectors themselves: pages with known faults, served on the live server's origin."""
    base_url = live_server.url
    context = browser.new_context(base_url=base_url)
    watch = Watch(origin=base_url)
    watch.attach(context)

    def serve(route):
        csp, body = CANARY_PAGES[route.request.url[len(base_url) :]]
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            **({"Content-Security-Policy": csp} if csp else {}),
        }
        route.fulfill(status=200, headers=headers, body=body)

    context.route(f"{base_url}/canary/**", serve)  # the last route registered is tried first
    page = context.new_page()
    watch.attach_page(page)
    visited = crawl(page, base_url, list(CANARY_PAGES), signed_in=False, watch=watch)
    problems = {visit.url[len(base_url) :]: visit.problems for visit in visited}
    assert any("CSP violation" in problem for problem in problems["/canary/csp/"]), problems
    assert any("no X-Content-Type-Options" in problem for problem in problems["/canary/loose/"])
    assert [url for _page, url in watch.foreign_requests] == ["http://cdn.example.invalid/x.png"]
    assert any("undefinedFunction" in error for _page, error in watch.errors), watch.errors
    context.close()
    # axe-core ran in the crawl: under the strict policy (where it finds nothing wrong with a page that
    # has its language and title) and on the faulty page, whose faults it names.
    rules = {problem.split()[1] for problem in problems["/canary/loose/"] if problem.startswith("axe ")}
    assert {"html-has-lang", "image-alt"} <= rules, problems
    assert not [problem for problem in problems["/canary/csp/"] if problem.startswith("axe ")], problems
