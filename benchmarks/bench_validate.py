"""Time the validation of a large data package: the project's data/ with headcount_claims.csv grown
to 100,000 rows (the real claims repeated with fresh ids), as docs/bad-input.md promises.

Run as ``.venv/bin/python benchmarks/bench_validate.py [ROWS]``. Prints the time of the full
validation (Frictionless schema pass plus the domain checks) in this process, the time of the
domain checks alone (what every notebook pays, since the build hands it the validated version),
and the wall time of ``briefings validate`` including interpreter start-up. Nothing is written
to the repository: the data is copied to a temporary folder.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from analysis.loading import load_data  # noqa: E402
from helpers import grow_headcounts  # noqa: E402


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        shutil.copytree(REPO / "data", data)
        grow_headcounts(data, rows)
        started = time.perf_counter()
        package = load_data(data)
        full = time.perf_counter() - started
        started = time.perf_counter()
        load_data(data, trusted_version=package.version)
        domain = time.perf_counter() - started
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "briefings.cli", "validate", "--data", str(data)],
                                cwd=REPO, capture_output=True, text=True)
        command = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    print(f"{rows:,} headcount claims on {platform.machine()} with {os.cpu_count()} cores, Python {platform.python_version()}:")
    print(f"  load_data, full validation:     {full:6.1f} s")
    print(f"  load_data, domain checks only:  {domain:6.1f} s")
    print(f"  briefings validate (wall):      {command:6.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
