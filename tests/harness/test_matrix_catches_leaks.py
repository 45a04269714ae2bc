"""The matrix itself: on scoped views done right it finds nothing; on views that forget the
territory it reports the leaked list row and the foreign object read and changed."""

import pytest
from django.urls import get_resolver

from lacznik.core.policy import endpoints

from . import probe_urls
from .checks import Entry
from .matrix import run_matrix
from .personas import BY_KEY

pytestmark = pytest.mark.urls("tests.harness.probe_urls")


def _entries(policies) -> list[Entry]:
    found = [Entry(e, policies[e.name]) for e in endpoints(get_resolver()) if e.name in policies]
    assert len(found) == len(policies)
    return found


@pytest.mark.parametrize("persona_key", ["regional_coordinator_14", "advocate_146501", "anonymous"])
def test_scoped_views_done_right_pass(world, persona_key):
    persona = BY_KEY[persona_key]
    report = run_matrix(world, persona, _entries(probe_urls.RIGHT))
    assert report.tried == 1 + 2 * len(persona.codes)  # the list; GET and POST per object
    assert report.mismatches == []


def test_views_that_forget_the_territory_are_caught(world):
    report = run_matrix(world, BY_KEY["regional_coordinator_14"], _entries(probe_urls.WRONG))
    text = "\n".join(report.mismatches)
    assert "list shows the row in 2862011" in text
    assert "GET /probe/leaky/" in text and "object in 2862011: expected forbidden/hidden, got ok" in text
    assert "POST /probe/leaky/" in text
    assert len(report.mismatches) == 3, text
