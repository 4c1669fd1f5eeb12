"""Rewrite environment.yml from requirements.lock (run by `make lock`).

Every package of the lock is pinned, at the lock's version: from conda-forge under its conda-forge
name, or, for the few conda-forge does not carry, from PyPI through pip. So a conda user gets the
same set as `make venv`, transitive dependencies included; tests/test_environment.py checks that
the files agree.

conda-forge names differ from PyPI names for some packages; CONDA_NAMES holds those (from
grayskull's PyPI-to-conda-forge table, grayskull/strategy/config.yaml, and conda-forge's feedstock
names). PIP_ONLY holds packages that have no conda-forge build. Neither list could be checked
against conda-forge from this project's machines (only PyPI is reachable): correct them here if
`conda env create` says otherwise.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# conda-forge environment for the briefings: every package of requirements.lock, at the lock's
# version (direct and transitive), under its conda-forge name; the few conda-forge lacks come from
# PyPI through pip. Written by tools/pin_environment.py (`make lock` runs it); do not edit by hand.
# tests/test_environment.py checks it against the lock.
name: briefings
channels:
  - conda-forge
dependencies:
  - python=3.11
"""

#: PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {
    "brotli": "brotli-python",
    "dask": "dask-core",
    "fastjsonschema": "python-fastjsonschema",
    "jupyter-client": "jupyter_client",
    "jupyter-core": "jupyter_core",
    "jupyter-events": "jupyter_events",
    "jupyter-server": "jupyter_server",
    "jupyter-server-terminals": "jupyter_server_terminals",
    "jupyterlab-pygments": "jupyterlab_pygments",
    "jupyterlab-server": "jupyterlab_server",
    "matplotlib": "matplotlib-base",
    "msgpack": "msgpack-python",
    "prometheus-client": "prometheus_client",
    "pure-eval": "pure_eval",
    "stack-data": "stack_data",
    "typing-extensions": "typing_extensions",
    "tzdata": "python-tzdata",
    "zopfli": "py-zopfli",
}

#: Packages installed by pip: new or niche PyPI-only packages with no conda-forge build, and typst
#: (conda-forge's "typst" is the Typst command line, not the Python package of that name, the
#: compiler inside a wheel, that briefings.pdf imports).
PIP_ONLY = {"annotated-doc", "jupyter-builder", "lazy-importer", "nest-asyncio2", "typst"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(text: str) -> dict[str, str]:
    """``{canonical name: version}`` of every package pinned in a pip-compile lock."""
    return {canonical(m.group(1)): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.MULTILINE)}


def requirement_name(requirement: str) -> str:
    return canonical(re.match(r"^([A-Za-z0-9_.\-]+)", requirement.strip()).group(1))


def conda_version(version: str) -> str:
    """conda-forge publishes a PyPI post-release (``2026.10.19.post1``) under its release number
    (a new build, not a new version)."""
    return re.sub(r"\.post\d+$", "", version)


def environment(lock: dict[str, str]) -> str:
    """The text of environment.yml for ``lock`` (canonical name -> version)."""
    conda = [f"  - {CONDA_NAMES.get(name, name)}=={conda_version(version)}"
             for name, version in sorted(lock.items()) if name not in PIP_ONLY]
    pip = [f"      - {name}=={version}" for name, version in sorted(lock.items()) if name in PIP_ONLY]
    return HEADER + "\n".join(conda + ["  - pip", "  - pip:"] + pip + ["      - -e ."]) + "\n"


def main() -> None:
    lock = locked_versions((ROOT / "requirements.lock").read_text("utf-8"))
    # Every direct dependency must be in the lock (make lock adds them first).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    direct = [requirement_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    missing = [name for name in direct if name not in lock]
    if missing:
        raise SystemExit(f"requirements.lock lacks {', '.join(missing)}: run `make lock` first")
    (ROOT / "environment.yml").write_text(environment(lock), "utf-8")


if __name__ == "__main__":
    main()
