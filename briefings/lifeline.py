"""Killed means gone: a process started for a build dies when the process it serves dies, and
takes what it started and what it wrote to disk for itself with it.

* **Watching.** A worker process watches the build (``briefings build``) and a kernel watches
  its worker; each checks every half second that the other still runs (the same process: its
  start time is compared, so a reused pid does not count, and a zombie is dead) and ends itself
  at once when it does not. A worker also asks Linux to kill it when its parent dies
  (``PR_SET_PDEATHSIG``); so does a build started by ``briefings preview`` (:func:`follow_parent`,
  told by the environment variable :data:`PARENT_ENV`).
* **Marking.** Each kernel is started with a mark of its own in its environment
  (:data:`MARK_ENV`), which every process it starts inherits, in whatever process group or
  session (``setsid`` included) and whoever adopts it when its parent exits. :func:`kill_marked`
  finds them by that mark (and by parentage) and kills them: after each briefing (what a
  notebook left running), at a briefing's timeout, when the worker stops its kernel, and in the
  kernel itself when its worker is gone.
* **Leaving nothing behind.** A kernel's connection file (holding its key) and its sockets live
  in one private folder, which :func:`watch` removes, with the worker's private working folder,
  before a kernel whose worker died ends itself.

So ``kill -9`` of a build leaves no worker, kernel or notebook child behind, no key or socket in
TMPDIR, and nothing that could write into ``--out`` after the build is gone.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import threading
import time

PR_SET_PDEATHSIG = 1
INTERVAL_SECONDS = 0.5
#: Environment variable carrying a kernel's mark, inherited by everything it starts.
MARK_ENV = "BRIEFINGS_KERNEL_MARK"
#: Environment variable telling a command to die with the process of that pid (set by preview).
PARENT_ENV = "BRIEFINGS_DIE_WITH"


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (None when gone); [] where /proc is missing."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    except OSError:
        return []


def _start_time(pid: int) -> str | None:
    """The process's start time (None when it is gone or a zombie); '' where /proc is missing."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    if not fields:
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


def watch(pid: int, mark: str | None = None, cleanup: tuple[str, ...] = ()) -> None:
    """End this process (at once, no clean-up that could block) when process ``pid`` is gone;
    first kill the processes carrying ``mark`` (what this process started) and remove the
    folders ``cleanup``."""
    if not pid or pid == os.getpid():
        return
    started = _start_time(pid)

    def end():
        if mark:
            kill_marked(mark, spare=(os.getpid(),))
        for path in cleanup:
            shutil.rmtree(path, ignore_errors=True)
        os._exit(1)

    if started is None:
        end()

    def run():
        while alive(pid, started or None):
            time.sleep(INTERVAL_SECONDS)
        end()

    threading.Thread(target=run, name=f"lifeline-{pid}", daemon=True).start()


def follow_parent() -> None:
    """When :data:`PARENT_ENV` names a pid (``briefings preview`` sets it for the builds it
    starts), die with that process however it dies: SIGKILL from Linux when the parent dies,
    and a watch in case it was already gone before the request was made."""
    value = os.environ.pop(PARENT_ENV, "")
    if value.isdigit():
        die_with_parent()
        watch(int(value))


# ------------------------------------------------------------------------------ what a kernel started

def _pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def marked(mark: str) -> set[int]:
    """Every live process whose environment carries ``MARK_ENV=mark``, and their descendants."""
    entry = f"{MARK_ENV}={mark}".encode()
    found, children = set(), {}
    for pid in _pids():
        fields = _stat_fields(pid)
        if not fields or fields[0] in ("Z", "X"):
            continue
        children.setdefault(int(fields[1]), []).append(pid)
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                if entry in handle.read().split(b"\0"):
                    found.add(pid)
        except OSError:
            continue
    # A child that cleared its environment is still found by its parentage.
    queue = list(found)
    while queue:
        for child in children.get(queue.pop(), ()):
            if child not in found:
                found.add(child)
                queue.append(child)
    return found


def kill_marked(mark: str, spare: tuple[int, ...] = ()) -> int:
    """SIGKILL every process :func:`marked` with ``mark`` except ``spare`` (and this process),
    repeating while new ones appear (a fork racing the kill); returns how many were killed."""
    killed: set[int] = set()
    for _ in range(5):
        targets = marked(mark) - {os.getpid(), *spare} - killed
        if not targets:
            break
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        killed |= targets
    return len(killed)
