"""environment.yml (conda-forge) and pyproject.toml (pip) list the same runtime dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml
from helpers import REPO


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_conda_and_pip_runtime_dependencies_agree():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    pip = dict(_split(r) for r in pyproject["project"]["dependencies"])
    environment = yaml.safe_load((REPO / "environment.yml").read_text("utf-8"))
    conda = dict(_split(d) for d in environment["dependencies"]
                 if isinstance(d, str) and not d.startswith(("python", "pip")))
    assert conda == pip
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert "python>=3.11" in environment["dependencies"]
