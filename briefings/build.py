"""``briefings build``: validate once, skip what is unchanged, run the rest in parallel, record it.

* **Incremental.** Each briefing's inputs are hashed: its notebook, the data files its focus
  reads, its parameters (with ``as_of: latest`` resolved to today's date), the ``analysis``
  package's code, templates and stylesheet, the output formats, and the versions of the
  packages that execute and render it. A briefing whose hashes match its last successful build
  in ``<out>/manifest.json``, and whose outputs are all present, is skipped.
* **Parallel and distributed.** Work goes through a :class:`concurrent.futures.Executor`: a
  process pool locally (``-j N``), or a Dask cluster's executor (``--dask-scheduler``), by one
  code path (see :mod:`briefings.workers`): each briefing's inputs travel to the worker as
  values and its rendered files come back as bytes; only this process writes into ``--out``.
* **Safe unattended.** A lock on the output folder stops two builds at once (a lock left by a
  killed build is taken over); each briefing is swapped into place only when it fully
  succeeded (see :mod:`briefings.execution`); the manifest and index are replaced atomically.
* **Owns only what it made.** ``--out`` may hold the user's own files: the build touches only
  the names recorded in ``.briefings-owned.json`` and refuses to replace anything else, or to
  write through a symbolic link (see :mod:`briefings.ownership`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import secrets
import shutil
import socket
import stat
import sys
import time
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import ownership
from .config import MAX_NOTEBOOK_BYTES, BriefingSpec, Config
from analysis import files
from analysis.errors import BriefingsError
from .execution import Job, Result, publish, run_briefing
from .ownership import LOCK, MANIFEST, write_atomically  # noqa: F401 - write_atomically: used by index
from analysis.paths import DESCRIPTOR_NAME
from analysis.version import MAX_CSV_BYTES, MAX_DESCRIPTOR_BYTES

log = logging.getLogger("briefings")
# Both packages shape a briefing: the analysis (numbers, judgements) and the presentation; and the
# checker decides whether it is published (a worker with another checker must not pass its claims).
CODE_ROOTS = (Path(__file__).resolve().parent.parent / "analysis", Path(__file__).resolve().parent,
              Path(__file__).resolve().parent.parent / "ledger_check")
VERSIONED = ("papermill", "nbconvert", "nbclient", "ipykernel", "typst", "pandas", "matplotlib", "frictionless")
#: Which data files a briefing reads, by its ``focus`` parameter.
FOCUS_RESOURCES = {
    "all": ("sources", "claimants", "headcount_claims", "pay_offers", "reference_wages", "exchange_rates"),
    "headcounts": ("sources", "claimants", "headcount_claims"),
    "pay": ("sources", "pay_offers", "reference_wages", "exchange_rates"),
}


class LockHeld(BriefingsError, RuntimeError):
    """Another build holds the output folder."""


# ------------------------------------------------------------------------------ hashing

def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _file_hash(path: Path) -> str:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return "not-a-regular-file"  # never opened: a pipe would block here; validation names it
        return _sha(files.read_bytes(path, limit=MAX_CSV_BYTES))
    except files.FileRefused:
        return "not-a-regular-file"
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
        if hashes["datapackage"] in ("missing", "not-a-regular-file"):
            raise ValueError("no descriptor to read")
        paths = {r["name"]: r["path"] for r in files.read_json(descriptor_path, limit=MAX_DESCRIPTOR_BYTES)["resources"]}
    except (OSError, ValueError, KeyError, TypeError):
        paths = {}
    for name in FOCUS_RESOURCES["all"]:
        path = paths.get(name)
        inside = isinstance(path, str) and (data_dir / path).resolve().is_relative_to(data_dir.resolve())
        hashes[name] = _file_hash(data_dir / path) if inside else "undeclared"
    return hashes


#: Files that shape only the index, which every build rewrites anyway: changing them rebuilds no briefing.
INDEX_ONLY = ("briefings/index.py", "briefings/templates/index/")


def code_hash() -> str:
    """Hash of every file of the packages that shape a briefing or decide its publishing (code,
    templates, CSS, the ledger checker)."""
    digest = hashlib.sha256()
    for root in CODE_ROOTS:
        for path in sorted(root.rglob("*")):
            if f"{root.name}/{path.relative_to(root).as_posix()}".startswith(INDEX_ONLY):
                continue
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{root.name}/{path.relative_to(root)}".encode())
                digest.update(files.read_bytes(path, limit=MAX_CSV_BYTES))
    return digest.hexdigest()[:16]


def package_versions() -> dict[str, str]:
    """Versions of the packages that execute and render a briefing.

    Read from the names of the ``<name>-<version>.dist-info`` folders on ``sys.path`` (one
    listing per folder, as installers name them): importing importlib.metadata and reading eight
    METADATA files took about a quarter of a no-op build. Anything not found so falls back to
    importlib.metadata."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.endswith(".dist-info"):
                name, _, version = folder[:-len(".dist-info")].partition("-")
                found.setdefault(name.lower().replace("_", "-").replace(".", "-"), version)
    versions = {}
    for name in VERSIONED:
        versions[name] = found.get(name) or _metadata_version(name)
    return versions


def _metadata_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def briefing_inputs(spec: BriefingSpec, data_hashes: dict[str, str], code: str, versions: dict,
                    formats: tuple[str, ...], today: dt.date) -> dict:
    """The hashes that decide whether ``spec`` must be rebuilt."""
    parameters = dict(spec.parameters)
    if parameters.get("as_of", "latest") == "latest":
        parameters["as_of"] = f"latest={today.isoformat()}"
    focus = parameters.get("focus", "all")
    return {
        "notebook": _sha(files.read_bytes(spec.notebook, limit=MAX_NOTEBOOK_BYTES, what="notebook")),
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

_ENTRY_TYPES = {"status": (str,), "outputs": (list,), "error": (str, type(None)), "last_success": (str, type(None)),
                "duration_seconds": (int, float, type(None)), "last_success_inputs": (dict, type(None)),
                "inputs": (dict, type(None)), "started": (str, type(None)), "finished": (str, type(None)),
                "pages": (int, type(None)), "thumbnail": (str, type(None)), "as_of": (str, type(None)),
                "subject": (str, type(None)), "data_version": (str, type(None)),
                "stages": (dict, type(None)), "config": (str, type(None))}


def manifest_shape_problem(manifest) -> str | None:
    """What is wrong with a manifest's shape (None when it is one this build wrote)."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("briefings"), dict):
        return "expected an object with an object under \"briefings\""
    for name, entry in manifest["briefings"].items():
        if not isinstance(entry, dict):
            return f"briefing {name!r} is not an object"
        for key, types in _ENTRY_TYPES.items():
            if key in entry and not isinstance(entry[key], types):
                return f"briefing {name!r}: {key!r} has the wrong type"
        if not all(isinstance(o, str) for o in entry.get("outputs", [])):
            return f"briefing {name!r}: 'outputs' is not a list of file names"
    if "validated_data" in manifest and not isinstance(manifest["validated_data"], dict):
        return "'validated_data' is not an object"
    return None


def read_manifest(out_dir: Path) -> dict:
    """The manifest; one that cannot be read or has the wrong shape is set aside (renamed to
    ``manifest.corrupt.json``) with a warning, and the build goes on as from an empty one."""
    path = out_dir / MANIFEST
    if not os.path.lexists(path):
        return {"briefings": {}}
    try:
        manifest = files.read_json(path, limit=ownership.MAX_MANIFEST_BYTES, what="manifest", follow=False)
        problem = manifest_shape_problem(manifest)
    except files.FileRefused:
        raise  # a link, a pipe or a folder: refused (exit 2), never renamed or read
    except (OSError, ValueError) as error:
        problem = f"not JSON ({error})"
    if problem is None:
        return manifest
    aside = f"manifest.corrupt-{dt.datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}.json"
    ownership.record_names(out_dir, [aside])  # recorded before it exists, as every name the build makes
    os.replace(path, out_dir / aside)
    log.warning("%s cannot be used (%s): set aside as %s; every briefing is checked afresh", path, problem, aside)
    return {"briefings": {}}


def is_up_to_date(entry: dict | None, inputs: dict, out_dir: Path, name: str, formats) -> bool:
    """Built before from these inputs, and every file it wrote then (figures CSV and thumbnail
    included) is still there."""
    return bool(entry and entry.get("last_success_inputs") == inputs
                and all((out_dir / p).is_file() for p in {*expected_outputs(name, formats), *entry.get("outputs", [])}))


# ------------------------------------------------------------------------------ lock

class OutputLock:
    """An exclusive lock on the output folder, held with ``flock`` so the kernel releases it if
    the holder dies; the file also records who holds it, for the message the next build prints."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / LOCK
        self.handle = None
        self.took_over: dict | None = None
        #: Written into the lock file: which build holds it (only the build writes into --out).
        self.token = secrets.token_hex(8)

    def __enter__(self) -> "OutputLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Never through a link: a planted link would make the lock truncate a file elsewhere.
        handle = os.fdopen(ownership.open_nofollow(self.path, os.O_RDWR | os.O_CREAT), "r+", encoding="utf-8")
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
        handle.write(json.dumps({"pid": os.getpid(), "token": self.token, "host": socket.gethostname(),
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
    removed: list[str] = field(default_factory=list)  # briefings unpublished because they left the config

    @property
    def exit_code(self) -> int:
        return 1 if any(r.status == "failed" for r in self.results) else 0

    def counts(self) -> dict[str, int]:
        counts = {"built": 0, "skipped": 0, "failed": 0}
        for result in self.results:
            counts[result.status] += 1
        return counts


def clean_leftovers(out_dir: Path) -> None:
    """Tidy what an interrupted build left in its own staging folder: staging folders go; a
    previous output that was renamed aside but never replaced (killed between the two renames)
    is put back. Nothing outside ``.briefings-staging`` is touched (the folders a build from
    before the ownership record left, ``.tmp-*`` and ``.old-*``, are left for the user)."""
    staging = out_dir / ownership.STAGING
    if ownership.is_link(staging) or not staging.is_dir():
        return
    owned = ownership.owned_names(out_dir)
    for path in sorted(staging.iterdir()):
        if not path.name.startswith(ownership.STAGED):
            continue  # not the build's: never deleted (make clean keeps it too, and says so)
        if path.name.startswith("old-") and not ownership.is_link(path) and path.is_dir():
            relative = path.name[len("old-"):].rsplit("-", 2)[0].replace("+", "/")
            target = out_dir / relative
            if relative.split("/")[0] in owned and not os.path.lexists(target) and target.parent.is_dir() \
                    and not ownership.is_link(target.parent):
                os.rename(path, target)
                log.warning("%s: restored the previous output after an interrupted swap", relative)
                continue
        if ownership.is_link(path) or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)


def removed_briefings(config: Config, entries: dict) -> list[str]:
    """The manifest's briefings that this configuration built before and no longer lists: an entry
    recorded with this config file whose name (or, for a ``<name>--custom-<hash>`` variant, whose
    base name) is not among the config's briefings. Entries another config built are not this
    config's to remove; an entry from before the config was recorded counts as this config's."""
    path = getattr(config, "path", None)
    if path is None:
        return []
    here, names = str(Path(path).resolve()), {spec.name for spec in config.briefings}
    return sorted(name for name, entry in entries.items()
                  if entry.get("config", here) == here and name.split("--custom-")[0] not in names)


def _unpublish_removed(config: Config, entries: dict, out_dir: Path, keep: bool) -> list[str]:
    """Remove the folders of briefings that left the configuration (see :func:`removed_briefings`)
    and their manifest entries, so they leave the index and stop being served; with ``keep``,
    only say so. Returns the names removed."""
    gone = removed_briefings(config, entries)
    removed = []
    for name in gone:
        if keep:
            log.warning("%s: no longer in %s; its output is kept (--keep-removed)", name, config.path.name)
            continue
        if not ownership.remove_owned(out_dir, name) and os.path.lexists(out_dir / name):
            log.warning("%s: no longer in %s; its folder %s holds files the build did not make, so it was kept "
                        "(it left the index and the manifest)", name, config.path.name, out_dir / name)
            del entries[name]
            continue
        del entries[name]
        removed.append(name)
        log.warning("%s: no longer in %s; its folder %s was removed and it left the index and the manifest "
                    "(--keep-removed keeps it)", name, config.path.name, out_dir / name)
    return removed


def build(config: Config, specs: list[BriefingSpec], *, data_dir: Path, out_dir: Path,
          formats: tuple[str, ...], executor_factory, force: bool = False, progress=None,
          validate=None, keep_removed: bool = False) -> BuildReport:
    """Build ``specs`` into ``out_dir``; returns a :class:`BuildReport` (exit code 0 or 1).

    ``executor_factory(n_jobs)`` gives the :class:`~concurrent.futures.Executor` to use;
    ``validate(data_dir)`` raises on bad data and is called only when a briefing needs building
    with data not validated before; ``progress(result)`` is called as each briefing ends.
    Briefings that left the configuration are unpublished first, unless ``keep_removed``.
    """
    protected = [data_dir, getattr(config, "path", None), *(s.notebook for s in specs)]
    ownership.claim(out_dir, [s.name for s in specs], protected, data_dir)
    with OutputLock(out_dir) as lock:
        if lock.took_over and lock.took_over.get("pid"):
            log.warning("took over a stale lock left by pid %s on %s (started %s)", lock.took_over.get("pid"),
                        lock.took_over.get("host"), lock.took_over.get("started"))
        clean_leftovers(out_dir)
        manifest = read_manifest(out_dir)
        entries = manifest.setdefault("briefings", {})
        removed = _unpublish_removed(config, entries, out_dir, keep_removed)
        config_file = str(Path(config.path).resolve()) if getattr(config, "path", None) else None
        if removed:
            write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
        hashes = resource_hashes(data_dir)
        data_version = _sha(json.dumps(hashes, sort_keys=True).encode())[:12]
        from analysis.clock import today as clock_today
        code, versions, today = code_hash(), package_versions(), clock_today()
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
                    ownership.record_names(out_dir, [s.name for s in todo])  # before any is created
                    ownership.staging_dir(out_dir)
                    jobs = _jobs(todo, data_dir, formats, trusted, code, versions)
                    for result in _run_all(executor, jobs, out_dir):
                        results.append(result)
                        _record(entries, result, inputs[result.name], config_file)
                        write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
                        _log_result(result)
                        if progress:
                            progress(result)
            finally:
                clean_leftovers(out_dir)  # after an interruption, workers' staging folders are orphans
        # The whole record, once per build (briefings link it): rewritten only when the data, the
        # code or the formats changed.
        from . import annex
        if annex.publish(out_dir, data_dir, formats, hashes, code, manifest):
            log.info("annex: the whole record written to %s", out_dir / annex.FOLDER)
        write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
        from .index import write_index
        from analysis.version import data_version as full_version
        # The version the briefings' own headers print (a hash of every data byte), not the build's key.
        write_index(out_dir, config, manifest, data_version=full_version(data_dir), data_dir=data_dir)
    order = {s.name: i for i, s in enumerate(specs)}
    return BuildReport(sorted(results, key=lambda r: order[r.name]), data_version, removed)


def _check_data(config: Config, todo: list[BriefingSpec], data_dir: Path, manifest: dict, hashes: dict,
                validate) -> str:
    """Validate the data unless these exact files were validated before; returns the data
    version the notebooks may trust (so they skip the slow schema pass)."""
    if manifest.get("validated_data") != hashes and validate is not None:
        started = time.monotonic()
        validate(data_dir)  # raises DataError: nothing has been touched yet
        log.info("data validated in %.1f s", time.monotonic() - started)
    from analysis.loading import data_version as full_version
    trusted = full_version(data_dir)
    if any(s.parameters.get("origins", "all") not in ("all", "", None, []) for s in todo):
        # Origins are allowed by the data, not by the config alone: refuse an unknown one now
        # (ConfigError, with its line) rather than let its notebook fail.
        from .config import check_against_data
        from analysis.loading import load_data
        check_against_data(config, todo, load_data(data_dir, trusted_version=trusted).origins)
    manifest["validated_data"] = hashes
    return trusted


def _jobs(todo: list[BriefingSpec], data_dir: Path, formats: tuple[str, ...], trusted: str, code: str,
          versions: dict) -> list[Job]:
    """One :class:`Job` per briefing, carrying its inputs as values (the data package packed once),
    so a worker needs nothing of this machine."""
    from .execution import DATA_FOLDER, notebook_place, pack_data
    from .workers import environment

    data = pack_data(data_dir)
    expected = environment(code, versions)
    notebooks: dict[Path, tuple[bytes, str]] = {}
    jobs = []
    for spec in todo:
        if spec.notebook not in notebooks:
            notebooks[spec.notebook] = (files.read_bytes(spec.notebook, limit=MAX_NOTEBOOK_BYTES, what="notebook"),
                                        notebook_place(spec.notebook))
        notebook, place = notebooks[spec.notebook]
        jobs.append(Job(spec.name, notebook, place, data, {**spec.parameters, "data_dir": DATA_FOLDER}, formats,
                        spec.timeout_seconds, trusted, expected))
    return jobs


#: Seconds a briefing may take to render after its timeout_seconds of execution before the build
#: stops waiting for a worker that sends nothing back (a worker itself stops at the timeout).
RENDER_GRACE_SECONDS = 120
#: How often the build looks at its workers while it waits for results.
POLL_SECONDS = 1.0


def _run_all(executor: Executor, jobs: list[Job], out_dir: Path):
    """Submit every job and yield each :class:`Result` as it is published into ``out_dir``.

    Never waits forever: when the executor reports that the briefings still waiting cannot run
    (its ``health()``: a Dask scheduler gone, no worker alive), or when no briefing has come back
    for the longest timeout plus :data:`RENDER_GRACE_SECONDS`, the rest fail with that reason
    (their last good output kept) and the executor is told to give up on them (``abandon()``).
    """
    futures = {executor.submit(run_briefing, job): job for job in jobs}
    pending = set(futures)
    health = getattr(executor, "health", None)
    stalled_after = max(job.timeout_seconds for job in jobs) + RENDER_GRACE_SECONDS
    last_news, reported = time.monotonic(), False
    while pending:
        done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
        problem = health() if health is not None else None
        for future in done:
            job = futures[future]
            try:
                result = future.result()
            except (Exception, CancelledError) as error:  # noqa: BLE001 - a worker died: that briefing failed
                reason = problem or f"worker failed: {error!r}"
                result = Result(job.name, "failed", time.time(), time.time(), error=reason)
            yield publish(result, out_dir)
        if done:
            last_news = time.monotonic()
        elif problem is None and pending and time.monotonic() - last_news > stalled_after:
            problem = (f"no briefing came back for {stalled_after} s (the longest timeout_seconds and "
                       f"{RENDER_GRACE_SECONDS} s to render): the workers are stuck or gone")
        if problem and not reported:
            log.error("%s", problem)
            reported = True
        if problem and pending:
            for future in sorted(pending, key=lambda f: futures[f].name):
                now = time.time()
                yield Result(futures[future].name, "failed", now, now, error=problem)
            getattr(executor, "abandon", lambda: None)()
            return


def _record(entries: dict, result: Result, inputs: dict, config_path: str | None = None) -> None:
    entry = entries.setdefault(result.name, {})
    entry.update({"config": config_path,"status": result.status, "started": _iso(result.started), "finished": _iso(result.finished),
                  "duration_seconds": result.duration, "inputs": inputs, "error": result.error,
                  "stages": result.stages or None})
    if result.status == "built":
        entry["last_success_inputs"] = inputs
        entry["outputs"] = result.outputs
        entry["last_success"] = _iso(result.finished)
        # What the index shows of the last good build (a failed run leaves them as they were).
        entry.update({"pages": result.pages, "thumbnail": result.thumbnail, "as_of": result.as_of,
                      "subject": result.subject, "data_version": result.data_version})


def _iso(timestamp: float) -> str | None:
    return dt.datetime.fromtimestamp(timestamp).isoformat(timespec="seconds") if timestamp else None


def stages_line(result: Result) -> str:
    """``name: stages execute=2.31s html=0.41s pdf=1.92s write=0.05s total=4.72s`` (one line, for the log)."""
    return f"{result.name}: stages " + " ".join(f"{k}={v:.2f}s" for k, v in result.stages.items())


def stages_table(results: list[Result], wall_seconds: float) -> str:
    """The ``-v`` summary: one row per briefing with its stage seconds, their totals, and the wall time."""
    from .execution import STAGES

    columns = (*STAGES, "total")
    width = max([len("briefing"), len("sum")] + [len(r.name) for r in results])
    lines = [f"{'briefing':<{width}}  {'status':<7}" + "".join(f"{c:>9}" for c in columns)]
    sums = dict.fromkeys(columns, 0.0)
    for result in results:
        row = f"{result.name:<{width}}  {result.status:<7}"
        for column in columns:
            value = result.stages.get(column)
            sums[column] += value or 0.0
            row += f"{value:>8.2f}s" if value is not None else f"{'-':>9}"
        lines.append(row)
    lines.append(f"{'sum':<{width}}  {'':<7}" + "".join(f"{sums[c]:>8.2f}s" for c in columns))
    lines.append(f"wall time {wall_seconds:.2f} s for {len(results)} briefing(s)")
    return "\n".join(lines)


def _log_result(result: Result) -> None:
    if result.stages:
        log.info("%s", stages_line(result))
    if result.status == "built":
        log.info("%s: built in %.1f s -> %s", result.name, result.duration, ", ".join(result.outputs))
    else:
        log.error("%s: FAILED after %.1f s: %s", result.name, result.duration, result.error)
        if result.detail:
            log.debug("%s traceback:\n%s", result.name, result.detail)


def result_as_dict(result: Result) -> dict:
    return asdict(result)
