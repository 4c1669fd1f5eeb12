"""Rewrite environment.yml from pyproject.toml and requirements.lock (run by `make lock`).

conda-forge installs the runtime packages, pip the test ones, each at the exact version pip-compile
locked; tests/test_environment.py checks that the three files agree.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# conda-forge environment for the briefings: the same packages as pyproject.toml, pinned to the
# versions in requirements.lock. Written by tools/pin_environment.py (`make lock` runs it);
# tests/test_environment.py checks that the three files agree.
name: briefings
channels:
  - conda-forge
dependencies:
  - python=3.11
"""


#: Runtime packages pip installs: conda-forge's "typst" is the Typst command line, not the
#: Python package of that name (the compiler inside a wheel) that briefings.pdf imports.
PIP_ONLY = ("typst",)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(text: str) -> dict[str, str]:
    return {canonical(m.group(1)): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.MULTILINE)}


def requirement_name(requirement: str) -> str:
    return canonical(re.match(r"^([A-Za-z0-9_.\-]+)", requirement.strip()).group(1))


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    lock = locked_versions((ROOT / "requirements.lock").read_text("utf-8"))
    runtime = [requirement_name(r) for r in project["dependencies"]]
    test = [requirement_name(r) for r in project["optional-dependencies"]["test"]]
    lines = [f"  - {name}=={lock[name]}" for name in runtime if name not in PIP_ONLY]
    lines += ["  - pip", "  - pip:"] + [f"      - {name}=={lock[name]}"
                                         for name in [*(n for n in runtime if n in PIP_ONLY), *test]] + ["      - -e ."]
    (ROOT / "environment.yml").write_text(HEADER + "\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
