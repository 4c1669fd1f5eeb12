"""Where a build's time goes: each briefing's stage times in build.log and the manifest; -v's table.

One real build of two short briefings, HTML and PDF, on a copy of the data (see tests/helpers.py).
"""

from __future__ import annotations

import json
import re

import pytest
from helpers import copy_inputs, run_briefings, write_config

from briefings.build import MANIFEST, stages_table
from briefings.execution import STAGES, Result

# Builds real briefings.
pytestmark = pytest.mark.slow

TWO = [
    {"name": "heads", "parameters": {"title": "Headcounts only", "focus": "headcounts"}},
    {"name": "money", "parameters": {"title": "Pay only", "focus": "pay"}},
]
LINE = re.compile(r"INFO (\S+): stages execute=([\d.]+)s html=([\d.]+)s pdf=([\d.]+)s write=([\d.]+)s "
                  r"total=([\d.]+)s$", re.MULTILINE)
TABLE_HEADER = re.compile(r"^briefing\s+status\s+execute\s+html\s+pdf\s+write\s+total$", re.MULTILINE)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_inputs(tmp_path_factory.mktemp("stages") / "project")
    config, out = write_config(root, TWO, formats=("html", "pdf")), root / "out"
    args = ("build", "--config", config, "--data", root / "data", "--out", out, "-j", "2")
    verbose = run_briefings(*args, "-v")
    # build.log holds one build (the last): read the first build's before the second replaces it.
    first_log = (out / "build.log").read_text("utf-8")
    quiet = run_briefings(*args)  # nothing changed: both skipped
    return out, verbose, quiet, first_log


def test_each_built_briefing_logs_one_stage_line(built):
    out, verbose, _, first_log = built
    assert verbose.returncode == 0, verbose.stderr
    lines = {m[0]: [float(v) for v in m[1:]] for m in LINE.findall(first_log)}
    assert set(lines) == {"heads", "money"}
    for name, (execute, html, pdf, write, total) in lines.items():
        assert min(execute, html, pdf, write) >= 0, name
        assert execute > 0 and html > 0 and pdf > 0, name  # each stage ran and was timed
        assert execute + html + pdf + write <= total + 0.02, name  # the log rounds to 0.01 s


def test_the_manifest_records_the_stages(built):
    out, _, _, _ = built
    entries = json.loads((out / MANIFEST).read_text("utf-8"))["briefings"]
    for name in ("heads", "money"):
        stages = entries[name]["stages"]
        assert set(stages) == {*STAGES, "total"}
        assert all(isinstance(v, (int, float)) and v >= 0 for v in stages.values())
        assert sum(stages[s] for s in STAGES) <= stages["total"] + 0.005  # each rounded to 1 ms
        assert stages["total"] <= entries[name]["duration_seconds"] + 0.01


def test_verbose_prints_the_summary_table_and_plain_does_not(built):
    _, verbose, quiet, _ = built
    assert TABLE_HEADER.search(verbose.stderr), verbose.stderr
    for name in ("heads", "money"):
        assert re.search(rf"^{name}\s+built(\s+[\d.]+s){{5}}$", verbose.stderr, re.MULTILINE)
    assert re.search(r"^sum\s+(\s+[\d.]+s){5}$", verbose.stderr, re.MULTILINE)
    assert re.search(r"^wall time [\d.]+ s for 2 briefing\(s\)$", verbose.stderr, re.MULTILINE)
    assert quiet.returncode == 0, quiet.stderr
    assert "up to date, skipped" in quiet.stderr
    assert not TABLE_HEADER.search(quiet.stderr) and "wall time" not in quiet.stderr


def test_table_shows_skipped_briefings_without_times():
    results = [Result("a", "built", stages={"execute": 1.0, "html": 0.25, "pdf": 2.0, "write": 0.01, "total": 3.3}),
               Result("b", "skipped")]
    table = stages_table(results, 4.0).splitlines()
    assert table[1].split() == ["a", "built", "1.00s", "0.25s", "2.00s", "0.01s", "3.30s"]
    assert table[2].split() == ["b", "skipped", "-", "-", "-", "-", "-"]
    assert table[3].split() == ["sum", "1.00s", "0.25s", "2.00s", "0.01s", "3.30s"]
    assert table[4] == "wall time 4.00 s for 2 briefing(s)"
