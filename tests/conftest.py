"""Shared fixtures: the real data package, loaded once, and a throw-away copy of it."""

from __future__ import annotations

import shutil

import pytest

from analysis.loading import load_data
from analysis.paths import DATA_DIR


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
