"""Who may call which events URL (joined by lacznik.core.policy; tested by tests/harness)."""

from lacznik.core.policy import Policy

from . import indicator_views, manage_views, public_views

POLICIES: dict[str, Policy] = {
    **public_views.POLICIES,
    **manage_views.POLICIES,
    **indicator_views.POLICIES,
}
