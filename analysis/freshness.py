"""How old the record is: the newest row of each table, and whether it is older than we allow.

``docs/method.md`` (rule 19) states the rule. In short: the newest row of a table is the one
whose date column is latest (``date_reported`` for headcount claims, pay offers and reference
wages; ``date`` for exchange rates). A row dated only to a month or a year counts from the end of
that period, as in the as-of rule, so a row is never called older than it may be. A table is
*stale* when its newest row is more than :data:`STALE_AFTER_DAYS` days before today (the one
clock, :func:`analysis.clock.today`). Sources and claimants hold no figures and are not dated.

Read with the standard library only (no pandas, no Frictionless): ``briefings build`` says this
in its log on every run, including a run with nothing to build, which must stay near-instant.
Rows whose date cannot be read are skipped here; validation names them.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import clock, files
from .paths import DESCRIPTOR_NAME
from .version import MAX_CSV_BYTES, MAX_DESCRIPTOR_BYTES, _not_a_plain_file

#: A table whose newest row is more than this many days before today is said to be stale.
STALE_AFTER_DAYS = 90
#: The tables that hold figures, and the column that dates each row.
DATE_COLUMNS = {"headcount_claims": "date_reported", "pay_offers": "date_reported",
                "reference_wages": "date_reported", "exchange_rates": "date"}
#: How a table is named in a sentence ("the newest pay offer").
ROW_WORDS = {"headcount_claims": "headcount claim", "pay_offers": "pay offer", "reference_wages": "reference wage",
             "exchange_rates": "exchange rate"}


@dataclass(frozen=True)
class Newest:
    """The newest row of a table (or of a briefing's scope)."""

    table: str
    file: str  # the CSV's name inside the data folder
    row_id: str
    date: dt.date  # as entered (the first day of a month or year when only that is known)
    precision: str  # day, month or year
    counts_from: dt.date  # the last day ``date`` may mean: the date, or its month's or year's end

    def age_days(self, today: dt.date) -> int:
        """Whole days from ``counts_from`` to ``today``."""
        return (today - self.counts_from).days

    def is_stale(self, today: dt.date, max_age_days: int = STALE_AFTER_DAYS) -> bool:
        """True when the row counts from more than ``max_age_days`` days before ``today``."""
        return self.age_days(today) > max_age_days

    @property
    def date_text(self) -> str:
        """'30 Nov 2025', 'Nov 2025' or '2025', as precisely as the date is known."""
        day = self.date
        return {"month": f"{day:%b %Y}", "year": f"{day:%Y}"}.get(self.precision, f"{day.day} {day:%b %Y}")


def period_end(day: dt.date, precision: str) -> dt.date:
    """The last day a date of this precision may mean (the as-of rule's "known from")."""
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return day.replace(month=12, day=31)
    return day


def _resources(data_dir: Path) -> dict[str, dict]:
    try:
        descriptor = files.read_json(data_dir / DESCRIPTOR_NAME, limit=MAX_DESCRIPTOR_BYTES)  # never a pipe: see files
        return {r["name"]: r for r in descriptor["resources"] if isinstance(r, dict) and "name" in r}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # validation says what is wrong with the descriptor


def _rows(data_dir: Path, resource: dict) -> Iterable[dict]:
    try:
        if _not_a_plain_file(data_dir, resource["path"]):  # outside the data folder, or not a file: validation says
            return
        text = files.read_text(data_dir / resource["path"], limit=MAX_CSV_BYTES, bom=True)
        yield from csv.DictReader(io.StringIO(text, newline=""))
    except (OSError, csv.Error, KeyError, TypeError):  # validation says what is wrong with the file
        return


def _dated(data_dir: Path, resource: dict, date_column: str) -> Iterable[tuple[dict, Newest]]:
    """Each readable row of a table with its date, as (row, Newest)."""
    keys = resource.get("schema", {}).get("primaryKey") or []
    id_column = keys[0] if keys else None
    for row in _rows(data_dir, resource):
        try:
            day = dt.date.fromisoformat((row.get(date_column) or "").strip())
        except ValueError:
            continue
        precision = (row.get("date_precision") or "day").strip()
        precision = precision if precision in ("day", "month", "year") else "day"
        yield row, Newest(resource["name"], resource["path"], (row.get(id_column) or "") if id_column else "",
                          day, precision, period_end(day, precision))


def _latest(candidates: Iterable[Newest]) -> Newest | None:
    """The candidate counting from the latest day; on a tie, the more precise date, then the higher id."""
    rank = {"day": 2, "month": 1, "year": 0}
    return max(candidates, key=lambda n: (n.counts_from, rank[n.precision], n.row_id), default=None)


def newest_rows(data_dir: Path | str) -> dict[str, Newest]:
    """Table name -> its newest row, for every figure table with at least one dated row."""
    data_dir = Path(data_dir)
    found = {}
    for name, resource in _resources(data_dir).items():
        if name in DATE_COLUMNS:
            newest = _latest(n for _, n in _dated(data_dir, resource, DATE_COLUMNS[name]))
            if newest is not None:
                found[name] = newest
    return found


def stale_tables(data_dir: Path | str, today: dt.date | None = None,
                 max_age_days: int = STALE_AFTER_DAYS) -> list[Newest]:
    """The newest row of each table that is stale (older than ``max_age_days`` before ``today``)."""
    today = today or clock.today()
    return [n for n in newest_rows(data_dir).values() if n.is_stale(today, max_age_days)]


def staleness_warnings(data_dir: Path | str, today: dt.date | None = None,
                       max_age_days: int = STALE_AFTER_DAYS) -> list[str]:
    """One sentence per stale table, naming its newest row, that row's date and its age in days."""
    today = today or clock.today()
    lines = []
    for newest in stale_tables(data_dir, today, max_age_days):
        dated = newest.date_text + ("" if newest.precision == "day" else
                                    f" (counted from the {newest.precision}'s end, {newest.counts_from.isoformat()})")
        lines.append(f"{newest.file}: the newest row, {newest.row_id} of {dated}, is {newest.age_days(today)} days "
                     f"old: more than {max_age_days} days before today ({today.isoformat()}); "
                     "the record may be out of date")
    return lines


def newest_figure(data_dir: Path | str, *, side: str = "both", origins=(), as_of: dt.date | None = None,
                  focus: str = "all") -> Newest | None:
    """The newest figure a briefing of this scope rests on: the headcount claim or pay offer of its
    side(s) and origins, known by ``as_of`` (rule 2: a month-dated figure from the month's end),
    dated latest; headcount claims only for ``focus`` headcounts, pay offers only for pay. With
    named origins, totals over all origins or a region are left out, as the briefing leaves them.
    None when no figure is in scope."""
    data_dir = Path(data_dir)
    origins = {str(o) for o in (origins or ()) if str(o) != "all"}
    tables = {"headcounts": ["headcount_claims"], "pay": ["pay_offers"]}.get(focus, ["headcount_claims", "pay_offers"])
    resources = _resources(data_dir)
    candidates = []
    for name in tables:
        if name not in resources:
            continue
        for row, newest in _dated(data_dir, resources[name], "date_reported"):
            if side in ("russia", "ukraine") and row.get("side") != side:
                continue
            if origins and (row.get("origin") not in origins or (row.get("origin_scope") or "country") != "country"):
                continue
            if as_of is not None and newest.counts_from > as_of:
                continue
            candidates.append(newest)
    return _latest(candidates)
