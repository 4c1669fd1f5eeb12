"""Tests for briefings.pool: workers replaced after a fixed number of tasks, without the hang of
ProcessPoolExecutor's max_tasks_per_child on Python 3.11 (CPython gh-115634)."""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import as_completed

import pytest

from briefings.pool import RecyclingPool


def _pid(delay: float) -> int:
    time.sleep(delay)
    return os.getpid()


def _fail(_):
    raise ValueError("from the worker")


@pytest.mark.slow
def test_each_worker_runs_at_most_its_share_and_every_task_finishes():
    # 20 tasks, 2 workers, pools of 6 tasks: ceil(20 / 6) = 4 pools, no worker runs more than 6.
    pool = RecyclingPool(2, tasks_per_pool=6, mp_context=multiprocessing.get_context("spawn"))
    futures = [pool.submit(_pid, 0.05) for _ in range(20)]
    seen_workers = []
    pids = []
    for future in as_completed(futures, timeout=120):  # the max_tasks_per_child pool hangs here
        pids.append(future.result())
        seen_workers.append(len(pool._processes))
    pool.shutdown()
    assert len(pids) == 20
    counts = {pid: pids.count(pid) for pid in set(pids)}
    assert max(counts.values()) <= 6, counts
    assert len(counts) >= 4  # 20 tasks, at most 6 a worker
    assert pool.pools_started == 4
    assert max(seen_workers) <= 2  # never more than max_workers at once
    assert os.getpid() not in counts


def test_errors_reach_the_caller_and_cancelled_tasks_never_run():
    pool = RecyclingPool(1, tasks_per_pool=2, mp_context=multiprocessing.get_context("spawn"))
    failing = pool.submit(_fail, 1)
    with pytest.raises(ValueError, match="from the worker"):
        failing.result(timeout=60)
    slow = [pool.submit(_pid, 0.5) for _ in range(4)]
    pool.shutdown(wait=False, cancel_futures=True)
    assert any(f.cancelled() for f in slow)  # the ones still waiting for a pool
    with pytest.raises(RuntimeError):
        pool.submit(_pid, 0)
