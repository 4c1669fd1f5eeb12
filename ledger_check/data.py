"""The raw rows of a data package, read with plain pandas: the checker's own way in.

It reads ``datapackage.json`` only to find each table's file and the types of its columns, and
reads every CSV as text before typing it: nothing of ``analysis`` (its loader, its validation, its
cached frames) is used, so a fault there cannot hide from the checker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

TABLES = ("sources", "claimants", "headcount_claims", "pay_offers", "reference_wages", "exchange_rates")


@dataclass(frozen=True)
class Rows:
    """The six tables as typed frames, and the data folder they came from."""

    folder: Path
    sources: pd.DataFrame
    claimants: pd.DataFrame
    headcount_claims: pd.DataFrame
    pay_offers: pd.DataFrame
    reference_wages: pd.DataFrame
    exchange_rates: pd.DataFrame

    @property
    def changelog(self) -> Path:
        return self.folder / "CHANGELOG.md"


def _typed(frame: pd.DataFrame, fields: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for spec in fields:
        name, kind = spec["name"], spec.get("type", "string")
        column = frame[name] if name in frame else pd.Series("", index=frame.index)
        text = column.astype(str).str.strip()
        if kind in ("date", "datetime"):
            out[name] = pd.to_datetime(text.where(text != ""), errors="coerce")
        elif kind in ("number", "integer"):
            out[name] = pd.to_numeric(text.where(text != ""), errors="coerce")
        else:
            out[name] = pd.Series([t if t else None for t in text], index=frame.index, dtype=object)
    return out


def read_rows(folder: Path | str) -> Rows:
    """Every table of the data package in ``folder``, typed by its descriptor's field types."""
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    frames = {}
    for resource in descriptor["resources"]:
        if resource["name"] not in TABLES:
            continue
        raw = pd.read_csv(folder / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
        frames[resource["name"]] = _typed(raw, resource["schema"]["fields"])
    return Rows(folder, **{name: frames[name] for name in TABLES})
