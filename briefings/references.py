"""Numbered references: how a figure in the body points to its rows in the appendix.

The body never prints a row id (H031, P006). Each figure carries a number, ``[3]``, linking to
entry 3 of the appendix's references, which lists the rows behind it in full with their
sources. Numbers run in the order figures first appear; the same rows cited twice get the same
number. Every figure cited is also kept, with its value and unit, for the briefing's CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .tables import Html, tag


def _ids(row_ids) -> tuple:
    """Row ids in order, repeats and blanks dropped (a figure in dollars has no rate row: None or NaN)."""
    return tuple(dict.fromkeys(r for r in row_ids if isinstance(r, str) and r))


@dataclass(frozen=True)
class Shown:
    """One figure as the body shows it, for the CSV of figures."""

    ref: int | None  # None: a figure a chart draws that the body does not cite
    section: str
    figure: str
    what: str
    low: float | None
    high: float | None
    unit: str
    date: str
    rows: tuple


@dataclass
class References:
    """The numbering of one briefing (fill it in the order the sections are shown)."""

    numbers: dict = field(default_factory=dict)  # tuple of row ids -> number
    shown: list = field(default_factory=list)

    def number(self, row_ids) -> int | None:
        """The reference number for ``row_ids`` (in order, repeats dropped), new if not yet cited."""
        key = _ids(row_ids)
        if not key:
            return None
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
        return self.numbers[key]

    def cite(self, row_ids, *, section: str = "", figure: str = "", what: str = "", low=None, high=None,
             unit: str = "", date: str = "") -> Html:
        """``[n]`` linking to the appendix entry for ``row_ids``; records the figure for the CSV
        when ``figure`` is given. Empty when there are no rows."""
        number = self.number(row_ids)
        if number is None:
            return Html("")
        if figure:
            self.shown.append(Shown(number, section, figure, what, low, high, unit, date, _ids(row_ids)))
        return tag("a", f"[{number}]", href=f"#ref-{number}", class_="ref")

    def record(self, row_ids, *, section: str, figure: str, what: str = "", low=None, high=None, unit: str = "",
               date: str = "") -> None:
        """Record a figure a chart draws, for the CSV, without giving it a number of its own: it
        takes the number of the same rows when the body cites them, else none."""
        key = _ids(row_ids)
        if key and figure:
            self.shown.append(Shown(self.numbers.get(key), section, figure, what, low, high, unit, date, key))

    def entries(self) -> list[tuple[int, tuple]]:
        """(number, row ids) in number order."""
        return sorted(((n, ids) for ids, n in self.numbers.items()))
