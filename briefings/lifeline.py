"""Killed means gone: a process started for a build dies when the process it serves dies.

A worker process watches the build (``briefings build``) and a kernel watches its worker; each
checks every half second that the other still runs (the same process: its start time is
compared, so a reused pid does not count, and a zombie is dead) and ends itself at once when it
does not. A worker also asks Linux to kill it when its parent dies (``PR_SET_PDEATHSIG``).
So ``kill -9`` of a build leaves no worker or kernel behind, and none of them can swap a
briefing into ``--out`` after the build is gone.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1
INTERVAL_SECONDS = 0.5


def _start_time(pid: int) -> str | None:
    """The process's start time (None when it is gone or a zombie); '' where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]


def alive(pid: int, started: str | None = None) -> bool:
    """Whether process ``pid`` runs (and, given ``started``, is the one that started then)."""
    now = _start_time(pid)
    if now == "":  # no /proc: fall back to a signal 0
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return now is not None and (started is None or now == started)


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def watch(pid: int) -> None:
    """End this process (at once, no clean-up that could block) when process ``pid`` is gone."""
    if not pid or pid == os.getpid():
        return
    started = _start_time(pid)
    if started is None:
        os._exit(1)

    def run():
        while alive(pid, started or None):
            time.sleep(INTERVAL_SECONDS)
        os._exit(1)

    threading.Thread(target=run, name=f"lifeline-{pid}", daemon=True).start()
