"""AC-08: every URL of the project has a declared policy, and every declared policy has a URL."""

from lacznik.core.policy import (
    NOBODY,
    UNSAFE_METHODS,
    all_groups,
    all_policies,
    endpoints,
    lacznik_apps_without_policy,
    ninja_operations,
)

from .checks import url_entries


def test_every_lacznik_app_has_a_policy_table():
    assert lacznik_apps_without_policy() == []


def test_every_url_has_a_policy():
    undeclared = [
        f"{entry.endpoint.name or '(unnamed)'}  /{entry.endpoint.route}"
        for entry in url_entries()
        if entry.policy is None
    ]
    assert not undeclared, "URLs without a policy (add them to the app's policy.py):\n" + "\n".join(
        undeclared
    )


def test_every_url_pattern_is_named_unless_a_library_group_covers_it():
    # Policies are keyed by URL name, so an unnamed pattern could never have one (pretix test_urls).
    unnamed = [
        f"/{entry.endpoint.route}" for entry in url_entries() if not entry.endpoint.name and not entry.group
    ]
    assert not unnamed, "Name these URL patterns:\n" + "\n".join(unnamed)


def test_every_policy_names_an_existing_url():
    names = {endpoint.name for endpoint in endpoints()}
    stale = sorted(set(all_policies()) - names)
    assert not stale, "Policy entries for URLs that no longer exist:\n" + "\n".join(stale)
    for group in all_groups():
        assert any(name.startswith(group.prefix) for name in names), f"group {group.prefix} matches no URL"


def test_declared_methods_match_what_the_views_accept():
    """Where a view says which methods it takes (class-based views, require_http_methods, django-ninja),
    the policy names exactly its state-changing ones, and GET is refused exactly when read=NOBODY."""
    mismatches = []
    for entry in url_entries():
        if entry.policy is None or entry.group is not None:
            continue
        accepted = entry.endpoint.methods()
        if accepted is None:
            continue
        declared = set(entry.policy.methods)
        if accepted & set(UNSAFE_METHODS) != declared:
            mismatches.append(
                f"{entry.endpoint.name}: view accepts {sorted(accepted & set(UNSAFE_METHODS))}, "
                f"policy declares {sorted(declared)}"
            )
        if ("GET" in accepted) != (entry.policy.read != NOBODY):
            mismatches.append(
                f"{entry.endpoint.name}: GET accepted={'GET' in accepted}, policy read={entry.policy.read}"
            )
    assert not mismatches, "\n".join(mismatches)


def test_no_state_changing_api_operation_is_open_without_authentication():
    """django-ninja exempts its views from Django's CSRF middleware and checks CSRF only in cookie-based
    auth; an operation with auth=None that changes state has no protection at all (WEB-05)."""
    policies = all_policies()
    open_writes = []
    for endpoint in endpoints():
        for operation in ninja_operations(endpoint.callback):
            unsafe = set(operation.methods) & set(UNSAFE_METHODS)
            if unsafe and not operation.auth_callbacks:
                policy = policies.get(endpoint.name)
                if policy is None or not policy.csrf_exempt:
                    open_writes.append(f"{endpoint.name} {sorted(unsafe)} /{endpoint.route}")
    assert not open_writes, "State-changing API operations without auth:\n" + "\n".join(open_writes)
