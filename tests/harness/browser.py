"""Driving Chromium over the live server: signing in for real, crawling, watching CSP, errors and
third-party requests, and running axe-core."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from lacznik.core.policy import NOBODY

from .checks import header_problems, url_entries
from .personas import PASSWORD, Persona, current_token, totp_device

AXE = Path(__file__).resolve().parent.parent / "assets" / "axe.min.js"  # axe-core 4.x from npm
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".xls", ".pdf", ".docx", ".odt", ".zip", ".json", ".geojson", ".xml", ".ics")
PAGES_PER_VIEW = 2
# The admin site has five views per model; one page of each is enough.
ADMIN_PAGES_PER_VIEW = 1
MAX_PAGES = 100

# Record every CSP violation the page reports (init scripts are injected by the browser, not by the
# page, so the policy under test does not block this listener).
CSP_LISTENER = """
window.__lacznikCsp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__lacznikCsp.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${where}`);
});
"""

AXE_RUN = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
}
"""


@dataclass
class Watch:
    """What went wrong in one browser context: (page, text) of JS errors and (page, URL) of requests
    to other hosts. CSP violations are read per page by the crawl."""

    origin: str
    foreign_requests: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    # While the harness's own axe-core runs in a page (it may add inline styles, which the page's CSP
    # refuses with a console error): what the page does is checked, not what the checker does.
    muted: bool = False

    def attach(self, context) -> None:
        context.route("**/*", self._route)
        context.add_init_script(CSP_LISTENER)

    def attach_page(self, page) -> None:
        page.on(
            "pageerror",
            lambda error: self.muted or self.errors.append((page.url, f"JavaScript error: {error}")),
        )
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and not self.muted
                and self.errors.append((page.url, f"console error: {message.text}"))
            ),
        )

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or _origin(url) == self.origin:
            route.continue_()
        else:
            try:
                page_url = route.request.frame.url
            except Exception:  # a request without a frame (a worker)
                page_url = ""
            self.foreign_requests.append((page_url, url))
            route.abort()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_in(page, persona: Persona, user, base_url: str) -> None:
    """The real sign-in: e-mail and password, then the TOTP code for staff roles."""
    page.goto(base_url + reverse("accounts:login"))
    page.fill("#id_username", persona.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action$='/logowanie/'] button[type=submit]")
    path = urlsplit(page.url).path
    if path == reverse("accounts:otp_verify"):
        page.fill("#id_token", current_token(totp_device(user)))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    assert urlsplit(page.url).path not in (reverse("accounts:login"), reverse("accounts:otp_verify")), (
        f"{persona.key} could not sign in: still at {page.url}"
    )
    assert page.locator(f"form[action='{reverse('accounts:logout')}']").count() == 1, "no sign-out button"


def seed_pages(world, persona: Persona, user) -> list[str]:
    """The declared pages the persona may read: each URL without parameters, and each URL naming an
    object with one made in the persona's home territory; of a group (the admin site), its index."""
    paths = []
    for entry in url_entries():
        policy = entry.policy
        if entry.group is not None and entry.endpoint.name.endswith(":index") and policy.read.admits(user):
            paths.append(reverse(entry.endpoint.name))
        if policy is None or entry.group is not None or policy.read == NOBODY:
            continue
        if not policy.read.admits(user):
            continue
        if policy.object is not None:
            paths.append(
                reverse(entry.endpoint.name, kwargs=world.sample(policy.object, persona.home).kwargs)
            )
        elif not entry.endpoint.params and not entry.endpoint.positional:
            paths.append(reverse(entry.endpoint.name))
    return paths


def _skip(path: str, skipped_prefixes: tuple[str, ...]) -> bool:
    return path.lower().endswith(DOWNLOAD_SUFFIXES) or path.startswith(skipped_prefixes)


def view_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


@dataclass
class Visited:
    url: str
    status: int
    html: bool
    problems: list[str]


def crawl(
    page, base_url: str, seeds: list[str], *, signed_in: bool, watch: Watch, axe: bool = True
) -> list[Visited]:
    """Breadth-first over same-origin links from the home page and the seeds, bounded per view; each
    page shown is checked for its headers, CSP violations and (unless `axe` is false) by axe-core."""
    skipped = (
        reverse("accounts:logout"),
        reverse("core:set_language"),
        reverse("otpadmin:logout"),
        "/static/",
    )
    queue = [base_url + "/"] + [base_url + path for path in seeds]
    seen: set[str] = set()
    per_view: dict[str, int] = {}
    visited: list[Visited] = []
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = urlunsplit(("", "", parts.path, parts.query, ""))
        if key in seen or _skip(parts.path, skipped):
            continue
        seen.add(key)
        name = view_name(parts.path)
        limit = ADMIN_PAGES_PER_VIEW if name.startswith("otpadmin:") else PAGES_PER_VIEW
        if per_view.get(name, 0) >= limit:
            continue
        per_view[name] = per_view.get(name, 0) + 1
        shown_at = url
        try:
            response = page.goto(url, wait_until="load")
            shown_at = page.url
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            # A file sent as an attachment (a document, a template): check its answer, read no links.
            response = page.request.get(url)
        problems = []
        status = response.status if response else 0
        headers = response.headers if response else {}
        is_html = (headers.get("content-type") or "").startswith("text/html")
        if status >= 400:
            problems.append(f"answered {status}")
        if response is not None:
            body = response.text() if is_html else ""
            for problem in header_problems(
                _Headers(headers), signed_in=signed_in, html_page=is_html, body=body
            ):
                problems.append(problem)
        if is_html:
            for violation in page.evaluate("window.__lacznikCsp || []"):
                problems.append(f"CSP violation: {violation}")
            # Nothing makes the page wider than the window (a long menu, a table without a scroller).
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"wider than the window by {overflow}px")
            if axe and status < 400:
                watch.muted = True
                try:
                    problems += [f"axe {violation}" for violation in axe_violations(page)]
                    page.evaluate("0")  # a round trip: the run's console messages have arrived before it
                finally:
                    watch.muted = False
            hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map((a) => a.href)")
            for href in hrefs:
                absolute = urljoin(page.url, href).split("#", 1)[0]
                if _origin(absolute) == _origin(base_url):
                    queue.append(absolute)
        visited.append(Visited(url=shown_at, status=status, html=is_html, problems=problems))
    return visited


class _Headers(dict):
    """Playwright's lower-case header dict, read with the names Django uses."""

    def get(self, key, default=None):
        return super().get(key.lower(), default)


def axe_violations(page, url: str | None = None) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of the page (after opening `url` when given): 'rule (impact)
    at selector, …'. axe-core is evaluated through the DevTools protocol, which the page's CSP does not
    govern, so the crawl checks each page as it was served, under its real policy, without loading it
    a second time."""
    if url is not None:
        page.goto(url, wait_until="load")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found = []
    for violation in page.evaluate(AXE_RUN, AXE_TAGS):
        nodes = "; ".join(violation["nodes"][:8])
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — at {nodes}")
    return found


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")
