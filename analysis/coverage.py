"""Absent from the data is not absent from the world: where the data covers a time and a place.

The rule (``docs/method.md``, rule 22), implemented here once:

* A sentence may say "none" or "no … in force" as a fact about the world only where the data
  *covers* that subject on that day; elsewhere it says "not on record".
* **Time.** The data covers a day when some row of any table was known on or after it, as of the
  briefing's ``as_of``: its *reach* is the newest day of any figure known by then. After the reach,
  the record stops; a window that runs past it is covered only up to it, and one that starts after
  it is not covered at all ("the record stops at …", never "nothing new").
* **Pay.** A state pays its soldiers, and workers earn wages, every day: a wage or army pay missing
  from the data on a day is never "none in force", only "not on record", wherever the reach is.
* **People.** A stage of a group with no figure is "not reported"; "none" is said only where a
  source reported zero.

Statements about the record itself ("no monthly offer is on record", "no two claims contradict")
name the record and are true of its rows; the claim ledger's checker re-counts them.
"""

from __future__ import annotations

import pandas as pd

from .loading import known_from

#: Subjects whose absence from the data is never absence from the world (see module docstring).
NEVER_COVERED = ("wage", "army_pay")
NONE, NOT_ON_RECORD = "none", "not on record"


def record_reach(data, as_of) -> pd.Timestamp | None:
    """The newest day of any figure in the data known by ``as_of``: headcount claims, pay offers and
    wages by the day each counts as known (method rule 2). Exchange rates do not count: a rate
    published later says nothing of whether people or pay were reported then (a rate of 1 Mar 2026
    made the record "stop" after its newest figure, of Feb 2026). None when nothing was known by then."""
    as_of = pd.Timestamp(as_of)
    days = []
    for frame in (data.headcount_claims, data.pay_offers, data.reference_wages):
        if len(frame):
            known = known_from(frame)
            days += list(known[known <= as_of])
    return max(days) if days else None


def covers(subject: str, day, reach) -> bool:
    """Whether the data covers ``subject`` ('wage', 'army_pay', 'figures', 'offers', 'changes') on
    ``day``, given the record's ``reach`` (:func:`record_reach`)."""
    if subject in NEVER_COVERED or reach is None:
        return False
    return pd.Timestamp(day) <= pd.Timestamp(reach)


def absence_words(subject: str, day, reach) -> str:
    """'none' where the data covers ``subject`` on ``day``, else 'not on record'."""
    return NONE if covers(subject, day, reach) else NOT_ON_RECORD


def window_cover(since, as_of, reach) -> str:
    """How much of the window ``(since, as_of]`` the record covers: 'whole', 'part' (it stops
    inside the window) or 'none' (it stops before the window opens)."""
    if reach is None or pd.Timestamp(reach) <= pd.Timestamp(since):
        return "none"
    return "whole" if pd.Timestamp(reach) >= pd.Timestamp(as_of) else "part"


def reach_precision(data, reach) -> str:
    """How precisely the record's reach is known: 'day' when some figure known on that day was dated
    to the day (or is an exchange rate), else the precision ('month', 'year') of the figures that
    count as known then, so "the record stops at" says 'Nov 2025', not '30 Nov 2025'."""
    if reach is None:
        return "day"
    reach = pd.Timestamp(reach)
    found = set()
    for frame in (data.headcount_claims, data.pay_offers, data.reference_wages):
        if len(frame):
            at = frame[known_from(frame) == reach]
            found |= set(at["date_precision"])
    rates = data.exchange_rates
    if len(rates) and (rates["date_reported"] == reach).any():
        found.add("day")
    for precision in ("day", "month", "year"):
        if precision in found:
            return precision
    return "day"
