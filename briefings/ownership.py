"""The build owns only what it made in ``--out``.

The rule: ``<out>/.briefings-owned.json`` records every top-level name the build created there
(its lock, log, manifest, index, staging folder and one folder per briefing). The build and
``make clean`` delete, rename or replace only recorded names; everything else in ``--out`` is the
user's and is never touched. Before anything is written:

* a name the build needs that exists but is not recorded (a user's ``index.html``, a folder
  called like a briefing) is refused, naming it (exit 2);
* any of those names that is a symbolic link is refused: the build never writes through a link;
* an ``--out`` that is, or contains, the project's own folders, the data, the configuration
  or a notebook, or that lies inside the data folder, is refused.

Names are recorded before they are created, so a killed build never leaves an unrecorded
name behind. Staging and set-aside folders live inside the recorded ``.briefings-staging``.

The record is trusted only for what the build makes, in the shape it makes it
(:func:`not_made_by_build`): its fixed files as regular files, its staging folder holding
``tmp-*``/``old-*``/``removed-*`` folders, set-aside manifests, and briefing folders (a briefing's name) holding
only files named after the briefing and its ``failed/`` folder. A name hand-added to the record
(``mine.txt``, a folder of notes) is never deleted or replaced: ``make clean`` keeps it and says
so, the build refuses to replace it. The record itself is always the build's.

An output folder made by a build from before this record existed (it has a ``manifest.json``
of the right shape, or a lock file) is adopted on its first build: the manifest, index, log,
lock, the data annex and the briefing folders the manifest lists are recorded as the build's. Leftover
``.tmp-*``/``.old-*`` folders of that older build are not adopted: they are left for the user.

This module uses the standard library only, so ``make clean`` runs it without the environment:
``python -m briefings.ownership clean [--root PROJECT] OUT``.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from analysis import files
from analysis.errors import UnsafeOutput

RECORD = ".briefings-owned.json"
LOCK = ".briefings.lock"
LOG = "build.log"
MANIFEST = "manifest.json"
INDEX = "index.html"
STAGING = ".briefings-staging"
#: The names every build uses, whatever its briefings.
ANNEX = "annex"  # the data annex, the whole record (briefings/annex.py)
FIXED = (RECORD, LOCK, LOG, MANIFEST, INDEX, STAGING, ANNEX)
#: Top-level folders of a project checkout that an output folder may never contain.
PROJECT_FOLDERS = ("analysis", "briefings", "data", "notebooks", "tests", "docs", "benchmarks", ".git", ".ci", ".venv")
#: What the build names its folders (a briefing, or a one-off variant of one) and set-aside manifests.
BRIEFING_FOLDER = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}(--custom-[0-9a-f]{8})?\Z")
CORRUPT_MANIFEST = re.compile(r"manifest\.corrupt-[0-9T]{15}-[0-9]+\.json\Z")
#: What the build puts in its staging folder: folders being made, set aside, and being removed.
STAGED = ("tmp-", "old-", "removed-")
#: The bounds on what is read of the record, the manifest and the lock.
MAX_RECORD_BYTES = files.MB
MAX_MANIFEST_BYTES = 64 * files.MB


# ------------------------------------------------------------------------------ files, never through links

def open_nofollow(path: Path, flags: int, mode: int = 0o644) -> int:
    """An open descriptor on the regular file at ``path``, through the guarded opener
    (:func:`analysis.files.open_fd`): never through a symbolic link, never a pipe, device or
    folder, which would block or fail mid-write (raises :class:`UnsafeOutput`)."""
    try:
        return files.open_fd(path, flags, mode, what="file of the build", follow=False)
    except files.FileRefused as error:
        raise UnsafeOutput(str(error)) from None


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a new temporary file and a rename, so readers never see
    half; the temporary file is created exclusively and never through a link, and the rename
    replaces a link at ``path`` rather than writing where it points."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{time.time_ns()}.tmp")
    descriptor = open_nofollow(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    finally:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass


def append_stream(path: Path):
    """A text stream appending to ``path`` (created if missing), never through a link."""
    return os.fdopen(open_nofollow(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND), "a", encoding="utf-8")


def is_link(path: Path) -> bool:
    return os.path.islink(path)


# ------------------------------------------------------------------------------ the record

def read_record(out_dir: Path) -> set[str] | None:
    """The recorded names (None when ``out_dir`` has no record yet)."""
    path = out_dir / RECORD
    if not os.path.lexists(path):
        return None
    try:
        names = files.read_json(path, limit=MAX_RECORD_BYTES, what="record", follow=False)["owned"]
        if not isinstance(names, list) or not all(isinstance(n, str) and n and "/" not in n and n not in (".", "..")
                                                  for n in names):
            raise ValueError("'owned' is not a list of names")
    except (OSError, ValueError, KeyError, TypeError) as error:
        reason = str(error).removeprefix(f"{path}: ")
        raise UnsafeOutput(f"{path}: the record of what the build made here cannot be read ({reason}); "
                           "nothing was changed. Remove it only if this folder holds nothing of yours: "
                           "the next build then adopts only what a manifest.json lists") from None
    return set(names) | {RECORD}  # the record is the build's, whether or not it lists itself


def write_record(out_dir: Path, names: set[str]) -> None:
    """Record ``names`` (only when the record changes, so a refused build leaves it byte-identical)."""
    current = read_record(out_dir) if out_dir.is_dir() else None
    if current == names:
        return
    text = json.dumps({"about": "Names the briefings build created in this folder; only these are ever "
                                "deleted, renamed or replaced by it or by `make clean`.",
                       "owned": sorted(names)}, indent=2) + "\n"
    write_atomically(out_dir / RECORD, text)


def legacy_owned(out_dir: Path) -> set[str]:
    """What an output folder made before the record existed can be shown to hold of the build's:
    a lock file, the log beside it, and with a manifest of the right shape, the manifest, the
    index, the data annex and the briefing folders it lists."""
    owned: set[str] = set()
    lock = out_dir / LOCK
    if os.path.lexists(lock) and not is_link(lock) and lock.is_file():
        owned |= {LOCK, LOG}
    # A staging folder of the build's shape: the record was deleted after a build made it.
    if os.path.lexists(out_dir / STAGING) and not_made_by_build(out_dir, STAGING) is None:
        owned.add(STAGING)
    manifest = out_dir / MANIFEST
    if os.path.lexists(manifest) and not is_link(manifest) and manifest.is_file():
        try:
            data = files.read_json(manifest, limit=MAX_MANIFEST_BYTES, follow=False)
            entries = data["briefings"]
            assert isinstance(entries, dict)
        except (OSError, ValueError, KeyError, TypeError, AssertionError):
            return owned
        owned |= {MANIFEST, INDEX, LOG, LOCK}
        # The data annex, when the manifest says the build published one and the folder has its shape.
        annex = out_dir / ANNEX
        if isinstance(data.get("annex"), dict) and not is_link(annex) and annex.is_dir() \
                and not_made_by_build(out_dir, ANNEX) is None:
            owned.add(ANNEX)
        for name, entry in entries.items():
            folder = out_dir / str(name)
            if isinstance(entry, dict) and "/" not in str(name) and str(name) not in (".", "..") \
                    and not is_link(folder) and folder.is_dir() and not_made_by_build(out_dir, str(name)) is None:
                owned.add(str(name))
    return owned


def not_made_by_build(out_dir: Path, name: str) -> str | None:
    """Why ``out_dir / name`` is not something the build makes, in the shape it makes it (None
    when it is): the record is trusted for nothing else. A name that does not exist is fine."""
    path = out_dir / name
    if not os.path.lexists(path):
        return None
    if is_link(path):
        return "it is a symbolic link"
    if name in (RECORD, LOCK, LOG, MANIFEST, INDEX) or CORRUPT_MANIFEST.match(name):
        return None if path.is_file() else ("it is a folder" if path.is_dir() else "it is not a regular file")
    if name != STAGING and not BRIEFING_FOLDER.match(name):
        return "the build makes nothing of that name"
    if not path.is_dir():
        return "the build makes a folder of that name, and this is not one"
    if name == STAGING:
        odd = sorted(p.name for p in path.iterdir() if not p.name.startswith(STAGED))
        return f"it holds {odd[0]!r}, which the build does not make" if odd else None
    for entry in sorted(path.iterdir()):
        if entry.name == "failed" and entry.is_dir() and not is_link(entry):
            odd = [p.name for p in entry.iterdir() if not (p.name.startswith(name) or p.name == "error.txt")]
            if odd:
                return f"it holds failed/{odd[0]!r}, which the build does not make"
        elif is_link(entry) or not entry.is_file() or not entry.name.startswith((f"{name}.", f"{name}-")):
            return f"it holds {entry.name!r}, which the build does not make (its files are named {name}.* and {name}-*)"
    return None


def owned_names(out_dir: Path) -> set[str]:
    """The recorded names, or what a folder from an older build is adopted with."""
    names = read_record(out_dir)
    return legacy_owned(out_dir) if names is None else names


# ------------------------------------------------------------------------------ checks

def _project_paths(protected) -> list[Path]:
    paths = [Path(p) for p in protected if p]
    try:
        from analysis import paths as project
        root = getattr(project, "REPO_ROOT", None)
    except Exception:  # noqa: BLE001 - the project's own folders are an extra guard only
        root = None
    if root is not None:
        paths += [Path(root) / name for name in PROJECT_FOLDERS if (Path(root) / name).exists()]
    paths.append(Path(__file__).resolve().parent)  # this package itself
    paths.append(Path(__file__).resolve().parent.parent / "analysis")
    return paths


def check_out_location(out_dir: Path, protected=(), data_dir: Path | None = None) -> None:
    """Refuse an ``--out`` that is or contains a protected path (the data, the configuration,
    a notebook, the project's folders), or that lies inside the data folder."""
    out = Path(os.path.abspath(out_dir))
    out = out.resolve() if out.exists() else out
    for path in _project_paths(protected):
        resolved = Path(path).resolve()
        if resolved == out or resolved.is_relative_to(out):
            raise UnsafeOutput(f"--out {out_dir}: this folder contains {resolved}, part of the project; the build "
                               "only writes into a folder of its own (e.g. reports/): choose another --out")
    if data_dir is not None and out.is_relative_to(Path(data_dir).resolve()):
        raise UnsafeOutput(f"--out {out_dir}: this folder is inside the data folder {data_dir}; choose another --out")


def claim(out_dir: Path, names, protected=(), data_dir: Path | None = None) -> set[str]:
    """Check that the build may write ``names`` (briefing folders) and its fixed names into
    ``out_dir``, and record the fixed names; returns the owned names. Raises
    :class:`UnsafeOutput` naming the first collision or link; changes nothing then."""
    check_out_location(out_dir, protected, data_dir)
    if is_link(out_dir / STAGING) or (out_dir.is_dir() and is_link(out_dir / RECORD)):
        raise UnsafeOutput(f"{out_dir / (STAGING if is_link(out_dir / STAGING) else RECORD)} is a symbolic link; "
                           "the build never writes through links: remove it")
    owned = owned_names(out_dir) if out_dir.is_dir() else set()
    for name in (*FIXED, *names):
        path = out_dir / name
        if is_link(path):
            raise UnsafeOutput(f"{path} is a symbolic link; the build never writes through links: remove it "
                               "(or choose another --out)")
        if os.path.lexists(path) and name not in owned:
            raise UnsafeOutput(f"{path} exists but was not made by this build (it is not in {RECORD}); the build "
                               "never replaces what it did not make: move it away or choose another --out")
        odd = not_made_by_build(out_dir, name)
        if odd:  # recorded, but not what the build makes there (hand-added, or changed since)
            raise UnsafeOutput(f"{path} is listed in {RECORD}, but {odd}; the build never replaces what it did "
                               "not make: move it away or choose another --out")
    owned |= set(FIXED)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_record(out_dir, owned)
    return owned


def record_names(out_dir: Path, names) -> None:
    """Add ``names`` to the record, before they are created."""
    owned = owned_names(out_dir)
    if not set(names) <= owned:
        write_record(out_dir, owned | set(names))


def staging_dir(out_dir: Path) -> Path:
    """The build's own folder for staging and set-aside outputs (recorded; never a link)."""
    path = out_dir / STAGING
    if is_link(path):
        raise UnsafeOutput(f"{path} is a symbolic link; the build never writes through links: remove it")
    path.mkdir(exist_ok=True)
    return path


def remove_owned(out_dir: Path, name: str) -> bool:
    """Remove the recorded folder ``<out>/<name>`` (a briefing that left the configuration) and drop
    it from the record; returns whether anything was removed. The folder is first renamed into the
    staging folder, so a reader or a killed build never sees it half-deleted; a name that is not
    recorded, is a link, or holds what the build does not make (:func:`not_made_by_build`) is
    left alone."""
    path = out_dir / name
    owned = owned_names(out_dir)
    if name not in owned or name in FIXED or is_link(path) or not_made_by_build(out_dir, name):
        return False
    if os.path.lexists(path):
        aside = staging_dir(out_dir) / f"removed-{name}-{os.getpid()}-{time.time_ns()}"
        os.rename(path, aside)
        if is_link(aside) or not aside.is_dir():
            aside.unlink()
        else:
            shutil.rmtree(aside)
    write_record(out_dir, owned - {name})
    return True


# ------------------------------------------------------------------------------ clean

def clean(out_dir: str | Path, root: Path | None = None) -> list[str]:
    """Remove what the record lists from ``out_dir`` (and the record); returns the names removed.

    Refuses an empty path, ``/``, a folder that is or contains the project (``root``) or its
    folders, a folder outside ``root`` when ``root`` is given, and a folder whose lock a
    running build holds.
    """
    if not str(out_dir).strip():
        raise UnsafeOutput("OUT is empty; name the output folder to clean, e.g. OUT=reports")
    out = Path(os.path.abspath(out_dir))
    if out == Path(out.anchor):
        raise UnsafeOutput(f"OUT {out_dir} is the file system's root; name the output folder, e.g. OUT=reports")
    if root is not None:
        root = Path(root).resolve()
        resolved = out.resolve()
        if resolved == root or root.is_relative_to(resolved):
            raise UnsafeOutput(f"OUT {out_dir} is or contains the project {root}; name the output folder, "
                               "e.g. OUT=reports")
        if not resolved.is_relative_to(root):
            raise UnsafeOutput(f"OUT {out_dir} is outside the project {root}; `make clean` cleans the project's "
                               "own output folders (for another, run `python -m briefings.ownership clean DIR`)")
    check_out_location(out, [Path(root) / name for name in PROJECT_FOLDERS] if root else [])
    if not out.is_dir():
        return []
    names = read_record(out)
    if names is None:
        return []
    lock_path = out / LOCK
    lock = None
    if os.path.lexists(lock_path) and not is_link(lock_path):
        lock = os.fdopen(open_nofollow(lock_path, os.O_RDONLY), "rb")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise UnsafeOutput(f"{lock_path}: a build is running in {out_dir}; wait for it to finish") from None
    removed, kept = [], []
    try:
        for name in sorted(names - {RECORD, LOCK}) + [LOCK]:
            path = out / name
            if not os.path.lexists(path) or name not in names:
                continue
            odd = not_made_by_build(out, name)
            if odd and not is_link(path):  # a link is removed itself, never what it points to
                kept.append(f"{name} ({odd})")
                continue
            if not is_link(path) and path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()  # a file, or a link (removed itself, never what it points to)
            removed.append(name)
        if kept:  # the record keeps listing them, so that a later clean says so again
            write_record(out, {n for n in names if os.path.lexists(out / n)})
        else:
            (out / RECORD).unlink(missing_ok=True)
    finally:
        if lock is not None:
            lock.close()
    if kept:
        print(f"{out_dir}: kept what the record lists but the build does not make: {'; '.join(kept)}",
              file=sys.stderr)
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m briefings.ownership",
                                     description="Remove only what the briefings build recorded as its own.")
    parser.add_argument("command", choices=["clean"])
    parser.add_argument("--root", type=Path, default=None, help="the project folder OUT must be inside")
    parser.add_argument("out", help="the output folder")
    args = parser.parse_args(argv)
    try:
        removed = clean(args.out, args.root)
    except UnsafeOutput as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except OSError as error:
        print(f"error: cannot clean {args.out}: {error}", file=sys.stderr)
        return 1
    print(f"{args.out}: removed {len(removed)} entr{'y' if len(removed) == 1 else 'ies'} the build had made"
          + (f" ({', '.join(removed)})" if removed else "; nothing of the build's was there"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
