"""The command line contract: exit codes and messages, with no traceback for user errors."""

from __future__ import annotations

import shutil

import pytest
from helpers import REPO, copy_inputs, run_briefings, write_config

# Runs the real command, builds included.
pytestmark = pytest.mark.slow


def test_validate_clean_data_exits_0():
    result = run_briefings("validate")
    assert result.returncode == 0, result.stderr
    assert "valid (data version" in result.stdout


def test_validate_broken_copy_exits_2_with_precise_messages_and_no_traceback(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    lines = (data / "headcount_claims.csv").read_text("utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",40000,40000,", ",forty thousand,40000,")  # H001 is on row 2
    (data / "headcount_claims.csv").write_text("".join(lines), "utf-8")
    result = run_briefings("validate", "--data", data)
    assert result.returncode == 2
    assert ("headcount_claims.csv row 2, column people_low (value 'forty thousand'): not a valid integer; "
            "write it as digits only, e.g. 40000") in result.stderr
    assert "Traceback" not in result.stderr


def test_list_prints_every_briefing_and_the_parameters():
    result = run_briefings("list")
    assert result.returncode == 0
    for name in ("overview", "as-of-2022-03-31", "syria-origin"):
        assert f"\n{name}: " in result.stdout
    assert "excess_threshold = 1.5" in result.stdout


def test_build_refuses_unknown_names_and_formats_before_running(tmp_path):
    out = tmp_path / "out"
    unknown = run_briefings("build", "nope", "--out", out)
    assert unknown.returncode == 2 and "unknown briefing(s) 'nope'" in unknown.stderr
    bad_format = run_briefings("build", "overview", "--formats", "html,docx", "--out", out)
    assert bad_format.returncode == 2 and "unknown output format(s) 'docx'" in bad_format.stderr
    assert not out.exists() or not any(out.iterdir())
    assert "Traceback" not in unknown.stderr + bad_format.stderr


def test_build_with_bad_data_exits_2_and_builds_nothing(tmp_path):
    root = copy_inputs(tmp_path / "p")
    config = write_config(root, [{"name": "a", "parameters": {}}])
    (root / "data" / "sources.csv").write_text("source_id\n", "utf-8")
    result = run_briefings("build", "--config", config, "--data", root / "data", "--out", root / "out")
    assert result.returncode == 2
    assert "sources.csv" in result.stderr and "Traceback" not in result.stderr
    assert not (root / "out" / "a").exists()


def test_usage_error_exits_2():
    assert run_briefings("build", "-j", "0").returncode == 2
