"""Time `briefings preview` from a save to the page showing it, in a real browser; print the figures.

Run as ``.venv/bin/python benchmarks/bench_preview.py [NAME] [--runs 5]``. In a copy of the project
(data/, the notebook as git would commit it, reports.yml) it starts ``briefings preview NAME``,
opens the page in headless Chromium (Debian's, through Playwright) and, ``--runs`` times each:

* **data edit**: sets the first headcount claim of data/headcount_claims.csv to a new figure
  (both bounds) and waits until the open page, reloaded by the preview, shows it;
* **title edit**: changes the briefing's title in reports.yml and waits until the page's title is it.

Each figure is the wall time from the moment the edited file is closed to the moment the page shows
the edit (median and range). The first build is timed apart. Prints a Markdown section for
benchmarks/results.md (the part after bench_build.py's own, which it keeps).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
sys.path.insert(0, str(ROOT))


def set_first_claim(data: Path, people: int) -> None:
    path = data / "headcount_claims.csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
    header = rows[0]
    rows[1][header.index("people_low")] = rows[1][header.index("people_high")] = str(people)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), "utf-8")


def set_title(config: Path, name: str, title: str) -> None:
    raw = yaml.safe_load(config.read_text("utf-8"))
    entry = next(e for e in raw["briefings"] if e["name"] == name)
    entry.setdefault("parameters", {})["title"] = title
    config.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", nargs="?", help="the briefing (default: the first of reports.yml)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from briefings.gitclean import as_committed

    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    project = work / "project"
    shutil.copytree(ROOT / "data", project / "data")
    (project / "notebooks").mkdir()
    (project / "notebooks" / "briefing.ipynb").write_bytes(as_committed(ROOT / "notebooks" / "briefing.ipynb"))
    shutil.copy2(ROOT / "reports.yml", project / "reports.yml")
    name = args.name or yaml.safe_load((project / "reports.yml").read_text("utf-8"))["briefings"][0]["name"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "briefings.cli", "preview", name], cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    data_times, title_times, loads = [], [], []
    try:
        while not (line := lines.get(timeout=900)).startswith("serving "):
            pass
        first = time.monotonic() - started
        url = line.split()[1]
        print(f"first build and serve: {first:.1f} s ({url})", flush=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(url)
            for run in range(args.runs):
                figure = 41_231 + run
                shown = f"{figure:,}"
                set_first_claim(project / "data", figure)
                saved = time.monotonic()
                page.wait_for_function(f"() => document.body && document.body.innerText.includes('{shown}')",
                                       timeout=900_000, polling=50)
                data_times.append(time.monotonic() - saved)
                loads.append(os.getloadavg()[0])
                print(f"  data edit {run + 1}: {data_times[-1]:.1f} s", flush=True)
                title = f"Preview benchmark title {run + 1}"
                set_title(project / "reports.yml", name, title)
                saved = time.monotonic()
                page.wait_for_function(f"() => document.title.includes('{title}')", timeout=900_000, polling=50)
                title_times.append(time.monotonic() - saved)
                loads.append(os.getloadavg()[0])
                print(f"  title edit {run + 1}: {title_times[-1]:.1f} s", flush=True)
            browser.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(work, ignore_errors=True)

    def summary(values):
        return f"median {statistics.median(values):.1f} s (range {min(values):.1f}-{max(values):.1f} s, n={len(values)})"

    text = "\n".join([
        "## Preview: save to page (`benchmarks/bench_preview.py`)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores; Python "
        f"{platform.python_version()}; briefing `{name}`; 1-minute load average {load_before:.1f} before, "
        f"{max(loads):.1f} at most during the edits (a shared machine: other work was running).",
        "",
        "| Edit | Save to page (HTML, in Chromium) | Target |",
        "|---|---|---|",
        f"| one figure of headcount_claims.csv | {summary(data_times)} | ≤ 3 s |",
        f"| the title in reports.yml | {summary(title_times)} | ≤ 3 s |",
        f"| first build, from the command to serving | {first:.1f} s | — |",
        "",
    ])
    print(text)


if __name__ == "__main__":
    main()
