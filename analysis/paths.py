"""Where the project is: found from the current folder upward by its ``reports.yml``.

A project is a folder holding ``reports.yml`` (the briefing set), ``data/`` (the data package),
``notebooks/`` and, once built, ``reports/``. The commands look for ``reports.yml`` in the
current folder and then in each parent, as git, Quarto and dbt look for their own files, so
``briefings build`` run anywhere inside a copy of the project builds that copy's data and
notebooks, whether the package was installed editable or not. ``--config`` and ``--data``
still override what is found.

``DATA_DIR`` and the other module constants are the project found from the folder the process
started in (a notebook's kernel starts in ``notebooks/``, so it finds its own project); when
there is none, the folder beside the package, which is the repository in an editable install.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import BriefingsError

CONFIG_NAME = "reports.yml"
DESCRIPTOR_NAME = "datapackage.json"
PACKAGE_ROOT = Path(__file__).resolve().parent


class ProjectNotFound(BriefingsError, LookupError):
    """No ``reports.yml`` in the start folder or any folder above it (exit 2, as for any bad usage)."""


@dataclass(frozen=True)
class Project:
    """A briefings project: its folder and the standard places inside it."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def relative(self, path: Path | str) -> str:
        """``path`` relative to the project root when it lies inside it, else as given."""
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(self.root):
            return str(path)
        return Path(os.path.relpath(resolved, self.root)).as_posix()


def find_project(start: Path | str | None = None) -> Project:
    """The nearest folder at or above ``start`` (default: the current folder) holding reports.yml.

    Raises :class:`ProjectNotFound` saying what was looked for and where.
    """
    start = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return Project(folder)
    raise ProjectNotFound(
        f"no {CONFIG_NAME} in {start} or any folder above it; run briefings inside a project "
        f"(the folder holding {CONFIG_NAME}, data/ and notebooks/, or any folder below it), "
        "or pass --config FILE (and --data DIR)")


def _default_project() -> Project:
    try:
        return find_project()
    except (ProjectNotFound, OSError):
        return Project(PACKAGE_ROOT.parent)


_DEFAULT = _default_project()
REPO_ROOT = _DEFAULT.root
DATA_DIR = _DEFAULT.data
NOTEBOOKS_DIR = _DEFAULT.notebooks
REPORTS_DIR = _DEFAULT.reports
CONFIG_FILE = _DEFAULT.config
