"""Running one briefing on a worker that shares nothing with the build, and publishing it.

One code path for local worker processes and Dask workers, in two halves:

* **On the worker** (:func:`run_briefing`). A :class:`Job` carries everything a briefing needs
  as values: the notebook's bytes, the data package's files as bytes, the parameters, formats,
  timeout and the data version the build validated, and the versions that decide the output.
  The worker writes them into a private folder of its own (a small project: ``reports.yml``,
  ``data/``, the notebook), executes the notebook there with papermill in a warm kernel,
  renders it, and returns a :class:`Result` holding the rendered files as bytes (or the error
  and the failed notebook's bytes). It never raises, and nothing it is given or returns names a
  path of the machine that asked.
* **On the build's machine** (:func:`publish`). The files are written into a staging folder
  under ``<out>/.briefings-staging`` (recorded as the build's own, see
  :mod:`briefings.ownership`) and swapped into ``<out>/<name>/`` with two renames, so a reader
  never sees half a briefing and a failed briefing leaves the last good output byte-identical;
  a failed briefing's executed notebook goes to ``<out>/<name>/failed/``. Only the build, which
  holds the lock on ``--out``, ever writes there.

``timeout_seconds`` limits the whole briefing: at the deadline the kernel and everything it
started are killed, and a briefing that is still rendering when the deadline passes fails.

Kernels are kept warm per worker thread: starting a kernel and importing pandas and matplotlib
costs more than executing a briefing, so each worker pays it once and clears the namespace
(``%reset -f``) between briefings. Each kernel, and what it starts, dies with its worker and
leaves no key or socket behind (:mod:`briefings.lifeline`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

VALIDATED_ENV = "BRIEFINGS_VALIDATED_DATA"
#: The stages of one briefing whose seconds are logged and recorded (and then "total").
STAGES = ("execute", "html", "pdf", "write")
#: The data package's folder inside a worker's project (and the ``data_dir`` parameter it runs with).
DATA_FOLDER = "data"
#: The data package's changelog, beside its descriptor (read for the revisions a briefing lists).
CHANGELOG_NAME = "CHANGELOG.md"
#: What a warm kernel imports before its first briefing: the slow third-party imports of the
#: briefing's first cell (as briefings/charts.py sets matplotlib up). The project's own packages
#: are imported by the first briefing, inside its project (they read the project's data package).
_WARM_UP = ("import importlib, matplotlib\nmatplotlib.use('Agg')\n"
            "for _name in ('matplotlib.pyplot', 'matplotlib.dates', 'matplotlib.ticker', 'pandas', 'jinja2', 'yaml'):\n"
            "    try:\n        importlib.import_module(_name)\n    except ImportError:\n        pass\n"
            "del _name\n")


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to build one briefing, as values (picklable, so it travels to
    Dask); no path of the build's machine."""

    name: str
    notebook: bytes
    #: Where the notebook sits in its project, e.g. "notebooks/briefing.ipynb" (recorded in the
    #: executed notebook's metadata as papermill's input path).
    notebook_path: str
    #: The data package: the descriptor and every file it names, by their paths inside data/.
    data: dict[str, bytes]
    parameters: dict
    formats: tuple[str, ...]
    timeout_seconds: int
    data_version: str
    #: The versions that decide the output on the build's machine (see briefings.workers); a
    #: worker whose own differ refuses the briefing. Empty: not checked.
    environment: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    name: str
    status: str  # built | failed | skipped
    started: float = 0.0
    finished: float = 0.0
    outputs: list[str] = field(default_factory=list)  # every file published, "<name>/<file>"
    error: str | None = None
    detail: str | None = None  # traceback, for the log
    #: For the index's card, recorded in the manifest so an up-to-date briefing costs nothing:
    #: the PDF's page count and its first-page thumbnail ("<name>/<name>-page1.png"; None without
    #: a PDF), and the as-of date, subject and data version the briefing's header shows.
    pages: int | None = None
    thumbnail: str | None = None
    as_of: str | None = None
    subject: str | None = None
    data_version: str | None = None
    #: Seconds per stage (execute, html, pdf, write, total), for the log and the manifest.
    stages: dict[str, float] = field(default_factory=dict)
    #: What travels back from the worker, emptied by :func:`publish`: the briefing's files by
    #: name (built), or the failed notebook (failed).
    files: dict[str, bytes] = field(default_factory=dict, repr=False)
    failed_files: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def duration(self) -> float:
        return round(self.finished - self.started, 3)


class TimedOut(RuntimeError):
    """The briefing ran past its ``timeout_seconds``."""


# ------------------------------------------------------------------------------ on the build's machine: packing

def pack_data(data_dir: Path) -> dict[str, bytes]:
    """The data package as it travels: the descriptor and every file it names (each a regular
    file inside ``data_dir``, as validation checked), by its path inside the folder."""
    from analysis import files
    from analysis.paths import DESCRIPTOR_NAME
    from analysis.version import MAX_CSV_BYTES, MAX_DESCRIPTOR_BYTES, _not_a_plain_file

    path = data_dir / DESCRIPTOR_NAME
    descriptor = files.read_bytes(path, limit=MAX_DESCRIPTOR_BYTES, what="data package descriptor")
    packed = {DESCRIPTOR_NAME: descriptor}
    for resource in files.parse_json(files.decode(descriptor, path), str(path))["resources"]:
        name = resource["path"]
        problem = _not_a_plain_file(data_dir, name)
        if problem is not None:
            raise OSError(f"{data_dir / name}: {problem}")
        packed[Path(name).as_posix()] = files.read_bytes(data_dir / name, limit=MAX_CSV_BYTES, what="data file")
    # The data's own changelog: a briefing lists the revisions in its window, and the ledger
    # check reads them back, so it travels too (when it is there and a plain file).
    if _not_a_plain_file(data_dir, CHANGELOG_NAME) is None:
        packed[CHANGELOG_NAME] = files.read_bytes(data_dir / CHANGELOG_NAME, limit=MAX_CSV_BYTES, what="changelog")
    return packed


def notebook_place(notebook: Path) -> str:
    """Where ``notebook`` sits in its project ("notebooks/briefing.ipynb"); a notebook outside
    any project travels as ``notebooks/<its name>``."""
    from analysis.paths import ProjectNotFound, find_project

    try:
        root = find_project(notebook.parent).root
    except ProjectNotFound:
        return f"notebooks/{notebook.name}"
    resolved = notebook.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else f"notebooks/{notebook.name}"


# ------------------------------------------------------------------------------ on the worker: warm kernel

# One warm kernel, and one private working folder, per worker thread: a Dask worker runs tasks
# on several threads at once.
_local = threading.local()


class _Kernel:
    """A started kernel, its private folder (connection file, sockets, log), its mark, and the
    data package descriptor its modules were imported with."""

    def __init__(self, manager, folder: str, mark: str, descriptor: str | None):
        self.manager, self.folder, self.mark, self.descriptor = manager, folder, mark, descriptor

    @property
    def pid(self) -> int | None:
        process = getattr(getattr(self.manager, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def log_tail(self, size: int = 2000) -> str:
        from analysis import files

        try:
            descriptor = files.open_fd(os.path.join(self.folder, "kernel.log"), what="kernel log", follow=False)
        except OSError:
            return ""
        with os.fdopen(descriptor, "rb") as handle:
            handle.seek(max(0, os.fstat(descriptor).st_size - size))
            return handle.read(size).decode("utf-8", "replace")


def _workplace() -> Path:
    """This thread's private working folder (made once; the kernel runs in it)."""
    place = getattr(_local, "place", None)
    if place is None or not os.path.isdir(place):
        place = Path(tempfile.mkdtemp(prefix="briefings-worker-"))
        _local.place = place
        _at_exit(shutil.rmtree, str(place), True)
    return place


def _at_exit(function, *args) -> None:
    # Worker processes end with os._exit, which skips atexit; multiprocessing's finalizers still run.
    import atexit
    import multiprocessing.util

    multiprocessing.util.Finalize(None, function, args=args, exitpriority=10)
    atexit.register(function, *args)


def _warm_kernel(descriptor: str | None = None) -> _Kernel:
    """This thread's kernel, started (in this thread's working folder) and warmed on first use;
    started afresh when its modules were imported with another data package descriptor."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    from analysis import files
    from analysis.paths import DESCRIPTOR_NAME
    from analysis.schema import DESCRIPTOR_ENV

    from . import lifeline

    current: _Kernel | None = getattr(_local, "kernel", None)
    if current is not None and run_sync(current.manager.is_alive)():
        if descriptor is None or current.descriptor in (None, descriptor):
            if descriptor is not None:
                current.descriptor = descriptor
            return current
    _discard_kernel()
    place = _workplace()
    # The connection file (which holds the kernel's key) and the Unix sockets in one private
    # folder rather than TCP ports: nothing listens on the network, the kernel does not warn about
    # unencrypted TCP, and one rmtree leaves nothing behind.
    folder, transport = _kernel_folder()
    mark = secrets.token_hex(12)
    manager = AsyncKernelManager(kernel_name="python3", transport=transport,
                                 ip=os.path.join(folder, "kernel") if transport == "ipc" else "127.0.0.1")
    manager.connection_file = os.path.join(folder, "kernel.json")
    kernel = _Kernel(manager, folder, mark, descriptor)
    _local.kernel = kernel
    # The kernel's own messages ("Parent appears to have exited", ...) go to its log, not to the
    # terminal of the build after its prompt came back.
    # independent: ipykernel's own parent poller is not started (it would end the kernel before
    # the lifeline below removes the kernel's folder); the lifeline watches the worker instead.
    log = files.open_fd(os.path.join(folder, "kernel.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600,
                        what="kernel log", follow=False)
    try:
        # The value lists are read from the descriptor of the kernel's own project, not from the
        # build's (a path of the machine that asked, which this worker may not have).
        environment = {**os.environ, lifeline.MARK_ENV: mark, DESCRIPTOR_ENV: str(place / DATA_FOLDER / DESCRIPTOR_NAME)}
        run_sync(manager.start_kernel)(cwd=str(place), env=environment, stdout=log, stderr=log, independent=True)
    finally:
        os.close(log)
    # The kernel ends itself, after killing what it started and removing its folder and this
    # worker's, when this process dies, however it dies (kill -9 included).
    _run_in_kernel(manager, _WARM_UP + "import briefings.lifeline\n"
                   f"briefings.lifeline.watch({os.getpid()}, {mark!r}, ({folder!r}, {str(place)!r}))\n", timeout=120)
    _at_exit(_stop, kernel)
    return kernel


def _kernel_folder() -> tuple[str, str]:
    """(a new private folder for a kernel's connection file, sockets and log, the transport):
    Unix sockets in that folder when their path fits a socket address (107 bytes), the folder
    made under /tmp when TMPDIR is too deep for that; TCP on 127.0.0.1 as the last resort."""
    for base in (None, "/tmp"):
        try:
            folder = tempfile.mkdtemp(prefix="briefings-kernel-", dir=base)
        except OSError:
            continue
        if len(os.path.join(folder, "kernel-99").encode()) <= 100:
            return folder, "ipc"
        os.rmdir(folder)
    return tempfile.mkdtemp(prefix="briefings-kernel-"), "tcp"


def warm_up(build_pid: int | None = None) -> None:
    """Get a worker ready before its first briefing (a pool initializer): start its kernel and
    import the slow packages in it, and load papermill, the exporters and Typst's fonts here, so
    the first briefing on each worker costs no more than the rest.

    With ``build_pid``, the worker first ties its life to that build process (and to its own
    parent), and leaves Ctrl-C to the build: killed means gone, interrupted means the build
    stops its workers.

    A failure here is not fatal: the first briefing on this worker will try again and report it.
    """
    if build_pid:
        import logging
        import signal

        from . import lifeline
        lifeline.die_with_parent()
        lifeline.watch(build_pid)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # What papermill and nbclient log here ("Kernel died while waiting...") reaches the build in
        # the briefing's result; not on the build's console as well.
        logging.getLogger().addHandler(logging.NullHandler())
    try:
        _warm_kernel()
        import papermill  # noqa: F401 - imported for its start-up cost, paid now

        from .pdf import warm
        from .rendering import _html_exporter
        _html_exporter()
        warm()  # the Typst compiler reads its fonts on first use
    except Exception:  # noqa: BLE001 - reported by the briefing that next needs the kernel
        _discard_kernel()


def _stop(kernel: _Kernel) -> None:
    """Kill ``kernel`` and everything it started, and remove its folder."""
    from jupyter_core.utils import run_sync

    from . import lifeline

    lifeline.kill_marked(kernel.mark)
    try:
        run_sync(kernel.manager.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - best effort: the kernel is already dead
        pass
    shutil.rmtree(kernel.folder, ignore_errors=True)


def _discard_kernel() -> None:
    """Forget (and stop) this thread's warm kernel, e.g. after a timeout left it busy."""
    current = getattr(_local, "kernel", None)
    _local.kernel = None
    if current is not None:
        _stop(current)


def _run_in_kernel(manager, code: str, timeout: float, fresh: bool = True) -> None:
    """Run ``code`` in the kernel. A ``fresh`` kernel is waited for first (kernel_info, then
    IOPub settled); a warm one is sent the code on the shell channel alone and its reply awaited,
    which skips the handshake's fixed 0.2 s+ wait for IOPub to go quiet before every briefing."""
    from jupyter_core.utils import run_sync

    async def run():
        client = manager.client()
        if fresh:
            client.start_channels()
        else:
            client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        try:
            if fresh:
                await client.wait_for_ready(timeout=timeout)
                reply = await client.execute_interactive(code, timeout=timeout, store_history=False)
            else:
                msg_id = client.execute(code, silent=True, store_history=False)
                deadline = time.monotonic() + timeout
                while True:  # raises queue.Empty at the deadline
                    reply = await client.get_shell_msg(timeout=max(0.0, deadline - time.monotonic()))
                    if reply["parent_header"].get("msg_id") == msg_id:
                        break
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue')}")
        finally:
            client.stop_channels()

    run_sync(run)()


# ------------------------------------------------------------------------------ on the worker: one briefing

def _materialise(job: Job, place: Path) -> Path:
    """Write the job's project into ``place`` (reports.yml marking it, data/, the notebook) and
    empty its output folder; returns the output folder."""
    for name in (DATA_FOLDER, "notebooks", "out"):
        shutil.rmtree(place / name, ignore_errors=True)
    _write(place / "reports.yml", b"# A briefings worker's private project: the briefing it runs now.\n")
    files = {f"{DATA_FOLDER}/{name}": content for name, content in job.data.items()}
    files[job.notebook_path] = job.notebook
    for relative, content in files.items():
        target = (place / relative).resolve()
        if not target.is_relative_to(place.resolve()) or target == place.resolve():
            raise ValueError(f"{relative!r}: a file of the job would be written outside its folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, content)
    out = place / "out"
    out.mkdir()
    return out


def _execute(job: Job, place: Path, executed: Path, deadline: float, stages: dict):
    """Run the job's notebook with papermill into ``executed``; returns the executed notebook
    node. The kernel (and all it started) is killed at ``deadline`` (a time.monotonic reading)."""
    import nbformat
    import papermill

    from . import lifeline

    from analysis.paths import DESCRIPTOR_NAME

    descriptor = hashlib.sha256(job.data.get(DESCRIPTOR_NAME, b"")).hexdigest()
    kernel = _warm_kernel(descriptor)
    expired = threading.Event()

    def stop_at_deadline():
        expired.set()
        lifeline.kill_marked(kernel.mark)  # the kernel and every process it started, setsid or not

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), stop_at_deadline)
    timer.daemon = True
    timer.start()
    try:
        # The kernel works in the project's folder, so the executed notebook records project-relative
        # paths (data_dir, input_path).
        _run_in_kernel(kernel.manager, f"%reset -f\nimport os\nos.environ[{VALIDATED_ENV!r}] = {job.data_version!r}\n"
                                       f"os.chdir({str(place)!r})\n", timeout=60, fresh=False)
        notebook = papermill.execute_notebook(str(place / job.notebook_path), str(executed), parameters=job.parameters,
                                              execution_timeout=job.timeout_seconds, progress_bar=False,
                                              log_output=False, report_mode=False, km=kernel.manager)
    except Exception as error:
        timed_out = expired.is_set() or type(error).__name__ == "CellTimeoutError"
        died = not timed_out and (not kernel.pid or not lifeline.alive(kernel.pid))
        last_words = kernel.log_tail().strip() if died else ""
        _discard_kernel()  # a timed-out or crashed kernel must not serve the next briefing
        if timed_out:
            raise TimedOut(f"Timeout: the briefing ran longer than its timeout_seconds ({job.timeout_seconds} s) "
                           "and was stopped") from None
        if last_words:
            raise RuntimeError(f"{_describe(error)}; the kernel's last words: {last_words[-300:]}") from error
        raise
    finally:
        timer.cancel()
    # What the notebook started and left running (a server, a `setsid` child) ends with it.
    lifeline.kill_marked(kernel.mark, spare=(kernel.pid,) if kernel.pid else ())
    notebook.metadata.papermill["input_path"] = job.notebook_path
    notebook.metadata.papermill["output_path"] = f"{job.name}/{executed.name}"
    started = time.perf_counter()
    nbformat.write(notebook, str(executed))
    _add_stage(stages, "write", started)
    return notebook


#: The most a worker sends back of one file it made (a 70-page PDF is a few MB).
MAX_OUTPUT_BYTES = 256 * 1024 * 1024


def _read(path: Path) -> bytes:
    """A file this worker made in its own folder, read through the guarded opener (never a link)."""
    from analysis import files

    return files.read_bytes(path, limit=MAX_OUTPUT_BYTES, what="rendered file", follow=False)


def _write(path: Path, content: bytes) -> None:
    """Write a file in a folder of this process's own (a worker's, or a staging folder made by
    mkdtemp) through the guarded opener: never through a link, only a regular file."""
    from analysis import files

    descriptor = files.open_fd(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, what="file", follow=False)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def _add_stage(stages: dict | None, name: str, started: float) -> None:
    """Add the seconds since ``started`` (a perf_counter reading) to ``stages[name]``."""
    if stages is not None:
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - started


def _check_environment(job: Job) -> str | None:
    """Why this worker may not build ``job`` (its versions differ from the build's), or None."""
    if not job.environment:
        return None
    from .workers import environment, mismatch

    problem = mismatch(job.environment, environment())
    return f"this worker cannot build it: {problem}" if problem else None


def run_briefing(job: Job) -> Result:
    """Build one briefing in this worker's private folder; returns a :class:`Result` carrying
    the rendered files as bytes (never raises; writes nothing outside its own folders)."""
    result = Result(job.name, "failed", started=time.time())
    clock = time.perf_counter()
    deadline = time.monotonic() + job.timeout_seconds
    stages = result.stages
    executed = None
    try:
        result.error = _check_environment(job)
        if result.error:
            return result
        place = _workplace()
        out = _materialise(job, place)
        executed = out / f"{job.name}.ipynb"
        try:
            notebook = _execute(job, place, executed, deadline, stages)
        except Exception as error:  # noqa: BLE001 - any failure of the notebook is this briefing's failure
            result.error = _describe(error)
            result.detail = traceback.format_exc()
            result.failed_files = {executed.name: _read(executed)} if executed.exists() else {}
            result.failed_files["error.txt"] = (result.error + "\n").encode("utf-8")
            return result
        finally:
            stages["execute"] = time.perf_counter() - clock - stages.get("write", 0.0)
        from . import rendering

        # The second read (issue 18): every claim the briefing printed is re-derived from the raw
        # rows by ledger_check, written apart from the sentence code, here on the worker against the
        # data package that travelled with the job; a disagreement fails the briefing, naming each
        # sentence and its rows, and the last good output stays.
        _check_claims(notebook, job, place)
        paths = rendering.render_briefing(notebook, out, job.name, job.formats, stages=stages)
        written = [executed, *paths.values()]
        if "pdf" in paths:
            # Here, in the worker: in parallel with the other briefings, and published with the
            # PDF it shows, inside the briefing's own (recorded) folder.
            from .thumbnails import summarise_pdf, thumbnail_name

            thumbnail_started = time.perf_counter()
            png = out / thumbnail_name(job.name)
            result.pages = summarise_pdf(paths["pdf"], png)
            result.thumbnail = f"{job.name}/{png.name}"
            written.append(png)
            _add_stage(stages, "pdf", thumbnail_started)  # the thumbnail is PDF work
        if time.monotonic() > deadline:
            raise TimedOut(f"Timeout: the briefing ran longer than its timeout_seconds ({job.timeout_seconds} s) "
                           "while it was rendered")
        meta = rendering.read_meta(notebook)
        result.as_of, result.subject, result.data_version = (meta["as_of"] or None, meta["subject"] or None,
                                                             meta["data_version"] or None)
        started = time.perf_counter()
        result.files = {Path(p).name: _read(Path(p)) for p in written}
        _add_stage(stages, "write", started)
        result.status = "built"
        result.outputs = [f"{job.name}/{name}" for name in result.files]
    except Exception as error:  # noqa: BLE001 - rendering failed: the build keeps the old output
        result.status, result.files = "failed", {}
        result.error = _describe(error)
        result.detail = traceback.format_exc()
    finally:
        if executed is not None:
            shutil.rmtree(executed.parent, ignore_errors=True)
        result.finished = time.time()
        result.stages = {name: round(stages.get(name, 0.0), 3) for name in STAGES}
        result.stages["total"] = round(time.perf_counter() - clock, 3)
    return result


def _check_claims(notebook, job: Job, place: Path) -> None:
    """Raise ``ledger_check.LedgerDisagreement`` unless every claim of the executed briefing holds
    against the data it was built from: the data package that travelled with the job, as written
    into this worker's folder ``place``."""
    from ledger_check import check_executed

    check_executed(notebook, str(place / DATA_FOLDER), job.name)


def _describe(error: Exception) -> str:
    """A one-line reason: the notebook's own exception when papermill caught one."""
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    if isinstance(error, TimedOut):
        return str(error)
    return f"{type(error).__name__}: {error}"


# ------------------------------------------------------------------------------ on the build's machine: publishing

def _plain_name(name) -> bool:
    """A file name a worker may return: one path component, no hidden or special name."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\\" not in name \
        and "\0" not in name and not name.startswith(".")


def publish(result: Result, out_dir: Path) -> Result:
    """Put a worker's result in place: a built briefing's files into ``<out>/<name>/`` (replacing
    the previous output in two renames), a failed one's notebook and reason into
    ``<out>/<name>/failed/`` (the last good output untouched). Returns ``result`` with its files
    dropped and the seconds this took added to its "write" and "total" stages; never raises (a
    briefing that cannot be written fails, and keeps its last good output)."""
    started = time.perf_counter()
    files, failed = result.files, result.failed_files
    result.files, result.failed_files = {}, {}
    try:
        if result.status == "built":
            names = list(files)
            expected = {Path(o).name for o in result.outputs} | ({Path(result.thumbnail).name} if result.thumbnail else set())
            if not names or not all(_plain_name(n) and isinstance(files[n], bytes) for n in names) \
                    or not expected <= set(names):
                raise ValueError(f"the worker returned an unusable set of files ({sorted(map(str, names))[:10]})")
            _write_folder(out_dir, result.name, files, out_dir / result.name)
            result.outputs = [f"{result.name}/{name}" for name in names]
        elif failed:  # the notebook failed: its executed copy and the reason, beside the last good output
            _keep_failed(out_dir, result.name, {n: c for n, c in failed.items() if _plain_name(n) and isinstance(c, bytes)})
    except Exception as error:  # noqa: BLE001 - cannot write into --out: this briefing fails, the old output stays
        result.status, result.outputs = "failed", []
        result.error = _describe(error)
        result.detail = traceback.format_exc()
    finally:
        seconds = time.perf_counter() - started
        if result.stages:
            result.stages["write"] = round(result.stages.get("write", 0.0) + seconds, 3)
            result.stages["total"] = round(result.stages.get("total", 0.0) + seconds, 3)
        result.finished += seconds
    return result


def _write_folder(out_dir: Path, name: str, files: dict[str, bytes], final: Path) -> None:
    """Write ``files`` into a new staging folder and swap it in at ``final``."""
    from .ownership import staging_dir

    staging = Path(tempfile.mkdtemp(prefix=f"tmp-{name}-", dir=staging_dir(out_dir)))
    try:
        os.chmod(staging, 0o755)  # mkdtemp makes it private; the published folder must be readable
        for file, content in files.items():
            _write(staging / file, content)
        _replace(staging, final, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _keep_failed(out_dir: Path, name: str, files: dict[str, bytes]) -> None:
    """Put the failed notebook under <out>/<name>/failed/ without touching the good outputs."""
    from .ownership import is_link

    failed = out_dir / name / "failed"
    if is_link(failed.parent):
        raise OSError(f"{failed.parent} is a symbolic link; the build never writes through links")
    failed.parent.mkdir(parents=True, exist_ok=True)
    _write_folder(out_dir, f"{name}-failed", files, failed)


def _replace(new: Path, final: Path, out_dir: Path) -> None:
    """Move folder ``new`` to ``final``, replacing what was there with two renames.

    The old folder is renamed aside first (into the build's staging folder, where an interrupted
    build's successor puts it back), so a reader never sees a half-written folder; if the second
    rename fails, the old folder is put back.
    """
    from .ownership import STAGING, is_link

    relative = final.relative_to(out_dir).as_posix().replace("/", "+")
    aside = out_dir / STAGING / f"old-{relative}-{os.getpid()}-{time.time_ns()}"
    if is_link(final):
        raise OSError(f"{final} is a symbolic link; the build never writes through links")
    old = None
    if final.exists():
        old = aside
        os.rename(final, old)
    try:
        os.rename(new, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
