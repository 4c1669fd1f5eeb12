"""Time `briefings build` against doing the same work by hand; write benchmarks/results.md.

Run as ``.venv/bin/python benchmarks/bench_build.py`` (or ``make bench``); ``--quick`` runs
only the first 2 briefings of reports.yml, as a smoke check. Three figures, on one machine:

(a) by hand, one briefing after another: the ``papermill`` CLI, ``jupyter nbconvert --to html
    --no-input`` (the stock HTML exporter) and the ``weasyprint`` CLI;
(b) ``briefings build --force`` cold, into a fresh output folder, ``-j`` = the core count;
(c) ``briefings build`` again with nothing changed, 5 times (median and max).

Memory is sampled with psutil every 0.05 s: for (a) the peak RSS of the biggest single
process, for (b) the peak of the summed RSS of the whole process tree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "reports.yml"
DATA = REPO / "data"
RESULTS = Path(__file__).resolve().parent / "results.md"
# The interpreter's own bin folder, not a resolved path: that is where the venv's CLIs live.
VENV_BIN = Path(sys.executable).parent
SAMPLE_SECONDS = 0.05
NO_OP_RUNS = 5
QUICK_COUNT = 2
MiB = 1024 * 1024
GiB = 1024 * MiB
TARGET_SPEED_UP = 4.0
TARGET_NO_OP_SECONDS = 0.5
TARGET_MEMORY = GiB


# ------------------------------------------------------------------------------ measuring

class TreeMemory:
    """Samples the RSS of a process and all its descendants in a background thread.

    Keeps the biggest single process seen and the biggest sum over the tree at one instant.
    """

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peak_single = 0
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(SAMPLE_SECONDS)

    def sample(self) -> None:
        """One reading; processes that end between listing and reading are simply skipped."""
        try:
            processes = [self.root] + self.root.children(recursive=True)
        except psutil.Error:
            return  # the root has exited
        sizes = []
        for process in processes:
            try:
                sizes.append(process.memory_info().rss)
            except psutil.Error:
                pass
        if sizes:
            self.peak_single = max(self.peak_single, max(sizes))
            self.peak_total = max(self.peak_total, sum(sizes))


class OtherLoad:
    """CPU-seconds that processes outside this benchmark used while the block ran.

    The machine's busy time minus this process's and its (reaped) descendants': on a shared
    machine, other work slows the figures, and a reader should know how much there was.
    """

    def __enter__(self) -> "OtherLoad":
        self._start = self._readings()
        return self

    def __exit__(self, *exc) -> None:
        (busy0, ours0), (busy1, ours1) = self._start, self._readings()
        self.seconds = max(0.0, (busy1 - busy0) - (ours1 - ours0))

    @staticmethod
    def _readings() -> tuple[float, float]:
        machine = psutil.cpu_times()
        times = os.times()
        # The tree's processes count only once reaped; all of ours are reaped before __exit__.
        ours = times.user + times.system + times.children_user + times.children_system
        return machine.user + machine.nice + machine.system + machine.irq + machine.softirq, ours


def command_env() -> dict:
    """The environment for every command: the venv's bin first on PATH, as after `activate`."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV_BIN.parent)
    return env


def run(command: list[str], cwd: Path) -> tuple[float, TreeMemory, str]:
    """Run ``command`` to the end; return (wall seconds, memory peaks, stderr).

    Any failure ends the benchmark: a timing of a failed command would mean nothing.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=command_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    with TreeMemory(process.pid) as memory:
        _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        print(f"FAILED (exit {process.returncode}): {' '.join(command)}\n{stderr}", file=sys.stderr)
        sys.exit(1)
    return elapsed, memory, stderr


# ------------------------------------------------------------------------------ the set

def load_briefings(quick: bool) -> list[dict]:
    """The default set from reports.yml: name, notebook and merged parameters of each briefing."""
    raw = yaml.safe_load(CONFIG.read_text("utf-8"))
    defaults = raw.get("defaults") or {}
    briefings = []
    for entry in raw["briefings"]:
        notebook = entry.get("notebook", defaults.get("notebook", "notebooks/briefing.ipynb"))
        parameters = {**(defaults.get("parameters") or {}), **(entry.get("parameters") or {})}
        briefings.append({"name": entry["name"], "notebook": REPO / notebook, "parameters": parameters})
    return briefings[:QUICK_COUNT] if quick else briefings


def papermill_parameters(parameters: dict) -> list[str]:
    """Parameters as papermill CLI options: ``-p NAME VALUE``, or ``-y`` YAML for lists and mappings.

    ``-p`` values are retyped by papermill (numbers, True/False/None), which is what the
    notebook's defaults expect; a list has no ``-p`` spelling, hence YAML.
    """
    options = []
    for name, value in parameters.items():
        if isinstance(value, (list, dict)):
            options += ["-y", yaml.safe_dump({name: value}, default_flow_style=True).strip()]
        else:
            options += ["-p", name, str(value)]
    return options + ["-p", "data_dir", str(DATA)]


# ------------------------------------------------------------------------------ (a), (b), (c)

def by_hand(briefings: list[dict], work: Path) -> dict:
    """(a): papermill, nbconvert, weasyprint for each briefing in turn; times per tool."""
    steps = {"papermill": 0.0, "nbconvert": 0.0, "weasyprint": 0.0}
    peak_single, pdfs = 0, []
    started = time.perf_counter()
    for briefing in briefings:
        name = briefing["name"]
        executed, html, pdf = work / f"{name}.ipynb", work / f"{name}.html", work / f"{name}.pdf"
        commands = {
            "papermill": ["papermill", str(briefing["notebook"]), str(executed),
                          *papermill_parameters(briefing["parameters"])],
            "nbconvert": ["jupyter", "nbconvert", "--to", "html", "--no-input", str(executed)],
            "weasyprint": ["weasyprint", str(html), str(pdf)],
        }
        for step, command in commands.items():
            seconds, memory, _ = run(command, work)
            steps[step] += seconds
            peak_single = max(peak_single, memory.peak_single)
        print(f"  (a) {name}: done", flush=True)
        pdfs.append(pdf)
    return {"seconds": time.perf_counter() - started, "steps": steps, "peak_single": peak_single,
            "pages": count_pages(pdfs)}


def build_command(briefings: list[dict], out: Path, force: bool) -> list[str]:
    """`briefings build` for exactly this set (named, so --quick builds only its 2)."""
    command = ["briefings", "build", *(b["name"] for b in briefings), "--out", str(out),
               "-j", str(os.cpu_count() or 1)]
    return command + ["--force"] if force else command


def build_counts(stderr: str) -> dict[str, int]:
    """The build's own summary line: how many briefings were built, skipped and failed."""
    match = re.search(r"(\d+) built, (\d+) skipped, (\d+) failed", stderr)
    if not match:
        return {}
    return dict(zip(("built", "skipped", "failed"), map(int, match.groups())))


def cold_build(briefings: list[dict], out: Path) -> dict:
    """(b): a forced build into a fresh folder, with the summed RSS of its process tree."""
    seconds, memory, stderr = run(build_command(briefings, out, force=True), REPO)
    durations = re.findall(r": built in ([\d.]+) s", stderr)
    print(f"  (b) {seconds:.1f} s", flush=True)
    return {"seconds": seconds, "peak_total": memory.peak_total, "peak_single": memory.peak_single,
            "briefing_seconds": [float(d) for d in durations], "pages": count_pages(sorted(out.glob("*/*.pdf")))}


def no_op_builds(briefings: list[dict], out: Path) -> dict:
    """(c): the same build again with nothing changed, NO_OP_RUNS times."""
    times, rebuilt = [], 0
    for _ in range(NO_OP_RUNS):
        seconds, _, stderr = run(build_command(briefings, out, force=False), REPO)
        times.append(seconds)
        rebuilt += build_counts(stderr).get("built", 0)
    print(f"  (c) {', '.join(f'{t:.2f}' for t in times)} s", flush=True)
    return {"median": statistics.median(times), "max": max(times), "rebuilt": rebuilt}


def start_up_floor() -> float:
    """Median time of `briefings --help`: the interpreter and CLI start-up any build pays."""
    return statistics.median(run(["briefings", "--help"], REPO)[0] for _ in range(3))


def count_pages(pdfs: list[Path]) -> int | None:
    """Total PDF pages, for a per-page WeasyPrint cost; None if pypdf (a test extra) is absent."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return sum(len(PdfReader(pdf).pages) for pdf in pdfs)


def inputs_stamp() -> list[tuple[str, int]]:
    """Modification times of everything a build reads (code, templates, notebooks, data, config).

    Compared before and after the run: an edit in between means (a), (b) and (c) timed
    different code, and (c) rebuilds what changed instead of skipping it.
    """
    paths = [CONFIG, *sorted(p for folder in ("analysis", "briefings", "notebooks", "data")
                             for p in (REPO / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
    return [(str(p.relative_to(REPO)), p.stat().st_mtime_ns) for p in paths]


def changed_during(before: list[tuple[str, int]], after: list[tuple[str, int]]) -> list[str]:
    """Files added, removed or modified between two stamps."""
    return sorted({name for name, _ in set(before) ^ set(after)})


# ------------------------------------------------------------------------------ report

def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (the platform's guess elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def met(ok: bool) -> str:
    """The Met column: a missed target in bold, so it is not overlooked."""
    return "yes" if ok else "**no**"


def mib(size: int) -> str:
    """Bytes as MiB, for the table."""
    return f"{size / MiB:,.0f} MiB"


def report(a: dict, b: dict, c: dict, floor: float, count: int, quick: bool, changed: list[str],
           load: float, other: tuple[float, float]) -> str:
    """results.md: the table, the machine, and what limits each figure."""
    ratio = a["seconds"] / b["seconds"]
    steps, jobs = a["steps"], min(os.cpu_count() or 1, count)  # the build starts no more workers than briefings
    per_page = f", {steps['weasyprint'] / a['pages']:.2f} s a page over {a['pages']} pages" if a["pages"] else ""
    # The build's own per-briefing times, from its log; wall time stands in if the log format changed.
    work = sum(b["briefing_seconds"]) or b["seconds"] * jobs
    # A no-op run that rebuilt something measured a build, not a no-op: say so beside the figure.
    rebuilt = f" (**{c['rebuilt']} briefing builds happened: not a no-op**)" if c["rebuilt"] else ""
    title = "# Build benchmark"
    if quick:
        title += f" — QUICK RUN ({count} briefings only): a smoke check, not the benchmark's figures"
    lines = [
        title, "",
        f"{dt.datetime.now():%Y-%m-%d %H:%M}; {os.cpu_count()} cores ({cpu_model()}); Python {platform.python_version()}; "
        f"{count} briefings from reports.yml{' (--quick)' if quick else ''}; "
        f"load average {load:.2f} before the run; other processes used {other[0]:.0f} CPU-s during (a) and "
        f"{other[1]:.0f} CPU-s during (b); memory sampled every {SAMPLE_SECONDS} s with psutil.", "",
        *([f"**Warning: files changed during the run ({', '.join(changed)}): the figures mix code versions; "
            "run again on a quiet tree.**", ""] if changed else []),
        "| Figure | Measured | Target | Met |",
        "|---|---|---|---|",
        f"| (a) by hand: papermill, nbconvert --to html, weasyprint, one briefing after another "
        f"| {a['seconds']:.1f} s | — | — |",
        f"| (b) `briefings build --force`, cold, `-j {jobs}` | {b['seconds']:.1f} s ((a)/(b) = {ratio:.1f}×) "
        f"| ≥ {TARGET_SPEED_UP:g}× faster than (a) | {met(ratio >= TARGET_SPEED_UP)} |",
        f"| (c) `briefings build`, nothing changed, {NO_OP_RUNS} runs | median {c['median']:.2f} s, max {c['max']:.2f} s"
        f"{rebuilt} | < {TARGET_NO_OP_SECONDS} s | {met(c['max'] < TARGET_NO_OP_SECONDS)} |",
        f"| Peak memory (a): biggest single process | {mib(a['peak_single'])} | < 1 GiB "
        f"| {met(a['peak_single'] < TARGET_MEMORY)} |",
        f"| Peak memory (b): summed RSS of the build, its workers and their kernels | {mib(b['peak_total'])} "
        f"| < 1 GiB | {met(b['peak_total'] < TARGET_MEMORY)} |",
        "",
        f"- (a) is {steps['papermill']:.1f} s papermill (a new kernel importing pandas, matplotlib and the analysis "
        f"package for every briefing), {steps['nbconvert']:.1f} s nbconvert and {steps['weasyprint']:.1f} s "
        f"WeasyPrint{per_page}; each CLI also pays its own interpreter start-up.",
        f"- (b) shares the briefings among {jobs} workers. Its log gives {work:.1f} s of briefing time, "
        f"{work / count:.1f} s a briefing against {a['seconds'] / count:.1f} s by hand; with warm kernels, "
        f"WeasyPrint layout is the biggest step of a briefing. The other {b['seconds'] - work / jobs:.1f} s of wall "
        f"time is start-up and waiting: data validation, spawning workers, starting a kernel in each, and the "
        f"last briefing's tail. On {jobs} cores the speed-up over (a) cannot pass about "
        f"{jobs} × {a['seconds'] / work:.1f} = {jobs * a['seconds'] / work:.1f}×.",
        f"- (c) starts no kernel: it is Python start-up and the CLI's imports (`briefings --help` alone takes "
        f"{floor:.2f} s here), then hashing the notebook, data and code and reading package versions.",
        f"- Memory: the biggest single process in (b) was {mib(b['peak_single'])}; summed RSS counts shared "
        f"library pages once per process, so it overstates what the tree really uses.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Run (a), (b) and (c), print the figures and write results.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only the first {QUICK_COUNT} briefings (smoke check)")
    quick = parser.parse_args().quick
    briefings = load_briefings(quick)
    before = inputs_stamp()
    # Other work on the machine slows every figure; the load average tells a reader if there was some.
    load = os.getloadavg()[0]
    print(f"benchmarking {len(briefings)} briefing(s) on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-by-hand-") as by_hand_dir, \
            tempfile.TemporaryDirectory(prefix="bench-build-") as build_dir:
        with OtherLoad() as other_a:
            a = by_hand(briefings, Path(by_hand_dir))
        with OtherLoad() as other_b:
            b = cold_build(briefings, Path(build_dir))
        c = no_op_builds(briefings, Path(build_dir))
        floor = start_up_floor()
    changed = changed_during(before, inputs_stamp())
    text = report(a, b, c, floor, len(briefings), quick, changed, load, (other_a.seconds, other_b.seconds))
    RESULTS.write_text(text, "utf-8")
    print(text)
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
