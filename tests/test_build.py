"""`briefings build` as a scheduler runs it: incremental, isolated, atomic, locked, timed out.

These run the real command on a copy of the data and the real briefing notebook, HTML only
(the PDF path is covered by the end-to-end test), so each build takes a few seconds.
"""

from __future__ import annotations

import json
import os
import re
import time

import nbformat
import pytest
from helpers import copy_inputs, run_briefings, tree_bytes, write_config

from briefings.build import LOCK, MANIFEST, OutputLock
from briefings.ownership import RECORD, STAGING

# Builds real briefings.
pytestmark = pytest.mark.slow

THREE = [
    {"name": "everything", "parameters": {"title": "All sections"}},
    {"name": "heads", "parameters": {"title": "Headcounts only", "focus": "headcounts"}},
    {"name": "money", "parameters": {"title": "Pay only", "focus": "pay"}},
]


def statuses(out):
    manifest = json.loads((out / MANIFEST).read_text())
    return {name: entry["status"] for name, entry in manifest["briefings"].items()}


def built_in_log(result) -> set[str]:
    return set(re.findall(r"INFO (\S+): built in", result.stderr))


def skipped_in_log(result) -> set[str]:
    return set(re.findall(r"INFO (\S+): up to date, skipped", result.stderr))


@pytest.fixture
def project(tmp_path):
    root = copy_inputs(tmp_path / "project")
    return root, write_config(root, THREE), root / "out"


def build(project, *extra):
    root, config, out = project
    return run_briefings("build", "--config", config, "--data", root / "data", "--out", out, "-j", "2", *extra)


def test_incremental_rebuilds_exactly_what_changed(project):
    root, _, out = project
    first = build(project)
    assert first.returncode == 0, first.stderr
    assert built_in_log(first) == {"everything", "heads", "money"}
    for name in ("everything", "heads", "money"):
        assert (out / name / f"{name}.html").is_file() and (out / name / f"{name}.ipynb").is_file()
    manifest = json.loads((out / MANIFEST).read_text())
    entry = manifest["briefings"]["heads"]
    # The manifest records what the issue asks for: input hashes, versions, times, status, outputs.
    assert set(entry["inputs"]) >= {"notebook", "data", "parameters", "code", "versions"}
    assert entry["status"] == "built" and entry["duration_seconds"] > 0 and entry["outputs"]
    assert set(entry["inputs"]["data"]) == {"datapackage", "sources", "claimants", "headcount_claims"}

    # Nothing changed: nothing is rebuilt.
    again = build(project)
    assert again.returncode == 0, again.stderr
    assert built_in_log(again) == set() and skipped_in_log(again) == {"everything", "heads", "money"}

    # Touching the modification time alone is not a change: hashes decide.
    os.utime(root / "data" / "pay_offers.csv")
    assert built_in_log(build(project)) == set()

    # Changing one pay offer's note rebuilds the two briefings that read pay_offers.csv, not the third.
    path = root / "data" / "pay_offers.csv"
    path.write_text(path.read_text("utf-8").replace("Date approximate (about March 2022).",
                                                    "Date approximate (about March 2022); checked again."), "utf-8")
    changed = build(project)
    assert changed.returncode == 0, changed.stderr
    assert built_in_log(changed) == {"everything", "money"}
    assert skipped_in_log(changed) == {"heads"}

    # Changing a claimant's note rebuilds the two briefings that read claimants.csv (with the claims), not the third.
    path = root / "data" / "claimants.csv"
    path.write_text(path.read_text("utf-8").replace("UK-based monitor of the Syrian war",
                                                    "UK-based monitor of the war in Syria"), "utf-8")
    changed = build(project)
    assert changed.returncode == 0, changed.stderr
    assert built_in_log(changed) == {"everything", "heads"}
    assert skipped_in_log(changed) == {"money"}

    # --force rebuilds everything.
    forced = build(project, "--force")
    assert built_in_log(forced) == {"everything", "heads", "money"}


def test_failed_briefing_keeps_last_good_output_and_its_notebook(project):
    root, config, out = project
    assert build(project).returncode == 0
    before = tree_bytes(out / "heads")

    # Break the notebook the briefings share by adding a cell that raises; --force so all run.
    notebook_path = root / "notebooks" / "briefing.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("if briefing.params['focus'] == 'headcounts':\n"
                                                    "    raise RuntimeError('deliberate failure for the test')"))
    nbformat.write(notebook, notebook_path)
    result = build(project, "--force")

    assert result.returncode == 1
    assert "heads: FAILED" in result.stderr and "deliberate failure for the test" in result.stderr
    # The other briefings still built.
    assert built_in_log(result) == {"everything", "money"}
    # Every previous output of the failed briefing is byte-identical ...
    after = tree_bytes(out / "heads")
    assert {k: v for k, v in after.items() if not k.startswith("failed/")} == before
    # ... and papermill's error notebook is kept beside it, with the reason.
    failed = out / "heads" / "failed"
    assert "deliberate failure" in (failed / "error.txt").read_text()
    kept = nbformat.read(failed / "heads.ipynb", as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in kept.cells for o in c.get("outputs", []))
    assert statuses(out)["heads"] == "failed"
    # The index says it failed and that the last good build is shown.
    index = (out / "index.html").read_text()
    assert "failed" in index and "showing the last good build" in index
    # No staging folder is left behind.
    assert not [p for p in out.iterdir() if p.name.startswith((".tmp-", ".old-"))]
    assert list((out / STAGING).iterdir()) == []


def test_timeout_stops_a_hanging_cell(tmp_path):
    root = copy_inputs(tmp_path / "project")
    notebook_path = root / "notebooks" / "briefing.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.insert(4, nbformat.v4.new_code_cell("import time\ntime.sleep(120)"))
    nbformat.write(notebook, notebook_path)
    config = write_config(root, [{"name": "hangs", "parameters": {}}], timeout=5)
    started = time.monotonic()
    result = run_briefings("build", "--config", config, "--data", root / "data", "--out", root / "out")
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "hangs: FAILED" in result.stderr and "Timeout" in result.stderr
    assert elapsed < 60  # the 120-second sleep was cut short
    assert (root / "out" / "hangs" / "failed" / "hangs.ipynb").is_file()


def test_second_build_on_the_same_folder_is_refused(project):
    root, config, out = project
    out.mkdir()
    with OutputLock(out):  # as a running build holds it
        result = build(project)
    assert result.returncode == 2
    assert f"another build holds {out / LOCK}" in result.stderr
    assert f'"pid": {os.getpid()}' in result.stderr  # the message names the holder
    assert not (out / "everything").exists()  # nothing ran


def test_stale_lock_from_a_killed_build_is_taken_over(project):
    root, config, out = project
    out.mkdir()
    # A build killed with SIGKILL leaves its lock file with its details, but no flock.
    (out / LOCK).write_text(json.dumps({"pid": 999999, "host": "old-host", "started": "2026-01-01T00:00:00"}))
    (out / RECORD).write_text(json.dumps({"owned": [RECORD, LOCK, STAGING]}))  # what it had recorded
    (out / STAGING / "tmp-everything-abc").mkdir(parents=True)  # and a half-written staging folder
    result = run_briefings("build", "heads", "--config", config, "--data", root / "data", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "took over a stale lock left by pid 999999" in result.stderr
    assert not (out / STAGING / "tmp-everything-abc").exists()
    assert (out / "heads" / "heads.html").is_file()
    assert (out / LOCK).read_text() == ""  # released


def test_interrupted_swap_restores_the_previous_output(project):
    root, config, out = project
    assert run_briefings("build", "heads", "--config", config, "--data", root / "data", "--out", out).returncode == 0
    before = tree_bytes(out / "heads")
    # Simulate a build killed between its two renames: the old output moved aside, the new not yet in place.
    os.rename(out / "heads", out / STAGING / "old-heads-123-456")
    result = run_briefings("build", "heads", "--config", config, "--data", root / "data", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "restored the previous output" in result.stderr
    assert tree_bytes(out / "heads") == before  # restored, and up to date, so not rebuilt
