"""Drive costs of an offer stated as "up to X" a month (method rule 15): priced at X, never from $0."""

from __future__ import annotations

from test_pay import NEPAL, bounds, drives


def test_up_to_offer_is_priced_at_its_top_not_from_zero():
    row = drives([{}], [{**NEPAL, "qualifier": "up_to", "amount_low_local": 2000}]).iloc[0]
    # rule 1 reads "up to $2,000" as [0, 2,000]; the drive pays everyone the most it promises:
    # 100 people × $2,000 × 6 months (assumed) = $1,200,000, a point, not $0–1,200,000
    assert bool(row["at_top"]) and bounds(row["priced_usd"]) == (2000, 2000, False)
    assert bounds(row["monthly_usd"]) == (0, 2000, False)  # the offer itself keeps its stated range
    assert bounds(row["cost_usd"]) == (1.2e6, 1.2e6, False)


def test_offer_of_a_stated_range_is_priced_at_that_range():
    row = drives([{}], [{**NEPAL, "qualifier": "range", "amount_low_local": 1000, "amount_high_local": 2000}]).iloc[0]
    # 100 × [$1,000, $2,000] × 6 = [$600,000, $1,200,000]; not "up to", so not priced at its top
    assert not bool(row["at_top"]) and bounds(row["cost_usd"]) == (6e5, 1.2e6, False)


def test_up_to_offer_with_a_one_off_of_the_same_source():
    # Kenya's shape (P027 with P028): 1,000+ people; up to $2,713 a month; a $6,976+ one-off from the
    # same source. 1,000 × 2,713 × 6 = 16,278,000; 1,000 × 6,976 = 6,976,000; total 23,254,000, open above.
    row = drives([{"origin": "Kenya", "qualifier": "more_than", "people_low": 1000}],
                 [{**NEPAL, "origin": "Kenya", "qualifier": "up_to", "amount_low_local": 2713, "source_id": "S001"},
                  {**NEPAL, "origin": "Kenya", "period": "one_off", "qualifier": "more_than",
                   "amount_low_local": 6976, "source_id": "S001"}]).iloc[0]
    low, high, open_above = bounds(row["cost_usd"])
    assert (low, open_above) == (23_254_000, True)
