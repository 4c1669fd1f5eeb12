"""The project is found from the current folder upward; a copy of the project builds its own
data and notebook; built notebooks record project-relative paths; -P builds go elsewhere."""

from __future__ import annotations

import json

import pytest
from helpers import REPO, copy_inputs, run_briefings, tree_bytes, write_config

from analysis.paths import ProjectNotFound, find_project

# Builds real briefings.
pytestmark = pytest.mark.slow


def test_find_project_walks_upward_to_reports_yml(tmp_path):
    (tmp_path / "reports.yml").write_text("briefings: []\n", "utf-8")
    deep = tmp_path / "notebooks" / "drafts"
    deep.mkdir(parents=True)
    project = find_project(deep)
    assert project.root == tmp_path.resolve()
    assert (project.data, project.reports) == (tmp_path.resolve() / "data", tmp_path.resolve() / "reports")


def test_no_project_says_what_was_looked_for(tmp_path):
    with pytest.raises(ProjectNotFound, match=r"no reports\.yml in .* or any folder above it"):
        find_project(tmp_path)
    result = run_briefings("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert f"no reports.yml in {tmp_path.resolve()} or any folder above it" in result.stderr
    assert "--config" in result.stderr and "Traceback" not in result.stderr


def test_list_and_validate_use_the_project_you_stand_in(tmp_path):
    root = copy_inputs(tmp_path / "copy")
    write_config(root, [{"name": "copy-only", "parameters": {"title": "Only in the copy"}}])
    listed = run_briefings("list", cwd=root / "notebooks")
    assert listed.returncode == 0, listed.stderr
    assert "copy-only: Only in the copy" in listed.stdout and "overview" not in listed.stdout
    validated = run_briefings("validate", cwd=root / "notebooks")
    assert validated.returncode == 0 and str(root / "data") in validated.stdout


def test_copy_builds_its_own_inputs_with_relative_paths_and_p_overrides_go_elsewhere(tmp_path):
    root = copy_inputs(tmp_path / "copy")
    write_config(root, [{"name": "mine", "parameters": {"title": "Built from the copy 7e3a", "focus": "headcounts"}}])
    built = run_briefings("build", cwd=root / "notebooks")  # no --config/--data/--out: all found upward
    assert built.returncode == 0, built.stderr
    html = (root / "reports" / "mine" / "mine.html").read_text("utf-8")
    assert "Built from the copy 7e3a" in html
    executed = (root / "reports" / "mine" / "mine.ipynb").read_text("utf-8")
    assert str(tmp_path) not in executed and str(REPO) not in executed, "absolute paths in the built notebook"
    papermill = json.loads(executed)["metadata"]["papermill"]
    assert papermill["input_path"] == "notebooks/briefing.ipynb"
    assert papermill["parameters"]["data_dir"] == "data"
    assert not (REPO / "reports" / "mine").exists()

    before = tree_bytes(root / "reports" / "mine")
    custom = run_briefings("build", "mine", "-P", "side=russia", "-P", "as_of=2022-03-31", cwd=root)
    assert custom.returncode == 0, custom.stderr
    folders = [p.name for p in (root / "reports").iterdir() if p.name.startswith("mine--custom-")]
    assert len(folders) == 1, folders
    assert tree_bytes(root / "reports" / "mine") == before, "a -P build must not replace the configured output"
    executed = json.loads((root / "reports" / folders[0] / f"{folders[0]}.ipynb").read_text("utf-8"))
    assert executed["metadata"]["papermill"]["parameters"]["side"] == "russia"
    assert executed["metadata"]["papermill"]["parameters"]["as_of"] == "2022-03-31"


def test_bad_p_override_exits_2_naming_the_parameter(tmp_path):
    root = copy_inputs(tmp_path / "copy")
    write_config(root, [{"name": "mine", "parameters": {}}])
    unknown = run_briefings("build", "-P", "colour=red", cwd=root)
    assert unknown.returncode == 2 and "unknown parameter(s) 'colour'" in unknown.stderr
    bad = run_briefings("build", "-P", "side=mars", cwd=root)
    assert bad.returncode == 2 and "parameter 'side' must be one of" in bad.stderr
    malformed = run_briefings("build", "-P", "side", cwd=root)
    assert malformed.returncode == 2 and "NAME=VALUE" in malformed.stderr
    assert not (root / "reports").exists() or not any((root / "reports").glob("mine*"))
