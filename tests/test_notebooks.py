"""Notebooks are committed without outputs, name the project's kernel, and the briefing's
parameters cell matches the library and describes itself to papermill."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import nbformat
import papermill
import pytest
from helpers import REPO

from briefings.parameters import PARAMETERS, defaults, parameters_cell

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
    assigned = {node.target.id: ast.literal_eval(node.value)
                for node in ast.parse(cell.source).body if isinstance(node, ast.AnnAssign)}
    assert assigned == defaults()
    assert set(assigned) == set(PARAMETERS)
    assert cell.source == parameters_cell()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_infers_a_type_and_help_for_every_parameter(path):
    inferred = papermill.inspect_notebook(str(path))
    assert inferred
    for name, parameter in inferred.items():
        assert parameter["inferred_type_name"] not in ("None", ""), f"{path.name}: {name} has no type"
        assert parameter["help"], f"{path.name}: {name} has no help"
    if path.name == "briefing.ipynb":
        assert {name: (p["inferred_type_name"], p["help"]) for name, p in inferred.items()} == {
            name: (spec.type, spec.help) for name, spec in PARAMETERS.items()}


def test_papermill_help_notebook_lists_types_not_unknown():
    result = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(REPO / "notebooks" / "briefing.ipynb")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Unknown type" not in result.stdout
    assert "excess_threshold: float (default 1.5)" in result.stdout
    assert "origins: str or list[str]" in result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_name_the_kernel_the_set_up_registers(path):
    kernelspec = nbformat.read(path, as_version=4).metadata.kernelspec
    assert (kernelspec.name, kernelspec.display_name) == ("briefings", "Python 3 (briefings)")
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "KERNEL := briefings" in makefile and "KERNEL_NAME := Python 3 (briefings)" in makefile
    assert "ipykernel install --sys-prefix --name $(KERNEL)" in makefile


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_as_nbstripout_writes_them(path):
    # The git filter `make venv` installs, with the Makefile's flags, would leave a committed notebook unchanged.
    flags = re.search(r"^NBSTRIPOUT_FLAGS := (.*)$", (REPO / "Makefile").read_text("utf-8"), re.M).group(1).split()
    result = subprocess.run([sys.executable, "-m", "nbstripout", *flags, "--verify", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{path.name} is not as nbstripout writes it: {result.stdout}{result.stderr}"
    attributes = (REPO / ".gitattributes").read_text("utf-8")
    assert "*.ipynb filter=nbstripout" in attributes


def test_briefing_cells_are_thin():
    notebook = nbformat.read(REPO / "notebooks" / "briefing.ipynb", as_version=4)
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            continue  # declarations, one per parameter (checked against PARAMETERS above)
        code = [line for line in cell.source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert len(code) <= 10, "move logic into analysis/ and briefings/ and call it"


@pytest.mark.parametrize("as_of, syrians", [("2022-03-31", "40,000+"),  # SOHR, 15 Mar 2022 (H001)
                                             (None, "about 50,000")])     # SOHR via NHK, Nov 2022 (H037)
def test_explore_notebook_runs_top_to_bottom(tmp_path, as_of, syrians):
    # Analysts open this notebook first: every cell must run on the library as it is, with its default
    # parameters and with everything (as_of None). Run in notebooks/, as JupyterLab runs it.
    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(str(REPO / "notebooks" / "explore-claims.ipynb"), str(out),
                               parameters={"as_of": as_of}, cwd=str(REPO / "notebooks"), kernel_name="python3",
                               progress_bar=False)
    executed = nbformat.read(out, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
    shown = "".join(str(o.get("data", {}).get("text/html", "")) for c in executed.cells if c.cell_type == "code"
                    for o in c.get("outputs", []))
    assert syrians in shown  # the latest Syrian sign-up figure, shown as its source stated it
