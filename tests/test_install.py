"""A non-editable install in a fresh environment builds the project you stand in.

The package is installed (not editable) into a new virtual environment whose dependencies come
from this environment's site-packages through a .pth file (only the build backend, setuptools,
comes from PyPI, as for any install from source);
then a copy of the project, with its own title, notebook and datum, is built from one of its
sub-folders, and the output must show the copy's inputs.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import sysconfig

import nbformat
import pytest
from helpers import REPO, copy_inputs, write_config

# Builds from an installed copy.
pytestmark = pytest.mark.slow

IGNORED = shutil.ignore_patterns(".git", ".venv", "reports", ".preview", "build", "*.egg-info", "__pycache__",
                                 "tests", "benchmarks")


def _fresh_install(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=IGNORED)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(site, "project-dependencies.pth"), "w", encoding="utf-8") as handle:
        handle.write(sysconfig.get_paths()["purelib"] + "\n")
    # Built as pip builds any sdist: in isolation, with pyproject's build-system requirements.
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                                "--no-deps", str(source)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    return venv


def test_non_editable_install_builds_the_project_it_is_run_in(tmp_path):
    venv = _fresh_install(tmp_path)
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import analysis; print(analysis.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(venv)), f"analysis imported from {where}, not the fresh install"

    root = copy_inputs(tmp_path / "copy")
    write_config(root, [{"name": "copy", "parameters": {"title": "Title only in the copy 51f2", "focus": "headcounts"}}])
    notebook = nbformat.read(root / "notebooks" / "briefing.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("A paragraph only the copy's notebook has (c0ffee)."))
    nbformat.write(notebook, root / "notebooks" / "briefing.ipynb")
    claims = root / "data" / "headcount_claims.csv"
    with open(claims, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # H059 (about 15,000 North Koreans in two deployments) is the largest count to date: page 1 prints
    # it, so the copy's figure must show (a row only the data annex lists would not).
    largest = next(row for row in rows if row["claim_id"] == "H059")
    largest["people_low"] = largest["people_high"] = "43210"
    with open(claims, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    # nbconvert's own templates are data files of this environment, found through JUPYTER_PATH.
    env = {**os.environ, "JUPYTER_PATH": sysconfig.get_paths()["data"] + "/share/jupyter"}
    built = subprocess.run([str(venv / "bin" / "briefings"), "build"], cwd=root / "notebooks", env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr + (root / "reports" / "build.log").read_text("utf-8")
    html = (root / "reports" / "copy" / "copy.html").read_text("utf-8")
    assert "Title only in the copy 51f2" in html
    assert "(c0ffee)" in html
    assert "43,210" in html

    nowhere = subprocess.run([str(venv / "bin" / "briefings"), "list"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120)
    assert nowhere.returncode == 2 and "no reports.yml in" in nowhere.stderr
    # The same for a build: the project is looked for before anything reads its schema.
    nowhere = subprocess.run([str(venv / "bin" / "briefings"), "build"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120)
    assert nowhere.returncode == 2 and "no reports.yml in" in nowhere.stderr, nowhere.stderr
