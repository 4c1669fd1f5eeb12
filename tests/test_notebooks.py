"""Notebooks are committed without outputs, and the briefing's parameters cell matches the library."""

from __future__ import annotations

import ast

import nbformat
import pytest
from helpers import REPO

from analysis.parameters import PARAMETERS, defaults

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_is_a_briefing_and_an_exploration_notebook():
    names = {p.name for p in NOTEBOOKS}
    assert "briefing.ipynb" in names and any(n.startswith("explore-") for n in names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exactly_one_parameters_cell(path):
    notebook = nbformat.read(path, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1


def test_briefing_parameters_cell_declares_every_parameter_with_its_default():
    notebook = nbformat.read(REPO / "notebooks" / "briefing.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    assigned = {node.targets[0].id: ast.literal_eval(node.value)
                for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)}
    assert assigned == defaults()
    assert set(assigned) == set(PARAMETERS)


def test_briefing_cells_are_thin():
    notebook = nbformat.read(REPO / "notebooks" / "briefing.ipynb", as_version=4)
    for cell in notebook.cells:
        code = [line for line in cell.source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert len(code) <= 10, "move logic into analysis/ and call it"
