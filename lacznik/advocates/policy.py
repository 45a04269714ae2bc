"""Who may call which advocates URL (joined by lacznik.core.policy; tested by tests/harness)."""

from lacznik.core.policy import Policy

from . import advocate_views, coverage_views, document_views, enrolment_views

POLICIES: dict[str, Policy] = {
    **enrolment_views.POLICIES,
    **document_views.POLICIES,
    **advocate_views.POLICIES,
    **coverage_views.POLICIES,
}
