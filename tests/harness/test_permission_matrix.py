"""AC-01 and AC-02: every URL × every role × an object inside and outside the role's territory, with GET
and every state-changing method the view accepts, against the declared policy (lacznik/*/policy.py).

One test per persona; each lists all its mismatches at once. Also asserts the security headers of
every answer (WEB-02) and that a refused request changed nothing in the database.
"""

import pytest
from django.db import transaction

from .checks import (
    OK,
    classify,
    expected,
    fingerprint,
    response_header_problems,
    url_entries,
    visible_text,
)
from .personas import BY_KEY, PERSONA_KEYS, sign_in, signed_in_client


def _request(client, method: str, url: str):
    return getattr(client, method.lower())(url)


@pytest.mark.parametrize("persona_key", PERSONA_KEYS)
def test_every_url_answers_as_its_policy_says(world, persona_key):
    persona = BY_KEY[persona_key]
    user = world.user(persona)
    mismatches: list[str] = []
    header_problems: list[str] = []
    tried = 0
    client = signed_in_client(user)

    for entry in url_entries():
        policy = entry.policy
        if policy is None or (entry.group is not None and not entry.endpoint.name):
            continue  # undeclared URLs fail test_policy_tables; unnamed library URLs cannot be reversed
        name = entry.endpoint.name
        rows = world.rows(policy, persona)
        sign_in(client, user)
        for call in world.calls(entry, persona):
            for method in ("GET", *policy.methods):
                where = f"{method} {call.url} [{name}]" + (f" object in {call.code}" if call.code else "")
                allowed = expected(policy, persona, user, method, call.code)
                if method == "GET":
                    response = _request(client, method, call.url)
                    outcome = classify(response)
                else:
                    sign_in(client, user)  # a POST may sign the client out (logout)
                    # Each state-changing call is undone afterwards, so that the next call finds the
                    # same data; a refused one must not have changed anything in the first place.
                    with transaction.atomic():
                        before = fingerprint()
                        response = _request(client, method, call.url)
                        outcome = classify(response)
                        changed = fingerprint().changed_since(before) if outcome != OK else []
                        transaction.set_rollback(True)
                    if changed:
                        mismatches.append(f"{where}: refused ({outcome}) but tables changed: {changed}")
                tried += 1
                if outcome not in allowed:
                    wanted = "/".join(sorted(allowed))
                    mismatches.append(f"{where}: expected {wanted}, got {outcome} ({response.status_code})")
                for problem in response_header_problems(response, signed_in=user is not None):
                    header_problems.append(f"{where}: {problem}")
                if method == "GET" and rows and outcome == OK and call.code is None:
                    text = visible_text(response)
                    for code, sample in rows.items():
                        shown = sample.marker in text
                        if shown != (persona.covers(code) or not policy.scoped):
                            state = "shows" if shown else "does not show"
                            mismatches.append(f"{where}: list {state} the row in {code} ({sample.marker})")

    assert tried > 0
    report = mismatches + sorted(set(header_problems))
    assert not report, f"{len(report)} problems as {persona_key}:\n" + "\n".join(report)
