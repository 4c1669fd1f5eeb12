"""Time `briefings build` against doing the same work by hand, at scale; write benchmarks/results.md.

Run as ``.venv/bin/python benchmarks/bench_build.py`` (or ``make bench``); ``--quick`` is a smoke
check (2 default briefings, and 7 + 14 generated ones), never the figures for results.md. In one
run, on one machine:

(a)  by hand, one briefing after another: ``papermill``, then ``jupyter nbconvert --to briefing_pdf``
     (the project's own PDF exporter, as the README shows it), for the default briefings of reports.yml;
     by hand makes the PDF only, the build the HTML too: the comparison favours by hand;
(a2) by hand, as many at a time as there are cores: the same two commands per briefing under
     ``xargs -P <cores>``;
(b)  ``briefings build --force`` cold, into a fresh --out;
(c)  ``briefings build`` again with nothing changed (median of 5);
(d)  ``briefings build`` after one figure of one row of pay_offers.csv changed, against
     ``briefings build --force NAME...`` of exactly the briefings that read that file;
(e)  a generated set of 7 origins x 10 as-of dates (70 briefings), cold and with nothing changed,
     against the same kind of set of 7 (7 origins x 1 date): the marginal cost of a briefing in
     wall seconds and CPU-seconds.

CPU-seconds are the whole process tree's, from rusage: this process makes itself a child
subreaper (Linux prctl), so every descendant (the build, its forkserver, workers and kernels) is
reaped here and its user+sys time lands in this process's RUSAGE_CHILDREN. Memory is sampled
every 0.05 s with psutil: the summed RSS of every descendant (which counts shared pages once per
process, so it overstates the real use) and the largest single process. The per-stage breakdown
is read from the build's own log (``<out>/build.log``: ``NAME: stages execute=.. html=.. ...``).
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import datetime as dt
import os
import platform
import re
import resource
import shlex
import shutil
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
RESULTS = Path(__file__).resolve().parent / "results.md"
#: Where the part of results.md this script does not write begins.
KEPT = "<!-- kept by bench_build.py: the test suite and the preview -->"
# The interpreter's own bin folder, not a resolved path: that is where the venv's CLIs live.
VENV_BIN = Path(sys.executable).parent
CORES = os.cpu_count() or 1
SAMPLE_SECONDS = 0.05
NO_OP_RUNS = 5
QUICK_COUNT = 2
MiB = 1024 * 1024
GiB = 1024 * MiB
#: (e): origins with claims in data/, and as-of dates (month ends) from the first reports on.
#: (India is left out: its briefings fail in analysis/pay.py when an origin has headcounts but no pay offers.)
ORIGINS = ["Syria", "United States", "Poland", "Nepal", "Sri Lanka", "Cuba", "Canada"]
AS_OF = ["2022-03-31", "2022-06-30", "2022-12-31", "2023-06-30", "2023-12-31", "2024-06-30", "2024-12-31",
         "2025-03-31", "2025-06-30", "2025-09-30"]
#: (d): one figure of one row: offer P002's 1,100 USD a month (qualifier "exactly": low = high).
CHANGED_FILE, CHANGED_ROW, CHANGED_COLUMNS, NEW_FIGURE = "pay_offers.csv", "P002", (
    "amount_low_local", "amount_high_local"), "1150"
STAGES = ("execute", "html", "pdf", "write", "total")

TARGET_VS_A, TARGET_VS_A2 = 10.0, 5.0
TARGET_NO_OP = 0.2
TARGET_CHANGED_SLACK = 1.0
TARGET_MARGINAL_CPU = 1.0
TARGET_NO_OP_LARGE = 0.5
TARGET_MEMORY = GiB


# ------------------------------------------------------------------------------ measuring

def become_subreaper() -> bool:
    """Make orphaned descendants our children (Linux), so their CPU time reaches our rusage."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans(limit: float = 60.0) -> None:
    """Wait for every descendant left (a kernel winding down, the forkserver), up to ``limit`` s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)
    print("warning: descendants still running after the command ended", file=sys.stderr)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class TreeSampler:
    """Samples, every SAMPLE_SECONDS, the RSS of every descendant of this process (summed, and the
    largest single one) and the 1-minute load average."""

    def __init__(self):
        self.me = psutil.Process()
        self.peak_total = self.peak_single = self.peak_pss = 0
        self.load_max = os.getloadavg()[0]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes, shares = [], []
            for process in self.me.children(recursive=True):
                try:
                    info = process.memory_full_info()  # rss, and pss: shared pages split among their users
                except psutil.Error:
                    continue
                sizes.append(info.rss)
                shares.append(getattr(info, "pss", info.rss))
            if sizes:
                self.peak_single = max(self.peak_single, max(sizes))
                self.peak_total = max(self.peak_total, sum(sizes))
                self.peak_pss = max(self.peak_pss, sum(shares))
            self.load_max = max(self.load_max, os.getloadavg()[0])
            self._stop.wait(SAMPLE_SECONDS)


class Measured(dict):
    """wall, cpu (CPU-seconds of the whole tree), peak_total, peak_single, load_max, other (CPU-s
    used by processes outside the benchmark meanwhile), stderr."""


def machine_busy() -> float:
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq


def command_env() -> dict:
    """The environment for every command: the venv's bin first on PATH, as after `activate`; and
    bytecode caching on (as on an ordinary install), whatever this shell says."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV_BIN.parent)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(command: list[str] | str, cwd: Path = REPO, ok: tuple[int, ...] = (0,)) -> Measured:
    """Run ``command`` (a list, or a shell line) to the end, its descendants included.

    Any other exit code than ``ok`` ends the benchmark: a timing of a failed command means nothing.
    """
    cpu0, busy0 = children_cpu(), machine_busy()
    started = time.perf_counter()
    with TreeSampler() as sampler:
        process = subprocess.Popen(command, cwd=cwd, env=command_env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, shell=isinstance(command, str))
        _, stderr = process.communicate()
        reap_orphans()
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu0
    if process.returncode not in ok:
        shown = command if isinstance(command, str) else shlex.join(command)
        print(f"FAILED (exit {process.returncode}): {shown}\n{stderr[-5000:]}", file=sys.stderr)
        sys.exit(1)
    return Measured(wall=wall, cpu=cpu, peak_total=sampler.peak_total, peak_single=sampler.peak_single,
                    peak_pss=sampler.peak_pss,
                    load_max=sampler.load_max, other=max(0.0, machine_busy() - busy0 - cpu), stderr=stderr)


# ------------------------------------------------------------------------------ the sets

def load_briefings(config: Path) -> list[dict]:
    """Name, notebook and merged parameters of each briefing of ``config``."""
    raw = yaml.safe_load(config.read_text("utf-8"))
    defaults = raw.get("defaults") or {}
    briefings = []
    for entry in raw["briefings"]:
        notebook = entry.get("notebook", defaults.get("notebook", "notebooks/briefing.ipynb"))
        parameters = {**(defaults.get("parameters") or {}), **(entry.get("parameters") or {})}
        briefings.append({"name": entry["name"], "notebook": config.parent / notebook, "parameters": parameters})
    return briefings


def make_project(root: Path, entries: list[dict] | None = None) -> Path:
    """A copy of the project's data/, notebooks/ and reports.yml under ``root`` (the config
    replaced by ``entries`` when given); returns root. The build is run from inside it."""
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if entries is None:
        shutil.copy2(CONFIG, root / "reports.yml")
    else:
        raw = yaml.safe_load(CONFIG.read_text("utf-8"))
        raw["briefings"] = entries
        (root / "reports.yml").write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), "utf-8")
    return root


def generated_entries(pairs: list[tuple[str, str]]) -> list[dict]:
    """One briefing per (origin, as-of date)."""
    return [{"name": f"{re.sub(r'[^a-z0-9]+', '-', origin.lower())}-{date}",
             "parameters": {"title": f"{origin}: recruits as known on {date}", "origins": [origin], "as_of": date}}
            for origin, date in pairs]


def grid(dates: list[str]) -> list[tuple[str, str]]:
    """Every origin x every date."""
    return [(origin, date) for date in dates for origin in ORIGINS]


def diagonal(dates: list[str]) -> list[tuple[str, str]]:
    """One briefing per origin, the dates spread over ``dates``: a small set of the same kind as
    the grid (early as-of dates give shorter briefings, so all-early would flatter the small set)."""
    last = len(dates) - 1
    return [(origin, dates[round(i * last / (len(ORIGINS) - 1))]) for i, origin in enumerate(ORIGINS)]


def papermill_parameters(parameters: dict, data: Path) -> list[str]:
    """Parameters as papermill CLI options: ``-p NAME VALUE``, or ``-y`` YAML for lists and mappings."""
    options = []
    for name, value in parameters.items():
        if isinstance(value, (list, dict)):
            options += ["-y", yaml.safe_dump({name: value}, default_flow_style=True).strip()]
        else:
            options += ["-p", name, str(value)]
    return options + ["-p", "data_dir", str(data)]


def by_hand_script(briefing: dict, work: Path, data: Path) -> list[list[str]]:
    name = briefing["name"]
    executed = work / f"{name}.ipynb"
    return [["papermill", "--no-progress-bar", str(briefing["notebook"]), str(executed),
             *papermill_parameters(briefing["parameters"], data)],
            ["jupyter", "nbconvert", "--to", "briefing_pdf", str(executed)]]


# ------------------------------------------------------------------------------ (a), (a2)

def by_hand(briefings: list[dict], work: Path, data: Path) -> Measured:
    """(a): papermill, then nbconvert --to briefing_pdf, for each briefing in turn; times per tool."""
    steps = dict.fromkeys(("papermill", "nbconvert"), 0.0)
    total = Measured(wall=0.0, cpu=0.0, peak_total=0, peak_single=0, peak_pss=0, load_max=0.0, other=0.0)
    for briefing in briefings:
        for step, command in zip(steps, by_hand_script(briefing, work, data)):
            m = run(command, work)
            steps[step] += m["wall"]
            for key in ("wall", "cpu", "other"):
                total[key] += m[key]
            for key in ("peak_total", "peak_single", "peak_pss", "load_max"):
                total[key] = max(total[key], m[key])
    total["steps"] = steps
    total["pages"] = count_pages(sorted(work.glob("*.pdf")))
    print(f"  (a)  {total['wall']:.1f} s, {total['cpu']:.1f} CPU-s", flush=True)
    return total


def by_hand_parallel(briefings: list[dict], work: Path, data: Path) -> Measured:
    """(a2): the same two commands per briefing, a shell script each, under xargs -P <cores>."""
    for briefing in briefings:
        lines = ["set -e"] + [shlex.join(c) for c in by_hand_script(briefing, work, data)]
        (work / f"{briefing['name']}.sh").write_text("\n".join(lines) + "\n", "utf-8")
    m = run(f"ls *.sh | xargs -P {CORES} -n 1 sh", work)
    print(f"  (a2) {m['wall']:.1f} s, {m['cpu']:.1f} CPU-s", flush=True)
    return m


# ------------------------------------------------------------------------------ the build

def build(project: Path, out: Path, *names: str, force: bool = False, ok=(0,)) -> Measured:
    command = ["briefings", "build", *names, "--out", str(out), "-j", str(CORES)] + (["--force"] if force else [])
    m = run(command, project, ok)
    m["counts"] = build_counts(m["stderr"])
    return m


def build_counts(stderr: str) -> dict[str, int]:
    """The build's own summary line: how many briefings were built, skipped and failed."""
    match = re.search(r"(\d+) built, (\d+) skipped, (\d+) failed", stderr)
    return dict(zip(("built", "skipped", "failed"), map(int, match.groups()))) if match else {}


def stage_lines(log_text: str) -> dict[str, dict[str, float]]:
    """The build log's stage lines, the last per briefing: {name: {stage: seconds}}."""
    stages = {}
    for name, values in re.findall(r"INFO (\S+): stages ((?:\w+=[\d.]+s ?)+)", log_text):
        stages[name] = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)s", values)}
    return stages


def stage_summary(stages: dict[str, dict[str, float]]) -> dict[str, float]:
    return {s: sum(v.get(s, 0.0) for v in stages.values()) for s in STAGES}


def no_op(project: Path, out: Path, names: tuple[str, ...] = ()) -> dict:
    runs = [build(project, out, *names) for _ in range(NO_OP_RUNS)]
    walls = [r["wall"] for r in runs]
    return {"median": statistics.median(walls), "max": max(walls),
            "cpu": statistics.median(r["cpu"] for r in runs), "rebuilt": sum(r["counts"].get("built", 0) for r in runs),
            "load_max": max(r["load_max"] for r in runs)}


def change_one_figure(data: Path) -> str:
    """Change one figure of one row of pay_offers.csv; returns what changed."""
    path = data / CHANGED_FILE
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, key = rows[0], rows[0].index("offer_id")
    row = next(r for r in rows[1:] if r[key] == CHANGED_ROW)
    old = [row[header.index(c)] for c in CHANGED_COLUMNS]
    for column in CHANGED_COLUMNS:
        row[header.index(column)] = NEW_FIGURE
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return f"{CHANGED_FILE} row {CHANGED_ROW}: {'/'.join(old)} -> {NEW_FIGURE} ({', '.join(CHANGED_COLUMNS)})"


def readers_of(briefings: list[dict], resource: str) -> list[str]:
    """The briefings whose focus reads ``resource`` (as the build decides it)."""
    from briefings.build import FOCUS_RESOURCES
    return [b["name"] for b in briefings if resource in FOCUS_RESOURCES[b["parameters"].get("focus", "all")]]


def count_pages(pdfs: list[Path]) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return sum(len(PdfReader(pdf).pages) for pdf in pdfs)


def inputs_stamp() -> list[tuple[str, int]]:
    """Modification times of everything a build reads; an edit during the run is reported."""
    paths = [CONFIG, *sorted(p for folder in ("analysis", "briefings", "notebooks", "data")
                             for p in (REPO / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
    return [(str(p.relative_to(REPO)), p.stat().st_mtime_ns) for p in paths]


# ------------------------------------------------------------------------------ report

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def mib(size: int) -> str:
    return f"{size / MiB:,.0f} MiB"


def mem(m: dict) -> str:
    return f"{mib(m['peak_total'])} summed RSS ({mib(m['peak_pss'])} PSS), {mib(m['peak_single'])} largest"


def stage_table(title: str, stages: dict[str, dict[str, float]]) -> list[str]:
    """Per-stage sums and means from the build log."""
    sums, n = stage_summary(stages), max(1, len(stages))
    total = sums["total"] or 1.0
    lines = [f"{title} ({len(stages)} briefings, from `<out>/build.log`; seconds of each briefing's own clock, "
             "so with 2 workers on 2 busy cores they include waiting for a core):", "",
             "| stage | sum | mean per briefing | share |", "|---|---|---|---|"]
    for stage in STAGES:
        lines.append(f"| {stage} | {sums[stage]:.1f} s | {sums[stage] / n:.2f} s | "
                     f"{100 * sums[stage] / total:.0f}% |")
    return lines + [""]


def largest_stage(stages: dict[str, dict[str, float]]) -> str:
    """The stage (execute, html, pdf, write) with the most seconds summed over the briefings."""
    sums = {name: sum(s.get(name, 0.0) for s in stages.values()) for name in STAGES if name != "total"}
    return max(sums, key=sums.get) if sums else "none"


def report(r: dict, quick: bool) -> str:
    a, a2, b, c, d, e = r["a"], r["a2"], r["b"], r["c"], r["d"], r["e"]
    vs_a, vs_a2 = a["wall"] / b["wall"], a2["wall"] / b["wall"]
    d_limit = d["reference"]["wall"] + TARGET_CHANGED_SLACK
    marginal_wall = (e["cold70"]["wall"] - e["cold7"]["wall"]) / (e["n70"] - e["n7"])
    marginal_cpu = (e["cold70"]["cpu"] - e["cold7"]["cpu"]) / (e["n70"] - e["n7"])
    memory_ok = max(b["peak_pss"], e["cold70"]["peak_pss"]) < TARGET_MEMORY
    rows = [
        ("(a) by hand, sequential: papermill, then nbconvert --to briefing_pdf",
         f"{a['wall']:.1f} s, {a['cpu']:.1f} CPU-s; {mem(a)}", "—", "—"),
        (f"(a2) by hand, `xargs -P {CORES}`", f"{a2['wall']:.1f} s, {a2['cpu']:.1f} CPU-s; {mem(a2)}", "—", "—"),
        (f"(b) `briefings build --force`, cold, `-j {CORES}`",
         f"{b['wall']:.1f} s, {b['cpu']:.1f} CPU-s; (a)/(b) = {vs_a:.1f}×, (a2)/(b) = {vs_a2:.1f}×; {mem(b)}",
         f"≥ {TARGET_VS_A:g}× (a), ≥ {TARGET_VS_A2:g}× (a2)", yes(vs_a >= TARGET_VS_A and vs_a2 >= TARGET_VS_A2)),
        (f"(c) nothing changed, median of {NO_OP_RUNS}",
         f"{c['median']:.2f} s (max {c['max']:.2f} s), {c['cpu']:.2f} CPU-s"
         + (f" (**{c['rebuilt']} rebuilt: not a no-op**)" if c["rebuilt"] else ""),
         f"≤ {TARGET_NO_OP} s", yes(c["median"] <= TARGET_NO_OP and not c["rebuilt"])),
        (f"(d) one figure of {CHANGED_FILE} changed: {d['counts'].get('built', 0)} rebuilt, "
         f"{d['counts'].get('skipped', 0)} skipped",
         f"{d['changed']['wall']:.1f} s, {d['changed']['cpu']:.1f} CPU-s; those {len(d['readers'])} briefings "
         f"alone (`--force NAME...`): {d['reference']['wall']:.1f} s; {mem(d['changed'])}",
         f"≤ {d_limit:.1f} s (theirs + {TARGET_CHANGED_SLACK:g} s)", yes(d["changed"]["wall"] <= d_limit)),
        (f"(e) {e['n70']} generated briefings, cold" + "".join(
            f" (**{e[k]['counts'].get('failed', 0)} of {e[n]} failed**)" for k, n in (("cold7", "n7"), ("cold70", "n70"))
            if e[k]["counts"].get("failed")),
         f"{e['cold70']['wall']:.1f} s, {e['cold70']['cpu']:.1f} CPU-s; "
         f"{mem(e['cold70'])} ({e['n7']} of them: {e['cold7']['wall']:.1f} s, {e['cold7']['cpu']:.1f} CPU-s)",
         "summed PSS < 1 GiB at -j 2", yes(e["cold70"]["peak_pss"] < TARGET_MEMORY)),
        (f"(e) marginal cost of a briefing, ({e['n70']} − {e['n7']}) / {e['n70'] - e['n7']}",
         f"{marginal_wall:.2f} s wall, {marginal_cpu:.2f} CPU-s", f"≤ {TARGET_MARGINAL_CPU:g} CPU-s",
         yes(marginal_cpu <= TARGET_MARGINAL_CPU)),
        (f"(e) {e['n70']} briefings, nothing changed, median of {NO_OP_RUNS}",
         f"{e['noop']['median']:.2f} s (max {e['noop']['max']:.2f} s), {e['noop']['cpu']:.2f} CPU-s"
         + (f" (**{e['noop']['rebuilt']} rebuilt**)" if e["noop"]["rebuilt"] else ""),
         f"≤ {TARGET_NO_OP_LARGE} s", yes(e["noop"]["median"] <= TARGET_NO_OP_LARGE and not e["noop"]["rebuilt"])),
        ("Peak memory of the build's tree, whatever the count ((b), (e))",
         f"{mib(max(b['peak_total'], e['cold70']['peak_total']))} summed RSS; "
         f"{mib(max(b['peak_pss'], e['cold70']['peak_pss']))} summed PSS", "< 1 GiB (judged on summed PSS)",
         yes(memory_ok)),
    ]
    title = "# Build benchmark"
    if quick:
        title += " — QUICK RUN: a smoke check, not the benchmark's figures"
    loads = ", ".join(f"{k} {v:.1f}" for k, v in r["loads"].items())
    lines = [
        title, "",
        f"{r['date']}; {CORES} cores ({cpu_model()}); {psutil.virtual_memory().total / GiB:.1f} GiB RAM; "
        f"Python {platform.python_version()}; {platform.platform()}.", "",
        f"**Load.** 1-minute load average {r['load_before']:.2f} before the run; highest sampled during each figure: "
        f"{loads}. CPU-seconds used by other processes during (a) {a['other']:.0f}, (a2) {a2['other']:.0f}, "
        f"(b) {b['other']:.0f}, (e) cold {e['cold70']['other']:.0f}. On a shared 2-core machine the wall times "
        "carry that noise; the CPU-seconds (the tree's own user+sys time) much less.", "",
        *([f"**Warning: files changed during the run ({', '.join(r['changed'])}): the figures mix code versions.**",
           ""] if r["changed"] else []),
        "| Figure | Measured | Target | Met |", "|---|---|---|---|",
        *[f"| {f} | {m} | {t} | {ok} |" for f, m, t, ok in rows], "",
        "Memory: summed PSS (each shared page split among the processes that map it; what the issue asks "
        "for) is judged; summed RSS counts every shared page once per process, so it overstates: the "
        "workers are forked from a forkserver that preloaded papermill and the Typst compiler, and share "
        "those pages. The local workers are replaced every `briefings.pool.TASKS_PER_POOL` (32) briefings, "
        "so a worker's growth (8-14 MiB a briefing) stays under about 450 MiB; the largest single process "
        "is given too.", "",
        "## Where the time goes", "",
        f"- (a) by tool: {a['steps']['papermill']:.1f} s papermill (a new kernel, imports and a full data "
        f"validation per briefing), {a['steps']['nbconvert']:.1f} s nbconvert --to briefing_pdf (a new "
        f"process each: imports, the exporter, Typst's fonts); {a['pages']} PDF pages ({b['pages']} from the build, "
        "the same briefings).", "",
        *stage_table("(b) per stage", b["stages"]),
        *stage_table(f"(e) per stage, {e['n70']} briefings", e["stages70"]),
        f"- Load-independent view: (a) used {a['cpu']:.1f} CPU-s, (a2) {a2['cpu']:.1f}, (b) {b['cpu']:.1f}. On an idle "
        f"{CORES}-core machine (a) takes about its CPU-seconds and (b) at least its CPU-seconds / {CORES}, so "
        f"(a)/(b) ≤ {a['cpu'] / (b['cpu'] / CORES):.1f}× and (a2)/(b) ≤ {a2['cpu'] / b['cpu']:.1f}× whatever the "
        "scheduling: the CPU the build does per briefing, not waiting, sets the limit.",
        f"- (e): the fixed cost of a cold build (forkserver, {CORES} workers each warming a kernel with pandas, "
        f"matplotlib and the analysis package, and validating the data) is about "
        f"{e['cold7']['cpu'] - e['n7'] * marginal_cpu:.1f} CPU-s "
        f"({e['cold7']['wall'] - e['n7'] * marginal_wall:.1f} s wall); each further briefing adds "
        f"{marginal_cpu:.2f} CPU-s, of which {largest_stage(e['stages70'])} is the largest stage (table above).", "",
        f"- (d) changed {d['what']}; the build rebuilt the briefings whose focus reads {CHANGED_FILE} "
        f"({', '.join(d['readers'])}) and skipped the rest; it validates the changed data once first.", "",
        LEVERS,
        "## How to re-run", "",
        "```sh", "make bench            # or: .venv/bin/python benchmarks/bench_build.py [--quick]", "```", "",
        "The commands it times (PATH starts with .venv/bin; each in a fresh temporary folder):", "",
        "```sh",
        "# (a) for each of the briefings of reports.yml, one after another:",
        *[shlex.join(c) for c in r["example_by_hand"]],
        f"# (a2) one script of those two lines per briefing:  ls *.sh | xargs -P {CORES} -n 1 sh",
        "# (b) in a copy of the project (data/, notebooks/, reports.yml):",
        f"briefings build --out OUT -j {CORES} --force",
        f"# (c) briefings build --out OUT -j {CORES}          (x{NO_OP_RUNS}, median)",
        f"# (d) briefings build --force {' '.join(d['readers'])} --out OUT -j {CORES}   (reference), then",
        f"#     change one figure ({d['what']}) and: briefings build --out OUT -j {CORES}",
        f"# (e) a reports.yml of {len(ORIGINS)} origins x {e['n70'] // len(ORIGINS)} as-of dates "
        f"(origins: [X], as_of: D), and of the same {len(ORIGINS)} origins, one date each, spread over those dates:",
        f"briefings build --out OUT -j {CORES}   (cold, then x{NO_OP_RUNS} with nothing changed)",
        "```", "",
    ]
    return "\n".join(lines)


#: What was tried on the build (issue 12, item 4), each measured on its own in one process; kept or not.
LEVERS = """## Levers tried (fair levers only)

- **Data loaded and validated once per worker**: already so. The build validates once, in the main
  process while the workers warm their kernels, and hands the kernels the validated data version;
  each kernel keeps the loaded package in `analysis.loading` from one briefing to the next
  (`%reset -f` clears the notebook's names, not modules).
- **Styles, fonts, templates once per worker**: the nbconvert exporters are cached per thread
  (`rendering._cached`), and so is the Typst compiler with its fonts (`pdf._compiler`), warmed
  before a worker's first briefing.
- **The PDF engine** (issue 17): WeasyPrint (HTML + print CSS, Pango) replaced by Typst (PyPI
  `typst`, compiler in the wheel) typesetting the sections' view-models: the PDF step of the 7
  default briefings, timed in one warm process, fell from 34.9 CPU-s (WeasyPrint, from the HTML)
  to 3.9 CPU-s (the whole briefing_pdf exporter: preprocessing, the document, Typst).
- **inflect** (plurals and number words) replaced by `analysis/words.py`: its import cost 2.2-2.5
  CPU-s (typeguard) in the forkserver and in every kernel.
- **Charts** laid out from font metrics instead of constrained layout (one draw per SVG instead
  of a dry run and a draw): the four charts of the overview 1.41 -> 0.76 CPU-s.
- **Rates and wages in force** looked up in indexes built once per frame instead of boolean masks
  over the whole frame for each of hundreds of lookups: key judgements 0.8 -> 0.4 CPU-s cold.
- **Kernel set-up before each briefing** (`%reset -f`, data version, working folder) sent on the
  shell channel alone instead of a full client handshake, which waits for IOPub to stay quiet for
  0.2 s: 0.38-0.46 s -> 0.17-0.30 s of a worker's wall time per briefing. Kept.
- **No-op path**, profiled with `python -X importtime` and cProfile: nothing heavy is imported (no
  pandas, Jinja2, papermill or Typst). Package versions are now read from the `dist-info`
  folder names instead of `importlib.metadata`: median of 15 no-op runs 0.119 -> 0.100 CPU-s. Kept.
  What remains is interpreter start-up, click, PyYAML, reading reports.yml and hashing code and data.
  This machine's shell sets PYTHONDONTWRITEBYTECODE=1, which makes every run compile the project's
  modules again (about 30 ms); the benchmark runs its commands without it, as on an ordinary install.
- **papermill saving the notebook after every cell**: turning it off saves 0.06 CPU-s (a one-origin
  briefing) to about 0.2 CPU-s (the overview) a briefing, but a cell that times out would then leave
  no partly executed notebook under `failed/` (papermill writes it only through those saves). Not kept.
- **PDF layout of one briefing overlapping the kernel work of the next**: not done. A worker and its
  kernel take turns (the worker waits while the kernel executes; the kernel idles while the worker
  lays out the PDF), so at `-j 2` on 2 cores the two pairs already keep both cores busy, apart from
  the start-up and the last briefing; overlap would also need a worker to hold two briefings at
  once, which the executor's one-result-per-task protocol (local and Dask) does not allow.
- **Not preloading papermill and Typst in the forkserver** would lower the summed RSS (the
  shared pages would no longer be counted in three processes) while raising real memory and
  start-up time: not done; the summed PSS is given beside it.

What limits the build now is the kernel: executing the notebook (imports, the analysis, the
charts) is most of each briefing's CPU (the stage tables), and a cold build pays a fixed cost for
the forkserver, the workers' kernels and the data's validation.
"""


def summary_rows(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.startswith("|") and "---" not in line)


# ------------------------------------------------------------------------------ main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke check: {QUICK_COUNT} default briefings, 7 + 14 generated ones")
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {RESULTS.name} alone")
    args = parser.parse_args()
    if not become_subreaper():
        print("warning: cannot become a child subreaper; CPU-seconds miss orphaned descendants", file=sys.stderr)
    before = inputs_stamp()
    load_before = os.getloadavg()[0]
    dates = AS_OF[:2] if args.quick else AS_OF
    results: dict = {"date": f"{dt.datetime.now():%Y-%m-%d %H:%M}", "load_before": load_before}
    print(f"benchmarking on {CORES} cores, load average {load_before:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        scratch = Path(scratch)
        project = make_project(scratch / "project")
        briefings = load_briefings(project / "reports.yml")
        if args.quick:
            briefings = briefings[:QUICK_COUNT]
        names = tuple(b["name"] for b in briefings)
        for folder in ("a", "a2"):
            (scratch / folder).mkdir()
        results["example_by_hand"] = by_hand_script(briefings[0], Path("WORK"), Path("DATA"))
        results["a"] = by_hand(briefings, scratch / "a", project / "data")
        results["a2"] = by_hand_parallel(briefings, scratch / "a2", project / "data")

        out = scratch / "out"
        b = results["b"] = build(project, out, *names, force=True)
        b["stages"] = stage_lines((out / "build.log").read_text("utf-8"))
        b["pages"] = count_pages(sorted(out.glob("*/*.pdf")))
        print(f"  (b)  {b['wall']:.1f} s, {b['cpu']:.1f} CPU-s", flush=True)
        c = results["c"] = no_op(project, out, names)
        print(f"  (c)  median {c['median']:.2f} s, {c['cpu']:.2f} CPU-s", flush=True)

        readers = readers_of(briefings, CHANGED_FILE.removesuffix(".csv"))
        reference = build(project, out, *readers, force=True)
        what = change_one_figure(project / "data")
        changed = build(project, out, *names)
        results["d"] = {"readers": readers, "reference": reference, "changed": changed, "what": what,
                        "counts": changed["counts"]}
        print(f"  (d)  {changed['wall']:.1f} s ({changed['counts']}); those {len(readers)} alone "
              f"{reference['wall']:.1f} s", flush=True)

        e = {}
        for label, pairs in (("7", diagonal(dates)), ("70", grid(dates))):
            generated = make_project(scratch / f"gen{label}", generated_entries(pairs))
            gen_out = scratch / f"gen{label}-out"
            e[f"n{label}"] = len(pairs)
            # A briefing failing on its data is counted and reported, not allowed to sink the run (exit 1).
            cold = e[f"cold{label}"] = build(generated, gen_out, force=True, ok=(0, 1))
            e[f"stages{label}"] = stage_lines((gen_out / "build.log").read_text("utf-8"))
            print(f"  (e)  {e[f'n{label}']} briefings cold: {cold['wall']:.1f} s, {cold['cpu']:.1f} CPU-s", flush=True)
        e["noop"] = no_op(generated, gen_out)
        print(f"  (e)  {e['n70']} briefings, nothing changed: median {e['noop']['median']:.2f} s", flush=True)
        results["e"] = e
    results["loads"] = {"(a)": results["a"]["load_max"], "(a2)": results["a2"]["load_max"],
                        "(b)": results["b"]["load_max"], "(c)": results["c"]["load_max"],
                        "(d)": results["d"]["changed"]["load_max"], "(e) cold": results["e"]["cold70"]["load_max"]}
    results["changed"] = sorted({name for name, _ in set(before) ^ set(inputs_stamp())})
    text = report(results, args.quick)
    print(text)
    if not args.no_write:
        # The test suite's and the preview's figures (written by hand and bench_preview.py) follow this
        # report in the same file: kept as they are.
        previous = RESULTS.read_text("utf-8") if RESULTS.exists() else ""
        kept = previous[previous.find(KEPT):] if KEPT in previous else ""
        RESULTS.write_text(text + ("\n" + kept if kept else ""), "utf-8")
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
