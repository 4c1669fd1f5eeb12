"""briefing_html / briefing_pdf refuse a notebook that was never run or is not a briefing,
saying what is missing, rather than writing a page whose only text is its name."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from helpers import REPO, committed_notebook
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from briefings.rendering import BriefingHTMLExporter, BriefingPDFExporter, NotABriefing


def foreign_notebook():
    nb = new_notebook()
    nb.cells = [new_markdown_cell("# Some analysis"),
                new_code_cell("1 + 1", execution_count=1,
                              outputs=[new_output("execute_result", data={"text/plain": "2"}, execution_count=1)])]
    return nb


@pytest.mark.parametrize("exporter", [BriefingHTMLExporter, BriefingPDFExporter])
def test_unexecuted_briefing_is_refused(exporter):
    # As committed: a copy run and saved in JupyterLab has outputs in the working tree, not in git.
    nb = nbformat.reads(committed_notebook(REPO / "notebooks" / "briefing.ipynb"), as_version=4)
    with pytest.raises(NotABriefing, match=r"never executed: none of its \d+ code cells has an output"):
        exporter().from_notebook_node(nb)


@pytest.mark.parametrize("exporter", [BriefingHTMLExporter, BriefingPDFExporter])
def test_foreign_notebook_is_refused(exporter):
    with pytest.raises(NotABriefing, match="no output carries the briefing header"):
        exporter().from_notebook_node(foreign_notebook())


def test_notebook_without_code_is_refused():
    nb = new_notebook()
    nb.cells = [new_markdown_cell("only words")]
    with pytest.raises(NotABriefing, match="no code cells"):
        BriefingHTMLExporter().from_notebook_node(nb)


@pytest.mark.slow
def test_nbconvert_command_fails_with_the_reason_and_writes_nothing(tmp_path):
    (tmp_path / "briefing.ipynb").write_text(committed_notebook(REPO / "notebooks" / "briefing.ipynb"), "utf-8")
    result = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "briefing_html", "briefing.ipynb"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode != 0
    assert "the notebook was never executed" in result.stderr
    assert not (tmp_path / "briefing.html").exists()
