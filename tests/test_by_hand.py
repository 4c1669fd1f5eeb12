"""The README's by-hand route, run exactly as written, from the project's root, in a copy of the project:

    papermill notebooks/briefing.ipynb out.ipynb -p as_of 2022-03-31 -p side russia
    jupyter nbconvert --to briefing_pdf out.ipynb

(nbconvert used to stop with ``FileNotFoundError: ''`` making a folder for ``out-figures.csv``.)
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import copy_inputs

# Runs papermill and nbconvert by hand on the real notebook.
pytestmark = pytest.mark.slow

pypdf = pytest.importorskip("pypdf")
REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_papermill_then_nbconvert_from_the_project_root(tmp_path):
    project = copy_inputs(tmp_path / "project")
    shutil.copy2(REPO / "reports.yml", project / "reports.yml")
    # The commands as a user types them, found on PATH in the project's environment.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for command in ("papermill notebooks/briefing.ipynb out.ipynb -p as_of 2022-03-31 -p side russia",
                    "jupyter nbconvert --to briefing_pdf out.ipynb"):
        result = subprocess.run(command, shell=True, cwd=project, env=env, capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, f"{command}\n{result.stderr[-3000:]}"
    pdf = project / "out.pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "31 March 2022" in text and "Page 1 of" in text
    assert reader.metadata.author == "Foreign-fighter briefings project"  # the parameter's default
    # The CSV of figures lands beside the PDF, not in a folder named ''.
    csv = (project / "out-figures.csv").read_text("utf-8")
    assert csv.startswith("ref,section,figure,what,low,high,unit,date,rows,sources")
    # So does the claim ledger that `briefings check` re-derives (issue 18), under the same stem.
    ledger = json.loads((project / "out-ledger.json").read_text("utf-8"))
    assert isinstance(ledger["claims"], list) and len(ledger["claims"]) > 0
    assert sorted(p.name for p in project.iterdir()) == ["data", "notebooks", "out-figures.csv", "out-ledger.json",
                                                         "out.ipynb", "out.pdf", "reports.yml"]
