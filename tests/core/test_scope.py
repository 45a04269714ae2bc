"""The one territorial rule (issue #3 point 6; AC-03, AC-04)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lacznik.core.scope import ScopeError, code_in_scope, in_scope, system_scope, validate_prefix
from tests.scopeapp.models import Parcel

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
# TERC-shaped codes: 2 (voivodeship), 4 (powiat), 6 (gmina without kind) and 7 digits (gmina).
codes = st.sampled_from([2, 4, 6, 7]).flatmap(lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n))
# Prefixes drawn near the codes so that matches happen, including the 9-carry edge ("19", "99").
prefixes = st.one_of(
    st.sampled_from([2, 4, 6, 7]).flatmap(lambda n: st.text(alphabet="0129", min_size=n, max_size=n)),
    st.sampled_from(["14", "19", "99", "1465", "146501", "1465011", "28", "2899"]),
)


class TestScopeMatchesStartswithOracle(HypothesisTestCase):
    """SQL filter == plain Python `startswith` over random codes and prefix sets, on this database."""

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        rows=st.lists(codes, min_size=0, max_size=40),
        chosen=st.sets(prefixes, max_size=4),
    )
    def test_filter_equals_oracle(self, rows, chosen):
        Parcel.objects.bulk_create(Parcel(teryt=code) for code in rows)
        found = sorted(Parcel.objects.in_scope(chosen).values_list("teryt", flat=True))
        expected = sorted(code for code in rows if code_in_scope(code, chosen))
        assert found == expected


def test_empty_scope_gives_nothing_never_everything(db):
    Parcel.objects.bulk_create([Parcel(teryt="1465011"), Parcel(teryt="2862011")])
    assert list(Parcel.objects.in_scope([])) == []
    assert Parcel.objects.in_scope(set()).count() == 0


@pytest.mark.parametrize("bad", ["1%", "14_5", "%", "_", "", "1", "146", "14650111", "ab", " 14", "14\n"])
def test_wildcards_and_malformed_prefixes_are_refused(db, bad):
    Parcel.objects.create(teryt="1465011")
    with pytest.raises(ValidationError):
        list(Parcel.objects.in_scope([bad]))
    with pytest.raises(ValidationError):
        validate_prefix(bad)


def test_percent_and_underscore_in_codes_are_plain_characters(db):
    # A corrupted code with a wildcard character is never matched by a prefix it does not start with.
    Parcel.objects.bulk_create([Parcel(teryt="1%"), Parcel(teryt="1_"), Parcel(teryt="1465011")])
    assert list(Parcel.objects.in_scope(["14"]).values_list("teryt", flat=True)) == ["1465011"]


def test_querying_a_scoped_model_without_a_scope_fails_loudly(db):
    Parcel.objects.create(teryt="1465011")
    for attempt in (
        lambda: list(Parcel.objects.all()),
        lambda: Parcel.objects.count(),
        lambda: Parcel.objects.exists(),
        lambda: Parcel.objects.filter(teryt="1465011").first(),
        lambda: Parcel.objects.get(teryt="1465011"),
        lambda: Parcel.objects.update(name="x"),
        lambda: Parcel.objects.filter(name="").delete(),
        lambda: list(Parcel.objects.values_list("teryt")),
        lambda: list(Parcel.objects.iterator()),
    ):
        with pytest.raises(ScopeError):
            attempt()


def test_a_chosen_scope_survives_chaining(db):
    Parcel.objects.bulk_create([Parcel(teryt="1465011", name="a"), Parcel(teryt="2862011", name="b")])
    chained = Parcel.objects.in_scope(["14"]).filter(name="a").order_by("teryt").exclude(name="z")
    assert [p.teryt for p in chained] == ["1465011"]
    assert Parcel.objects.unscoped(reason="public count").count() == 2
    with system_scope("test"):
        assert Parcel.objects.count() == 2


def test_get_in_scope_or_404_hides_foreign_records(db, mazowsze_coordinator):
    from django.http import Http404

    from lacznik.core.scope import get_in_scope_or_404

    own = Parcel.objects.create(teryt="1465011")
    foreign = Parcel.objects.create(teryt="2862011")
    assert get_in_scope_or_404(Parcel.objects, mazowsze_coordinator, pk=own.pk) == own
    with pytest.raises(Http404):
        get_in_scope_or_404(Parcel.objects, mazowsze_coordinator, pk=foreign.pk)


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_scope_filter_on_100000_rows_uses_the_index():
    # 100,000 codes spread over all 16 voivodeships, then the planner's own word on the filter.
    voivodeships = [f"{n:02d}" for n in range(2, 33, 2)]
    Parcel.objects.bulk_create(
        (Parcel(teryt=f"{voivodeships[i % 16]}{(i // 16) % 60 + 1:02d}{i % 97:02d}{i % 3 + 1}") for i in range(100_000)),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for chosen in (["146501"], ["1465", "2862"], ["14"]):
        plan = _plan(Parcel.objects.in_scope(chosen).values("pk"))
        index = "scopeapp_parcel_teryt"
        assert index in plan, f"scope {chosen} does not use the index:\n{plan}"
        assert "SCAN scopeapp_parcel\n" not in plan + "\n" and "Seq Scan" not in plan, plan
