"""Tests for analysis.intervals: the qualifier rule, interval arithmetic and reader formatting."""

from __future__ import annotations

import functools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.intervals import (
    DEFAULT_RULE,
    QUALIFIERS,
    Interval,
    format_claim,
    format_interval,
    from_claim,
    interval_sum,
)

approx = pytest.approx


def bounds(interval: Interval) -> tuple:
    return (interval.low, interval.high, interval.open_above)


# ------------------------------------------------------------------ from_claim, default rule

def test_exactly_is_the_point():
    # exactly 70 -> [1.0 × 70, 1.0 × 70] = [70, 70], closed
    assert bounds(from_claim("exactly", 70)) == (70, 70, False)


def test_about_is_a_tenth_either_side():
    # about 3,000 -> [0.9 × 3,000, 1.1 × 3,000] = [2,700, 3,300], closed
    interval = from_claim("about", 3000)
    assert (interval.low, interval.high) == (approx(2700), approx(3300))
    assert not interval.open_above


def test_nearly_is_up_to_a_tenth_below():
    # nearly 3,000 -> [0.9 × 3,000, 3,000] = [2,700, 3,000]
    interval = from_claim("nearly", 3000)
    assert (interval.low, interval.high, interval.open_above) == (approx(2700), 3000, False)


def test_more_than_is_open_above():
    # more than 40,000 -> [40,000, 40,000] open above
    assert bounds(from_claim("more_than", 40000)) == (40000, 40000, True)


def test_at_least_is_open_above():
    # at least 9 -> [9, 9] open above
    assert bounds(from_claim("at_least", 9)) == (9, 9, True)


def test_up_to_starts_at_zero():
    # up to 550 -> [0 × 550, 550] = [0, 550]
    assert bounds(from_claim("up_to", 550)) == (0, 550, False)


def test_range_takes_both_ends():
    # range 8,000 to 14,700 -> [8,000, 14,700]
    assert bounds(from_claim("range", 8000, 14700)) == (8000, 14700, False)


def test_single_figure_ignores_high_argument_for_non_range():
    # 'about' uses the stated figure (low) for both ends: [0.9 × 100, 1.1 × 100] = [90, 110]
    interval = from_claim("about", 100, 100)
    assert (interval.low, interval.high) == (approx(90), approx(110))


def test_rule_covers_every_qualifier():
    assert set(DEFAULT_RULE) == set(QUALIFIERS)


def test_overridden_rule_changes_only_the_named_qualifier():
    rule = {"about": (0.8, 1.2, False)}
    # about 3,000 at ±20% -> [0.8 × 3,000, 1.2 × 3,000] = [2,400, 3,600]
    about = from_claim("about", 3000, rule=rule)
    assert (about.low, about.high) == (approx(2400), approx(3600))
    # nearly keeps the default [0.9 × 3,000, 3,000] = [2,700, 3,000]
    nearly = from_claim("nearly", 3000, rule=rule)
    assert (nearly.low, nearly.high) == (approx(2700), 3000)


def test_overridden_rule_can_close_more_than():
    # more than 1,000 read as [1,000, 1.5 × 1,000] = [1,000, 1,500], closed
    assert bounds(from_claim("more_than", 1000, rule={"more_than": (1.0, 1.5, False)})) == (1000, 1500, False)


def test_unknown_qualifier_lists_allowed_ones():
    with pytest.raises(ValueError) as error:
        from_claim("roughly", 100)
    message = str(error.value)
    assert "'roughly'" in message
    for qualifier in ("exactly", "about", "nearly", "more_than", "at_least", "up_to", "range"):
        assert qualifier in message


# ------------------------------------------------------------------ Interval validation

def test_low_above_high_is_refused():
    with pytest.raises(ValueError, match=r"low \(5\) > high \(3\)"):
        Interval(5, 3)


def test_negative_low_is_refused():
    with pytest.raises(ValueError, match=">= 0"):
        Interval(-1, 3)


def test_nan_low_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        Interval(math.nan, 3)


def test_nan_high_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        Interval(1, math.nan)


def test_upper_is_infinite_only_when_open():
    assert Interval(1, 2).upper == 2
    assert Interval(1, 2, True).upper == math.inf


def test_point_and_open_point():
    assert Interval.exact(4).is_point
    assert not Interval(4, 4, True).is_point


def test_overlap_touching_ends():
    # [1, 2] and [2, 3] share the point 2
    assert Interval(1, 2).overlaps(Interval(2, 3))


def test_no_overlap_when_apart():
    assert not Interval(1, 2).overlaps(Interval(3, 4))


def test_open_interval_overlaps_anything_above():
    # [1, 2]+ reaches [100, 200]
    assert Interval(1, 2, True).overlaps(Interval(100, 200))


# ------------------------------------------------------------------ arithmetic

def test_add():
    # [1, 2] + [3, 5] = [1 + 3, 2 + 5] = [4, 7]
    assert bounds(Interval(1, 2) + Interval(3, 5)) == (4, 7, False)


def test_add_open_is_open():
    # [1, 2]+ + [3, 5] = [4, 7]+
    assert bounds(Interval(1, 2, True) + Interval(3, 5)) == (4, 7, True)


def test_add_number_either_side():
    # [1, 2] + 3 = [4, 5]; 3 + [1, 2] = [4, 5]
    assert bounds(Interval(1, 2) + 3) == (4, 5, False)
    assert bounds(3 + Interval(1, 2)) == (4, 5, False)


def test_multiply():
    # [2, 3] × [4, 5] = [2 × 4, 3 × 5] = [8, 15]
    assert bounds(Interval(2, 3) * Interval(4, 5)) == (8, 15, False)


def test_multiply_open_by_positive_is_open():
    # [2, 3]+ × [4, 5] = [8, 15]+
    assert bounds(Interval(2, 3, True) * Interval(4, 5)) == (8, 15, True)


def test_multiply_open_by_exact_zero_is_zero():
    # [2, 3]+ × 0 = [0, 0]: nothing times an unbounded count is still nothing
    assert bounds(Interval(2, 3, True) * 0) == (0, 0, False)
    assert bounds(0 * Interval(2, 3, True)) == (0, 0, False)


def test_multiply_open_by_up_to_is_open():
    # [0, 2] (up to 2) × [1, 1]+ = [0, 2]+ since the first factor may be above 0
    assert bounds(Interval(0, 2) * Interval(1, 1, True)) == (0, 2, True)


def test_divide():
    # [10, 20] / [2, 5] = [10 / 5, 20 / 2] = [2, 10]
    assert bounds(Interval(10, 20) / Interval(2, 5)) == (2, 10, False)


def test_divide_by_open_divisor_has_zero_low():
    # [10, 20] / [2, 5]+ = [10 / inf, 20 / 2] = [0, 10]
    assert bounds(Interval(10, 20) / Interval(2, 5, True)) == (0, 10, False)


def test_divide_open_numerator_stays_open():
    # [10, 20]+ / [2, 5] = [2, 10]+
    assert bounds(Interval(10, 20, True) / Interval(2, 5)) == (2, 10, True)


def test_divide_zero_numerator():
    # [0, 0] / [2, 5] = [0, 0]
    assert bounds(Interval(0, 0) / Interval(2, 5)) == (0, 0, False)


def test_divide_by_interval_reaching_zero_is_refused():
    with pytest.raises(ValueError, match="zero"):
        Interval(1, 2) / Interval(0, 5)


def test_divide_by_number_zero_is_refused():
    with pytest.raises(ValueError, match="zero"):
        Interval(1, 2) / 0


def test_scale():
    # [1, 2] scaled by 3 = [3, 6]
    assert bounds(Interval(1, 2).scale(3)) == (3, 6, False)


def test_empty_sum_is_zero():
    assert bounds(interval_sum([])) == (0, 0, False)


def test_sum_of_parts():
    # [1, 2] + [10, 20] + [100, 200]+ = [111, 222]+
    assert bounds(interval_sum([Interval(1, 2), Interval(10, 20), Interval(100, 200, True)])) == (111, 222, True)


# ------------------------------------------------------------------ formatting for readers

def test_format_more_than():
    assert format_claim("more_than", 40000) == "40,000+"


def test_format_at_least():
    assert format_claim("at_least", 9) == "9+"


def test_format_about():
    assert format_claim("about", 3000) == "about 3,000"


def test_format_nearly():
    assert format_claim("nearly", 3000) == "nearly 3,000"


def test_format_up_to():
    assert format_claim("up_to", 550) == "up to 550"


def test_format_exactly():
    assert format_claim("exactly", 6824) == "6,824"


def test_format_money_range_shows_unit_once():
    assert format_claim("range", 200, 300, unit="$") == "$200–300"


def test_format_headcount_range():
    assert format_claim("range", 8000, 14700) == "8,000–14,700"


def test_format_range_with_equal_ends_is_one_figure():
    assert format_claim("range", 500, 500) == "500"


def test_format_open_cost_in_millions():
    # 40,000 × $200 × 6 = $48,000,000; 40,000 × $300 × 6 = $72,000,000; open above
    assert format_interval(Interval(48e6, 72e6, True), "$") == "$48M–72M+"


def test_format_point_interval():
    assert format_interval(Interval.exact(2000)) == "2,000"


def test_format_closed_interval():
    # about 3,000 -> [2,700, 3,300]
    assert format_interval(from_claim("about", 3000)) == "2,700–3,300"


def test_format_open_point():
    assert format_interval(Interval(40000, 40000, True)) == "40,000+"


def test_format_billions():
    # 1,500,000,000 -> 1.5B
    assert format_interval(Interval.exact(1.5e9), "$") == "$1.5B"


def test_format_just_under_a_billion_rounds_to_a_billion():
    # 999,600,000 to three figures is 1,000M, i.e. 1B (not '1e+03M')
    assert format_interval(Interval.exact(999.6e6), "$") == "$1B"


def test_format_small_multiple_keeps_one_decimal():
    # 200 / 35 = 5.714... -> '5.7'
    assert format_interval(Interval.exact(200 / 35)) == "5.7"


def test_format_fraction_below_one():
    # below 1: two decimals at most, trailing zeros dropped: 0.0327 -> 0.03; 0.5 -> 0.5
    assert format_interval(Interval.exact(0.0327)) == "0.03"
    assert format_interval(Interval.exact(0.5)) == "0.5"


def test_format_tiny_fraction_is_never_scientific():
    # 0.00001 to two decimals is 0.00 -> '0', where '{:.2g}' would give '1e-05'
    assert format_interval(Interval.exact(0.00001)) == "0"


def test_format_bounds_that_round_alike_show_once():
    # 2,699.97 and 2,700.2 both round to 2,700
    assert format_interval(Interval(2699.97, 2700.2)) == "2,700"


# ------------------------------------------------------------------ properties (hypothesis)

@st.composite
def interval_and_point(draw, min_low: float = 0.0):
    """A non-negative interval and a value it may hold (beyond high when open above)."""
    ends = st.floats(min_value=min_low, max_value=1e6, allow_nan=False, allow_infinity=False,
                     allow_subnormal=False)
    low, high = sorted([draw(ends), draw(ends)])
    open_above = draw(st.booleans())
    ceiling = high * 10 + 1 if open_above else high
    point = draw(st.floats(min_value=low, max_value=ceiling, allow_nan=False, allow_subnormal=False))
    return Interval(low, high, open_above), point


INTERVALS = interval_and_point().map(lambda pair: pair[0])


@given(interval_and_point(), interval_and_point())
def test_sum_contains_sum_of_members(a_pair, b_pair):
    (a_interval, a), (b_interval, b) = a_pair, b_pair
    assert (a_interval + b_interval).contains(a + b)


@given(interval_and_point(), interval_and_point())
def test_product_contains_product_of_members(a_pair, b_pair):
    (a_interval, a), (b_interval, b) = a_pair, b_pair
    assert (a_interval * b_interval).contains(a * b)


@given(interval_and_point(), interval_and_point(min_low=1e-3))
def test_quotient_contains_quotient_of_members(a_pair, b_pair):
    (a_interval, a), (b_interval, b) = a_pair, b_pair
    assert (a_interval / b_interval).contains(a / b)


@given(INTERVALS, INTERVALS)
def test_sum_is_commutative(a, b):
    assert bounds(a + b) == bounds(b + a)


@given(INTERVALS, INTERVALS, INTERVALS)
def test_sum_is_associative_within_tolerance(a, b, c):
    left, right = (a + b) + c, a + (b + c)
    assert math.isclose(left.low, right.low, rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(left.high, right.high, rel_tol=1e-12, abs_tol=1e-9)
    assert left.open_above == right.open_above


@given(INTERVALS, INTERVALS)
def test_open_above_propagates_through_sum(a, b):
    assert (a + b).open_above == (a.open_above or b.open_above)


@given(INTERVALS, INTERVALS)
def test_open_above_propagates_through_product_unless_a_factor_is_zero(a, b):
    may_grow = (a.open_above and b.upper > 0) or (b.open_above and a.upper > 0)
    assert (a * b).open_above == may_grow


@given(st.lists(INTERVALS, max_size=8))
@settings(max_examples=60)
def test_interval_sum_equals_repeated_addition_and_sums_of_bounds(parts):
    total = interval_sum(parts)
    repeated = functools.reduce(lambda x, y: x + y, parts, Interval.exact(0))
    assert bounds(total) == bounds(repeated)
    assert math.isclose(total.low, math.fsum(p.low for p in parts), rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(total.high, math.fsum(p.high for p in parts), rel_tol=1e-12, abs_tol=1e-9)
    assert total.open_above == any(p.open_above for p in parts)
