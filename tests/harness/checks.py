"""What the harness asserts about one response: its outcome against the policy, its headers, and
whether the database moved."""

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse

from lacznik.core.policy import (
    NOBODY,
    Endpoint,
    GroupPolicy,
    Policy,
    all_groups,
    all_policies,
    endpoints,
    group_for,
)

from .personas import Persona

# --- outcomes -------------------------------------------------------------------------------------

OK, LOGIN, SECOND_FACTOR, FORBIDDEN, HIDDEN, NOT_ALLOWED, ERROR = (
    "ok",
    "login",
    "second_factor",
    "forbidden",
    "hidden",
    "not_allowed",
    "error",
)


def _paths(*names: str) -> list[str]:
    found = []
    for name in names:
        try:
            found.append(reverse(name))
        except NoReverseMatch:
            pass
    return found


def classify(response: HttpResponse) -> str:
    """One word for an answer: ok, login (redirect to a sign-in page, or 401), second_factor,
    forbidden (403), hidden (404), not_allowed (405) or error (5xx)."""
    status = response.status_code
    if status >= 500:
        return ERROR
    if status == 401:
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    if status == 405:
        return NOT_ALLOWED
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.get("Location", "")).path
        if any(target == path for path in _paths("accounts:login", "otpadmin:login")):
            return LOGIN
        if any(target == path for path in _paths("accounts:otp_verify", "accounts:otp_setup")):
            return SECOND_FACTOR
    return OK


def expected(policy: Policy, persona: Persona, user, method: str, code: str | None) -> set[str]:
    """The outcomes the policy allows for `persona` calling the URL with `method` on an object in
    `code` (None: the URL names no object)."""
    in_scope = code is None or persona.covers(code)
    if policy.expect is not None:
        special = policy.expect(user, method, in_scope)
        if special is not None:
            return special
    audience = policy.audience(method)
    if audience == NOBODY:
        # The view refuses the method; a sign-in or permission check in front of it may answer first.
        return {NOT_ALLOWED, LOGIN, FORBIDDEN}
    if not audience.admits(user):
        if persona.anonymous:
            return {LOGIN}
        # A wrong role gets 403; on a foreign object 404 leaks nothing either.
        return {FORBIDDEN} if in_scope or not policy.scoped else {FORBIDDEN, HIDDEN}
    if not in_scope and policy.scoped:
        return {FORBIDDEN, HIDDEN}
    return {OK}


def visible_text(response: HttpResponse) -> str:
    """The response as a reader sees it (HTML entities and JSON escapes undone)."""
    content_type = response.get("Content-Type", "")
    body = response.content.decode(response.charset or "utf-8", errors="replace")
    if "json" in content_type:
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            return body
    return html.unescape(body)


# --- the URL table --------------------------------------------------------------------------------


@dataclass
class Entry:
    endpoint: Endpoint
    policy: Policy | None
    group: GroupPolicy | None = None


def url_entries() -> list[Entry]:
    """Every URL pattern with the policy that governs it (None when nothing declares one)."""
    policies = all_policies()
    groups = all_groups()
    entries = []
    for endpoint in endpoints():
        if endpoint.name in policies:
            entries.append(Entry(endpoint, policies[endpoint.name]))
            continue
        group = group_for(endpoint, groups)
        entries.append(Entry(endpoint, group.policy if group else None, group))
    return entries


# --- security headers (WEB-02) --------------------------------------------------------------------

UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*", "data:")
NONCE = re.compile(r"'nonce-[A-Za-z0-9+/=_-]{16,}'")


def parse_csp(value: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(headers, *, signed_in: bool, html_page: bool, body: str = "") -> list[str]:
    """What is missing or too loose in a response's security headers (empty list: all good)."""
    problems = []
    csp_value = headers.get("Content-Security-Policy") or headers.get("content-security-policy")
    if not csp_value:
        problems.append("no Content-Security-Policy")
    else:
        csp = parse_csp(csp_value)
        if csp.get("default-src") != ["'self'"]:
            problems.append(f"CSP default-src is {csp.get('default-src')}, not 'self'")
        for directive, wanted in (
            ("object-src", "'none'"),
            ("base-uri", "'none'"),
            ("frame-ancestors", "'none'"),
        ):
            if csp.get(directive) != [wanted]:
                problems.append(f"CSP {directive} is {csp.get(directive)}, not {wanted}")
        script_src = csp.get("script-src", csp.get("default-src", []))
        for directive, sources in csp.items():
            # data: images are fine (icons); nowhere else, and no unsafe-* or wildcard anywhere.
            loose = [
                s for s in sources if s in UNSAFE_SOURCES and not (s == "data:" and directive == "img-src")
            ]
            if loose:
                problems.append(f"CSP {directive} allows {' '.join(loose)}")
        if html_page:
            # Scripts come from this origin or carry the page's nonce; nothing else runs.
            nonces = [s for s in script_src if NONCE.fullmatch(s)]
            others = [s for s in script_src if s != "'self'" and not NONCE.fullmatch(s)]
            if others:
                problems.append(f"CSP script-src allows more than 'self' and a nonce: {others}")
            nonce = nonces[0][len("'nonce-") : -1] if nonces else None
            for tag in re.findall(r"<script\b[^>]*>", body, flags=re.IGNORECASE):
                is_data = re.search(r"type=[\"']?application/(ld\+)?json", tag, flags=re.IGNORECASE)
                if "src=" in tag or is_data:
                    continue
                if nonce is None:
                    problems.append("an inline script, but CSP script-src has no nonce")
                elif f'nonce="{nonce}"' not in tag:
                    problems.append(f"inline script without the page's nonce: {tag[:80]}")
    if (headers.get("X-Content-Type-Options") or "").lower() != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if not headers.get("Cross-Origin-Opener-Policy"):
        problems.append("no Cross-Origin-Opener-Policy")
    content_type = headers.get("Content-Type") or ""
    if content_type.startswith("text/") and "charset=" not in content_type.lower():
        problems.append(f"Content-Type without charset: {content_type}")
    if signed_in:
        cache_control = (headers.get("Cache-Control") or "").lower()
        if "no-store" not in cache_control:
            problems.append(f"signed in, but Cache-Control is {cache_control!r} (no no-store)")
    return problems


def response_header_problems(response: HttpResponse, *, signed_in: bool) -> list[str]:
    content_type = response.get("Content-Type", "")
    html_page = content_type.startswith("text/html") and bool(response.content)
    body = response.content.decode(response.charset or "utf-8", errors="replace") if html_page else ""
    return header_problems(response.headers, signed_in=signed_in, html_page=html_page, body=body)


# --- the database did not move (WEB-06, AC-01) ----------------------------------------------------

# Tables a read may write on purpose; everything else (domain data and history) must stay the same.
IGNORED_TABLES = {
    "django_session": "a request may refresh its own session (last-seen time for the idle timeout)",
    "lacznik_cache": "the cache",
}


@dataclass
class Fingerprint:
    tables: dict[str, str] = field(default_factory=dict)

    def changed_since(self, before: "Fingerprint") -> list[str]:
        return sorted(name for name, digest in self.tables.items() if before.tables.get(name) != digest)


def fingerprint() -> Fingerprint:
    """A digest of every row of every table (counts alone would miss an UPDATE)."""
    result = Fingerprint()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in IGNORED_TABLES:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            result.tables[table] = hashlib.sha1("\n".join(rows).encode(), usedforsecurity=False).hexdigest()
    return result
