"""The one base class for errors a user can fix, each carrying the exit code the CLI ends with.

``briefings`` prints the message of any :class:`BriefingsError` on one line (no traceback) and
exits with its :attr:`~BriefingsError.exit_code`: 2 for bad usage, configuration, data or an
output folder the build may not use (nothing ran). Code that refuses input raises a subclass
(:class:`analysis.config.ConfigError`, :class:`analysis.loading.DataError`, ...).
"""

from __future__ import annotations


class BriefingsError(Exception):
    """Bad usage, configuration, data or output folder: the message names the place."""

    exit_code = 2


class UnsafeOutput(BriefingsError):
    """``--out`` holds something the build did not make, a symbolic link, or the project itself."""


class SchedulerUnreachable(BriefingsError):
    """The Dask scheduler named by ``--dask-scheduler`` did not answer in time."""
