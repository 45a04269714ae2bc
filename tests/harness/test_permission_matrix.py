"""AC-01 and AC-02: every URL × every role × an object inside and outside the role's territory, with GET
and every state-changing method the view accepts, against the declared policy (lacznik/*/policy.py).

One test per persona; each lists all its mismatches at once. Also asserts the security headers of
every answer (WEB-02) and that a refused request changed nothing in the database.
"""

import pytest

from .checks import url_entries
from .matrix import run_matrix
from .personas import BY_KEY, PERSONA_KEYS


@pytest.mark.parametrize("persona_key", PERSONA_KEYS)
def test_every_url_answers_as_its_policy_says(world, persona_key):
    report = run_matrix(world, BY_KEY[persona_key], url_entries())
    assert report.tried > 0
    problems = report.problems()
    assert not problems, f"{len(problems)} problems as {persona_key}:\n" + "\n".join(problems)
