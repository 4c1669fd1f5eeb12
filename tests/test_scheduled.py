"""What a scheduled (unattended) build tells: its own exit code and a summary, a published log
without tracebacks that holds one build, a private log with them, and briefings that leave the
config unpublished.

Small builds: headcounts-only briefings, HTML only, on a copy of the project.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from helpers import copy_inputs, run_briefings, write_config

from briefings.build import MANIFEST
from briefings.ownership import RECORD

# Runs the scheduled command on real briefings.
pytestmark = pytest.mark.slow

HEADS = {"title": "Headcounts only", "focus": "headcounts"}


@pytest.fixture
def project(tmp_path):
    root = copy_inputs(tmp_path / "project")
    config = write_config(root, [{"name": "one", "parameters": dict(HEADS)}, {"name": "two", "parameters": dict(HEADS)}])
    return root, config, root / "out"


def build(project, *extra):
    root, config, out = project
    # From inside the copy, so the copy is the project (its .briefings/logs/ gets the private log).
    return run_briefings("build", "--data", root / "data", "--out", out, "-j", "1", *extra, cwd=root)


def fail_briefing(root, title: str) -> None:
    """Make the briefing titled ``title`` raise in its last cell (the others still build)."""
    path = root / "notebooks" / "briefing.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(f"if briefing.params['title'] == {title!r}:\n"
                                                    "    raise RuntimeError('deliberate failure 7f3a')"))
    nbformat.write(notebook, path)


def test_quiet_build_says_nothing_when_all_went_well_and_the_summary_when_one_failed(project):
    root, config, out = project
    quiet = build(project, "-q")
    assert quiet.returncode == 0, quiet.stderr
    # Cron mails nothing but warnings: here only that the record is old (the copy's data is real data).
    assert quiet.stdout == ""
    assert all("WARNING stale data:" in line for line in quiet.stderr.splitlines()), quiet.stderr

    loud = build(project)
    assert loud.returncode == 0
    assert "briefings build: exit 0: 0 built, 2 up to date, 0 failed" in loud.stdout

    # Briefing "one" gets a title of its own, and only it fails.
    config.write_text(config.read_text("utf-8").replace("title: Headcounts only\n", "title: Heads two\n", 1), "utf-8")
    fail_briefing(root, "Heads two")
    failed = build(project, "-q", "--force")
    # The build's own exit code (1: one failed, the other built), not make's 2.
    assert failed.returncode == 1
    # The error as it happened (-q keeps errors), then the summary, last.
    summary = failed.stderr[failed.stderr.index("briefings build: exit 1"):].splitlines()
    assert summary == ["briefings build: exit 1: 1 built, 0 up to date, 1 failed",
                       "  failed: one: RuntimeError: deliberate failure 7f3a"], failed.stderr
    assert "deliberate failure 7f3a" in failed.stderr and "Traceback" not in failed.stderr


def test_published_log_holds_one_build_and_no_traceback_the_private_log_has_it(project):
    root, _, out = project
    assert build(project).returncode == 0
    first = (out / "build.log").read_text("utf-8")
    assert first.count("build started") == 1 and "one: built in" in first

    fail_briefing(root, "Headcounts only")  # both fail now
    result = build(project, "--force")
    assert result.returncode == 1
    published = (out / "build.log").read_text("utf-8")
    # Replaced, not appended: only this build's lines.
    assert published.count("build started") == 1 and "one: built in" not in published
    assert "one: FAILED" in published and "deliberate failure 7f3a" in published
    assert "Traceback" not in published and "File \"" not in published

    logs = sorted((root / ".briefings" / "logs").glob("build-*.log"))
    assert len(logs) == 2  # one private log per build
    private = logs[-1].read_text("utf-8")
    assert "Traceback" in private and "deliberate failure 7f3a" in private
    assert not any(p.name.startswith("build-") for p in out.iterdir())  # never in the published folder


def test_private_logs_are_pruned_to_the_newest(project, monkeypatch):
    from briefings import logs

    root, _, _ = project
    folder = root / logs.LOGS_DIR
    folder.mkdir(parents=True)
    for number in range(25):
        (folder / f"build-20260101T0000{number:02d}Z-1.log").write_text("old", "utf-8")
    (folder / "mine.txt").write_text("not a build log", "utf-8")
    path = logs.private_log_path(root)
    kept = sorted(p.name for p in folder.glob("build-*.log"))
    # 19 old ones kept, plus the new one about to be written: 20 in all.
    assert len(kept) == logs.KEEP - 1 and kept[0] == "build-20260101T000006Z-1.log"
    assert path.parent == folder and (folder / "mine.txt").is_file()


def test_a_briefing_that_leaves_the_config_is_unpublished(project):
    root, config, out = project
    assert build(project).returncode == 0
    custom = build(project, "two", "-P", "title=Variant of two")
    assert custom.returncode == 0, custom.stderr
    variant = next(p.name for p in out.iterdir() if p.name.startswith("two--custom-"))
    (out / "mine.txt").write_text("the user's", "utf-8")

    # "two" leaves reports.yml: with --keep-removed it stays, and says so.
    write_config(root, [{"name": "one", "parameters": HEADS}])
    kept = build(project, "--keep-removed")
    assert kept.returncode == 0 and "two: no longer in reports.yml; its output is kept" in kept.stderr
    assert (out / "two" / "two.html").is_file()

    removed = build(project)
    assert removed.returncode == 0, removed.stderr
    assert "two: no longer in reports.yml; its folder" in removed.stderr
    assert "removed (no longer in the config): two" in removed.stdout
    assert not (out / "two").exists() and not (out / variant).exists()  # its one-off variant goes with it
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    assert set(manifest["briefings"]) == {"one"}
    assert "two/two.html" not in (out / "index.html").read_text("utf-8")
    owned = set(json.loads((out / RECORD).read_text("utf-8"))["owned"])
    assert "two" not in owned and variant not in owned
    # What the build did not make is untouched, and so is the briefing still configured.
    assert (out / "mine.txt").read_text("utf-8") == "the user's" and (out / "one" / "one.html").is_file()


def test_another_configs_briefings_are_not_this_configs_to_remove(project):
    root, config, out = project
    assert build(project).returncode == 0
    other = root / "other.yml"
    other.write_text(config.read_text("utf-8").replace("name: one", "name: three").replace("name: two", "name: four"),
                     "utf-8")
    result = run_briefings("build", "--config", other, "--data", root / "data", "--out", out, "-j", "1", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (out / "one" / "one.html").is_file() and (out / "three" / "three.html").is_file()
    assert "no longer in" not in result.stderr
