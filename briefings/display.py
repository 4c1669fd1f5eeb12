"""How values look in a notebook: intervals, dates and money as a reader would write them.

``enable_reader_display()`` registers IPython display formatters, once per kernel, so that every table and value
an analyst shows reads like the briefing ("40,000+", "$200–300", "15 Mar 2022") instead of
``Interval(low=np.float64(40000.0), …)``, ``2022-03-15 00:00:00`` or a quoted string, with no
formatting code in the notebook's cells. The frames themselves are untouched: only their
display changes, so the next cell still computes with intervals and timestamps.

Rules, for a cell of a frame (a column's name decides the unit):

* an :class:`~analysis.intervals.Interval` → :func:`~analysis.intervals.format_interval`; in a
  column whose name ends in ``_usd`` it is dollars ("$1,000–2,000"); in an ``amount`` column,
  in the row's ``currency`` ("$200–300", "160,000 RUB");
* a timestamp at midnight → its date ("15 Mar 2022"), as precisely as the row's
  ``date_precision`` says ("Mar 2022", "2022"); with a time of day → "15 Mar 2022 14:05";
* missing (None, NaN, NaT) → "—" (not reported; never 0);
* a list → its items joined by commas.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import dataclass

import pandas as pd

from analysis import intervals
from analysis.intervals import CURRENCY_SYMBOLS, DATE_PRECISIONS, Interval, format_interval

MISSING = "—"


def money_text(interval: Interval, currency: str = "USD") -> str:
    """An interval of money: '$200–300' for a currency with a symbol, else '160,000 RUB'."""
    prefix = CURRENCY_SYMBOLS.get(str(currency).upper())
    if prefix:
        return format_interval(interval, prefix)
    return f"{format_interval(interval)} {currency}"


def date_text(value, precision: str = "day") -> str:
    """'15 Mar 2022' (or 'Mar 2022', '2022' by precision); a time of day only when there is one."""
    stamp = pd.Timestamp(value)
    text = intervals.date_text(stamp, precision)
    if precision == "day" and (stamp.hour, stamp.minute, stamp.second) != (0, 0, 0):
        text += f" {stamp:%H:%M}"
    return text


def _is_missing(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict, Interval)) else False
    except (TypeError, ValueError):
        return False


def cell_text(value, column: str = "", row: dict | None = None) -> str:
    """One value of a frame as a reader would write it (see the module's rules)."""
    row = row or {}
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(item, column, row) for item in value) or MISSING
    if _is_missing(value):
        return MISSING
    if isinstance(value, Interval):
        if str(column).endswith("_usd"):
            return money_text(value, "USD")
        if column == "amount" and not _is_missing(row.get("currency")):
            return money_text(value, row["currency"])
        return format_interval(value)
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        precision = row.get("date_precision") if str(column).startswith("date") else None
        return date_text(value, precision if precision in DATE_PRECISIONS else "day")
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{value:,.0f}"
    return str(value)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every cell as text a reader would write (for display only)."""
    records = frame.to_dict("records")
    columns = list(frame.columns)
    text = [[cell_text(record[column], str(column), record) for column in columns] for record in records]
    return pd.DataFrame(text, index=frame.index, columns=columns)


def frame_html(frame: pd.DataFrame) -> str:
    """The HTML an analyst sees for a frame: readable cells, escaped, pandas' own table look.

    Wrapped so JupyterLab's MathJax leaves it alone: two amounts in dollars must not become a formula.
    """
    table = readable(frame).to_html(escape=True, notebook=True, max_rows=60)
    return f'<div class="tex2jax_ignore mathjax_ignore">{table}</div>'


def frame_text(frame: pd.DataFrame, printer=None, cycle=False) -> str:
    text = readable(frame).to_string(max_rows=60)
    if printer is not None:
        printer.text(text)
    return text


def interval_text(interval: Interval, printer=None, cycle=False) -> str:
    text = format_interval(interval)
    if printer is not None:
        printer.text(text)
    return text


@dataclass(frozen=True)
class Money:
    """An interval of money that displays itself ('$48M–72M+'); ``money(x).interval`` is the value."""

    interval: Interval
    currency: str = "USD"

    def __str__(self) -> str:
        return money_text(self.interval, self.currency)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        return f"<strong>{html.escape(str(self))}</strong>"


def money(interval: Interval, currency: str = "USD") -> Money:
    """Show ``interval`` as money in ``currency`` (the value itself is unchanged)."""
    return Money(interval, currency)


def enable_reader_display(shell=None) -> None:
    """Register the formatters in the running IPython kernel (a no-op outside IPython)."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return
        shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, frame_html)
    formatters["text/plain"].for_type(pd.DataFrame, frame_text)
    formatters["text/plain"].for_type(Interval, interval_text)
    formatters["text/html"].for_type(Interval, lambda value: html.escape(format_interval(value)))
