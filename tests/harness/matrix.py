"""The permission matrix for one persona: call every URL of `entries` and compare with its policy."""

from dataclasses import dataclass, field

from django.db import transaction

from lacznik.core.policy import ninja_operations

from .checks import LOGIN, OK, Entry, classify, expected, fingerprint, response_header_problems, visible_text
from .personas import Persona, sign_in, signed_in_client
from .world import World


@dataclass
class MatrixReport:
    tried: int = 0
    mismatches: list[str] = field(default_factory=list)
    header_problems: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.mismatches + sorted(set(self.header_problems))


def run_matrix(world: World, persona: Persona, entries: list[Entry]) -> MatrixReport:
    user = world.user(persona)
    report = MatrixReport()
    client = signed_in_client(user)
    for entry in entries:
        policy = entry.policy
        if policy is None or (entry.group is not None and not entry.endpoint.name):
            continue  # undeclared URLs fail test_policy_tables; unnamed library URLs cannot be reversed
        name = entry.endpoint.name
        api = bool(ninja_operations(entry.endpoint.callback))
        rows = world.rows(policy, persona)
        sign_in(client, user)
        for call in world.calls(entry, persona):
            for method in ("GET", *policy.methods):
                where = f"{method} {call.url} [{name}]" + (f" object in {call.code}" if call.code else "")
                allowed = expected(policy, persona, user, method, call.code)
                if method == "GET":
                    response = client.get(call.url)
                    outcome = classify(response)
                else:
                    sign_in(client, user)  # a POST may sign the client out (logout)
                    # Each state-changing call is undone afterwards, so that the next call finds the
                    # same data; a refused one must not have changed anything in the first place.
                    with transaction.atomic():
                        before = fingerprint()
                        response = getattr(client, method.lower())(call.url)
                        outcome = classify(response)
                        changed = fingerprint().changed_since(before) if outcome != OK else []
                        transaction.set_rollback(True)
                    if changed:
                        report.mismatches.append(
                            f"{where}: refused ({outcome}) but tables changed: {changed}"
                        )
                report.tried += 1
                if outcome not in allowed:
                    wanted = "/".join(sorted(allowed))
                    report.mismatches.append(
                        f"{where}: expected {wanted}, got {outcome} ({response.status_code})"
                    )
                if outcome == LOGIN and api != (response.status_code == 401):
                    # An API tells a program 401; a page sends a person to the sign-in page.
                    wanted = "401" if api else "a redirect to the sign-in page"
                    report.mismatches.append(
                        f"{where}: asks to sign in with {response.status_code}, not {wanted}"
                    )
                for problem in response_header_problems(response, signed_in=user is not None):
                    report.header_problems.append(f"{where}: {problem}")
                if method == "GET" and rows and outcome == OK and call.code is None:
                    text = visible_text(response)
                    for code, sample in rows.items():
                        shown = sample.marker in text
                        if shown != (persona.covers(code) or not policy.scoped):
                            state = "shows" if shown else "does not show"
                            report.mismatches.append(
                                f"{where}: list {state} the row in {code} ({sample.marker})"
                            )
    return report
