"""A build's two logs: the published one in ``--out`` and the private one in the project.

* ``<out>/build.log`` is published with the reports (the index links it): it holds the lines of the
  last build that got as far as taking the output folder — what was built, skipped, removed or
  failed, each failure in one line, and the stage times — and no traceback. It is written
  atomically when the build ends (a build refused because another holds the folder leaves it
  alone), so it never grows without bound.
* ``<project>/.briefings/logs/build-<UTC time>-<pid>.log`` holds everything, tracebacks
  included, one file per build; the newest :data:`KEEP` are kept. It is outside ``--out``, so it is
  never published.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from .ownership import LOG, open_nofollow, write_atomically

#: Private logs kept per project (the oldest beyond this are deleted when a build starts).
KEEP = 20
LOGS_DIR = Path(".briefings") / "logs"
_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def private_log_path(project_root: Path) -> Path | None:
    """A new private log's path under ``project_root`` (None when the folder cannot be made, e.g. a
    read-only project: the build goes on with the console and the published log)."""
    folder = project_root / LOGS_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    _prune(folder, KEEP - 1)
    return folder / f"build-{stamp}-{os.getpid()}.log"


def _prune(folder: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` build logs in ``folder`` (names sort by time)."""
    logs = sorted(p for p in folder.glob("build-*.log") if p.is_file() and not p.is_symlink())
    for old in logs[:max(0, len(logs) - keep)]:
        try:
            old.unlink()
        except OSError:  # another build pruned it first
            pass


def private_log_handler(path: Path | None) -> logging.Handler | None:
    """A DEBUG handler appending to ``path``, never through a link (None for no path)."""
    if path is None:
        return None
    try:
        stream = os.fdopen(open_nofollow(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a", encoding="utf-8")
    except OSError:
        return None
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)  # tracebacks reach this file only
    handler.setFormatter(logging.Formatter(_FORMAT))
    return handler


class _NoTracebacks(logging.Formatter):
    """One line per record: no traceback or stack, whatever the record carries."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


class BuildLog(logging.Handler):
    """Collects this build's INFO-and-above lines, and writes them as ``<out>/build.log`` when the
    build ends (:meth:`write`), replacing the previous build's."""

    def __init__(self, out_dir: Path):
        super().__init__(logging.INFO)
        self.out_dir = out_dir
        self.lines: list[str] = []
        self.setFormatter(_NoTracebacks(_FORMAT))

    def attach(self, logger: logging.Logger) -> "BuildLog":
        logger.addHandler(self)
        return self

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.INFO:
            return
        try:
            # A message may itself hold several lines (a traceback passed as text): keep the first.
            self.lines.append(self.format(record).splitlines()[0])
        except Exception:  # noqa: BLE001 - logging must never break the build
            self.handleError(record)

    def note(self, level: int, message: str) -> None:
        """Add a line to this log only (the console says it another way)."""
        self.emit(logging.LogRecord("briefings", level, __file__, 0, message, None, None))

    def write(self) -> None:
        """Replace ``<out>/build.log`` with this build's lines (atomically, never through a link)."""
        try:
            write_atomically(self.out_dir / LOG, "\n".join(self.lines) + "\n")
        except OSError:
            pass  # the out folder went away or is full: the console and the private log still have it
