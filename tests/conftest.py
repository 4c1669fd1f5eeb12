"""Shared fixtures: the real data package, loaded once, a throw-away copy of it, and the default
briefing executed once per test run (shared by every xdist worker) for the tests that only read it."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from analysis.loading import load_data
from analysis.paths import DATA_DIR

REPO = Path(__file__).resolve().parent.parent

# pytest-xdist's workers ignore SIGINT, and an ignored signal stays ignored in every command a test
# starts: a test's Ctrl-C would then reach nothing and the test would wait for ever. Give the
# commands the disposition a shell gives them.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def real_data():
    """The project's own data/ package, validated and loaded (read-only: never edit its frames)."""
    return load_data(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of data/ in tmp_path that a test may break; data/ itself is never edited."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def built_once(tmp_path_factory, name: str, build) -> Path:
    """A folder ``name`` that ``build(folder)`` fills once per test run, shared by every xdist worker:
    the first worker to ask builds it under a file lock, the others wait for it and then read it.
    Tests must only read it. Returns the folder. (Without fcntl, each worker builds its own.)"""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no shared lock, so no sharing
        fcntl = None
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") and fcntl else base
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or if this worker dies
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def default_briefing_executed(tmp_path_factory) -> Path:
    """notebooks/briefing.ipynb (as git would commit it) executed once by papermill with its default
    parameters and the project's kernel, from notebooks/ as JupyterLab runs it; returns the executed
    notebook's path. Read-only: a test that changes it copies it first."""

    def build(folder: Path) -> None:
        import papermill
        from helpers import committed_notebook

        source = folder / "committed.ipynb"
        source.write_text(committed_notebook(REPO / "notebooks" / "briefing.ipynb"), "utf-8")
        papermill.execute_notebook(str(source), str(folder / "briefing.ipynb"), kernel_name="briefings",
                                   progress_bar=False, cwd=str(REPO / "notebooks"))

    return built_once(tmp_path_factory, "default-briefing", build) / "briefing.ipynb"
