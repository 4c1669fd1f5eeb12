"""Text and dates the user gives, checked once at the edge with the same refusals everywhere.

The config's keys and values, ``-P`` values, notebook parameters and the data's cells all pass
through these checks, so one rule holds wherever a name or a date comes in:

* A **name or key** (an origin, an id, a currency, a parameter name) is NFC-normalised text with
  no invisible or control character: ``Syr\\u200bia`` (a zero-width space inside) or ``ref\\n``
  would otherwise be a second "Syria" or a folder called ``ref⏎``, looking the same as the first.
* Other **text** (a title, a note) may hold any printable character, right-to-left marks
  included, but no control character (line ends aside, where a field may span lines).
* A **date** is a real day (``2022-02-30`` is not) from :data:`EARLIEST_DATE` on: pandas cannot
  hold a date before 1677, and nothing in this field is older than a century.
* A **value shown in a message** is cut to :data:`SHOWN_CHARACTERS` (:func:`shown`), so an error
  about a 20,000-item list is one short line, not 129 KB.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

#: The earliest date any date may be, in the data or a parameter.
EARLIEST_DATE = dt.date(1900, 1, 1)
#: How much of a value a message quotes.
SHOWN_CHARACTERS = 80

# C0 and C1 control characters, DEL; tab and the line ends are told apart by the callers.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Unicode categories that draw nothing (or only space) in a name: controls, formats (zero-width
#: space and joiners, bidirectional marks, soft hyphen, byte-order mark), line and paragraph
#: separators, private-use, surrogates and unassigned code points.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


def shown(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(value)`` cut to at most ``limit`` characters (with how much more there was)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}… ({len(text):,} characters)"


def character_name(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: a character as a message names it."""
    name = unicodedata.name(char, "") or {"\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\t": "TAB"}.get(
        char, "a control character")
    return f"U+{ord(char):04X} {name}"


def invisible_characters(text: str) -> list[str]:
    """The characters of ``text`` a reader cannot see or tell from a plain space."""
    return [c for c in text if unicodedata.category(c) in _INVISIBLE_CATEGORIES
            or (unicodedata.category(c) == "Zs" and c != " ")]


def name_problem(text: str, what: str = "name") -> str | None:
    """Why ``text`` cannot be a name or key (None when it can): it must be NFC text without
    invisible or control characters. ``what`` is the word for it in the message."""
    found = invisible_characters(text)
    if found:
        return (f"holds {character_name(found[0])}, which cannot be seen: it would make a different {what} that "
                "looks the same; remove it")
    if unicodedata.normalize("NFC", text) != text:
        return (f"is written with decomposed accents (not Unicode NFC), which makes a different {what} from the "
                "same word typed on another keyboard; re-type it or save the file as NFC")
    return None


def control_problem(text: str, lines: bool = False) -> str | None:
    """Why ``text`` cannot be shown as text (None when it can): a control character (other than
    tab, and line feeds when ``lines``) is never part of a title, a note or a figure's text."""
    for match in _CONTROL.finditer(text):
        char = match.group()
        if char == "\t" or (lines and char == "\n"):
            continue
        return f"holds {character_name(char)}, a control character; remove it"
    return None


def parse_date(value: Any) -> dt.date:
    """``value`` (a date, a datetime or ``YYYY-MM-DD`` text) as a date from :data:`EARLIEST_DATE`.

    Raises :class:`ValueError` with a message saying what is wrong: not in the form, a day the
    calendar does not have (``2022-02-30``, month 13), or too early.
    """
    if isinstance(value, dt.datetime):  # a datetime (or pandas Timestamp) cannot compare to a date
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value)
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if not match:
            raise ValueError("a date YYYY-MM-DD")
        try:
            day = dt.date(*map(int, match.groups()))
        except ValueError as error:  # "day is out of range for month", "month must be in 1..12"
            raise ValueError(f"a date YYYY-MM-DD that the calendar has ({error})") from None
    if day < EARLIEST_DATE:
        raise ValueError(f"a date YYYY-MM-DD from {EARLIEST_DATE.isoformat()} on")
    return day
