"""Running one briefing: papermill in a warm kernel, render, and swap into place atomically.

This module is what a worker process (local or on a Dask cluster) runs. :func:`run_briefing`
never raises: it returns a :class:`Result`. Each briefing renders into a temporary folder
beside its destination and replaces the previous output only when everything succeeded; a
failed briefing leaves the last good output byte-identical and keeps its executed notebook
(papermill's error notebook) under ``<out>/<name>/failed/``.

Staging folders live in ``<out>/.briefings-staging`` (recorded as the build's own, see
:mod:`briefings.ownership`); a worker swaps a briefing into place only while the build that
started it still holds the lock on ``--out``, and a worker or kernel dies with the process it
serves (:mod:`briefings.lifeline`).

Kernels are kept warm per worker process: starting a kernel and importing pandas, matplotlib
and the analysis package costs more than executing a briefing, so each worker pays it once and
clears the namespace (``%reset -f``) between briefings.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

VALIDATED_ENV = "BRIEFINGS_VALIDATED_DATA"
#: The stages of one briefing whose seconds are logged and recorded (and then "total").
STAGES = ("execute", "html", "pdf", "write")
_WARM_UP = "import briefings.briefing, briefings.charts, analysis.loading\n"


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to build one briefing (picklable, so it can travel to Dask)."""

    name: str
    notebook: Path
    parameters: dict
    out_dir: Path
    formats: tuple[str, ...]
    timeout_seconds: int
    data_version: str
    lock_token: str = ""  # the build's token in <out>/.briefings.lock; '' when run outside a build


@dataclass
class Result:
    name: str
    status: str  # built | failed | skipped
    started: float = 0.0
    finished: float = 0.0
    outputs: list[str] = field(default_factory=list)  # every file written, "<name>/<file>"
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

    @property
    def duration(self) -> float:
        return round(self.finished - self.started, 3)


# ------------------------------------------------------------------------------ warm kernel

# One warm kernel per worker thread: a Dask worker runs tasks on several threads at once.
_local = threading.local()


def _warm_kernel():
    """This thread's kernel manager, started and warmed on first use."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    current = getattr(_local, "manager", None)
    if current is not None and run_sync(current.is_alive)():
        return current
    # Unix sockets in a private folder rather than TCP ports: nothing listens on the network,
    # and the kernel no longer warns about unencrypted TCP in every scheduled run's log.
    sockets = tempfile.mkdtemp(prefix="briefings-kernel-")
    manager = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))
    manager.sockets_dir = sockets
    run_sync(manager.start_kernel)()
    # The kernel ends itself when this process dies, however it dies (kill -9 included).
    _run_in_kernel(manager, _WARM_UP + f"import briefings.lifeline\nbriefings.lifeline.watch({os.getpid()})\n",
                   timeout=120)
    _local.manager = manager
    # Worker processes end with os._exit, which skips atexit; multiprocessing's finalizers still run.
    import multiprocessing.util
    multiprocessing.util.Finalize(manager, _shutdown, args=(manager,), exitpriority=10)
    import atexit
    atexit.register(_shutdown, manager)
    return manager


def warm_up(build_pid: int | None = None) -> None:
    """Get a worker ready before its first briefing (a pool initializer): start its kernel and
    import the analysis package in it, and load papermill, the exporters and Typst's fonts
    here, so the first briefing on each worker costs no more than the rest.

    With ``build_pid``, the worker first ties its life to that build process (and to its own
    parent): killed means gone.

    A failure here is not fatal: the first briefing on this worker will try again and report it.
    """
    if build_pid:
        from . import lifeline
        lifeline.die_with_parent()
        lifeline.watch(build_pid)
    try:
        _warm_kernel()
        import papermill  # noqa: F401 - imported for its start-up cost, paid now

        from .pdf import warm
        from .rendering import _html_exporter
        _html_exporter()
        warm()  # the Typst compiler reads its fonts on first use
    except Exception:  # noqa: BLE001 - reported by the briefing that next needs the kernel
        _discard_kernel()


def _shutdown(manager) -> None:
    from jupyter_core.utils import run_sync
    try:
        run_sync(manager.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - best effort at exit: the kernel may already be gone
        pass
    shutil.rmtree(getattr(manager, "sockets_dir", ""), ignore_errors=True)


def _discard_kernel() -> None:
    """Forget (and stop) this thread's warm kernel, e.g. after a timeout left it busy."""
    current = getattr(_local, "manager", None)
    if current is not None:
        _shutdown(current)
    _local.manager = None


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


# ------------------------------------------------------------------------------ one briefing

def execute_notebook(job: Job, output: Path, warm: bool = True, stages: dict | None = None):
    """Run the job's notebook with papermill into ``output``; returns the executed notebook node.
    ``stages`` gets the seconds of the final write of the notebook under "write"."""
    import papermill

    parameters = dict(job.parameters)
    # The kernel works in the project's folder, so the executed notebook records project-relative
    # paths (data_dir, input_path), not this machine's absolute ones.
    root, parameters["data_dir"] = _project_relative(job, parameters.get("data_dir", ""))
    kwargs = {}
    if warm:
        manager = _warm_kernel()
        _run_in_kernel(manager, f"%reset -f\nimport os\nos.environ[{VALIDATED_ENV!r}] = {job.data_version!r}\n"
                                f"os.chdir({str(root)!r})\n", timeout=60, fresh=False)
        kwargs["km"] = manager
    else:
        os.environ[VALIDATED_ENV] = job.data_version
        kwargs["cwd"] = str(root)
    notebook = papermill.execute_notebook(str(job.notebook), str(output), parameters=parameters,
                                          execution_timeout=job.timeout_seconds, progress_bar=False,
                                          log_output=False, report_mode=False, **kwargs)
    notebook.metadata.papermill["input_path"] = os.path.relpath(job.notebook, root)
    notebook.metadata.papermill["output_path"] = f"{job.name}/{output.name}"
    import nbformat
    started = time.perf_counter()
    nbformat.write(notebook, str(output))
    _add_stage(stages, "write", started)
    return notebook


def _add_stage(stages: dict | None, name: str, started: float) -> None:
    """Add the seconds since ``started`` (a perf_counter reading) to ``stages[name]``."""
    if stages is not None:
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - started


def _project_relative(job: Job, data_dir: str) -> tuple[Path, str]:
    """(the project's folder, data_dir relative to it when inside it); the project is the nearest
    folder above the notebook holding reports.yml (else the notebook's own folder)."""
    from analysis.paths import ProjectNotFound, find_project

    try:
        project = find_project(job.notebook.parent)
    except ProjectNotFound:
        return job.notebook.parent, data_dir
    return project.root, project.relative(data_dir) if data_dir else data_dir


def run_briefing(job: Job, warm: bool = True) -> Result:
    """Build one briefing into ``<out>/<name>/``; never raises."""
    from .ownership import staging_dir

    result = Result(job.name, "failed", started=time.time())
    clock = time.perf_counter()
    stages = result.stages
    job.out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"tmp-{job.name}-", dir=staging_dir(job.out_dir)))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; the published folder must be readable
    executed = staging / f"{job.name}.ipynb"
    try:
        try:
            notebook = execute_notebook(job, executed, warm, stages)
        except Exception as error:  # noqa: BLE001 - any failure of the notebook is this briefing's failure
            if warm:
                _discard_kernel()  # a timed-out or crashed kernel must not serve the next briefing
            result.error = _describe(error)
            result.detail = traceback.format_exc()
            _keep_failed(job, executed, result.error)
            return result
        finally:
            stages["execute"] = time.perf_counter() - clock - stages.get("write", 0.0)
        from .rendering import read_meta, render_briefing

        # The second read (issue 18): every claim the briefing printed is re-derived from the raw
        # rows by ledger_check, written apart from the sentence code; a disagreement fails the
        # briefing here, naming each sentence and its rows, and the last good output stays.
        _check_claims(notebook, job)
        paths = render_briefing(notebook, staging, job.name, job.formats, stages=stages)
        written = [executed, *paths.values()]
        if "pdf" in paths:
            # Here, in the worker and in staging: in parallel with the other briefings, swapped in
            # with the PDF it shows, and inside the briefing's own (recorded) folder.
            from .thumbnails import summarise_pdf, thumbnail_name

            thumbnail_started = time.perf_counter()
            png = staging / thumbnail_name(job.name)
            result.pages = summarise_pdf(paths["pdf"], png)
            result.thumbnail = f"{job.name}/{png.name}"
            written.append(png)
            _add_stage(stages, "pdf", thumbnail_started)  # the thumbnail is PDF work
        meta = read_meta(notebook)
        result.as_of, result.subject, result.data_version = (meta["as_of"] or None, meta["subject"] or None,
                                                             meta["data_version"] or None)
        swap = time.perf_counter()
        _replace(staging, job.out_dir / job.name, job)
        _add_stage(stages, "write", swap)
        result.status = "built"
        result.outputs = [f"{job.name}/{Path(p).name}" for p in written]
    except Exception as error:  # noqa: BLE001 - rendering or writing failed: keep the old output
        result.error = _describe(error)
        result.detail = traceback.format_exc()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        result.finished = time.time()
        result.stages = {name: round(stages.get(name, 0.0), 3) for name in STAGES}
        result.stages["total"] = round(time.perf_counter() - clock, 3)
    return result


def _check_claims(notebook, job: Job) -> None:
    """Raise ``ledger_check.LedgerDisagreement`` unless every claim of the executed briefing holds
    against the data it was built from (``--data``, else the project's data/)."""
    from ledger_check import check_executed

    data_dir = job.parameters.get("data_dir") or str(_project_relative(job, "")[0] / "data")
    check_executed(notebook, data_dir, job.name)


def _describe(error: Exception) -> str:
    """A one-line reason: the notebook's own exception when papermill caught one."""
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    return f"{type(error).__name__}: {error}"


def _keep_failed(job: Job, executed: Path, reason: str) -> None:
    """Put the failed notebook under <out>/<name>/failed/ without touching the good outputs."""
    from .ownership import is_link, staging_dir

    failed = job.out_dir / job.name / "failed"
    staging = Path(tempfile.mkdtemp(prefix=f"tmp-{job.name}-failed-", dir=staging_dir(job.out_dir)))
    os.chmod(staging, 0o755)
    try:
        if executed.exists():
            shutil.copy2(executed, staging / executed.name)
        (staging / "error.txt").write_text(reason + "\n", "utf-8")
        if is_link(failed.parent):
            raise OSError(f"{failed.parent} is a symbolic link; the build never writes through links")
        failed.parent.mkdir(parents=True, exist_ok=True)
        _replace(staging, failed, job)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class BuildGone(RuntimeError):
    """The build that started this briefing no longer holds the lock on --out."""


def _check_still_ours(job: Job) -> None:
    """Raise :class:`BuildGone` unless the build that made ``job`` still holds the lock on
    ``--out`` (its token is in the lock file and the lock is taken): a worker that outlived a
    killed build must never swap anything into ``--out``."""
    if not job.lock_token:
        return
    from .ownership import LOCK, open_nofollow

    path = job.out_dir / LOCK
    try:
        with os.fdopen(open_nofollow(path, os.O_RDONLY), "r", encoding="utf-8") as handle:
            holder = json.loads(handle.read() or "{}")
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                held = True
            else:
                held = False
                fcntl.flock(handle, fcntl.LOCK_UN)
    except (OSError, ValueError) as error:
        raise BuildGone(f"cannot check the lock on {job.out_dir} ({error}); output not swapped in") from None
    if isinstance(holder, dict) and holder.get("host") != socket.gethostname():
        held = True  # a Dask worker on another machine: a flock there says nothing; the token must match
    if not held or not isinstance(holder, dict) or holder.get("token") != job.lock_token:
        raise BuildGone(f"the build that started {job.name!r} no longer holds {path}; output not swapped in")


def _replace(new: Path, final: Path, job: Job | None = None) -> None:
    """Move folder ``new`` to ``final``, replacing what was there with two renames.

    The old folder is renamed aside first (into the build's staging folder), so a reader never
    sees a half-written folder; if the second rename fails, the old folder is put back. Nothing
    is moved unless the build that started ``job`` still holds the lock on ``--out``.
    """
    from .ownership import STAGING, is_link

    if job is not None:
        _check_still_ours(job)
        relative = final.relative_to(job.out_dir).as_posix().replace("/", "+")
        aside = job.out_dir / STAGING / f"old-{relative}-{os.getpid()}-{time.time_ns()}"
    else:
        aside = final.with_name(f".old-{final.name}-{os.getpid()}-{time.time_ns()}")
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
