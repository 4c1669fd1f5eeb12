"""The one guarded way the project opens a file: config, notebooks, descriptor, CSVs, ownership
record, manifest, log, lock and preview pages all come through here.

Every open is checked on the open descriptor, not on a name looked up before:

* ``O_NOFOLLOW``: a symbolic link is never opened as the last part of a path. An input may be a
  link (``data/x.csv`` pointing into an archive): its target is resolved first and that path is
  opened, so a link swapped in between is refused, never followed. An output (``follow=False``)
  may not be a link at all.
* ``O_NONBLOCK``, then ``fstat``: a named pipe, device or socket is refused without waiting for a
  writer (a plain ``open`` of a FIFO blocks forever, and with it the build and its lock), and so
  is a folder.
* The size is bounded before anything is read; JSON and YAML are bounded in nesting while parsed.
* Text is decoded as UTF-8 whatever the locale (``LC_ALL=C`` included), strictly, so a file that
  is not UTF-8 is named rather than read as something else.

Everything refused raises :class:`FileRefused` (a :class:`~analysis.errors.BriefingsError`, exit
2) whose message names the file and says what to do; ``what`` is the caller's word for the file
("configuration file", "notebook"...).

Standard library only: ``make clean`` runs :mod:`briefings.ownership` without the environment.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
from pathlib import Path
from typing import Any

from .errors import BriefingsError

#: Bounds, far above what each file holds in use, far below what would exhaust memory.
KB, MB = 1024, 1024 * 1024
#: The deepest nesting read from JSON or YAML: a descriptor is 5 levels deep, a notebook 6.
MAX_DEPTH = 64


class FileRefused(BriefingsError, OSError):
    """A file that may not be opened or read as asked; the message names it and says why."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file (a pipe, device or socket)"


def open_fd(path: Path | str, flags: int = os.O_RDONLY, mode: int = 0o644, *, what: str = "file",
            follow: bool = True) -> int:
    """An open descriptor on the regular file at ``path`` (the caller closes it).

    ``flags`` are those of :func:`os.open`; ``O_NOFOLLOW``, ``O_NONBLOCK`` and ``O_CLOEXEC`` are
    added, and ``O_NONBLOCK`` is cleared again once the file is known to be regular. With
    ``follow`` (inputs), a link is resolved and its target opened; without (outputs), a link at
    ``path`` is refused. Raises :class:`FileRefused`; other errors (not found, permission) are
    the usual :class:`OSError`.
    """
    target = os.path.realpath(path) if follow else os.fspath(path)
    try:
        fd = os.open(target, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, mode)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FileRefused(f"{path} is a symbolic link; the build never writes through links: remove it") from None
        if error.errno in (errno.ENXIO, errno.EISDIR):  # a FIFO opened for writing with no reader; a folder
            kind = "a folder" if error.errno == errno.EISDIR else _kind(0)
            raise FileRefused(f"{path}: {what} is {kind}; give a regular file") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"{path}: {what} is {_kind(info.st_mode)}; give a regular file")
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path | str, *, limit: int, what: str = "file", follow: bool = True) -> bytes:
    """The bytes of the regular file at ``path``, refused (before reading) above ``limit`` bytes."""
    fd = open_fd(path, what=what, follow=follow)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(fd).st_size
        if size > limit:
            raise FileRefused(f"{path}: {what} is {size:,} bytes; at most {limit:,} are read")
        content = handle.read(limit + 1)
    if len(content) > limit:  # grew while read
        raise FileRefused(f"{path}: {what} is over {limit:,} bytes; at most {limit:,} are read")
    return content


def decode(content: bytes, path: Path | str, what: str = "file", bom: bool = False) -> str:
    """``content`` as UTF-8 text (a leading byte-order mark dropped when ``bom``); a byte that is
    not UTF-8 raises :class:`FileRefused` naming its line."""
    try:
        return content.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise FileRefused(f"{path}: {what} is not UTF-8 text (byte 0x{content[error.start]:02x} on line {line}); "
                          "re-save it as UTF-8") from None


def read_text(path: Path | str, *, limit: int, what: str = "file", follow: bool = True, bom: bool = False) -> str:
    """The UTF-8 text of the regular file at ``path`` (see :func:`read_bytes` and :func:`decode`)."""
    return decode(read_bytes(path, limit=limit, what=what, follow=follow), path, what, bom)


def depth(value: Any) -> int:
    """How deeply lists and mappings nest in ``value`` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows; numbers must be finite")


def parse_json(text: str, where: str, max_depth: int = MAX_DEPTH) -> Any:
    """``text`` parsed as JSON: no NaN or Infinity, nested at most ``max_depth`` deep. Raises
    :class:`ValueError` whose message says what is wrong (the caller names the file)."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError(f"nested more than {max_depth} levels deep") from None
    except ValueError as error:
        raise ValueError(str(error)) from None
    if depth(value) > max_depth:
        raise ValueError(f"nested more than {max_depth} levels deep")
    return value


def read_json(path: Path | str, *, limit: int, what: str = "file", follow: bool = True,
              max_depth: int = MAX_DEPTH) -> Any:
    """The JSON in the regular file at ``path``; raises :class:`FileRefused` for a file that cannot
    be opened as one, and :class:`ValueError` for text that is not JSON of bounded depth."""
    return parse_json(read_text(path, limit=limit, what=what, follow=follow), str(path), max_depth)
