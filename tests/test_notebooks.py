"""Notebooks are committed without outputs, name the project's kernel, and the briefing's
parameters cell matches the library and describes itself to papermill.

The checks read each notebook as git would commit it (the working file through the nbstripout
clean filter), so a notebook run and saved in JupyterLab does not fail them; the index's copy,
what git stores, must be exactly as nbstripout writes it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import nbformat
import papermill
import pytest
from helpers import REPO, committed_notebook

from briefings.gitclean import as_committed, refresh_index_after_save

from briefings.parameters import PARAMETERS, defaults, parameters_cell

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
FLAGS = re.search(r"^NBSTRIPOUT_FLAGS := (.*)$", (REPO / "Makefile").read_text("utf-8"), re.M).group(1)


def committed(path):
    return nbformat.reads(committed_notebook(path), as_version=4)


def test_there_is_a_briefing_and_an_exploration_notebook():
    names = {p.name for p in NOTEBOOKS}
    assert "briefing.ipynb" in names and any(n.startswith("explore-") for n in names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = committed(path)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exactly_one_parameters_cell(path):
    notebook = committed(path)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1


def test_briefing_parameters_cell_declares_every_parameter_with_its_default():
    notebook = committed(REPO / "notebooks" / "briefing.ipynb")
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


@pytest.mark.slow
def test_papermill_help_notebook_lists_types_not_unknown():
    result = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(REPO / "notebooks" / "briefing.ipynb")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Unknown type" not in result.stdout
    assert "excess_threshold: float (default 1.5)" in result.stdout
    assert "origins: str or list[str]" in result.stdout


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_name_the_kernel_the_set_up_registers(path):
    kernelspec = committed(path).metadata.kernelspec
    assert (kernelspec.name, kernelspec.display_name) == ("briefings", "Python 3 (briefings)")
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "KERNEL := briefings" in makefile and "KERNEL_NAME := Python 3 (briefings)" in makefile
    assert "ipykernel install --sys-prefix --name $(KERNEL)" in makefile


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_as_nbstripout_writes_them(path, tmp_path):
    # The git filter `make venv` installs, with the Makefile's flags, would leave the stored notebook unchanged
    # (otherwise git status lists it as modified forever). What git stores is the index's copy; outside a
    # git work tree (an unpacked archive), the file itself.
    relative = path.relative_to(REPO).as_posix()
    stored = subprocess.run(["git", "-C", str(REPO), "show", f":{relative}"], capture_output=True)
    copy = tmp_path / path.name
    copy.write_bytes(stored.stdout if stored.returncode == 0 else path.read_bytes())
    result = subprocess.run([sys.executable, "-m", "nbstripout", *FLAGS.split(), "--verify", str(copy)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{path.name} is not as nbstripout writes it: {result.stdout}{result.stderr}"
    attributes = (REPO / ".gitattributes").read_text("utf-8")
    assert "*.ipynb filter=nbstripout" in attributes


def test_briefing_cells_are_thin():
    notebook = committed(REPO / "notebooks" / "briefing.ipynb")
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            continue  # declarations, one per parameter (checked against PARAMETERS above)
        code = [line for line in cell.source.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        assert len(code) <= 10, "move logic into analysis/ and briefings/ and call it"


@pytest.mark.parametrize("as_of, syrians", [("2022-03-31", "40,000+"),  # SOHR, 15 Mar 2022 (H001)
                                             (None, "about 50,000")])     # SOHR via NHK, Nov 2022 (H037)
@pytest.mark.slow
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


# ------------------------------------------------------------------ a JupyterLab save, as git sees it

def saved_in_jupyterlab(path, source_of_first_code_cell=None):
    """Write ``path`` as JupyterLab saves a notebook it ran: outputs, execution counts and the kernel's
    language_info, in jupyter_server's JSON layout (which differs in size from the stored file)."""
    notebook = nbformat.read(path, as_version=4)
    for count, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"output {count}\n")]
    if source_of_first_code_cell is not None:
        next(c for c in notebook.cells if c.cell_type == "code").source = source_of_first_code_cell
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    path.write_text(nbformat.writes(notebook, version=nbformat.NO_CONVERT), "utf-8")


@pytest.fixture
def clone(tmp_path):
    """A git repository with the project's .gitattributes, the filter as `make venv` sets it up (this
    interpreter's nbstripout with the Makefile's flags) and the briefing notebook committed."""
    root = tmp_path / "clone"
    (root / "notebooks").mkdir(parents=True)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], check=True)
    (root / ".gitattributes").write_bytes((REPO / ".gitattributes").read_bytes())
    for key, value in (("filter.nbstripout.clean", f"{sys.executable} -m nbstripout {FLAGS}"),
                       ("filter.nbstripout.smudge", "cat"), ("filter.nbstripout.required", "true")):
        subprocess.run(git + ["config", key, value], check=True)
    (root / "notebooks" / "briefing.ipynb").write_text(committed_notebook(REPO / "notebooks" / "briefing.ipynb"),
                                                       "utf-8")
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "notebook"], check=True)
    return root, git


def status(git) -> str:
    return subprocess.run(git + ["status", "--porcelain"], capture_output=True, text=True, check=True).stdout


def test_the_tests_read_a_saved_notebook_as_git_would_commit_it(clone):
    root, git = clone
    path = root / "notebooks" / "briefing.ipynb"
    stored = path.read_bytes()
    saved_in_jupyterlab(path)
    assert nbformat.read(path, as_version=4).cells[2].outputs  # the working file has outputs ...
    assert as_committed(path) == stored  # ... git would commit the stored file, byte for byte
    (root / ".gitattributes").write_text("", "utf-8")  # the control: without the filter, the outputs count
    assert as_committed(path) == path.read_bytes() != stored


def test_a_jupyterlab_save_that_changes_only_outputs_leaves_git_status_clean(clone):
    root, git = clone
    path = root / "notebooks" / "briefing.ipynb"
    saved_in_jupyterlab(path)
    # git trusts the index's recorded size and lists the notebook although the commit would not change
    # (git diff, which runs the filter, is empty): what the issue saw.
    assert status(git) == " M notebooks/briefing.ipynb\n"
    assert subprocess.run(git + ["diff", "--quiet"]).returncode == 0
    assert refresh_index_after_save(os_path=str(path), model={"type": "notebook"}) is True
    assert status(git) == ""


def test_a_jupyterlab_save_that_changes_a_cell_stays_listed_and_unstaged(clone):
    root, git = clone
    path = root / "notebooks" / "briefing.ipynb"
    saved_in_jupyterlab(path, source_of_first_code_cell="print('an analyst edit')")
    assert refresh_index_after_save(os_path=str(path), model={"type": "notebook"}) is False
    assert status(git) == " M notebooks/briefing.ipynb\n"  # modified, not staged ("M " would be staged)


def test_make_lab_installs_the_save_hook(tmp_path):
    from jupyterlab.labapp import LabApp
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

    recipe = (REPO / "Makefile").read_text("utf-8").split("\nlab:", 1)[1].split("\n\n", 1)[0]
    flag = next(word for word in recipe.split() if word.startswith("--ContentsManager.post_save_hook="))
    app = LabApp()
    app.parse_command_line([flag])  # as `jupyter lab` reads it: the server's contents manager gets the hook
    manager = AsyncLargeFileManager(config=app.config, root_dir=str(tmp_path))
    assert manager.post_save_hook is refresh_index_after_save
