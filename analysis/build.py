"""``briefings build``: validate once, skip what is unchanged, run the rest in parallel, record it.

* **Incremental.** Each briefing's inputs are hashed: its notebook, the data files its focus
  reads, its parameters (with ``as_of: latest`` resolved to today's date), the ``analysis``
  package's code, templates and stylesheet, the output formats, and the versions of the
  packages that execute and render it. A briefing whose hashes match its last successful build
  in ``<out>/manifest.json``, and whose outputs are all present, is skipped.
* **Parallel and distributed.** Work goes through a :class:`concurrent.futures.Executor`: a
  process pool locally (``-j N``), or a Dask cluster's executor (``--dask-scheduler``).
* **Safe unattended.** A lock on the output folder stops two builds at once (a lock left by a
  killed build is taken over); each briefing is swapped into place only when it fully
  succeeded (see :mod:`analysis.execution`); the manifest and index are replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import socket
import sys
import time
from concurrent.futures import Executor, as_completed
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from .config import BriefingSpec, Config
from .execution import Job, Result, run_briefing
from .paths import DESCRIPTOR_NAME

log = logging.getLogger("briefings")

MANIFEST = "manifest.json"
LOCK = ".briefings.lock"
PACKAGE_ROOT = Path(__file__).resolve().parent
VERSIONED = ("papermill", "nbconvert", "nbclient", "ipykernel", "weasyprint", "pandas", "matplotlib", "frictionless")
#: Which data files a briefing reads, by its ``focus`` parameter.
FOCUS_RESOURCES = {
    "all": ("sources", "headcount_claims", "pay_offers", "reference_wages", "exchange_rates"),
    "headcounts": ("sources", "headcount_claims"),
    "pay": ("sources", "pay_offers", "reference_wages", "exchange_rates"),
}


class LockHeld(RuntimeError):
    """Another build holds the output folder."""


# ------------------------------------------------------------------------------ hashing

def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _file_hash(path: Path) -> str:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return "missing"


def resource_hashes(data_dir: Path) -> dict[str, str]:
    """Content hash of the descriptor and of each data file, by resource name.

    Never fails on broken data: a file that is missing, or a descriptor that cannot be read, gets
    a hash that matches no validated data, so the build validates it and reports the problem
    there, with the file named, instead of stopping here on an OSError or a JSON error.
    """
    descriptor_path = data_dir / DESCRIPTOR_NAME
    hashes = {"datapackage": _file_hash(descriptor_path)}
    try:
        paths = {r["name"]: r["path"] for r in json.loads(descriptor_path.read_text("utf-8"))["resources"]}
    except (OSError, ValueError, KeyError, TypeError):
        paths = {}
    for name in FOCUS_RESOURCES["all"]:
        hashes[name] = _file_hash(data_dir / paths[name]) if isinstance(paths.get(name), str) else "undeclared"
    return hashes


def code_hash() -> str:
    """Hash of every file of the analysis package that shapes a briefing (code, templates, CSS)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_ROOT.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def package_versions() -> dict[str, str]:
    versions = {}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def briefing_inputs(spec: BriefingSpec, data_hashes: dict[str, str], code: str, versions: dict,
                    formats: tuple[str, ...], today: dt.date) -> dict:
    """The hashes that decide whether ``spec`` must be rebuilt."""
    parameters = dict(spec.parameters)
    if parameters.get("as_of", "latest") == "latest":
        parameters["as_of"] = f"latest={today.isoformat()}"
    focus = parameters.get("focus", "all")
    return {
        "notebook": _sha(spec.notebook.read_bytes()),
        "data": {name: data_hashes[name] for name in ("datapackage",) + FOCUS_RESOURCES[focus]},
        "parameters": _sha(json.dumps(parameters, sort_keys=True, default=str).encode()),
        "code": code,
        "formats": list(formats),
        "timeout_seconds": spec.timeout_seconds,
        "versions": versions,
    }


def expected_outputs(name: str, formats: tuple[str, ...]) -> list[str]:
    return [f"{name}/{name}.ipynb"] + [f"{name}/{name}.{fmt}" for fmt in formats]


# ------------------------------------------------------------------------------ manifest

def read_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {"briefings": {}}


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename, so readers never see half."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, "utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def is_up_to_date(entry: dict | None, inputs: dict, out_dir: Path, name: str, formats) -> bool:
    return bool(entry and entry.get("last_success_inputs") == inputs
                and all((out_dir / p).is_file() for p in expected_outputs(name, formats)))


# ------------------------------------------------------------------------------ lock

class OutputLock:
    """An exclusive lock on the output folder, held with ``flock`` so the kernel releases it if
    the holder dies; the file also records who holds it, for the message the next build prints."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / LOCK
        self.handle = None
        self.took_over: dict | None = None

    def __enter__(self) -> "OutputLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown holder"
            handle.close()
            raise LockHeld(f"another build holds {self.path}: {holder}; wait for it to finish") from None
        handle.seek(0)
        previous = handle.read().strip()
        if previous:
            try:
                self.took_over = json.loads(previous)
            except ValueError:
                self.took_over = {"raw": previous}
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                 "started": dt.datetime.now().isoformat(timespec="seconds"),
                                 "command": " ".join(sys.argv)}))
        handle.flush()
        self.handle = handle
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.truncate(0)  # an empty lock file means nobody was interrupted holding it
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


# ------------------------------------------------------------------------------ the build

@dataclass
class BuildReport:
    results: list[Result]
    data_version: str

    @property
    def exit_code(self) -> int:
        return 1 if any(r.status == "failed" for r in self.results) else 0

    def counts(self) -> dict[str, int]:
        counts = {"built": 0, "skipped": 0, "failed": 0}
        for result in self.results:
            counts[result.status] += 1
        return counts


def clean_leftovers(out_dir: Path) -> None:
    """Tidy what an interrupted build left: staging folders go; a previous output that was
    renamed aside but never replaced (killed between the two renames) is put back."""
    if not out_dir.is_dir():
        return
    for path in sorted(out_dir.iterdir()):
        if not path.is_dir():
            continue
        if path.name.startswith(".old-"):
            name = path.name[len(".old-"):].rsplit("-", 2)[0]
            if not (out_dir / name).exists():
                os.rename(path, out_dir / name)
                log.warning("%s: restored the previous output after an interrupted swap", name)
                continue
        if path.name.startswith((".tmp-", ".old-")):
            shutil.rmtree(path, ignore_errors=True)


def build(config: Config, specs: list[BriefingSpec], *, data_dir: Path, out_dir: Path,
          formats: tuple[str, ...], executor_factory, force: bool = False, progress=None,
          validate=None) -> BuildReport:
    """Build ``specs`` into ``out_dir``; returns a :class:`BuildReport` (exit code 0 or 1).

    ``executor_factory(n_jobs)`` gives the :class:`~concurrent.futures.Executor` to use;
    ``validate(data_dir)`` raises on bad data and is called only when a briefing needs building
    with data not validated before; ``progress(result)`` is called as each briefing ends.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with OutputLock(out_dir) as lock:
        if lock.took_over and lock.took_over.get("pid"):
            log.warning("took over a stale lock left by pid %s on %s (started %s)", lock.took_over.get("pid"),
                        lock.took_over.get("host"), lock.took_over.get("started"))
        clean_leftovers(out_dir)
        manifest = read_manifest(out_dir)
        entries = manifest.setdefault("briefings", {})
        hashes = resource_hashes(data_dir)
        data_version = _sha(json.dumps(hashes, sort_keys=True).encode())[:12]
        code, versions, today = code_hash(), package_versions(), dt.date.today()
        inputs = {s.name: briefing_inputs(s, hashes, code, versions, formats, today) for s in specs}
        todo = [s for s in specs if force or not is_up_to_date(entries.get(s.name), inputs[s.name], out_dir, s.name, formats)]
        results = [Result(s.name, "skipped") for s in specs if s not in todo]
        for result in results:
            log.info("%s: up to date, skipped", result.name)
            if progress:
                progress(result)
        if todo:
            # Longest first (by the last run's duration), so no worker idles at the end waiting on one.
            todo.sort(key=lambda s: -(entries.get(s.name, {}).get("duration_seconds")
                                      or (2.0 if s.parameters.get("focus", "all") == "all" else 1.0)))
            try:
                # Workers start, and warm their kernels, while the data is validated here.
                with executor_factory(len(todo)) as executor:
                    trusted = _check_data(config, todo, data_dir, manifest, hashes, validate)
                    jobs = [Job(s.name, s.notebook, {**s.parameters, "data_dir": str(data_dir)}, out_dir, formats,
                                s.timeout_seconds, trusted) for s in todo]
                    for result in _run_all(executor, jobs):
                        results.append(result)
                        _record(entries, result, inputs[result.name])
                        write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
                        _log_result(result)
                        if progress:
                            progress(result)
            finally:
                clean_leftovers(out_dir)  # after an interruption, workers' staging folders are orphans
        write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
        from .index import write_index
        write_index(out_dir, config, manifest)
    order = {s.name: i for i, s in enumerate(specs)}
    return BuildReport(sorted(results, key=lambda r: order[r.name]), data_version)


def _check_data(config: Config, todo: list[BriefingSpec], data_dir: Path, manifest: dict, hashes: dict,
                validate) -> str:
    """Validate the data unless these exact files were validated before; returns the data
    version the notebooks may trust (so they skip the slow schema pass)."""
    if manifest.get("validated_data") != hashes and validate is not None:
        started = time.monotonic()
        validate(data_dir)  # raises DataError: nothing has been touched yet
        log.info("data validated in %.1f s", time.monotonic() - started)
    from .loading import data_version as full_version
    trusted = full_version(data_dir)
    if any(s.parameters.get("origins", "all") not in ("all", "", None, []) for s in todo):
        # Origins are allowed by the data, not by the config alone: refuse an unknown one now
        # (ConfigError, with its line) rather than let its notebook fail.
        from .config import check_against_data
        from .loading import load_data
        check_against_data(config, todo, load_data(data_dir, trusted_version=trusted).origins)
    manifest["validated_data"] = hashes
    return trusted


def _run_all(executor: Executor, jobs: list[Job]):
    futures = {executor.submit(run_briefing, job): job for job in jobs}
    try:
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except Exception as error:  # noqa: BLE001 - a worker died: that briefing failed, not the build
                yield Result(job.name, "failed", time.time(), time.time(), error=f"worker failed: {error!r}")
    finally:
        for future in futures:
            future.cancel()


def _record(entries: dict, result: Result, inputs: dict) -> None:
    entry = entries.setdefault(result.name, {})
    entry.update({"status": result.status, "started": _iso(result.started), "finished": _iso(result.finished),
                  "duration_seconds": result.duration, "inputs": inputs, "error": result.error})
    if result.status == "built":
        entry["last_success_inputs"] = inputs
        entry["outputs"] = result.outputs
        entry["last_success"] = _iso(result.finished)


def _iso(timestamp: float) -> str | None:
    return dt.datetime.fromtimestamp(timestamp).isoformat(timespec="seconds") if timestamp else None


def _log_result(result: Result) -> None:
    if result.status == "built":
        log.info("%s: built in %.1f s -> %s", result.name, result.duration, ", ".join(result.outputs))
    else:
        log.error("%s: FAILED after %.1f s: %s", result.name, result.duration, result.error)
        if result.detail:
            log.debug("%s traceback:\n%s", result.name, result.detail)


def result_as_dict(result: Result) -> dict:
    return asdict(result)
