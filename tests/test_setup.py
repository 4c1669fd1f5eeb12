"""A newcomer's set-up: `make venv` in a fresh copy of the project, with the interpreter's own pip.

The lock must install with whatever pip the interpreter ships (pip 23.2.1 with Python 3.11.7 here),
whatever PyPI has published since the lock was written: the lock lists every package, so it is
installed with --no-deps and nothing is resolved (an unpinned extra, fonttools[woff], once made pip
23 resolve against the newest fonttools and refuse the whole lock).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

pytestmark = pytest.mark.slow


def project_files() -> list[str]:
    """What a fresh clone of this working tree holds: tracked files and new ones not ignored."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode("utf-8")
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


def fresh_clone(target: Path) -> Path:
    """A git repository at ``target`` holding this working tree as one commit (a clone of what is
    being tested, uncommitted changes included)."""
    for name in project_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    for command in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                    ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "clone"]):
        subprocess.run(command, cwd=target, check=True)
    return target


def base_interpreter() -> Path:
    """The interpreter this test's venv was made from (not the venv's own python)."""
    candidates = [Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}",
                  Path(sys.base_prefix) / "bin" / "python3"]
    return next(path for path in candidates if path.exists())


def bundled_pip_version() -> str:
    """The pip that ``python -m venv`` puts in a new venv: the wheel ensurepip carries."""
    import ensurepip

    return ensurepip.version()


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory):
    """A fresh copy of the project after `make venv`, run as the README says, with `python3` being
    the base interpreter (so the venv gets that interpreter's bundled pip)."""
    root = fresh_clone(tmp_path_factory.mktemp("newcomer") / "project")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON", "PIP_"))}
    env["PATH"] = f"{base_interpreter().parent}{os.pathsep}{env['PATH']}"
    made = subprocess.run(["make", "venv"], cwd=root, env=env, capture_output=True, text=True, timeout=1200)
    return root, env, made


def test_make_venv_installs_the_lock_with_the_interpreters_own_pip(newcomer):
    root, env, made = newcomer
    assert made.returncode == 0, made.stdout + made.stderr
    python = root / ".venv" / "bin" / "python"
    pip = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True, check=True).stdout
    # The pip the interpreter ships, not one upgraded by hand: the set-up must not depend on it.
    assert pip.split()[1] == bundled_pip_version(), pip
    assert subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True).returncode == 0
    # Every package of the lock, at the lock's version.
    locked = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", (root / "requirements.lock").read_text("utf-8"),
                             re.MULTILINE))
    frozen = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True,
                            check=True).stdout
    installed = {re.sub(r"[-_.]+", "-", name).lower(): version
                 for name, version in re.findall(r"^([^=\s]+)==(\S+)$", frozen, re.MULTILINE)}
    for name, version in locked.items():
        assert installed.get(re.sub(r"[-_.]+", "-", name).lower()) == version, f"{name}=={version} not installed"


def test_the_fresh_venv_runs_the_project_and_its_kernel(newcomer):
    root, env, made = newcomer
    assert made.returncode == 0
    validated = subprocess.run([root / ".venv" / "bin" / "briefings", "validate"], cwd=root, env=env,
                               capture_output=True, text=True, timeout=300)
    assert validated.returncode == 0 and "valid (data version" in validated.stdout, validated.stderr
    # The kernel the notebooks name is registered inside the venv, not in the user's home.
    assert (root / ".venv" / "share" / "jupyter" / "kernels" / "briefings" / "kernel.json").is_file()
    # The git filter that strips notebook outputs is this clone's, and required.
    config = subprocess.run(["git", "config", "--get-regexp", r"^filter\.nbstripout"], cwd=root,
                            capture_output=True, text=True).stdout
    assert "filter.nbstripout.clean" in config
    # A second `make venv` has nothing to do.
    again = subprocess.run(["make", "venv"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "pip install" not in again.stdout, again.stdout
