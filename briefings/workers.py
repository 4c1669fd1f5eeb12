"""Where briefings run: local worker processes, or the workers of a Dask cluster.

Both give the build a :class:`concurrent.futures.Executor` to which it submits
:func:`briefings.execution.run_briefing` with a :class:`~briefings.execution.Job`; the job
carries its inputs and the result carries the rendered files back, so the two differ only in
how workers start and how the build learns that they are gone:

* :func:`local_workers`: a process pool (``-j N``) whose workers, and their kernels, die with the
  build however it dies, and leave Ctrl-C to it. ``health()`` has nothing to say: a dead local
  worker breaks the pool, which fails its briefings at once.
* :func:`dask_workers`: a client of the scheduler at ``--dask-scheduler``. At connect it waits
  (``--dask-timeout``) for a worker, then compares :func:`environment` (the versions that decide
  the output) with every worker's and refuses a mismatch (exit 2, naming package and both
  versions). During the build ``health()`` reports a scheduler that went away, or no worker
  alive for ``--dask-timeout`` seconds, and the build fails the briefings still waiting with
  that reason instead of waiting forever. A worker killed mid-briefing is Dask's to handle: the
  scheduler runs the briefing again on another worker (up to its ``allowed-failures``), and
  only then does that one briefing fail.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from concurrent.futures import Executor
from contextlib import contextmanager
from functools import lru_cache

from analysis.errors import BriefingsError, SchedulerUnreachable

from .pool import RecyclingPool

log = logging.getLogger("briefings")

#: This package's distribution name, whose version every worker must share.
PACKAGE = "foreign-fighter-briefings"
_LABELS = {"python": "Python", "code": f"{PACKAGE}'s code, templates and styles (hash)"}


class ClusterMismatch(BriefingsError):
    """A Dask worker runs other versions of what decides the output than this machine (exit 2)."""


class NoWorkers(BriefingsError):
    """No Dask worker joined the scheduler in time (exit 2: nothing ran)."""


# ------------------------------------------------------------------------------ versions

@lru_cache(maxsize=1)
def _own_version() -> str:
    from .build import _metadata_version

    return _metadata_version(PACKAGE)


def environment(code: str | None = None, versions: dict | None = None) -> dict[str, str]:
    """What decides a briefing's output in this process, besides its inputs: Python (major.minor),
    this package's version and the hash of its code, templates and styles, and the versions of
    the packages in :data:`briefings.build.VERSIONED` (papermill, nbconvert, the PDF engine,
    pandas, matplotlib...)."""
    from .build import code_hash, package_versions

    return {"python": f"{sys.version_info.major}.{sys.version_info.minor}", PACKAGE: _own_version(),
            "code": code or code_hash(), **(versions or package_versions())}


def mismatch(expected: dict, found: dict, where: str = "this worker", here: str = "the build's machine") -> str | None:
    """The first difference between two :func:`environment` dicts, said in words, or None."""
    for key, value in expected.items():
        if found.get(key) != value:
            return f"{_LABELS.get(key, key)} is {found.get(key, 'absent')} on {where} and {value} on {here}"
    return None


# ------------------------------------------------------------------------------ local processes

class _LocalPool(RecyclingPool):
    """The recycling pool (workers replaced every briefings.pool.TASKS_PER_POOL briefings, a
    memory bound) that the build can give up on (``abandon``): it is then stopped, not awaited."""

    abandoned = False

    def abandon(self) -> None:
        self.abandoned = True

    def stop(self) -> None:
        """Stop the workers now rather than wait for their briefings; their kernels notice the
        worker is gone and end themselves. No future is cancelled here: the process pool marks its
        own broken (cancelling them first made Python's pool raise InvalidStateError in its own
        thread, a traceback after Ctrl-C)."""
        processes = list(self._processes.values())
        manager = getattr(self._pool, "_executor_manager_thread", None)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(10)
        self.shutdown(wait=False)
        if manager is not None:
            # The pool's own thread closes its wake-up pipe once it sees the workers gone. Waited for
            # here: at exit, Python (3.11) writes to that pipe without the pool's lock, and a pipe
            # closed in between printed "OSError: [Errno 9] Bad file descriptor" after the exit line
            # (once in a few SIGTERMs on a loaded machine; later CPythons guard the pipe, gh-125451).
            manager.join(10)


@contextmanager
def local_workers(n_jobs: int, pending: int):
    """A pool of ``min(n_jobs, pending)`` worker processes, each with a warm kernel."""
    import multiprocessing

    from .execution import warm_up

    # forkserver, not fork: workers start kernels and threads of their own, which a plain fork of
    # this process would copy half-made. The server imports the heavy packages once, in parallel
    # with the validation here, and every worker forked from it shares them (1.5 s less on a
    # cold build of the default set than spawn); each worker then warms its own kernel.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["briefings.execution", "briefings.rendering", "papermill", "typst"])
    # Each worker (and its kernel) dies with this process, however it dies: killed means gone.
    executor = _LocalPool(max_workers=max(1, min(n_jobs, pending)), mp_context=context,
                          initializer=warm_up, initargs=(os.getpid(),))
    try:
        yield executor
    except BaseException:
        executor.stop()  # interrupted, or the build itself failed
        raise
    if executor.abandoned:
        executor.stop()
    else:
        executor.shutdown(wait=True)


# ------------------------------------------------------------------------------ a Dask cluster

class DaskWorkers(Executor):
    """The build's executor on a Dask cluster: submits through the client's executor (each
    briefing a task of its own, never merged with an identical one), and reports on the cluster."""

    def __init__(self, client, address: str, timeout: int):
        self.client, self.address, self.timeout = client, address, timeout
        self._executor = client.get_executor(pure=False)
        self._alone_since: float | None = None

    def submit(self, fn, /, *args, **kwargs):
        return self._executor.submit(fn, *args, **kwargs)

    def health(self) -> str | None:
        """Why the briefings still waiting cannot run (the scheduler went away; no worker alive
        for ``timeout`` seconds), or None while the cluster can run them."""
        status = str(getattr(self.client.status, "value", self.client.status))
        if status != "running":
            return (f"the Dask scheduler {self.address} went away (the client is {status}); the briefings "
                    "not yet built keep their last good output")
        workers = len(self.client.scheduler_info().get("workers", {}))
        now = time.monotonic()
        if workers:
            if self._alone_since is not None:
                log.info("dask: %d worker(s) at %s again", workers, self.address)
            self._alone_since = None
            return None
        if self._alone_since is None:
            self._alone_since = now
            log.warning("dask: no worker alive at %s; waiting up to %d s (--dask-timeout) for one", self.address,
                        self.timeout)
        elif now - self._alone_since > self.timeout:
            return (f"no Dask worker alive at {self.address} for {self.timeout} s (--dask-timeout); start workers "
                    f"with `dask worker {self.address}` (see docs/cluster.md)")
        return None

    def abandon(self) -> None:
        pass  # closing the client releases every task still held

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=False)


def _worker_environment() -> dict[str, str]:
    """Run on each Dask worker by :func:`dask_workers`."""
    return environment()


def check_scheduler_address(address: str) -> None:
    """Refuse (exit 2) what cannot be a scheduler's address, before anything connects or runs."""
    from distributed.comm.addressing import get_address_host_port

    try:
        host, port = get_address_host_port(address)
        if not host or not 0 < port < 65536:
            raise ValueError(f"no host, or port {port} outside 1-65535")
    except (ValueError, TypeError) as error:
        raise SchedulerUnreachable(f"--dask-scheduler {address}: not a scheduler address ({error}); write it as "
                                   "tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786") from None


@contextmanager
def dask_workers(address: str, timeout: int = 10):
    """A :class:`DaskWorkers` on the scheduler at ``address``, checked: it answers within
    ``timeout`` seconds, a worker joins within ``timeout`` seconds, and every worker runs the
    versions of this machine. Each refusal is a :class:`BriefingsError` (exit 2) naming the
    scheduler."""
    check_scheduler_address(address)
    with _dask_logs_in_build_log():
        yield from _connected(address, timeout)


class _ToBuildLog(logging.Handler):
    """Dask's own log records, as debug lines of the build's log (build.log; the console with -v)."""

    def emit(self, record: logging.LogRecord) -> None:
        log.debug("dask: %s", self.format(record))


@contextmanager
def _dask_logs_in_build_log():
    """Route what Dask logs on its own (a lost connection, with its traceback) to build.log: the
    build says what happened in one line of its own."""
    import distributed  # noqa: F401 - configures its loggers on import; replaced here until the build ends

    saved = {}
    for name in ("distributed", "distributed.client"):
        logger = logging.getLogger(name)
        saved[name] = logger.handlers[:]
        logger.handlers[:] = [_ToBuildLog()]
    try:
        yield
    finally:
        for name, handlers in saved.items():
            logging.getLogger(name).handlers[:] = handlers


def _connected(address: str, timeout: int):
    from distributed import Client

    try:
        client = Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise SchedulerUnreachable(f"--dask-scheduler {address}: no scheduler answered within {timeout} s "
                                   f"({type(error).__name__}); check the address and that the scheduler runs, "
                                   "or wait longer with --dask-timeout SECONDS") from None
    except (ValueError, TypeError) as error:
        raise SchedulerUnreachable(f"--dask-scheduler {address}: not a scheduler address ({error}); write it as "
                                   "tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786") from None
    try:
        _check_cluster(client, address, timeout)
        executor = DaskWorkers(client, address, timeout)
        yield executor
    finally:
        client.close()


def _check_cluster(client, address: str, timeout: int) -> None:
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise NoWorkers(f"--dask-scheduler {address}: no worker joined the scheduler within {timeout} s; start "
                        f"workers with `dask worker {address}` (see docs/cluster.md), or wait longer with "
                        "--dask-timeout SECONDS") from None
    ours = environment()
    for worker, theirs in sorted(client.run(_worker_environment, on_error="return").items()):
        if isinstance(theirs, BaseException):
            problem = f"cannot read its versions ({type(theirs).__name__}: {theirs})"
        else:
            problem = mismatch(ours, theirs, where=f"worker {worker}", here="this machine")
        if problem:
            raise ClusterMismatch(f"--dask-scheduler {address}: {problem}; every worker needs the versions of the "
                                  "machine that runs the build (install the same requirements.lock and this "
                                  "package; see docs/cluster.md)")
