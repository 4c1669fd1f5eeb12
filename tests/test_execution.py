"""The pieces of one code path for local and Dask workers, without a kernel: what travels in a job, how
the build publishes what comes back, the version check, the scheduler address, and the lifeline's marks.

The whole path (kernel, render, publish) runs in tests/test_build.py, tests/test_bad_input.py and, on a
real cluster of separate commands, tests/test_cluster.py.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import copy_inputs, write_config

from analysis.errors import BriefingsError
from briefings import lifeline
from briefings.execution import Job, Result, _materialise, publish
from briefings.ownership import STAGING
from briefings.workers import check_scheduler_address, environment, mismatch


# ------------------------------------------------------------------------------ what travels

def test_a_job_carries_values_and_names_no_path_of_the_build(tmp_path):
    from briefings import build
    from briefings.config import load_config

    root = copy_inputs(tmp_path / "project")
    config = load_config(write_config(root, [{"name": "heads", "parameters": {"focus": "headcounts"}}]))
    [job] = build._jobs(config.briefings, root / "data", ("html",), "trusted", "codehash", {"pandas": "9"})
    assert job.notebook == (root / "notebooks" / "briefing.ipynb").read_bytes()
    assert job.notebook_path == "notebooks/briefing.ipynb"
    assert job.parameters["data_dir"] == "data"
    # The descriptor, every file it names (claimants.csv too) and the data's changelog (the revisions a
    # briefing lists and its ledger check reads back), byte for byte.
    assert sorted(job.data) == sorted(["datapackage.json", "sources.csv", "claimants.csv", "headcount_claims.csv",
                                       "pay_offers.csv", "reference_wages.csv", "exchange_rates.csv", "CHANGELOG.md"])
    assert all(job.data[name] == (root / "data" / name).read_bytes() for name in job.data)
    assert job.environment["code"] == "codehash" and job.environment["pandas"] == "9"
    travelling = pickle.dumps(job)
    assert str(tmp_path).encode() not in travelling and b"/project" not in travelling


def test_a_worker_writes_nothing_outside_its_folder(tmp_path):
    (tmp_path / "place").mkdir()
    job = Job("x", b"{}", "../outside.ipynb", {}, {}, ("html",), 10, "v")
    with pytest.raises(ValueError, match="outside its folder"):
        _materialise(job, tmp_path / "place")
    job = Job("x", b"{}", "notebooks/x.ipynb", {"../../escape.csv": b""}, {}, ("html",), 10, "v")
    with pytest.raises(ValueError, match="outside its folder"):
        _materialise(job, tmp_path / "place")
    assert not (tmp_path / "outside.ipynb").exists() and not (tmp_path / "escape.csv").exists()


# ------------------------------------------------------------------------------ publishing on the build's side

def built(name: str, files: dict[str, bytes]) -> Result:
    now = time.time()
    return Result(name, "built", now, now + 1, outputs=[f"{name}/{file}" for file in files], files=dict(files),
                  stages={"execute": 0.5, "html": 0.1, "pdf": 0.0, "write": 0.0, "total": 1.0})


def test_publish_swaps_the_files_in_and_drops_them_from_the_result(tmp_path):
    out = tmp_path / "out"
    (out / "b").mkdir(parents=True)
    (out / "b" / "old.html").write_text("old")
    sent = built("b", {"b.html": b"<html>new</html>", "b.ipynb": b"{}"})
    finished_on_the_worker = sent.finished
    result = publish(sent, out)
    assert result.status == "built" and result.files == {}
    assert sorted(p.name for p in (out / "b").iterdir()) == ["b.html", "b.ipynb"]  # replaced whole
    assert (out / "b" / "b.html").read_bytes() == b"<html>new</html>"
    assert result.outputs == ["b/b.html", "b/b.ipynb"]
    # The seconds the build spent writing count, in the briefing's duration and stages (rounded to 1 ms).
    assert result.finished > finished_on_the_worker and result.stages["total"] >= 1.0
    assert list((out / STAGING).iterdir()) == []


@pytest.mark.parametrize("name", ["../escape.html", ".hidden", "sub/b.html", ""])
def test_publish_refuses_a_file_name_that_is_not_a_plain_name(tmp_path, name):
    out = tmp_path / "out"
    (out / "b").mkdir(parents=True)
    (out / "b" / "b.html").write_text("last good")
    result = publish(built("b", {"b.html": b"new", name: b"x"}), out)
    assert result.status == "failed" and "unusable set of files" in result.error
    assert [p.name for p in (out / "b").iterdir()] == ["b.html"] and (out / "b" / "b.html").read_text() == "last good"
    assert not (tmp_path / "escape.html").exists()


def test_publish_puts_a_failed_notebook_beside_the_last_good_output(tmp_path):
    out = tmp_path / "out"
    (out / "b").mkdir(parents=True)
    (out / "b" / "b.html").write_text("last good")
    now = time.time()
    failed = Result("b", "failed", now, now, error="NameError: x",
                    failed_files={"b.ipynb": b"{}", "error.txt": b"NameError: x\n"})
    result = publish(failed, out)
    assert result.status == "failed" and result.failed_files == {}
    assert (out / "b" / "b.html").read_text() == "last good"
    assert (out / "b" / "failed" / "error.txt").read_text() == "NameError: x\n"
    # A failure with nothing from the worker (a lost worker) writes nothing into --out.
    publish(Result("c", "failed", now, now, error="worker failed"), out)
    assert not (out / "c").exists()


# ------------------------------------------------------------------------------ versions and the scheduler's address

def test_mismatch_names_the_package_and_both_versions():
    ours = environment("aaaa", {"pandas": "2.2.3", "matplotlib": "3.9.0"})
    assert mismatch(ours, dict(ours)) is None
    theirs = {**ours, "pandas": "2.1.4"}
    assert mismatch(ours, theirs, where="worker tcp://10.0.0.7:1", here="this machine") == \
        "pandas is 2.1.4 on worker tcp://10.0.0.7:1 and 2.2.3 on this machine"
    assert mismatch(ours, {**ours, "code": "bbbb"}) == \
        "foreign-fighter-briefings's code, templates and styles (hash) is bbbb on this worker and aaaa on the build's machine"
    assert mismatch(ours, {k: v for k, v in ours.items() if k != "matplotlib"}).startswith("matplotlib is absent on")
    assert set(environment()) >= {"python", "foreign-fighter-briefings", "code", "papermill", "nbconvert", "pandas",
                                  "matplotlib"}


@pytest.mark.parametrize("address", ["garbage", "http://host:8786", "tcp://127.0.0.1:notaport", "tcp://:8786",
                                     "tcp://host:0", "tcp://host:70000"])
def test_an_address_that_is_not_a_scheduler_is_refused(address):
    with pytest.raises(BriefingsError, match="not a scheduler address") as refused:
        check_scheduler_address(address)
    assert refused.value.exit_code == 2 and "tcp://HOST:PORT" in str(refused.value)


def test_a_scheduler_address_is_accepted():
    check_scheduler_address("tcp://127.0.0.1:8786")
    check_scheduler_address("tls://scheduler.example.org:8786")


# ------------------------------------------------------------------------------ the lifeline's marks

def alive(pid: int) -> bool:
    return lifeline.alive(pid)


def test_kill_marked_reaches_a_setsid_child_and_one_that_cleared_its_environment(tmp_path):
    mark = f"test-{os.getpid()}-{time.time_ns()}"
    # A marked parent starts one child in a new session (setsid) and one with an empty environment.
    parent = subprocess.Popen([sys.executable, "-c",
                               "import subprocess, sys, time\n"
                               "a = subprocess.Popen(['setsid', 'sleep', '60'])\n"
                               "b = subprocess.Popen(['sleep', '61'], env={})\n"
                               "print(a.pid, b.pid, flush=True)\n"
                               "time.sleep(60)\n"],
                              env={**os.environ, lifeline.MARK_ENV: mark}, stdout=subprocess.PIPE, text=True)
    try:
        setsid_child, bare_child = map(int, parent.stdout.readline().split())
        time.sleep(0.2)
        assert {parent.pid, setsid_child, bare_child} <= lifeline.marked(mark)
        assert lifeline.kill_marked(mark, spare=(parent.pid,)) >= 2
        deadline = time.monotonic() + 5
        while (alive(setsid_child) or alive(bare_child)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(setsid_child) and not alive(bare_child) and parent.poll() is None  # spared
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    assert lifeline.marked(mark) == set()


def test_watch_kills_the_marked_and_removes_the_folders_when_the_watched_process_dies(tmp_path):
    mark = f"test-{os.getpid()}-{time.time_ns()}"
    folder = tmp_path / "kernel-folder"
    folder.mkdir()
    (folder / "kernel.json").write_text('{"key": "secret"}')
    watched = subprocess.Popen(["sleep", "60"])
    # A "kernel" watching `watched`, with a child of its own started in another session.
    kernel = subprocess.Popen([sys.executable, "-c",
                               "import subprocess, sys, time\nfrom briefings import lifeline\n"
                               "child = subprocess.Popen(['setsid', 'sleep', '62'])\n"
                               "print(child.pid, flush=True)\n"
                               f"lifeline.watch({watched.pid}, {mark!r}, ({str(folder)!r},))\n"
                               "time.sleep(60)\n"],
                              env={**os.environ, lifeline.MARK_ENV: mark}, stdout=subprocess.PIPE, text=True)
    child = int(kernel.stdout.readline())
    watched.kill()
    watched.wait()
    assert kernel.wait(10) == 1  # it ended itself
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child) and not folder.exists()
