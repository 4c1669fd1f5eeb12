"""``python -m ledger_check REPORTS [--data DIR]``: check every claim ledger of a built folder.

Finds each ``<name>/<name>-ledger.json`` under REPORTS (a build's ``--out``), re-derives every
claim from the data package (``--data``, default ``data/`` of the project REPORTS lies in, or of the
current folder) and prints one line per briefing, then each disagreement. Exit 0 when every claim
holds, 1 when any disagrees, 2 for bad usage (no such folder, no ledger, no data package).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import check_ledger
from .data import read_rows


def _data_for(reports: Path) -> Path | None:
    for folder in (reports.resolve(), *reports.resolve().parents, Path.cwd(), *Path.cwd().parents):
        if (folder / "data" / "datapackage.json").is_file():
            return folder / "data"
    return None


def run(reports: Path, data: Path | None, out=sys.stdout, quiet: bool = False) -> int:
    """Check every ledger under ``reports``; with ``quiet``, print only disagreements and problems."""
    if not reports.is_dir():
        print(f"{reports}: no such folder; pass the --out folder of a build", file=out)
        return 2
    ledgers = sorted(reports.glob("*/*-ledger.json"))
    if not ledgers:
        print(f"{reports}: no <name>/<name>-ledger.json found; build the briefings first", file=out)
        return 2
    data = data or _data_for(reports)
    if data is None or not (data / "datapackage.json").is_file():
        print(f"{data or reports}: no data package (datapackage.json); pass --data DIR", file=out)
        return 2
    rows = read_rows(data)
    failed = checked = 0
    for path in ledgers:
        ledger = json.loads(path.read_text(encoding="utf-8"))
        found = check_ledger(ledger, data, rows=rows)
        checked += len(ledger.get("claims", []))
        if found or not quiet:
            print(f"{path.parent.name}: {len(ledger.get('claims', []))} claims, {len(found)} disagreements", file=out)
        for disagreement in found:
            print(f"  - {disagreement}", file=out)
        failed += bool(found)
    if failed or not quiet:
        print(f"{len(ledgers)} briefings, {checked} claims checked, {failed} with disagreements", file=out)
    return 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ledger_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, help="a build's output folder (briefings build --out)")
    parser.add_argument("--data", type=Path, default=None, help="the data package the briefings were built from")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only disagreements")
    args = parser.parse_args(argv)
    return run(args.reports, args.data, quiet=args.quiet)


if __name__ == "__main__":
    sys.exit(main())
