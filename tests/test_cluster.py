"""A real cluster, as deployed: workers that share nothing with the machine that asked.

``dask scheduler`` and ``dask worker`` run as separate commands, each from a working folder of
its own. Each worker runs in a mount namespace (``unshare --mount``, as root) where a tmpfs
covers the folder holding this repository and the folder holding the test's project and
``--out``: those paths do not exist for it. What it runs it finds elsewhere:

* the packages of the test's virtual environment, bind-mounted at a neutral path first (the
  venv's ``bin/python`` finds its ``pyvenv.cfg`` beside it, so ``<mount>/bin/python`` is that
  environment; the editable install it holds points into the hidden repository, so it would
  import nothing of ours);
* this package, installed non-editable (``pip install --no-deps --target``, the wheel's own
  file list) into a folder on ``PYTHONPATH``, which comes before the editable finder.

So a worker reads nothing of the project and writes nothing into ``--out``: if it tried, the
briefing would fail. The tests check that the outputs equal a local build's (the same HTML and
PDF text), and the faults: a worker killed mid-briefing, the scheduler gone, no worker, a
worker with other versions.

Deselect with ``-m "not cluster"``. Each test builds one short briefing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, copy_inputs, run_briefings, tree_bytes, write_config
from pypdf import PdfReader

from briefings.ownership import LOCK, STAGING

def _can_hide_folders() -> bool:
    """Whether this machine lets us make a mount namespace (root, with the right to mount: not in every container)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True)
    return probe.returncode == 0


pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not _can_hide_folders(), reason="the workers' mount namespace (unshare --mount, then a "
                                                       "tmpfs mount) needs root with the right to mount"),
]

VENV = Path(sys.prefix)
ONE = [{"name": "heads", "parameters": {"title": "Headcounts on a cluster", "focus": "headcounts",
                                        "as_of": "2022-03-31"}}]
# What legitimately differs between two builds of the same inputs: when they were generated.
_TIMESTAMPS = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\+00:00|Z)?( UTC)?|Generated [^<\n]*")


def normalised(text: str) -> str:
    return _TIMESTAMPS.sub("<time>", text)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# ------------------------------------------------------------------------------ the cluster, started as deployed

@pytest.fixture(scope="module")
def worker_env(tmp_path_factory):
    """What a worker machine holds: this package installed non-editable, a mount point for the
    environment's packages, and nothing of the project."""
    env = tmp_path_factory.mktemp("worker-env")
    source = env / "source"  # a copy, so that pip's build folder never lands in the repository
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "reports", ".preview", "tests", "data", "notebooks", "benchmarks", "*.egg-info",
        "__pycache__", "build", ".lab-check"))
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                              str(env / "package"), str(source)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    shutil.rmtree(source)
    (env / "venv").mkdir()
    return env


class Cluster:
    """A scheduler and its workers, each a command of its own; stopped by pid."""

    def __init__(self, env: Path, hidden: list[Path]):
        self.env, self.hidden = env, hidden
        self.processes: dict[str, subprocess.Popen] = {}
        self.address = ""
        for path in hidden:  # the workers must still see their own tools and packages
            for needed in (env, Path(sys.base_prefix).resolve(), Path(shutil.which("sh")).resolve()):
                assert not needed.is_relative_to(path), f"{needed} would be hidden under {path}"

    def start_scheduler(self) -> str:
        folder = self.env / f"scheduler-{time.time_ns()}"
        folder.mkdir()
        address_file = folder / "scheduler.json"
        self.processes["scheduler"] = subprocess.Popen(
            [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(address_file)], cwd=folder, stdout=subprocess.DEVNULL,
            stderr=open(folder / "log", "wb"), start_new_session=True)
        deadline = time.monotonic() + 60
        while not address_file.is_file() or not address_file.read_text().strip():
            assert self.processes["scheduler"].poll() is None, (folder / "log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        self.address = json.loads(address_file.read_text())["address"]
        return self.address

    def start_worker(self, name: str, package: Path | None = None) -> None:
        """``dask worker`` in a mount namespace where the hidden folders are empty tmpfs."""
        folder = self.env / f"{name}-{time.time_ns()}"
        folder.mkdir()
        script = ('set -e\nmount --bind "$BRIEFINGS_VENV" "$VENV_MOUNT"\n'
                  'for dir in $HIDDEN; do mount -t tmpfs none "$dir"; done\n'
                  'cd "$WORK_DIR"\n'
                  'exec "$VENV_MOUNT/bin/python" -m dask worker "$SCHEDULER" --name "$NAME" --nthreads 1 '
                  '--host 127.0.0.1 --no-dashboard --local-directory "$WORK_DIR"\n')
        environment = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
        environment.update(BRIEFINGS_VENV=str(VENV), VENV_MOUNT=str(self.env / "venv"), WORK_DIR=str(folder),
                           HIDDEN=" ".join(str(p) for p in self.hidden), SCHEDULER=self.address, NAME=name,
                           PYTHONPATH=str(package or self.env / "package"), PATH=f"{self.env / 'venv' / 'bin'}:/usr/bin:/bin")
        self.processes[name] = subprocess.Popen(["unshare", "--mount", "sh", "-c", script], cwd=folder, env=environment,
                                                stdout=subprocess.DEVNULL, stderr=open(folder / "log", "wb"),
                                                start_new_session=True)

    def client(self):
        from distributed import Client

        return Client(self.address, timeout="30s", set_as_default=False)

    def wait_for_workers(self, count: int) -> None:
        with self.client() as client:
            client.wait_for_workers(count, timeout=180)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(20)

    def stop_all(self) -> None:
        for name in [n for n in self.processes if n != "scheduler"] + ["scheduler"]:
            self.stop(name)


def hidden_folders(project_parent: Path, env: Path) -> list[Path]:
    """The folder holding the repository (the repository itself when that folder also holds what a worker
    needs: the worker's folder, Python, the shell) and the one holding the project and --out."""
    needed = (env.resolve(), Path(sys.base_prefix).resolve(), Path(shutil.which("sh")).resolve())
    repository = REPO.resolve().parent
    if repository == Path("/") or any(path.is_relative_to(repository) for path in needed):
        repository = REPO.resolve()
    return [repository, project_parent.resolve()]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """One short briefing (headcounts only, HTML and PDF), built locally once for comparison."""
    parent = tmp_path_factory.mktemp("cluster-project")
    root = copy_inputs(parent / "project")
    config = write_config(root, ONE, formats=("html", "pdf"))
    local = run_briefings("build", "--config", config, "--data", root / "data", "--out", root / "local")
    assert local.returncode == 0, local.stderr
    return root, config


@pytest.fixture(scope="module")
def cluster(worker_env, project):
    """A scheduler and two workers, shared by the tests that leave it whole."""
    root, _ = project
    running = Cluster(worker_env, hidden_folders(root.parent, worker_env))
    try:
        running.start_scheduler()
        running.start_worker("worker-a")
        running.start_worker("worker-b")
        running.wait_for_workers(2)
        yield running
    finally:
        running.stop_all()


def build_on(address: str, root: Path, config: Path, out: Path, *extra, timeout: int = 600):
    return run_briefings("build", "--config", config, "--data", root / "data", "--out", out,
                         "--dask-scheduler", address, *extra, timeout=timeout)


# ------------------------------------------------------------------------------ the same briefings

def test_workers_cannot_see_the_project_or_the_output_folder(cluster, project):
    root, _ = project
    with cluster.client() as client:
        # A hidden folder may itself be the tmpfs's mount point (when the repository's parent also
        # holds Python or the worker's folder, as with a clone in /tmp): there, but empty.
        seen = client.run(lambda paths: [os.path.exists(p) and (not os.path.isdir(p) or bool(os.listdir(p)))
                                         for p in paths], [str(REPO), str(root), str(root / "local")])
        places = client.run(lambda: (os.getcwd(), __import__("briefings").__file__))
    assert len(seen) == 2 and all(found == [False, False, False] for found in seen.values())
    for cwd, package in places.values():
        assert Path(cwd).is_relative_to(cluster.env) and Path(package).is_relative_to(cluster.env / "package")


def test_a_cluster_build_equals_a_local_build(cluster, project):
    root, config = project
    result = build_on(cluster.address, root, config, root / "dask")
    assert result.returncode == 0, result.stderr
    local, remote = root / "local" / "heads", root / "dask" / "heads"
    assert sorted(p.name for p in remote.iterdir()) == sorted(p.name for p in local.iterdir())
    html = (local / "heads.html").read_text("utf-8")
    assert "Headcounts on a cluster" in html and "40,000+" in html  # a real briefing, not an empty page
    assert normalised((remote / "heads.html").read_text("utf-8")) == normalised(html)
    assert normalised(pdf_text(remote / "heads.pdf")) == normalised(pdf_text(local / "heads.pdf"))
    # The claim ledger the worker checked came back with the other files, the same claims as a local build's.
    ledger = json.loads((remote / "heads-ledger.json").read_text("utf-8"))
    assert ledger == json.loads((local / "heads-ledger.json").read_text("utf-8")) and ledger["claims"]
    # The data annex is rendered on the build's machine, beside the briefings, as in a local build.
    assert sorted(p.name for p in (root / "dask" / "annex").iterdir()) == \
        sorted(p.name for p in (root / "local" / "annex").iterdir())
    # The manifest's card data came back from the worker too.
    entries = [json.loads((root / out / "manifest.json").read_text())["briefings"]["heads"] for out in ("local", "dask")]
    assert entries[0]["pages"] == entries[1]["pages"] > 0 and entries[1]["thumbnail"] == "heads/heads-page1.png"
    # Nothing of this machine's paths travelled into what the worker made.
    for path in remote.iterdir():
        if path.suffix in (".html", ".ipynb"):
            assert str(root) not in path.read_text("utf-8")


def kernel_children(pid: int) -> list[int]:
    """The kernels (ipykernel) whose parent is process ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if ppid == pid and b"ipykernel" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def test_a_worker_killed_mid_briefing_is_retried_on_another(cluster, project):
    root, config = project
    out = root / "retried"
    process = subprocess.Popen([sys.executable, "-m", "briefings.cli", "build", "--config", str(config), "--data",
                                str(root / "data"), "--out", str(out), "--dask-scheduler", cluster.address],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with cluster.client() as client:
        pids = client.run(os.getpid)
        deadline = time.monotonic() + 120
        while not any(client.processing().values()):
            assert process.poll() is None and time.monotonic() < deadline, "the briefing never started"
            time.sleep(0.1)
        [running_on] = [worker for worker, keys in client.processing().items() if keys]
        time.sleep(1.0)  # mid-briefing: its kernel is executing the notebook
        kernels = kernel_children(pids[running_on])
        os.kill(pids[running_on], signal.SIGKILL)  # the worker process; its nanny starts a new one
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert "heads: built in" in stderr
    html = (out / "heads" / "heads.html").read_text("utf-8")
    assert normalised(html) == normalised((root / "local" / "heads" / "heads.html").read_text("utf-8"))
    # The killed worker's kernel ended with it (it watches its worker).
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in kernels) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in kernels if Path(f"/proc/{pid}").exists()
                and (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX")]
    cluster.wait_for_workers(2)  # the nanny's new worker, for the tests that follow


# ------------------------------------------------------------------------------ faults

@pytest.fixture
def small_cluster(worker_env, project):
    """A scheduler and one worker of this test's own, for the faults that break them."""
    root, _ = project
    running = Cluster(worker_env, hidden_folders(root.parent, worker_env))
    try:
        running.start_scheduler()
        yield running
    finally:
        running.stop_all()


def rendered(out: Path) -> dict[str, bytes]:
    return {path: content for path, content in tree_bytes(out).items() if path != "build.log"}


def test_no_worker_at_the_scheduler_fails_after_the_timeout_naming_it(small_cluster, project):
    root, config = project
    out = root / "no-worker"
    started = time.monotonic()
    result = build_on(small_cluster.address, root, config, out, "--dask-timeout", "3")
    assert result.returncode == 2, result.stderr
    assert (f"error: --dask-scheduler {small_cluster.address}: no worker joined the scheduler within 3 s; start workers "
            f"with `dask worker {small_cluster.address}`") in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 60
    assert not (out / "heads").exists()
    assert not (out / STAGING).exists() or list((out / STAGING).iterdir()) == []


def start_and_wait_for_the_briefing(cluster, root, config, out):
    """Start a forced cluster build into ``out``; return it once its briefing runs on a worker."""
    process = subprocess.Popen([sys.executable, "-m", "briefings.cli", "build", "--force", "--config", str(config),
                                "--data", str(root / "data"), "--out", str(out), "--dask-scheduler", cluster.address,
                                "--dask-timeout", "3"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    with cluster.client() as client:
        deadline = time.monotonic() + 120
        while not any(client.processing().values()):
            assert process.poll() is None and time.monotonic() < deadline, "the briefing never started"
            time.sleep(0.1)
    time.sleep(1.0)
    return process


def copy_of_local_build(root: Path, name: str) -> Path:
    out = root / name
    shutil.copytree(root / "local", out)
    return out


def test_the_scheduler_going_away_fails_the_build_and_keeps_the_last_good_output(small_cluster, project):
    root, config = project
    out = copy_of_local_build(root, "scheduler-gone")
    before = rendered(out)
    small_cluster.start_worker("worker-c")
    small_cluster.wait_for_workers(1)
    process = start_and_wait_for_the_briefing(small_cluster, root, config, out)
    small_cluster.stop("scheduler")
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    assert f"the Dask scheduler {small_cluster.address} went away" in stderr
    assert "heads: FAILED" in stderr and "Traceback" not in stderr
    after = rendered(out)
    assert {k: v for k, v in after.items() if k.startswith("heads/")} == \
        {k: v for k, v in before.items() if k.startswith("heads/")}  # the last good briefing, byte for byte
    assert list((out / STAGING).iterdir()) == [] and (out / LOCK).read_text() == ""


def test_all_workers_gone_mid_build_fails_after_the_timeout_naming_the_scheduler(small_cluster, project):
    root, config = project
    out = copy_of_local_build(root, "workers-gone")
    before = rendered(out)
    small_cluster.start_worker("worker-d")
    small_cluster.wait_for_workers(1)
    process = start_and_wait_for_the_briefing(small_cluster, root, config, out)
    small_cluster.stop("worker-d")  # the worker and its nanny: no worker is left
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    assert f"no Dask worker alive at {small_cluster.address} for 3 s (--dask-timeout)" in stderr
    assert "Traceback" not in stderr
    assert {k: v for k, v in rendered(out).items() if k.startswith("heads/")} == \
        {k: v for k, v in before.items() if k.startswith("heads/")}
    assert list((out / STAGING).iterdir()) == [] and (out / LOCK).read_text() == ""


def test_a_worker_with_other_code_is_refused_naming_both_versions(small_cluster, project, worker_env):
    root, config = project
    changed = worker_env / f"package-changed-{time.time_ns()}"
    shutil.copytree(worker_env / "package", changed)
    stylesheet = next((changed / "briefings" / "styles").glob("*.css"))
    stylesheet.write_text(stylesheet.read_text("utf-8") + "\n/* another release */\n", "utf-8")
    small_cluster.start_worker("worker-e", package=changed)
    small_cluster.wait_for_workers(1)
    out = root / "mismatch"
    result = build_on(small_cluster.address, root, config, out)
    assert result.returncode == 2, result.stderr
    found = re.search(r"error: --dask-scheduler \S+: foreign-fighter-briefings's code, templates and styles \(hash\) "
                      r"is ([0-9a-f]{16}) on worker tcp://127\.0\.0\.1:\d+ and ([0-9a-f]{16}) on this machine; every "
                      r"worker needs the versions of the machine that runs the build", result.stderr)
    assert found and found[1] != found[2], result.stderr
    assert not (out / "heads").exists()
