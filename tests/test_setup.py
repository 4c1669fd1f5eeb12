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


def readme_block(language: str) -> str:
    """The first fenced block of ``language`` in the README, as written."""
    return re.search(rf"```{language}\n(.*?)```", (REPO / "README.md").read_text("utf-8"), re.S).group(1)


def test_the_readmes_cron_job_and_make_briefings_run_as_written(newcomer, tmp_path):
    """The scheduled job exactly as the README writes it (only /srv/briefings replaced by the clone), in a
    clone with an upstream to pull from; then `make briefings`, the README's first command."""
    root, env, made = newcomer
    assert made.returncode == 0
    # One small briefing instead of the default set (the commands are the same; the build is a minute shorter).
    (root / "reports.yml").write_text("briefings:\n  - name: heads\n    parameters:\n      title: Headcounts only\n"
                                      "      focus: headcounts\n", "utf-8")
    upstream = tmp_path / "upstream.git"
    for command in (["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-q", "-am", "one"],
                    ["git", "clone", "-q", "--bare", str(root), str(upstream)],
                    ["git", "remote", "add", "origin", str(upstream)], ["git", "fetch", "-q", "origin"],
                    ["git", "branch", "-q", "--set-upstream-to=origin/main"]):
        subprocess.run(command, cwd=root, check=True, env=env)

    lines = [line for line in readme_block("cron").splitlines() if line.strip()]
    assert lines[0].startswith("MAILTO=")  # cron mails what the job prints
    schedule, command = lines[1].split(" cd ", 1)
    assert schedule.split() == ["15", "2", "*", "*", "*"]
    command = "cd " + command.replace("/srv/briefings", str(root))
    quiet = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=900)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    # All went well: cron would mail only the warnings that the record is old (this is real data).
    assert quiet.stdout == "", quiet.stdout
    assert all("stale data:" in line for line in quiet.stderr.splitlines()), quiet.stderr
    assert (root / "reports" / "heads" / "heads.pdf").is_file() and (root / "reports" / "index.html").is_file()

    # A briefing that fails: the mail carries the build's own exit code and the failed briefing's error.
    (root / "reports.yml").write_text("briefings:\n  - name: heads\n    parameters:\n      title: Headcounts only\n"
                                      "      focus: headcounts\n      as_of: 2030-01-01\n", "utf-8")
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-q", "-am", "two"],
                   cwd=root, check=True, env=env)
    subprocess.run(["git", "push", "-q", "origin", "main"], cwd=root, check=True, env=env)
    refused = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=900)
    assert refused.returncode == 2 and "as_of" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    subprocess.run(["git", "reset", "-q", "--hard", "HEAD~1"], cwd=root, check=True, env=env)

    # The README's first command, from the project root: everything up to date, exit 0.
    first = readme_block("sh").splitlines()[0].split("#")[0].strip()
    assert first == "make briefings"
    built = subprocess.run(first.split(), cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "briefings build: exit 0: 0 built, 1 up to date, 0 failed" in built.stdout, built.stdout
