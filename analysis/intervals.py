"""Claims as intervals: how a stated figure with a qualifier becomes [low, high].

Every figure in this field is stated with a qualifier ("more than 40,000", "nearly 3,000",
"$200 to $300"). We turn each into an :class:`Interval` by ONE rule, :data:`DEFAULT_RULE`,
which callers may override, and carry the interval through every sum and product so that the
last sentence of a briefing is as honest as the first row of data.

The rule (factors applied to the stated figure X, or to the stated low L and high H of a range):

============  ====================  =====================================================
qualifier     interval              reading
============  ====================  =====================================================
exactly       [X, X]                the source gave a precise count
about         [0.9 X, 1.1 X]        a round figure, give or take a tenth
nearly        [0.9 X, X]            just under the figure
more_than     [X, X] open above     at least X; nothing is known about how much more
at_least      [X, X] open above     as more_than
up_to         [0, X]                a ceiling only
range         [L, H]                the stated range
============  ====================  =====================================================

"Open above" means the true value may exceed ``high`` without limit. We keep the finite
``high`` anyway, because it is the best figure a source gave: 40,000+ recruits at $200-300 a
month for 6 months costs "$48M-72M, open above" (shown as "$48M–72M+"), which is more useful to
a reader than "$48M to infinity".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from . import schema

#: The qualifiers a stated figure may carry (one list for claims, offers and wages: the test
#: suite checks the descriptor gives the three fields the same enum). DEFAULT_RULE covers each.
QUALIFIERS = schema.lazy_values("headcount_claims", "qualifier")
#: How precisely a date is known, finest first (the descriptor's order); date_text covers each.
DATE_PRECISIONS = schema.lazy_values("headcount_claims", "date_precision")

# qualifier -> (factor for low, factor for high, open above?)
DEFAULT_RULE: Mapping[str, tuple[float, float, bool]] = {
    "exactly": (1.0, 1.0, False),
    "about": (0.9, 1.1, False),
    "nearly": (0.9, 1.0, False),
    "more_than": (1.0, 1.0, True),
    "at_least": (1.0, 1.0, True),
    "up_to": (0.0, 1.0, False),
    "range": (1.0, 1.0, False),
}


@dataclass(frozen=True)
class Interval:
    """A non-negative quantity known to lie in [low, high]; with ``open_above`` it may exceed high.

    Units are the caller's (people, USD, USD per month); the type only carries the bounds.
    """

    low: float
    high: float
    open_above: bool = False

    def __post_init__(self) -> None:
        if math.isnan(self.low) or math.isnan(self.high):
            raise ValueError("interval bounds must be numbers, not NaN")
        if self.low < 0:
            raise ValueError(f"interval low must be >= 0, got {self.low}")
        if self.low > self.high:
            raise ValueError(f"interval low ({self.low}) > high ({self.high})")

    @classmethod
    def exact(cls, value: float) -> "Interval":
        return cls(value, value)

    @property
    def upper(self) -> float:
        """The true upper bound: ``high``, or infinity when open above."""
        return math.inf if self.open_above else self.high

    @property
    def is_point(self) -> bool:
        return self.low == self.high and not self.open_above

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.upper

    def overlaps(self, other: "Interval") -> bool:
        return self.low <= other.upper and other.low <= self.upper

    def __add__(self, other: "Interval | float") -> "Interval":
        other = _as_interval(other)
        return Interval(self.low + other.low, self.high + other.high,
                        self.open_above or other.open_above)

    __radd__ = __add__

    def __mul__(self, other: "Interval | float") -> "Interval":
        other = _as_interval(other)
        # Both are non-negative, so the product's bounds are the products of the bounds.
        # A product with an exact zero stays zero however open the other factor is.
        open_above = (self.open_above and other.upper > 0) or (other.open_above and self.upper > 0)
        return Interval(self.low * other.low, self.high * other.high, open_above)

    __rmul__ = __mul__

    def __truediv__(self, other: "Interval | float") -> "Interval":
        """Ratio of two non-negative intervals, e.g. pay / home wage as a multiple.

        The low end divides by the divisor's true upper bound (so an open divisor gives 0);
        the high end divides by the divisor's low end. Raises ``ValueError`` when the divisor
        may be zero, because the ratio then has no upper bound worth printing.
        """
        other = _as_interval(other)
        if other.low <= 0:
            raise ValueError("cannot divide by an interval that may be zero")
        return Interval(self.low / other.upper, self.high / other.low, self.open_above)

    def scale(self, factor: float) -> "Interval":
        """Multiply both bounds by a non-negative constant (a unit change)."""
        return self * Interval.exact(factor)


def _as_interval(value: "Interval | float") -> Interval:
    return value if isinstance(value, Interval) else Interval.exact(float(value))


def interval_sum(intervals) -> Interval:
    """Sum of intervals; the empty sum is exactly 0."""
    total = Interval.exact(0.0)
    for item in intervals:
        total = total + item
    return total


def from_claim(qualifier: str, low: float, high: float | None = None,
               rule: Mapping[str, tuple[float, float, bool]] | None = None) -> Interval:
    """The interval a stated figure means under ``rule`` (default :data:`DEFAULT_RULE`).

    ``low`` is the stated figure (or a range's low end); ``high`` is the range's high end and
    defaults to ``low``. Raises ``ValueError`` naming the allowed qualifiers for an unknown one.
    """
    rule = DEFAULT_RULE if rule is None else {**DEFAULT_RULE, **rule}
    if qualifier not in rule:
        raise ValueError(f"unknown qualifier {qualifier!r}; allowed: {', '.join(rule)}")
    high = low if high is None else high
    low_factor, high_factor, open_above = rule[qualifier]
    if qualifier == "range":
        return Interval(low * low_factor, high * high_factor, open_above)
    return Interval(low * low_factor, low * high_factor, open_above)


# ---------------------------------------------------------------- formatting for readers

#: Currencies printed with a symbol before the amount; the others follow it with their code.
CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


def date_text(day, precision: str = "day") -> str:
    """'15 Mar 2022', 'Mar 2022' or '2022' according to how precisely the date is known."""
    day = pd.Timestamp(day)
    return {"day": f"{day.day} {day:%b %Y}", "month": f"{day:%b %Y}", "year": f"{day:%Y}"}[precision]


_QUALIFIER_WORDS = {"about": "about ", "nearly": "nearly ", "up_to": "up to "}


def _number(value: float, unit: str = "") -> str:
    """Round a number for a reader: 40000 -> '40,000'; 48e6 -> '48M' (with unit prefix)."""
    if value >= 999.5e6:  # 999.6M rounds to 3 figures as "1e+03M"; show it as "1B"
        text = f"{value / 1e9:.3g}B"
    elif value >= 1e6:
        text = f"{value / 1e6:.3g}M"
    elif value >= 100 or value == int(value):
        text = f"{value:,.0f}"
    elif value < 1:  # two decimals at most: never scientific notation
        text = f"{value:.2f}".rstrip("0").rstrip(".") or "0"
    else:
        text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{unit}{text}"


def _span(low: float, high: float, unit: str) -> str:
    """'$200–300', '$48M–72M', '1,000–3,000' (the unit and magnitude appear once when shared)."""
    low_text, high_text = _number(low, unit), _number(high, unit)
    if low_text == high_text:
        return low_text
    if unit and high_text.startswith(unit):
        high_text = high_text[len(unit):]
    return f"{low_text}–{high_text}"


def format_interval(interval: Interval, unit: str = "") -> str:
    """A computed interval for a reader: '$48M–72M+', '40,000+', '$200–300', '2,000'.

    ``unit`` is a prefix such as '$'. A trailing '+' means open above.
    """
    text = _span(interval.low, interval.high, unit)
    return text + "+" if interval.open_above else text


def format_claim(qualifier: str, low: float, high: float | None = None, unit: str = "") -> str:
    """A stated figure as its source put it: '40,000+', 'about 3,000', 'nearly 3,000', '$200–300'."""
    high = low if high is None else high
    if qualifier == "range":
        return _span(low, high, unit)
    if qualifier in ("more_than", "at_least"):
        return _number(low, unit) + "+"
    return _QUALIFIER_WORDS.get(qualifier, "") + _number(low, unit)


def format_people(interval: Interval) -> str:
    """A computed number of people: whole people, bounds rounded outward ('76–94', '40,000+')."""
    # Round first to drop float noise (55,000 - 1,800 is 53,200.000000004), then outward.
    low, high = math.floor(round(interval.low, 6)), math.ceil(round(interval.high, 6))
    return format_interval(Interval(low, high, interval.open_above))


def _ratio_number(value: float) -> str:
    """A ratio to two significant figures at most, never scientific: 482 -> '480', 5.73 -> '5.7'."""
    if value >= 10:
        digits = len(str(int(value))) - 2
        return f"{round(value, -digits):,.0f}"
    if value >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def format_ratio(interval: Interval) -> str:
    """A multiple for a reader: '5.7–480×', '1.1×', 'up to 5×' (low end zero), '2–3× or more' (open)."""
    low, high = _ratio_number(interval.low), _ratio_number(interval.high)
    if interval.low == 0:
        text = f"up to {high}×"
    else:
        text = f"{low}×" if low == high else f"{low}–{high}×"
    return text + " or more" if interval.open_above else text


# ---------------------------------------------------------------- figures derived from stated figures

#: Qualifiers whose figure is approximate: a figure derived from one stays "about".
APPROXIMATE = ("about", "nearly")


def stated_interval(qualifier: str, low: float, high: float | None = None) -> Interval:
    """The bounds a source itself stated, without our widening of "about" and "nearly":
    about 50,000 -> [50,000, 50,000]; more than 40,000 -> [40,000, 40,000] open above; up to 550 ->
    [0, 550]; a range -> [L, H]. A figure derived from stated figures (a gap, a share, a cost) is
    computed on these, so it never runs past the figures it comes from (method rule 6)."""
    high = low if high is None else high
    if qualifier == "range":
        return Interval(low, high)
    if qualifier in ("more_than", "at_least"):
        return Interval(low, low, True)
    if qualifier == "up_to":
        return Interval(0.0, low)
    return Interval.exact(low)


def format_derived_people(interval: Interval, approximate: bool) -> str:
    """A number of people derived from stated figures: 'about 48,000' (from "about" figures),
    '40,000+', '150–350'; whole people, rounded outward."""
    text = format_people(interval)
    return f"about {text}" if approximate and interval.is_point else text
