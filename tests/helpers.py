"""Shared helpers for the build, CLI and end-to-end tests: a throwaway copy of the project's
inputs, and a way to run the real ``briefings`` command on it."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _default_briefings() -> dict[str, dict]:
    """Each briefing of the project's reports.yml, by name: its parameters, the defaults applied."""
    config = yaml.safe_load((REPO / "reports.yml").read_text("utf-8"))
    defaults = config.get("defaults", {}).get("parameters", {})
    return {entry["name"]: {**defaults, **entry.get("parameters", {})} for entry in config["briefings"]}


#: The default set (reports.yml): name -> parameters.
DEFAULT_BRIEFINGS = _default_briefings()
BRIEFINGS = [sys.executable, "-m", "briefings.cli"]


def committed_notebook(path: Path) -> str:
    """The notebook at ``path`` as git would commit it (through the nbstripout clean filter), so a
    notebook run and saved in JupyterLab reads here as the outputs-free file git would store."""
    from briefings.gitclean import as_committed

    return as_committed(path).decode("utf-8")


def copy_inputs(root: Path) -> Path:
    """Copy data/ and notebooks/briefing.ipynb (as git would commit it) under ``root``; returns root."""
    shutil.copytree(REPO / "data", root / "data")
    (root / "notebooks").mkdir()
    (root / "notebooks" / "briefing.ipynb").write_text(committed_notebook(REPO / "notebooks" / "briefing.ipynb"),
                                                       "utf-8")
    return root


def write_config(root: Path, briefings: list[dict], formats=("html",), timeout: int = 120) -> Path:
    """A reports.yml under ``root`` with the given entries (each a dict as in reports.yml)."""
    path = root / "reports.yml"
    path.write_text(yaml.safe_dump({"defaults": {"notebook": "notebooks/briefing.ipynb", "formats": list(formats),
                                                 "timeout_seconds": timeout},
                                    "briefings": briefings}, sort_keys=False), "utf-8")
    return path


def run_briefings(*args, cwd: Path | None = None, timeout: int = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command line; returns the finished process with text stdout/stderr."""
    return subprocess.run(BRIEFINGS + [str(a) for a in args], cwd=cwd or REPO, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> content), to compare outputs byte for byte."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def grow_headcounts(data_dir: Path, rows: int) -> None:
    """Rewrite ``data_dir``'s headcount_claims.csv as ``rows`` valid claims: the real ones repeated with
    fresh ids (H000001, H000002, …) and no part_of link (a repeated link would point at the wrong claim)."""
    path = data_dir / "headcount_claims.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        header, *claims = list(csv.reader(handle))
    claim_id, part_of = header.index("claim_id"), header.index("part_of")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for number in range(1, rows + 1):
            row = list(claims[(number - 1) % len(claims)])
            row[claim_id], row[part_of] = f"H{number:06d}", ""
            writer.writerow(row)


def typed_rows(resource: str, defaults: dict, rows, *, id_column: str, id_prefix: str,
               same_as: dict[str, str] | None = None):
    """A small frame of ``resource`` typed exactly as load_data types it.

    Each row overrides ``defaults``; ids are numbered P001, P002 ...; ``same_as`` maps a column
    left as None to the column it copies (a high bound defaulting to its low bound).
    """
    import json

    import pandas as pd

    from analysis.loading import typed_frame

    schema = next(r["schema"] for r in json.loads((REPO / "data" / "datapackage.json").read_text("utf-8"))["resources"]
                  if r["name"] == resource)
    records = []
    for number, row in enumerate(rows, start=1):
        record = {id_column: f"{id_prefix}{number:03d}", **defaults, **row}
        for column, source in (same_as or {}).items():
            if record.get(column) is None:
                record[column] = record[source]
        records.append({f["name"]: "" if record.get(f["name"]) is None else str(record[f["name"]])
                        for f in schema["fields"]})
    columns = [f["name"] for f in schema["fields"]]
    return typed_frame(pd.DataFrame.from_records(records, columns=columns), schema)


#: A headcount claim with every column filled: tests override what their rule is about.
CLAIM_DEFAULTS = {"side": "russia", "origin": "Nepal", "origin_scope": "country", "origin_note": None,
                  "category": "contract", "stage": "signed_up", "stage_detail": "test", "count_type": "cumulative",
                  "period_start": None, "period_end": None, "qualifier": "exactly", "people_low": 100,
                  "people_high": None, "part_of": None, "claimant": "test", "claimant_id": "C001",
                  "date_reported": "2022-03-15", "date_precision": "day", "credibility": 3,
                  "credibility_reason": "test", "source_id": "S001", "note": None}


def dated_tables(folder: Path, claims=(), offers=(), wages=(), rates=()) -> Path:
    """A folder with a descriptor and the dated columns of the four figure tables, enough for
    analysis.freshness (which reads dates, not the whole schema). Claims are (id, side, origin,
    origin_scope, date_reported, date_precision); offers (id, side, origin, date_reported,
    date_precision); wages (id, date_reported, date_precision); rates (id, date, date_reported)."""
    import json

    tables = {"headcount_claims": (["claim_id", "side", "origin", "origin_scope", "date_reported", "date_precision"],
                                   claims),
              "pay_offers": (["offer_id", "side", "origin", "date_reported", "date_precision"], offers),
              "reference_wages": (["wage_id", "date_reported", "date_precision"], wages),
              "exchange_rates": (["rate_id", "date", "date_reported"], rates)}
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for name, (columns, rows) in tables.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
        resources.append({"name": name, "path": f"{name}.csv",
                          "schema": {"fields": [{"name": c, "type": "string"} for c in columns],
                                     "primaryKey": [columns[0]]}})
    (folder / "datapackage.json").write_text(json.dumps({"resources": resources}), "utf-8")
    return folder
