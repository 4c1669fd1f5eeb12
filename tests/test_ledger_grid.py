"""The second read over the benchmark's generated grid: 7 origins × 10 as-of dates (both sides, as
benchmarks/bench_build.py generates them), 70 briefings. Each is computed in-process, without a
kernel or a PDF (the sections shown in the notebook's order), and every claim of its ledger is
re-derived from the raw rows: no disagreement anywhere. Marked slow (a minute or two)."""

from __future__ import annotations

import importlib.util
import time

import pytest
from helpers import REPO

from briefings.briefing import Briefing
from ledger_check import check_ledger
from ledger_check.data import read_rows


def _grid():
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "benchmarks" / "bench_build.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    entries = bench.generated_entries(bench.grid(bench.AS_OF))
    return [(e["name"], {"marking": "OPEN SOURCE", **e["parameters"]}) for e in entries]


@pytest.mark.slow
def test_every_claim_of_the_70_generated_briefings_holds(capsys):
    grid = _grid()
    assert len(grid) == 70 and len({n for n, _ in grid}) == 70
    rows = read_rows(REPO / "data")
    started, claims, failures = time.perf_counter(), 0, {}
    for name, params in grid:
        ledger = Briefing.from_parameters(**params).show_all()[-1].content
        claims += len(ledger["claims"])
        # Even a briefing of an origin with nothing on record says how old its record is and what changed.
        assert {"newest", "window", "revisions"} <= {c["kind"] for c in ledger["claims"]}, name
        found = check_ledger(ledger, REPO / "data", rows=rows)
        if found:
            failures[name] = [str(d) for d in found]
    with capsys.disabled():
        print(f"\n70 generated briefings: {claims} claims checked, "
              f"{sum(map(len, failures.values()))} disagreements, {time.perf_counter() - started:.0f} s")
    assert not failures, "\n".join(f"{n}:\n  " + "\n  ".join(f[:5]) for n, f in failures.items())
    assert claims > 70 * 20
