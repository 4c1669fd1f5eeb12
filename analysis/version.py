"""The data's version: a hash of the descriptor and every file it names.

Kept apart from :mod:`analysis.loading` (which imports pandas and Frictionless) so that a build
with nothing to do can print the version on its index without loading them.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from . import files
from .paths import DATA_DIR, DESCRIPTOR_NAME

#: The most a descriptor may weigh (ours is about 30 KB), and a data file (100,000 claims are 20 MB).
MAX_DESCRIPTOR_BYTES = 4 * files.MB
MAX_CSV_BYTES = 512 * files.MB


def data_version(data_dir: Path | str = DATA_DIR) -> str:
    """A 12-hex-digit hash of the descriptor and every file it names: changes when any byte does."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    descriptor_path = data_dir / DESCRIPTOR_NAME
    names = [DESCRIPTOR_NAME]
    try:
        if _not_a_plain_file(data_dir, DESCRIPTOR_NAME) is None:
            names += [r["path"] for r in files.read_json(descriptor_path, limit=MAX_DESCRIPTOR_BYTES)["resources"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    for name in names:
        path = data_dir / name
        digest.update(str(name).encode())
        plain = isinstance(name, str) and _not_a_plain_file(data_dir, name) is None
        try:
            digest.update(files.read_bytes(path, limit=MAX_CSV_BYTES) if plain else b"<missing>")
        except OSError:  # refused (grown past the bound, turned into a pipe): validation names it
            digest.update(b"<unreadable>")
    return digest.hexdigest()[:12]


def _not_a_plain_file(data_dir: Path, name: str) -> str | None:
    """Why ``data_dir / name`` may not be read (None when it may): it must be a regular file
    (never a pipe, device or folder, which would block or fail mid-read) inside the data folder.
    Checked before anything opens it."""
    path = data_dir / name
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe, device or socket)"
        return f"is {kind}; the data must be regular files"
    if not path.resolve().is_relative_to(data_dir.resolve()):
        return f"resolves to {path.resolve()}, outside the data folder {data_dir}; copy the file into it"
    return None
