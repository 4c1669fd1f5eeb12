"""Every command the README shows is run, as written, by a named test (or by CI itself).

The README's shell and cron blocks and its inline commands are read here; each must be in
RUN_BY, which names the test that runs it from the folder the README implies. A command added to
the README without a test, or a test renamed away from its command, fails this file. The README's
"How to add a claim" example (claim.yml and the three commands under it) is run here, as written,
in a copy of the project.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, copy_inputs

README = (REPO / "README.md").read_text("utf-8")
BIN = Path(sys.executable).parent

#: Command as the README writes it → the test that runs it ("file.py::test"), or, for the few that
#: no test runs, why (these are named in the issue's closing note as well).
RUN_BY = {
    "make briefings": "test_setup.py::test_the_readmes_cron_job_and_make_briefings_run_as_written",
    "make test": "CI: .ci/run runs it on a fresh clone (a test cannot run the suite it belongs to)",
    "make check": "test_readme.py::test_the_test_tiers_select_what_the_readme_says",
    '.venv/bin/python -m pytest -n auto -m "not browser"': "test_readme.py::test_the_test_tiers_select_what_the_readme_says",
    "make venv": "test_setup.py::test_make_venv_installs_the_lock_with_the_interpreters_own_pip",
    "make -s venv": "test_setup.py::test_the_readmes_cron_job_and_make_briefings_run_as_written",
    "make validate": "test_readme.py::test_make_targets_that_only_read_run_as_written",
    "make list": "test_readme.py::test_make_targets_that_only_read_run_as_written",
    "make clean OUT=DIR": "test_bad_input.py::test_own_make_clean_removes_only_what_the_build_recorded",
    "make clean": "test_bad_input.py::test_own_make_clean_removes_only_what_the_build_recorded",
    "make lab": "test_jupyterlab_view.py::test_briefing_in_jupyterlab_reads_as_the_briefing",
    "make preview": "not run by a test: a server until Ctrl-C; `briefings preview` under it is (test_preview.py)",
    "make preview NAME=overview": "not run by a test: as `make preview`",
    "make bench": "not run by a test: the benchmark itself, minutes long; its figures are in benchmarks/results.md",
    "make lock": "not run by a test: it resolves against PyPI and rewrites the lock; test_environment.py checks "
                 "the lock and environment.yml it writes",
    "make lock UPGRADE=1": "not run by a test: as `make lock`",
    "15 2 * * * cd /srv/briefings && git pull -q --ff-only && make -s venv && .venv/bin/briefings build -q":
        "test_setup.py::test_the_readmes_cron_job_and_make_briefings_run_as_written",
    "briefings add": "test_readme.py::test_the_readmes_add_a_claim_example_runs_as_written",
    "briefings add claim": "test_add.py::test_on_a_terminal_each_missing_field_is_asked_with_its_description_and_allowed_values",
    "briefings add claim --from claim.yml --why \"The ministry's new count, read in its own briefing\"":
        "test_readme.py::test_the_readmes_add_a_claim_example_runs_as_written",
    "briefings add claim --from claim.yml --dry-run": "test_readme.py::test_the_readmes_add_a_claim_example_runs_as_written",
    "briefings add source": "test_add.py::test_on_a_terminal_new_at_the_source_asks_for_the_source_and_adds_both",
    "briefings add claimant": "test_add.py::test_on_a_terminal_new_at_the_source_asks_for_the_source_and_adds_both",
    "briefings <command> --help": "test_cli_conventions.py::test_help_has_an_example_and_its_own_exit_codes",
    "briefings build": "test_scheduled.py::test_quiet_build_says_nothing_when_all_went_well_and_the_summary_when_one_failed",
    "briefings build --force": "test_scheduled.py::test_published_log_holds_one_build_and_no_traceback_the_private_log_has_it",
    "briefings build -v": "test_build_stages.py::test_verbose_prints_the_summary_table_and_plain_does_not",
    "briefings list": "test_readme.py::test_make_targets_that_only_read_run_as_written",
    "briefings validate": "test_readme.py::test_make_targets_that_only_read_run_as_written",
    "briefings preview": "test_preview.py::test_preview_reloads_the_page_after_a_data_edit",
    "briefings preview overview": "test_preview.py::test_preview_reloads_the_page_after_a_data_edit",
    "papermill notebooks/briefing.ipynb out.ipynb -p as_of 2022-03-31 -p side russia":
        "test_by_hand.py::test_papermill_then_nbconvert_from_the_project_root",
    "jupyter nbconvert --to briefing_pdf out.ipynb": "test_by_hand.py::test_papermill_then_nbconvert_from_the_project_root",
    "jupyter nbconvert --to briefing_pdf": "test_by_hand.py::test_papermill_then_nbconvert_from_the_project_root",
    "papermill --help-notebook notebooks/briefing.ipynb": "test_notebooks.py",
    ".venv/bin/python tools/check_jupyterlab.py": "test_jupyterlab_view.py::test_briefing_in_jupyterlab_reads_as_the_briefing",
}

COMMAND_START = r"(?:make|briefings|papermill|jupyter|\.venv/bin/\S+|python)"


def readme_commands() -> set[str]:
    """Every command the README shows: each line of its ``sh`` and ``cron`` blocks (comments and
    ``MAILTO=`` set aside) and each inline code span that starts with a command."""
    commands = set()
    for language, body in re.findall(r"```(sh|cron)\n(.*?)```", README, re.S):
        for line in body.splitlines():
            line = line.split("  #")[0].strip() if language == "sh" else line.strip()
            if line and not line.startswith(("#", "MAILTO=")):
                commands.add(line)
    # An inline span quoting what a command prints ("briefings build: exit N: …") is output, not a command.
    commands |= {span for span in re.findall(rf"`({COMMAND_START} [^`]*)`", README) if not re.match(r"\S+ \w+: ", span)}
    return commands


def test_every_command_the_readme_shows_is_run_by_a_named_test():
    missing = sorted(readme_commands() - set(RUN_BY))
    assert missing == [], f"README commands no test runs (add one, and name it in RUN_BY): {missing}"
    stale = sorted(set(RUN_BY) - readme_commands())
    assert stale == [], f"RUN_BY names commands the README no longer shows: {stale}"


@pytest.mark.parametrize("command", sorted(RUN_BY))
def test_the_named_test_exists(command):
    where = RUN_BY[command]
    if where.startswith("CI:"):
        assert command in (REPO / ".ci" / "run").read_text("utf-8")
        return
    if where.startswith("not run by a test"):
        # Only these few; each says why. The list cannot grow without this count changing.
        assert command in {"make preview", "make preview NAME=overview", "make bench", "make lock",
                           "make lock UPGRADE=1"}
        return
    filename, _, name = where.partition("::")
    tree = ast.parse((REPO / "tests" / filename).read_text("utf-8"))
    if name:
        assert name in {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}, where


@pytest.fixture
def project_copy(tmp_path):
    root = copy_inputs(tmp_path / "project")
    shutil.copy2(REPO / "reports.yml", root / "reports.yml")
    return root


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """``command`` as a user types it, with the project's environment first on PATH."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_readmes_add_a_claim_example_runs_as_written(project_copy):
    form = re.search(r"```yaml\n(# claim\.yml.*?)```", README, re.S).group(1)
    (project_copy / "claim.yml").write_text(form, "utf-8")
    block = re.search(r"```sh\n(briefings add claim .*?)```", README, re.S).group(1)
    dry_run, with_why = (next(line.split("  #")[0].strip() for line in block.splitlines() if flag in line)
                         for flag in ("--dry-run", "--why"))
    before = (project_copy / "data" / "headcount_claims.csv").read_bytes()

    checked = shell(dry_run, project_copy)
    assert checked.returncode == 0, checked.stderr
    assert (project_copy / "data" / "headcount_claims.csv").read_bytes() == before  # --dry-run writes nothing
    assert "Examplia" in checked.stdout

    added = shell(with_why, project_copy)
    assert added.returncode == 0, added.stderr
    after = (project_copy / "data" / "headcount_claims.csv").read_text("utf-8")
    assert after.startswith(before.decode("utf-8")) and "Examplia" in after.splitlines()[-1]
    changelog = (project_copy / "data" / "CHANGELOG.md").read_text("utf-8")
    assert "The ministry's new count, read in its own briefing" in changelog
    # The made-up source was added in the same step, before the row that cites it.
    assert "https://www.example.org/report" in (project_copy / "data" / "sources.csv").read_text("utf-8")


def test_make_targets_that_only_read_run_as_written(project_copy):
    """`make validate` and `make list` (the Makefile's, from the project's root, using this environment),
    which run `briefings validate` and `briefings list`."""
    shutil.copy2(REPO / "Makefile", project_copy / "Makefile")
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy2(REPO / name, project_copy / name)
    # The copy uses this environment: its .venv is a link to ours, stamped as installed after the copies.
    (project_copy / ".venv").symlink_to(BIN.parent)
    stamp = BIN.parent / ".installed"
    if not stamp.exists():
        pytest.fail(f"{stamp} missing: run `make venv` first")
    validated = shell("make validate", project_copy)
    assert validated.returncode == 0 and "valid (data version" in validated.stdout, validated.stdout + validated.stderr
    listed = shell("make list", project_copy)
    assert listed.returncode == 0, listed.stderr
    assert all(name in listed.stdout for name in ("overview", "africa", "north-korea")), listed.stdout


def _collected(command: str) -> set[str]:
    """The test ids ``command`` (a pytest run, as the README or make writes it) would run, collected
    only: running them here would run this test inside itself."""
    done = shell(f"{command} --collect-only -q -p no:xdist".replace(" -n auto", ""), REPO)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {line for line in done.stdout.splitlines() if "::" in line}


@pytest.mark.slow  # six collections of the whole suite, 30-40 s
def test_the_test_tiers_select_what_the_readme_says():
    """`make check` runs every test not marked slow, browser or cluster, and only those; the README's
    `-m "not browser"` example runs all but the browser tests. Collected, not run (a test cannot run
    the suite it belongs to); CI runs the whole suite."""
    dry = shell("make -n check", REPO)
    assert dry.returncode == 0, dry.stderr
    check_command = next(line for line in dry.stdout.splitlines() if "pytest" in line)
    pytest = f"{BIN / 'python'} -m pytest -p no:cacheprovider"
    everything = _collected(pytest)
    marked = {m: _collected(f'{pytest} -m {m}') for m in ("slow", "browser", "cluster")}
    assert all(marked.values()), {m: len(ids) for m, ids in marked.items()}
    fast = _collected(check_command)
    assert fast == everything - set().union(*marked.values())
    assert 0 < len(fast) < len(everything)
    example = '.venv/bin/python -m pytest -n auto -m "not browser"'
    assert _collected(example) == everything - marked["browser"]
