"""OPS-02 for the accounts pages the crawl cannot reach: forms showing errors, the second-factor set-up,
the lockout page and the password pages, checked with axe-core (WCAG 2.1 A/AA) in Chromium, under the
real CSP (0 violations) and with no request to another host."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory, assign
from tests.harness.browser import AXE, AXE_RUN, AXE_TAGS
from tests.harness.conftest import browser  # noqa: F401  (the fixture: Debian's Chromium)

from .conftest import code_for, totp_device

pytestmark = pytest.mark.browser

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener(
  'securitypolicyviolation', (e) => window.__cspViolations.push(e.effectiveDirective));
"""


class Checker:
    """Runs axe on the page as it is now (after a form was sent), and collects every problem."""

    def __init__(self, chromium, base_url):
        self.base_url = base_url
        self.context = chromium.new_context(base_url=base_url, locale="pl-PL")
        self.context.add_init_script(CSP_LISTENER)
        self.foreign = []
        self.context.on("request", self._request)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.axe_context = chromium.new_context(base_url=base_url, locale="pl-PL", bypass_csp=True)

    def _request(self, request):
        if not request.url.startswith(self.base_url) and not request.url.startswith("data:"):
            self.foreign.append(request.url)

    def check(self, label: str) -> None:
        """axe on a copy of the current page (same cookies, CSP lifted only for axe itself)."""
        html = self.page.content()
        violations = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"{label}: CSP blocked {v}" for v in violations]
        self.problems += [f"{label}: {count} h1" for count in [html.count("<h1")] if count != 1]
        axe_page = self.axe_context.new_page()
        axe_page.goto(self.base_url + "/deklaracja-dostepnosci/")
        axe_page.set_content(html, wait_until="load")
        axe_page.add_script_tag(path=str(AXE))
        for violation in axe_page.evaluate(AXE_RUN, AXE_TAGS):
            self.problems.append(
                f"{label}: {violation['id']} ({violation['impact']}): {violation['help']}"
                f" at {violation['nodes'][:4]}"
            )
        axe_page.close()

    def goto(self, path: str, label: str | None = None) -> None:
        self.page.goto(self.base_url + path, wait_until="load")
        self.check(label or path)

    def submit(
        self, label: str, fields: dict[str, str], button: str = "main form button[type=submit]"
    ) -> None:
        for selector, value in fields.items():
            if value == "check":
                self.page.check(selector)
            else:
                self.page.fill(selector, value)
        with self.page.expect_navigation():
            self.page.click(button)
        self.check(label)

    def close(self) -> list[str]:
        self.context.close()
        self.axe_context.close()
        return self.problems + [f"request to another host: {url}" for url in self.foreign]


def test_accounts_pages_pass_axe(browser, live_server, transactional_db):  # noqa: F811
    UserFactory(email="osoba@lacznik.example")
    coordinator = assign(UserFactory(email="kraj@lacznik.example"), Role.NATIONAL_COORDINATOR, "14")
    target = assign(UserFactory(email="cel@lacznik.example"), Role.ADVOCATE, "146501")
    checker = Checker(browser, live_server.url)
    try:
        # The checker itself sees a missing label (a canary, so that a silent axe cannot pass the test).
        checker.page.set_content(
            "<!DOCTYPE html><html lang='pl'><title>c</title><main><h1>c</h1><input></main>"
        )
        checker.check("canary")
        assert any(problem.startswith("canary: label") for problem in checker.problems), checker.problems
        checker.problems.clear()

        checker.goto(reverse("accounts:login"))
        checker.submit(
            "login with a wrong password",
            {"#id_username": "osoba@lacznik.example", "#id_password": "zle haslo"},
        )
        for _ in range(4):
            checker.page.fill("#id_password", "zle haslo")
            with checker.page.expect_navigation():
                checker.page.click("main form button[type=submit]")
        checker.check("lockout page")
        assert "Logowanie chwilowo zablokowane" in checker.page.content()

        checker.goto(reverse("accounts:password_reset"))
        checker.submit("reset with a malformed address", {"#id_email": "to nie adres"})
        checker.submit("reset sent", {"#id_email": "cel@lacznik.example"})
        link = re.search(r"https?://[^/\s]+(/konto/haslo/reset/\S+/)", mail.outbox[-1].body).group(1)
        checker.goto(link, "new password form")
        checker.submit(
            "new password too weak", {"#id_new_password1": "lacznik2024", "#id_new_password2": "lacznik2024"}
        )
        checker.submit(
            "password set",
            {"#id_new_password1": "nowe mocne hasło Celiny", "#id_new_password2": "nowe mocne hasło Celiny"},
        )
        checker.goto(link, "used link")

        # A staff sign-in: set-up of the second factor, with a wrong code first.
        checker.goto(reverse("accounts:login"))
        checker.submit(
            "staff sign-in", {"#id_username": "kraj@lacznik.example", "#id_password": TEST_PASSWORD}
        )
        assert reverse("accounts:otp_setup") in checker.page.url
        checker.check("second factor set-up")
        device = TOTPDevice.objects.get(user=coordinator)
        wrong = "000000" if code_for(device) != "000000" else "111111"
        checker.submit("set-up with a wrong code", {"#id_token": wrong})
        time.sleep(1.1)  # django-otp slows down the next try after a wrong code
        checker.submit("set-up done", {"#id_token": code_for(device)})

        checker.goto(reverse("accounts:profile"))
        checker.goto(reverse("accounts:password_change"))
        checker.submit(
            "password change with errors",
            {"#id_old_password": "nie to", "#id_new_password1": "a", "#id_new_password2": "b"},
        )
        checker.goto(reverse("accounts:user_list") + "?teryt=1x&sort=-email")
        checker.goto(reverse("accounts:user_create"))
        checker.submit("new account with errors", {"#id_first_name": "", "#id_email": "cel@lacznik.example"})
        detail = reverse("accounts:user_detail", args=[target.pk])
        checker.goto(detail)
        checker.submit(
            "role with a bad scope",
            {"#id_prefixes": "14, 1x"},
            button="main form[action$='/role/nowa/'] button[type=submit]",
        )
        checker.goto(reverse("accounts:role_edit", args=[target.pk, Role.ADVOCATE]))
        checker.goto(reverse("accounts:role_revoke", args=[target.pk, Role.ADVOCATE]))
        checker.goto(reverse("accounts:user_status", args=[target.pk]))
        checker.goto(reverse("accounts:user_end_sessions", args=[target.pk]))
        totp_device(target)
        checker.goto(reverse("accounts:user_reset_second_factor", args=[target.pk]))
        checker.goto(reverse("accounts:user_list"))
    finally:
        problems = checker.close()
    assert not problems, "\n".join(problems)
