"""Tests for analysis.headcounts: as-of views, latest claims, totals vs parts, gaps, flags, contradictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from helpers import typed_rows

from analysis.headcounts import (
    claims_as_of,
    contradictions,
    headcount_table,
    latest_claims,
    parts_of,
    signup_arrival_gap,
)
from analysis.intervals import Interval

approx = pytest.approx

DEFAULTS = {"side": "russia", "origin": "Syria", "origin_scope": "country", "origin_note": None,
            "category": "paid", "stage": "signed_up", "stage_detail": "test", "qualifier": "exactly",
            "people_low": 100, "people_high": None, "part_of": None, "claimant": "Claimant A",
            "date_reported": "2022-03-15", "date_precision": "day", "credibility": 3,
            "credibility_reason": "test", "source_id": "S001", "note": None}


def claims(*rows: dict) -> pd.DataFrame:
    """A headcount_claims frame typed as load_data types it; each row overrides DEFAULTS."""
    return typed_rows("headcount_claims", DEFAULTS, rows, id_column="claim_id", id_prefix="H",
                      same_as={"people_high": "people_low"})


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["claim_id"])


def bounds(interval: Interval) -> tuple:
    return (interval.low, interval.high, interval.open_above)


def flag(value) -> bool:
    """A yes/no cell as a Python bool, refusing anything that is not a boolean."""
    assert isinstance(value, (bool, np.bool_)), f"not a boolean: {value!r}"
    return bool(value)


# ------------------------------------------------------------------ claims_as_of

def test_month_precision_is_unknown_before_the_month_ends():
    frame = claims({"date_reported": "2022-03-01", "date_precision": "month"})
    assert claims_as_of(frame, "2022-03-30").empty


def test_month_precision_is_known_on_the_last_day_of_the_month():
    frame = claims({"date_reported": "2022-03-01", "date_precision": "month"})
    assert ids(claims_as_of(frame, "2022-03-31")) == ["H001"]


def test_year_precision_is_unknown_before_the_year_ends():
    frame = claims({"date_reported": "2022-01-01", "date_precision": "year"})
    assert claims_as_of(frame, "2022-12-30").empty


def test_year_precision_is_known_on_the_last_day_of_the_year():
    frame = claims({"date_reported": "2022-01-01", "date_precision": "year"})
    assert ids(claims_as_of(frame, "2022-12-31")) == ["H001"]


def test_day_precision_is_known_on_its_day_not_before():
    frame = claims({"date_reported": "2022-03-15"})
    assert claims_as_of(frame, "2022-03-14").empty
    assert ids(claims_as_of(frame, "2022-03-15")) == ["H001"]


def test_no_as_of_keeps_everything():
    frame = claims({"date_reported": "2022-03-15"}, {"date_reported": "2025-01-01", "date_precision": "year"})
    assert ids(claims_as_of(frame)) == ["H001", "H002"]


def test_known_from_column_is_the_period_end():
    frame = claims({"date_reported": "2022-03-01", "date_precision": "month"},
                   {"date_reported": "2022-01-01", "date_precision": "year"})
    known = claims_as_of(frame)["known_from"]
    assert list(known) == [pd.Timestamp("2022-03-31"), pd.Timestamp("2022-12-31")]


def test_side_filter():
    frame = claims({"side": "russia"}, {"side": "ukraine"})
    assert ids(claims_as_of(frame, sides=["ukraine"])) == ["H002"]


def test_origin_filter_drops_totals_and_regions():
    frame = claims({"origin": "Syria"},
                   {"origin": "all", "origin_scope": "all"},
                   {"origin": "Middle East", "origin_scope": "region"},
                   {"origin": "Nepal"})
    assert ids(claims_as_of(frame, origins=["Syria", "Middle East", "all"])) == ["H001"]


def test_people_and_stated_columns():
    frame = claims({"qualifier": "more_than", "people_low": 40000},
                   {"qualifier": "range", "people_low": 8000, "people_high": 14700})
    view = claims_as_of(frame)
    # more than 40,000 -> [40,000, 40,000]+; range -> [8,000, 14,700]
    assert bounds(view["people"].iloc[0]) == (40000, 40000, True)
    assert bounds(view["people"].iloc[1]) == (8000, 14700, False)
    assert list(view["stated"]) == ["40,000+", "8,000–14,700"]


def test_rule_override_reaches_the_people_column():
    frame = claims({"qualifier": "about", "people_low": 1000})
    people = claims_as_of(frame, rule={"about": (0.8, 1.2, False)})["people"].iloc[0]
    # about 1,000 at ±20% -> [800, 1,200]
    assert (people.low, people.high) == (approx(800), approx(1200))


def test_claims_as_of_does_not_modify_its_input():
    frame = claims({"date_reported": "2022-03-15"})
    before = frame.copy()
    claims_as_of(frame, "2022-03-31", sides=["russia"])
    pdt.assert_frame_equal(frame, before)


# ------------------------------------------------------------------ latest_claims

def test_latest_claim_of_a_series_wins():
    frame = claims({"people_low": 100, "date_reported": "2022-03-01"},
                   {"people_low": 500, "date_reported": "2022-06-01", "source_id": "S002"})
    latest = latest_claims(claims_as_of(frame))
    assert list(latest["claim_id"]) == ["H002"]
    assert latest["n_claims"].iloc[0] == 2 and latest["n_sources"].iloc[0] == 2


def test_same_day_tie_goes_to_better_credibility():
    frame = claims({"credibility": 4}, {"credibility": 2}, {"credibility": 5})
    assert list(latest_claims(claims_as_of(frame))["claim_id"]) == ["H002"]


def test_same_first_day_tie_goes_to_better_credibility_whatever_the_precision():
    # "March 2022" (first day 2022-03-01, grade 2) and "1 March 2022" (grade 4) start on the same
    # day; the docstring's rule ranks them by credibility, so the grade-2 claim wins.
    frame = claims({"date_reported": "2022-03-01", "date_precision": "month", "credibility": 2},
                   {"date_reported": "2022-03-01", "date_precision": "day", "credibility": 4})
    assert list(latest_claims(claims_as_of(frame))["claim_id"]) == ["H001"]


def test_month_dated_claim_ranks_before_a_later_day_in_that_month():
    # "March 2022" ranks by its first day, 2022-03-01, so "7 March 2022" is later
    frame = claims({"date_reported": "2022-03-07"},
                   {"date_reported": "2022-03-01", "date_precision": "month"})
    assert list(latest_claims(claims_as_of(frame))["claim_id"]) == ["H001"]


def test_one_row_per_series():
    frame = claims({"stage": "signed_up"}, {"stage": "arrived"}, {"origin": "Nepal"},
                   {"stage": "signed_up", "date_reported": "2022-03-20"})
    latest = latest_claims(claims_as_of(frame))
    # series: Syria signed_up (H001, later H004), Syria arrived (H002), Nepal signed_up (H003)
    assert ids(latest) == ["H002", "H003", "H004"]


def test_parts_are_left_out_of_series():
    frame = claims({"qualifier": "more_than", "people_low": 40000},
                   {"qualifier": "about", "people_low": 22000, "part_of": "H001"},
                   {"qualifier": "about", "people_low": 18000, "part_of": "H001"})
    latest = latest_claims(claims_as_of(frame))
    assert list(latest["claim_id"]) == ["H001"]
    assert latest["n_claims"].iloc[0] == 1
    assert ids(parts_of(frame, "H001")) == ["H002", "H003"]


def test_single_claim_is_single_source():
    latest = latest_claims(claims_as_of(claims({})))
    assert flag(latest["single_source"].iloc[0]) is True


def test_overlapping_claim_from_another_source_corroborates():
    # about 1,000 = [900, 1,100] overlaps exactly 1,050
    frame = claims({"qualifier": "about", "people_low": 1000, "date_reported": "2022-03-01"},
                   {"people_low": 1050, "source_id": "S002", "date_reported": "2022-03-10"})
    assert flag(latest_claims(claims_as_of(frame))["single_source"].iloc[0]) is False


def test_non_overlapping_claim_from_another_source_does_not_corroborate():
    # [900, 1,100] and [5,000, 5,000] do not overlap
    frame = claims({"qualifier": "about", "people_low": 1000, "date_reported": "2022-03-01"},
                   {"people_low": 5000, "source_id": "S002", "date_reported": "2022-03-10"})
    assert flag(latest_claims(claims_as_of(frame))["single_source"].iloc[0]) is True


def test_same_source_does_not_corroborate_itself():
    frame = claims({"people_low": 1000, "date_reported": "2022-03-01"},
                   {"people_low": 1000, "date_reported": "2022-03-10"})
    assert flag(latest_claims(claims_as_of(frame))["single_source"].iloc[0]) is True


def test_latest_claims_of_nothing_is_empty():
    latest = latest_claims(claims_as_of(claims({"date_reported": "2022-03-15"}), "2022-01-01"))
    assert latest.empty and "single_source" in latest.columns


# ------------------------------------------------------------------ headcount_table

def table_of(*rows: dict) -> pd.DataFrame:
    return headcount_table(latest_claims(claims_as_of(claims(*rows))))


def test_all_origins_total_is_used_and_countries_reported_beside_it():
    table = table_of({"origin": "all", "origin_scope": "all", "qualifier": "more_than", "people_low": 20000,
                      "origin_note": "from 52 countries", "stage": "applied"},
                     {"origin": "Canada", "qualifier": "up_to", "people_low": 550, "stage": "applied"},
                     {"origin": "Japan", "people_low": 70, "stage": "applied"})
    row = table.iloc[0]
    assert len(table) == 1
    assert bounds(row["figure"]) == (20000, 20000, True)  # never 20,000 + 550 + 70
    assert row["claim_ids"] == ["H001"]
    assert row["basis"] == "total claimed for all origins (from 52 countries)"
    # per-country sum: [0, 550] + [70, 70] = [70, 620]
    assert bounds(row["named_origins"]) == (70, 620, False)
    assert flag(row["parts_exceed_total"]) is False


def test_without_a_total_the_countries_are_summed():
    table = table_of({"origin": "Canada", "qualifier": "up_to", "people_low": 550},
                     {"origin": "Japan", "people_low": 70})
    row = table.iloc[0]
    # [0, 550] + [70, 70] = [70, 620]
    assert bounds(row["figure"]) == (70, 620, False)
    assert row["basis"] == "sum of 2 origins"
    assert sorted(row["claim_ids"]) == ["H001", "H002"]
    assert row["named_origins"] is None


def test_one_country_basis_names_it():
    row = table_of({"origin": "Japan", "people_low": 70}).iloc[0]
    assert row["basis"] == "sum of Japan"


def test_all_origins_preferred_over_a_region():
    table = table_of({"origin": "Middle East", "origin_scope": "region", "people_low": 16000},
                     {"origin": "all", "origin_scope": "all", "people_low": 20000})
    assert table.iloc[0]["claim_ids"] == ["H002"]


def test_region_used_when_there_is_no_all_origins_total():
    table = table_of({"origin": "Middle East", "origin_scope": "region", "people_low": 16000},
                     {"origin": "Syria", "people_low": 200})
    row = table.iloc[0]
    assert row["claim_ids"] == ["H001"] and row["basis"] == "total claimed for Middle East"
    assert bounds(row["figure"]) == (16000, 16000, False)


def test_total_and_its_parts_are_never_summed():
    table = table_of({"qualifier": "more_than", "people_low": 40000},
                     {"qualifier": "about", "people_low": 22000, "part_of": "H001"},
                     {"qualifier": "about", "people_low": 18000, "part_of": "H001"})
    # 40,000+ alone; 40,000 + 22,000 + 18,000 = 80,000 would double count
    assert bounds(table.iloc[0]["figure"]) == (40000, 40000, True)


def test_parts_exceed_a_closed_total():
    table = table_of({"origin": "all", "origin_scope": "all", "people_low": 1000},
                     {"origin": "Poland", "people_low": 1717})
    # countries' low 1,717 > total's upper bound 1,000
    assert flag(table.iloc[0]["parts_exceed_total"]) is True


def test_parts_never_exceed_an_open_total():
    table = table_of({"origin": "all", "origin_scope": "all", "qualifier": "more_than", "people_low": 1000},
                     {"origin": "Poland", "people_low": 1717})
    # 1,000+ has no upper bound
    assert flag(table.iloc[0]["parts_exceed_total"]) is False


def test_table_single_source_comes_from_the_claims_used():
    table = table_of({"origin": "all", "origin_scope": "all", "people_low": 1000, "date_reported": "2022-03-01"},
                     {"origin": "all", "origin_scope": "all", "people_low": 1000, "source_id": "S002"},
                     {"origin": "Poland", "people_low": 10})
    # the total is corroborated by S002; the single-source Poland figure is not used
    assert flag(table.iloc[0]["single_source"]) is False


def test_one_row_per_side_category_stage():
    table = table_of({"stage": "signed_up"}, {"stage": "arrived"}, {"side": "ukraine", "category": "volunteer"})
    assert [tuple(r) for r in table[["side", "category", "stage"]].astype(str).values] == [
        ("russia", "paid", "signed_up"), ("russia", "paid", "arrived"), ("ukraine", "volunteer", "signed_up")]


# ------------------------------------------------------------------ signup_arrival_gap

def gap_of(*rows: dict) -> pd.DataFrame:
    return signup_arrival_gap(latest_claims(claims_as_of(claims(*rows))))


def test_gap_and_share_with_intervals():
    gaps = gap_of({"qualifier": "about", "people_low": 50000},
                  {"qualifier": "about", "people_low": 2000, "stage": "arrived"})
    row = gaps.iloc[0]
    # signed [45,000, 55,000], arrived [1,800, 2,200]:
    # gap = [45,000 - 2,200, 55,000 - 1,800] = [42,800, 53,200]
    assert (row["gap"].low, row["gap"].high) == (approx(42800), approx(53200))
    # share = [1,800 / 55,000, 2,200 / 45,000] = [0.0327..., 0.0488...]
    assert (row["arrived_share"].low, row["arrived_share"].high) == (approx(1800 / 55000), approx(2200 / 45000))
    assert not row["arrived_share"].open_above
    assert (row["signed_up_stated"], row["arrived_stated"]) == ("about 50,000", "about 2,000")
    assert (row["signed_up_claim"], row["arrived_claim"]) == ("H001", "H002")


def test_gap_without_arrivals_is_everyone_signed_up():
    row = gap_of({"qualifier": "more_than", "people_low": 40000}).iloc[0]
    assert bounds(row["gap"]) == (40000, 40000, True)
    assert row["arrived"] is None and row["arrived_share"] is None


def test_zero_arrived_gives_a_zero_share():
    row = gap_of({"qualifier": "more_than", "people_low": 40000},
                 {"people_low": 0, "stage": "arrived"}).iloc[0]
    # share = [0 / inf, 0 / 40,000] = [0, 0]; gap = [40,000 - 0, 40,000 - 0]+
    assert bounds(row["arrived_share"]) == (0, 0, False)
    assert bounds(row["gap"]) == (40000, 40000, True)


def test_gap_never_below_zero():
    row = gap_of({"people_low": 100}, {"people_low": 300, "stage": "arrived"}).iloc[0]
    # 100 - 300 < 0 -> 0; share capped at 1: min(1, 300 / 100) = 1
    assert bounds(row["gap"]) == (0, 0, False)
    assert bounds(row["arrived_share"]) == (1, 1, False)


def test_open_arrivals_leave_the_share_open():
    row = gap_of({"qualifier": "about", "people_low": 50000},
                 {"qualifier": "more_than", "people_low": 2000, "stage": "arrived"}).iloc[0]
    # arrived [2,000, open): gap = [max(0, 45,000 - inf), 55,000 - 2,000] = [0, 53,000];
    # share = [2,000 / 55,000, 2,000 / 45,000] and open above, since more may have arrived
    assert bounds(row["gap"]) == (0, approx(53000), False)
    assert row["arrived_share"].open_above
    assert row["arrived_share"].high == approx(2000 / 45000)


def test_signed_up_that_may_be_zero_has_no_share():
    row = gap_of({"qualifier": "up_to", "people_low": 500}, {"people_low": 10, "stage": "arrived"}).iloc[0]
    assert row["arrived_share"] is None


def test_origins_without_sign_ups_have_no_gap_row():
    gaps = gap_of({"origin": "Syria"}, {"origin": "Nepal", "stage": "arrived"})
    assert list(gaps["origin"]) == ["Syria"]


# ------------------------------------------------------------------ contradictions

def contradictions_of(*rows: dict, **options) -> pd.DataFrame:
    return contradictions(claims_as_of(claims(*rows)), **options)


def test_different_claimants_close_in_time_not_overlapping_contradict():
    found = contradictions_of({"qualifier": "about", "people_low": 300, "claimant": "A", "date_reported": "2022-04-01"},
                              {"qualifier": "about", "people_low": 2000, "claimant": "B",
                               "date_reported": "2022-04-20"})
    # [270, 330] and [1,800, 2,200] do not overlap; 19 days apart
    assert list(found[["claim_a", "claim_b", "stated_a", "stated_b"]].iloc[0]) == [
        "H001", "H002", "about 300", "about 2,000"]
    assert list(found[["claimant_a", "claimant_b"]].iloc[0]) == ["A", "B"]


def test_same_claimant_does_not_contradict_itself():
    assert contradictions_of({"people_low": 300}, {"people_low": 2000, "date_reported": "2022-03-20"}).empty


def test_overlapping_claims_do_not_contradict():
    # about 1,000 = [900, 1,100] overlaps exactly 1,050
    assert contradictions_of({"qualifier": "about", "people_low": 1000, "claimant": "A"},
                             {"people_low": 1050, "claimant": "B"}).empty


def test_claims_exactly_the_window_apart_contradict():
    # 2022-03-01 + 31 days = 2022-04-01
    found = contradictions_of({"people_low": 300, "claimant": "A", "date_reported": "2022-03-01"},
                              {"people_low": 2000, "claimant": "B", "date_reported": "2022-04-01"})
    assert len(found) == 1


def test_claims_beyond_the_window_do_not_contradict():
    # 2022-03-01 to 2022-04-02 is 32 days
    assert contradictions_of({"people_low": 300, "claimant": "A", "date_reported": "2022-03-01"},
                             {"people_low": 2000, "claimant": "B", "date_reported": "2022-04-02"}).empty


def test_window_is_a_parameter():
    assert len(contradictions_of({"people_low": 300, "claimant": "A", "date_reported": "2022-03-01"},
                                 {"people_low": 2000, "claimant": "B", "date_reported": "2022-06-01"},
                                 window_days=100)) == 1


def test_different_series_do_not_contradict():
    assert contradictions_of({"people_low": 300, "claimant": "A"},
                             {"people_low": 2000, "claimant": "B", "stage": "arrived"}).empty


def test_part_and_its_total_do_not_contradict():
    assert contradictions_of({"qualifier": "more_than", "people_low": 40000, "claimant": "A"},
                             {"people_low": 22000, "claimant": "B", "part_of": "H001"}).empty


def test_sibling_parts_do_not_contradict():
    # approved 22,000 and awaiting vetting 18,000: two pieces of one total, not rival estimates
    assert contradictions_of({"qualifier": "more_than", "people_low": 40000, "claimant": "A"},
                             {"people_low": 22000, "claimant": "B", "part_of": "H001"},
                             {"people_low": 18000, "claimant": "C", "part_of": "H001"}).empty


def test_part_does_not_contradict_another_claimants_total():
    # 22,000 of SOHR's 40,000+ is a piece, so another source's 45,000 does not contradict it
    assert contradictions_of({"qualifier": "more_than", "people_low": 40000, "claimant": "A"},
                             {"people_low": 22000, "claimant": "A", "part_of": "H001"},
                             {"people_low": 45000, "claimant": "B"}).empty


# ------------------------------------------------------------------ the real data answer the brief

def test_real_as_of_view_holds_nothing_reported_later(real_data):
    view = claims_as_of(real_data.headcount_claims, "2022-03-31")
    assert (view["known_from"] <= pd.Timestamp("2022-03-31")).all()
    # H034 (1 April 2022) and H035 (April 2022) were not yet reported
    assert not {"H034", "H035"} & set(view["claim_id"])
    # H006 ("March 2022", 2022-03-01 month) counts as known on 31 March
    assert "H006" in set(view["claim_id"])


def test_real_syrian_parts_are_never_added_to_the_40000(real_data):
    latest = latest_claims(claims_as_of(real_data.headcount_claims, "2022-03-31"))
    table = headcount_table(latest)
    cell = table[(table["side"] == "russia") & (table["category"] == "paid") & (table["stage"] == "signed_up")]
    row = cell.iloc[0]
    # SOHR's "more than 40,000" alone: [40,000, 40,000]+, not 40,000 + 22,000 + 18,000 = 80,000
    assert bounds(row["figure"]) == (40000, 40000, True)
    assert row["claim_ids"] == ["H001"]
    assert not {"H032", "H033"} & set(latest["claim_id"])
