"""WEB-05: no state-changing request without a CSRF token is served. WEB-06: GET and HEAD change nothing."""

import logging

import pytest

from lacznik.core.policy import UNSAFE_METHODS

from .checks import fingerprint, url_entries
from .personas import BY_KEY, PERSONA_KEYS, sign_in, signed_in_client


def _calls(world, persona) -> list:
    """Every URL to call as `persona`, its sample objects made now (before any fingerprint)."""
    calls = []
    for entry in url_entries():
        if entry.policy is None or (entry.group is not None and not entry.endpoint.name):
            continue
        calls.extend((entry, call) for call in world.calls(entry, persona))
    return calls


@pytest.mark.parametrize("persona_key", PERSONA_KEYS)
def test_state_changing_requests_without_a_csrf_token_are_refused(world, persona_key, caplog):
    """Every URL, every unsafe method, no token: 403 from the CSRF check for the methods a view takes,
    405 at most for the others; never served (django-ninja operations included: their cookie-auth
    checks CSRF, and test_policy_tables forbids unsafe operations without auth)."""
    persona = BY_KEY[persona_key]
    user = world.user(persona)
    calls = _calls(world, persona)
    client = signed_in_client(user, enforce_csrf_checks=True)
    failures = []
    before = fingerprint()
    for entry, call in calls:
        for method in UNSAFE_METHODS:
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
                response = getattr(client, method.lower())(call.url)
            refused_by_csrf = response.status_code == 403 and any(
                record.name == "django.security.csrf" for record in caplog.records
            )
            declared = method in entry.policy.methods
            where = f"{method} {call.url} [{entry.endpoint.name}]"
            if declared and not entry.policy.csrf_exempt and not refused_by_csrf:
                failures.append(f"{where}: {response.status_code}, not refused by the CSRF check")
            elif not declared and response.status_code not in (401, 403, 404, 405):
                failures.append(f"{where}: undeclared method answered {response.status_code}")
            if not refused_by_csrf and response.status_code < 400:
                sign_in(client, user)  # it was served, and may have signed the client out
    changed = fingerprint().changed_since(before)
    assert not changed, f"requests without a CSRF token changed {changed}"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona_key", PERSONA_KEYS)
def test_get_and_head_change_no_row(world, persona_key):
    """GET and HEAD on every URL as every role: no row of any table changes, history included
    (sessions and the cache excepted, see checks.IGNORED_TABLES)."""
    persona = BY_KEY[persona_key]
    user = world.user(persona)
    calls = _calls(world, persona)
    client = signed_in_client(user)

    def sweep(selected):
        for _entry, call in selected:
            client.get(call.url)
            client.head(call.url)

    before = fingerprint()
    sweep(calls)
    changed = fingerprint().changed_since(before)
    if changed:
        # Find the URLs that did it, one by one.
        culprits = []
        for entry, call in calls:
            sign_in(client, user)
            start = fingerprint()
            sweep([(entry, call)])
            moved = fingerprint().changed_since(start)
            if moved:
                culprits.append(f"{call.url} [{entry.endpoint.name}]: {moved}")
        pytest.fail(f"GET/HEAD changed {changed}:\n" + "\n".join(culprits or ["(not reproduced one by one)"]))
