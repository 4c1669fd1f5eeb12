"""The one clock: "today" is the current date in UTC, on every machine and in every time zone.

Validation (a date in the future is refused), ``as_of: latest`` and the ``as_of`` future-date
check all call :func:`today`, so near midnight a claim cannot be valid yet left out of a
"latest" briefing, or the other way round. UTC rather than the machine's zone because
scheduled builds run on servers (often in UTC) and analysts read in several zones: a build
gives the same answer wherever it runs.
"""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """Today's date in UTC."""
    return dt.datetime.now(dt.timezone.utc).date()


def now_utc() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)
