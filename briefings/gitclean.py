"""Notebooks as git sees them, for JupyterLab saves and for the tests.

git commits a notebook through the clean filter that ``.gitattributes`` names (nbstripout, set up by
`make venv`), so a notebook run and saved in JupyterLab commits exactly as before when only its
outputs changed. ``git status`` still lists it as modified, though, because git trusts the file's
size in its index and does not run the filter when the size differs (``git diff`` runs it, and is
empty). :func:`refresh_index_after_save` is the JupyterLab post-save hook `make lab` installs: when
the saved notebook, cleaned, is what the index already holds, it refreshes that index entry (the
same as ``git add`` of an unchanged file: the stored content does not change) so ``git status``
stays clean. A real change (a cell edited) is left unstaged, as git would show it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from analysis import files

#: The largest notebook read (an executed briefing with its charts is a few megabytes).
MAX_NOTEBOOK_BYTES = 256 * files.MB


def _git(folder: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(folder), *args], input=data, capture_output=True, timeout=60)


def clean_filter(path: Path) -> tuple[Path, str] | None:
    """The work tree holding ``path`` and the shell command of the clean filter git applies to it,
    or None when ``path`` is outside a git work tree or no configured filter applies to it."""
    path = Path(path).resolve()
    top = _git(path.parent, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        return None
    root = Path(top.stdout.decode().strip())
    relative = path.relative_to(root).as_posix()
    attribute = _git(root, "check-attr", "filter", "--", relative)
    name = attribute.stdout.decode().rsplit(": ", 1)[-1].strip() if attribute.returncode == 0 else ""
    if name in ("", "unspecified", "unset", "set"):
        return None
    command = _git(root, "config", "--get", f"filter.{name}.clean")
    if command.returncode != 0 or not command.stdout.strip():
        return None
    return root, command.stdout.decode().strip()


def as_committed(path: Path) -> bytes:
    """The bytes git would commit for ``path``: the file through its clean filter (git runs it from
    the work tree's top folder), or the file itself where no filter applies. Raises
    CalledProcessError when the filter fails (git would refuse the commit then, the filter being
    required)."""
    content = files.read_bytes(path, limit=MAX_NOTEBOOK_BYTES, what="notebook")
    found = clean_filter(path)
    if found is None:
        return content
    root, command = found
    result = subprocess.run(command, shell=True, cwd=root, input=content, capture_output=True, timeout=120)
    result.check_returncode()
    return result.stdout


def refresh_index_after_save(os_path: str, model: dict | None = None, contents_manager=None, **_) -> bool:
    """JupyterLab's post-save hook (``ContentsManager.post_save_hook``): refresh the git index entry
    of a saved notebook whose committed form has not changed. Returns True when it refreshed one.
    Never raises: a save must not fail because git is absent or busy."""
    path = Path(os_path)
    if path.suffix != ".ipynb":
        return False
    try:
        found = clean_filter(path)
        if found is None:
            return False
        root, _command = found
        relative = path.resolve().relative_to(root).as_posix()
        staged = _git(root, "rev-parse", "--verify", "--quiet", f":{relative}")
        # hash-object --path runs the same clean filter git add would; nothing is written.
        cleaned = _git(root, "hash-object", f"--path={relative}", "--", relative)
        if staged.returncode != 0 or cleaned.returncode != 0 or staged.stdout.strip() != cleaned.stdout.strip():
            return False
        return _git(root, "update-index", "--", relative).returncode == 0
    except (OSError, ValueError, subprocess.SubprocessError):
        return False
