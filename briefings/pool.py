"""A process pool whose workers are replaced after a fixed number of briefings each.

A build's worker grows with every briefing it runs: 8-14 MiB each, measured over 24 and 42
briefings in one worker (the execution side grows about 8.5 MiB a briefing, in native memory:
tracemalloc sees under 0.2 MiB of it and malloc_trim gives none back; the PDF side levels off at
about 100 MiB, since the Typst compiler evicts its caches after each document).
:class:`RecyclingPool` bounds that: it runs tasks on a
:class:`~concurrent.futures.ProcessPoolExecutor` of ``max_workers`` workers, and after
``tasks_per_pool`` tasks it lets that pool finish them, shuts it down and starts a fresh one for
the tasks still waiting. So no worker runs more than ``tasks_per_pool`` briefings (about half
each at ``-j 2``), and never more than ``max_workers`` workers exist at once.

Not ``ProcessPoolExecutor(max_tasks_per_child=...)``: on Python 3.11 to 3.13.x it stops running
queued tasks once a worker exits at its limit and the build hangs for ever (CPython gh-115634;
seen here on a 70-briefing build, stuck after 64 briefings).
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor

#: Briefings a pool runs before its workers are replaced: a worker grows by at most about
#: 32 x 14 MiB = 450 MiB over its warm size (about half that at -j 2, where two workers share
#: them). A new pool costs each of its workers one kernel start (about 3.5 CPU-s).
TASKS_PER_POOL = 32


class RecyclingPool(Executor):
    """``submit`` as a ProcessPoolExecutor's; the workers are replaced every ``tasks_per_pool`` tasks.

    ``pool_options`` go to each ProcessPoolExecutor (``mp_context``, ``initializer``, ...).
    ``_processes`` is the current pool's, for a caller that must stop the workers at once.
    """

    def __init__(self, max_workers: int, tasks_per_pool: int = TASKS_PER_POOL, **pool_options):
        self._max_workers = max(1, max_workers)
        self._per_pool = max(1, tasks_per_pool)
        self._options = pool_options
        self._lock = threading.Condition()
        self._waiting: deque = deque()  # (our future, fn, args, kwargs) not yet given to a pool
        self._pool: ProcessPoolExecutor | None = None
        self._given = 0  # tasks given to the current pool
        self._running = 0  # of those, not yet finished
        self._shutdown = False
        self.pools_started = 0

    @property
    def _processes(self):
        pool = self._pool
        return getattr(pool, "_processes", None) or {}

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._waiting.append((future, fn, args, kwargs))
            self._feed()
        return future

    def _feed(self) -> None:
        """Give waiting tasks to the current pool, starting a fresh pool when the current one has
        had its share and finished (called with the lock held)."""
        while self._waiting and not self._shutdown:
            if self._pool is not None and self._given >= self._per_pool:
                if self._running:
                    return  # the rest waits for this pool to finish its share
                self._pool.shutdown(wait=True)
                self._pool = None
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self._max_workers, **self._options)
                self._given = 0
                self.pools_started += 1
            future, fn, args, kwargs = self._waiting.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            self._given += 1
            self._running += 1
            inner = self._pool.submit(fn, *args, **kwargs)
            inner.add_done_callback(lambda done, outer=future: self._finished(done, outer))

    def _finished(self, inner: Future, outer: Future) -> None:
        with self._lock:
            self._running -= 1
        try:
            outer.set_result(inner.result())
        except BaseException as error:  # noqa: BLE001 - handed to the caller's future as it is
            outer.set_exception(error)
        with self._lock:
            if not self._running:
                # The pool that just finished its share is replaced outside the pool's own
                # callback thread (shutting it down from there would wait on this very thread).
                threading.Thread(target=self._feed_locked, daemon=True).start()

    def _feed_locked(self) -> None:
        with self._lock:
            self._feed()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            if cancel_futures:
                while self._waiting:
                    self._waiting.popleft()[0].cancel()
            if wait:
                while self._waiting and not cancel_futures:
                    self._lock.wait(0.1)
                    self._feed()
            self._shutdown = True
            pool = self._pool
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)
