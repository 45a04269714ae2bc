"""Issue #4 point 6: the benchmark machinery works end to end on a tiny data set (not a timing test)."""

import json
import math

from django.core.management import call_command

from lacznik.core import bench


def test_every_registered_operation_measures_on_a_tiny_data_set(terc, tmp_path):
    call_command("generate_national_data", "--scale", "0.001", "--seed", "1", verbosity=0)
    lines: list[str] = []
    results = bench.measure(repetitions=2, warmup=1, out=lines.append)

    assert {r.operation for r in results} == {entry.name for entry in bench.operations()}
    assert {"territory.index_page", "territory.search_page", "territory.api_units"} <= {
        r.operation for r in results
    }
    failed = [f"{r.operation}: {r.error}" for r in results if r.error]
    assert not failed, "\n".join(failed)
    for result in results:
        assert result.repetitions == 2
        assert math.isfinite(result.p50_ms) and result.p50_ms > 0
        assert result.p95_ms >= result.p50_ms
        assert result.reference_p50_ms > 0 and result.ratio > 0
    text = bench.table(results)
    assert "p50 ms" in text and "ratio" in text

    path = tmp_path / "bench-results-test.json"
    bench.write_results(path, results, {"scale": 0.001})
    written = json.loads(path.read_text())
    assert written["meta"]["scale"] == 0.001
    assert len(written["results"]) == len(results)
