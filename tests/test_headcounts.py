"""Tests for analysis.headcounts: as-of views, series, latest claims, stocks vs flows, totals vs parts,
sign-up/presence gaps, contradictions and trends. One test per rule branch, on hand-made claims."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from helpers import typed_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.headcounts import (
    CONTRADICTION_WINDOW_DAYS,
    GAP_WINDOW_DAYS,
    PRESENCE_STAGES,
    claim_status,
    claims_as_of,
    contradictions,
    count_key,
    flows,
    headcount_table,
    latest_claims,
    parts_of,
    signup_arrival_gap,
    trends,
)
from analysis.intervals import Interval

approx = pytest.approx

DEFAULTS = {"side": "russia", "origin": "Syria", "origin_scope": "country", "origin_note": None,
            "category": "paid", "stage": "signed_up", "stage_detail": "test", "count_type": "cumulative",
            "period_start": None, "period_end": None, "qualifier": "exactly",
            "people_low": 100, "people_high": None, "part_of": None, "claimant": "Claimant A",
            "claimant_id": "C001", "date_reported": "2022-03-15", "date_precision": "day", "credibility": 3,
            "credibility_reason": "test", "source_id": "S001", "note": None}
FLOW = {"count_type": "flow", "period_start": "2025-01-01", "period_end": "2025-06-30"}


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


def latest_of(*rows: dict) -> pd.DataFrame:
    return latest_claims(claims_as_of(claims(*rows)))


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


def test_origin_filter_drops_totals_and_regions_not_named():
    frame = claims({"origin": "Syria"},
                   {"origin": "all", "origin_scope": "all"},
                   {"origin": "Middle East", "origin_scope": "region"},
                   {"origin": "Nepal"})
    # A total over all origins is never about the origins asked for, even when 'all' is named.
    assert ids(claims_as_of(frame, origins=["Syria", "all"])) == ["H001"]
    # A region's total is kept only when the region itself is asked for (an Africa briefing).
    assert ids(claims_as_of(frame, origins=["Syria", "Middle East", "all"])) == ["H001", "H003"]


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


# ------------------------------------------------------------------ count_key: stocks and flows

def test_count_key_of_a_stock_is_its_type():
    assert (count_key("cumulative"), count_key("current")) == ("cumulative", "current")


def test_count_key_of_a_flow_carries_its_period():
    assert count_key("flow", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-30")) == "flow 2025-01-01..2025-06-30"


def test_claims_as_of_adds_the_count_key():
    view = claims_as_of(claims({}, {"count_type": "current"}, FLOW))
    assert list(view["count_key"]) == ["cumulative", "current", "flow 2025-01-01..2025-06-30"]


def test_a_stock_and_a_flow_are_different_series():
    latest = latest_of({"people_low": 40000}, {**FLOW, "people_low": 6162, "date_reported": "2025-07-01"})
    # the later flow does not supersede the stock: two series, each its own latest
    assert ids(latest) == ["H001", "H002"]


def test_flows_of_different_periods_are_different_series():
    latest = latest_of({**FLOW}, {"count_type": "flow", "period_start": "2025-07-01", "period_end": "2025-12-31",
                                  "date_reported": "2026-01-15"})
    assert ids(latest) == ["H001", "H002"]


def test_cumulative_and_current_are_different_series():
    latest = latest_of({"people_low": 1000}, {"count_type": "current", "people_low": 200,
                                              "date_reported": "2022-04-01"})
    assert ids(latest) == ["H001", "H002"]


# ------------------------------------------------------------------ latest_claims

def test_latest_known_claim_of_a_series_wins():
    frame = claims({"people_low": 100, "date_reported": "2022-03-01"},
                   {"people_low": 500, "date_reported": "2022-06-01", "claimant_id": "C002"})
    latest = latest_claims(claims_as_of(frame))
    assert list(latest["claim_id"]) == ["H002"]
    assert latest["n_claims"].iloc[0] == 2 and latest["n_sources"].iloc[0] == 2
    assert latest["set_aside"].iloc[0] == ["H001"]


def test_month_dated_claim_is_known_at_the_month_end_so_beats_an_earlier_day():
    # "March 2022" is known from 31 March, after "7 March 2022"
    latest = latest_of({"date_reported": "2022-03-07"}, {"date_reported": "2022-03-01", "date_precision": "month"})
    assert list(latest["claim_id"]) == ["H002"] and latest["set_aside"].iloc[0] == ["H001"]


def test_same_day_tie_goes_to_better_credibility():
    latest = latest_of({"credibility": 4}, {"credibility": 2}, {"credibility": 5})
    # all known 2022-03-15; grade 2 is the best (lowest number)
    assert list(latest["claim_id"]) == ["H002"]


def test_same_day_same_grade_tie_goes_to_the_more_precise_date():
    # "March 2022" (month) and "31 March 2022" (day) are both known from 31 March, both grade 3
    latest = latest_of({"date_reported": "2022-03-31", "date_precision": "day"},
                       {"date_reported": "2022-03-01", "date_precision": "month"})
    assert list(latest["claim_id"]) == ["H001"]


def test_credibility_beats_precision_in_a_tie():
    # both known 31 March; the month-dated claim has grade 2, the day-dated grade 4: grade first
    latest = latest_of({"date_reported": "2022-03-31", "credibility": 4},
                       {"date_reported": "2022-03-01", "date_precision": "month", "credibility": 2})
    assert list(latest["claim_id"]) == ["H002"]


def test_full_tie_goes_to_the_higher_claim_id():
    latest = latest_of({"people_low": 100}, {"people_low": 200})
    assert list(latest["claim_id"]) == ["H002"]


def test_one_row_per_series():
    latest = latest_of({"stage": "signed_up"}, {"stage": "arrived"}, {"origin": "Nepal"},
                       {"stage": "signed_up", "date_reported": "2022-03-20"})
    # series: Syria signed_up (H001, later H004), Syria arrived (H002), Nepal signed_up (H003)
    assert ids(latest) == ["H002", "H003", "H004"]


def test_parts_are_left_out_of_series():
    frame = claims({"qualifier": "more_than", "people_low": 40000},
                   {"qualifier": "about", "people_low": 22000, "part_of": "H001"},
                   {"qualifier": "about", "people_low": 18000, "part_of": "H001"})
    latest = latest_claims(claims_as_of(frame))
    assert list(latest["claim_id"]) == ["H001"]
    assert latest["n_claims"].iloc[0] == 1 and latest["set_aside"].iloc[0] == []
    assert ids(parts_of(frame, "H001")) == ["H002", "H003"]


def test_a_part_whose_total_is_out_of_view_stands_alone():
    # H001 is known only from 2022-04-01; on 2022-03-20 its part H002 is the series' only claim
    frame = claims({"people_low": 40000, "date_reported": "2022-04-01"},
                   {"people_low": 22000, "part_of": "H001", "date_reported": "2022-03-15"})
    assert ids(latest_claims(claims_as_of(frame, "2022-03-20"))) == ["H002"]


def test_single_claim_is_single_source():
    latest = latest_of({})
    assert flag(latest["single_source"].iloc[0]) is True
    assert latest["corroborated_by"].iloc[0] == [] and latest["n_sources"].iloc[0] == 1


def test_overlapping_claim_from_another_claimant_corroborates():
    # about 1,000 = [900, 1,100] overlaps exactly 1,050
    latest = latest_of({"qualifier": "about", "people_low": 1000, "date_reported": "2022-03-01"},
                       {"people_low": 1050, "claimant_id": "C002", "date_reported": "2022-03-10"})
    row = latest.iloc[0]
    assert row["claim_id"] == "H002" and row["corroborated_by"] == ["H001"]
    assert flag(row["single_source"]) is False


def test_non_overlapping_claim_from_another_claimant_does_not_corroborate():
    # [900, 1,100] and [5,000, 5,000] do not overlap
    latest = latest_of({"qualifier": "about", "people_low": 1000, "date_reported": "2022-03-01"},
                       {"people_low": 5000, "claimant_id": "C002", "date_reported": "2022-03-10"})
    assert latest["corroborated_by"].iloc[0] == [] and flag(latest["single_source"].iloc[0]) is True
    assert latest["n_sources"].iloc[0] == 2


def test_a_relay_of_the_same_claimant_is_not_independent():
    # one claimant (C001) read in two outlets (S001, S002) under two names: one source
    latest = latest_of({"people_low": 1000, "claimant": "SOHR", "source_id": "S001", "date_reported": "2022-03-01"},
                       {"people_low": 1000, "claimant": "SOHR (via NHK)", "source_id": "S002",
                        "date_reported": "2022-03-10"})
    row = latest.iloc[0]
    assert row["n_sources"] == 1 and row["corroborated_by"] == []
    assert flag(row["single_source"]) is True


def test_latest_claims_of_nothing_is_empty():
    latest = latest_claims(claims_as_of(claims({"date_reported": "2022-03-15"}), "2022-01-01"))
    assert latest.empty and {"single_source", "corroborated_by", "set_aside"} <= set(latest.columns)


# ------------------------------------------------------------------ claim_status

def test_claim_status_names_latest_part_and_superseded():
    frame = claims({"people_low": 40000, "date_reported": "2022-03-01"},
                   {"people_low": 22000, "part_of": "H003"},
                   {"people_low": 45000, "date_reported": "2022-03-20"})
    view = claims_as_of(frame)
    status = claim_status(view, latest_claims(view))
    # H001 is superseded by the later H003; H002 breaks H003 down
    assert status.to_dict() == {2: "superseded by H003", 3: "part of H003", 4: "latest in its series"}


def test_claim_status_of_a_series_missing_from_latest():
    view = claims_as_of(claims({"stage": "arrived"}))
    latest = latest_claims(claims_as_of(claims({"stage": "signed_up"})))
    assert claim_status(view, latest).to_dict() == {2: "not in view"}


# ------------------------------------------------------------------ headcount_table

def table_of(*rows: dict) -> pd.DataFrame:
    return headcount_table(latest_of(*rows))


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
    row = table_of({"origin": "Canada", "qualifier": "up_to", "people_low": 550},
                   {"origin": "Japan", "people_low": 70}).iloc[0]
    # [0, 550] + [70, 70] = [70, 620]
    assert bounds(row["figure"]) == (70, 620, False)
    assert row["basis"] == "sum of 2 origins"
    assert sorted(row["claim_ids"]) == ["H001", "H002"]
    assert row["named_origins"] is None


def test_one_country_basis_names_it():
    row = table_of({"origin": "Japan", "people_low": 70}).iloc[0]
    assert row["basis"] == "Japan" and bounds(row["figure"]) == (70, 70, False)


def test_all_origins_preferred_over_a_region():
    table = table_of({"origin": "Middle East", "origin_scope": "region", "people_low": 16000},
                     {"origin": "all", "origin_scope": "all", "people_low": 20000})
    assert table.iloc[0]["claim_ids"] == ["H002"]


def test_region_used_when_there_is_no_all_origins_total():
    row = table_of({"origin": "Middle East", "origin_scope": "region", "people_low": 16000},
                   {"origin": "Syria", "people_low": 200}).iloc[0]
    assert row["claim_ids"] == ["H001"] and row["basis"] == "total claimed for Middle East"
    assert bounds(row["figure"]) == (16000, 16000, False)
    assert bounds(row["named_origins"]) == (200, 200, False)


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
                     {"origin": "all", "origin_scope": "all", "people_low": 1000, "claimant_id": "C002"},
                     {"origin": "Poland", "people_low": 10})
    # the total H002 is corroborated by another claimant's H001; the single-source Poland figure is not used
    assert table.iloc[0]["claim_ids"] == ["H002"]
    assert flag(table.iloc[0]["single_source"]) is False


def test_one_row_per_side_category_stage_count_type():
    table = table_of({"stage": "signed_up"}, {"stage": "arrived"}, {"side": "ukraine", "category": "volunteer"},
                     {"stage": "arrived", "count_type": "current", "people_low": 40})
    assert [tuple(r) for r in table[["side", "category", "stage", "count_type"]].astype(str).values] == [
        ("russia", "paid", "signed_up", "cumulative"), ("russia", "paid", "arrived", "cumulative"),
        ("russia", "paid", "arrived", "current"), ("ukraine", "volunteer", "signed_up", "cumulative")]
    # the current count (40) is its own cell, never added to the cumulative 100
    current = table[table["count_type"] == "current"].iloc[0]
    assert bounds(current["figure"]) == (40, 40, False)


def test_flows_are_left_out_of_the_table():
    table = table_of({"origin": "all", "origin_scope": "all", **FLOW, "people_low": 6162,
                      "date_reported": "2025-07-01"},
                     {"origin": "Nepal", "people_low": 200})
    # only the Nepal stock: the 6,162 flow is neither the all-origins total nor added to it
    assert len(table) == 1 and table.iloc[0]["claim_ids"] == ["H002"]
    assert bounds(table.iloc[0]["figure"]) == (200, 200, False) and table.iloc[0]["named_origins"] is None


# ------------------------------------------------------------------ flows

def test_flows_lists_only_flows_earliest_period_first():
    found = flows(latest_of({"people_low": 40000},
                            {**FLOW, "people_low": 6162, "date_reported": "2025-07-01"},
                            {"count_type": "flow", "period_start": "2024-01-01", "period_end": "2024-12-31",
                             "people_low": 900, "date_reported": "2025-01-15"}))
    # H003's 2024 period starts before H002's 2025 period; the H001 stock is not a flow
    assert list(found["claim_id"]) == ["H003", "H002"]
    assert list(found["count_key"]) == ["flow 2024-01-01..2024-12-31", "flow 2025-01-01..2025-06-30"]


def test_no_flows_is_empty():
    assert flows(latest_of({})).empty


# ------------------------------------------------------------------ signup_arrival_gap

def gap_of(*rows: dict) -> pd.DataFrame:
    return signup_arrival_gap(latest_of(*rows))


def test_gap_and_share_on_the_stated_figures():
    row = gap_of({"qualifier": "about", "people_low": 50000},
                 {"qualifier": "about", "people_low": 2000, "stage": "arrived"}).iloc[0]
    # On the figures as stated (method rule 6): gap = 50,000 - 2,000 = 48,000, "about" carried over;
    # never [45,000 - 2,200, 55,000 - 1,800] = [42,800, 53,200], whose top runs past the 50,000.
    assert row["status"] == "gap" and row["approximate"] is True
    assert (row["gap"].low, row["gap"].high) == (approx(48000), approx(48000))
    # share = 2,000 / 50,000 = 0.04
    assert (row["present_share"].low, row["present_share"].high) == (approx(0.04), approx(0.04))
    assert (row["signed_up_stated"], row["present_stated"], row["present_stage"]) == (
        "about 50,000", "about 2,000", "arrived")
    assert (row["signed_up_claim"], row["present_claim"]) == ("H001", "H002")


def test_a_derived_gap_never_runs_past_the_figure_it_comes_from():
    row = gap_of({"qualifier": "range", "people_low": 1000, "people_high": 3000},
                 {"qualifier": "nearly", "people_low": 500, "stage": "arrived"}).iloc[0]
    # signed 1,000–3,000 as stated; arrived "nearly 500" stated as 500: gap = [1,000 - 500, 3,000 - 500]
    assert bounds(row["gap"]) == (500, 2500, False) and row["gap"].high <= 3000 and row["approximate"] is True


def test_no_presence_claim_is_not_zero_presence():
    row = gap_of({"qualifier": "more_than", "people_low": 40000}).iloc[0]
    # nothing reported about arrival: no gap is computed (never 40,000+ "unaccounted for")
    assert row["status"] == "no presence reported"
    assert row["gap"] is None and row["present"] is None and row["present_share"] is None
    assert row["other_presence_claim"] is None


def test_applied_is_not_evidence_of_presence():
    row = gap_of({"people_low": 500}, {"people_low": 900, "stage": "applied"}).iloc[0]
    assert row["status"] == "no presence reported" and row["gap"] is None


def test_zero_reported_arrived_is_a_figure():
    row = gap_of({"qualifier": "more_than", "people_low": 40000},
                 {"people_low": 0, "stage": "arrived"}).iloc[0]
    # gap = [40,000 - 0, 40,000 - 0], open above with the sign-ups; share = [0 / inf, 0 / 40,000] = [0, 0]
    assert row["status"] == "gap"
    assert bounds(row["gap"]) == (40000, 40000, True)
    assert bounds(row["present_share"]) == (0, 0, False)


@pytest.mark.parametrize("stage", ["deployed", "killed", "left"])
def test_every_presence_stage_counts_against_the_gap(stage):
    row = gap_of({"people_low": 1000}, {"people_low": 85, "stage": stage}).iloc[0]
    # 1,000 - 85 = 915 not reported present
    assert (row["status"], row["present_stage"]) == ("gap", stage)
    assert bounds(row["gap"]) == (915, 915, False)


def test_largest_presence_figure_is_used():
    row = gap_of({"people_low": 1000}, {"people_low": 100, "stage": "arrived"},
                 {"people_low": 300, "stage": "deployed"}, {"people_low": 50, "stage": "killed"}).iloc[0]
    # lows 100, 300, 50: deployed 300 is the largest; gap = 1,000 - 300 = 700
    assert (row["present_claim"], row["present_stage"]) == ("H003", "deployed")
    assert bounds(row["gap"]) == (700, 700, False)


def test_presence_within_the_window_counts():
    # 2022-03-15 + 92 days = 2022-06-15 (31 + 30 + 31 days): exactly the window
    row = gap_of({"people_low": 1000}, {"people_low": 100, "stage": "arrived", "date_reported": "2022-06-15"}).iloc[0]
    assert row["status"] == "gap" and bounds(row["gap"]) == (900, 900, False)


def test_presence_outside_the_window_is_at_another_time():
    # 2022-03-15 to 2022-06-16 is 93 days > 92
    row = gap_of({"people_low": 1000}, {"people_low": 100, "stage": "arrived", "date_reported": "2022-06-16"}).iloc[0]
    assert row["status"] == "presence reported at another time"
    assert row["gap"] is None and row["present"] is None
    assert row["other_presence_claim"] == "H002"


def test_gap_window_is_a_parameter():
    latest = latest_of({"people_low": 1000}, {"people_low": 100, "stage": "arrived", "date_reported": "2022-03-25"})
    # 10 days apart: inside a 10-day window, outside a 9-day one
    assert signup_arrival_gap(latest, window_days=10).iloc[0]["status"] == "gap"
    assert signup_arrival_gap(latest, window_days=9).iloc[0]["status"] == "presence reported at another time"


def test_presence_exceeding_sign_ups():
    row = gap_of({"people_low": 100}, {"people_low": 300, "stage": "arrived"}).iloc[0]
    # present low 300 > signed-up upper 100: no gap, no share
    assert row["status"] == "presence exceeds sign-ups"
    assert row["gap"] is None and row["present_share"] is None
    assert bounds(row["present"]) == (300, 300, False)


def test_presence_equal_to_sign_ups_is_a_zero_gap():
    row = gap_of({"people_low": 300}, {"people_low": 300, "stage": "arrived"}).iloc[0]
    # 300 - 300 = 0; share = [300 / 300, 300 / 300] = [1, 1]
    assert row["status"] == "gap"
    assert bounds(row["gap"]) == (0, 0, False) and bounds(row["present_share"]) == (1, 1, False)


def test_open_presence_leaves_the_share_up_to_everyone():
    row = gap_of({"qualifier": "about", "people_low": 50000},
                 {"qualifier": "more_than", "people_low": 2000, "stage": "arrived"}).iloc[0]
    # stated: signed 50,000, arrived [2,000, inf): gap = [max(0, 50,000 - inf), 50,000 - 2,000] = [0, 48,000];
    # share = [2,000 / 50,000, min(1, inf / 50,000)] = [0.04, 1]
    assert bounds(row["gap"]) == (0, approx(48000), False)
    assert (row["present_share"].low, row["present_share"].high) == (approx(0.04), 1)


def test_signed_up_that_may_be_zero_has_no_share():
    row = gap_of({"qualifier": "up_to", "people_low": 500}, {"people_low": 10, "stage": "arrived"}).iloc[0]
    # signed [0, 500]; gap = [max(0, 0 - 10), 500 - 10] = [0, 490]; no share (division by a possible 0)
    assert row["present_share"] is None and bounds(row["gap"]) == (0, 490, False)


def test_a_presence_flow_is_not_compared_with_a_stock():
    row = gap_of({"people_low": 1000}, {**FLOW, "stage": "arrived", "people_low": 400,
                                        "date_reported": "2022-03-15"}).iloc[0]
    assert row["status"] == "no presence reported" and row["gap"] is None


def test_a_signed_up_flow_has_no_gap_row():
    assert gap_of({**FLOW, "people_low": 6162}, {"stage": "arrived", "people_low": 10}).empty


def test_origins_without_sign_ups_have_no_gap_row():
    gaps = gap_of({"origin": "Syria"}, {"origin": "Nepal", "stage": "arrived"})
    assert list(gaps["origin"]) == ["Syria"]


def test_presence_of_another_category_does_not_count():
    row = gap_of({"category": "paid"}, {"category": "contract", "stage": "arrived"}).iloc[0]
    assert row["status"] == "no presence reported"


# ------------------------------------------------------------------ contradictions

def contradictions_of(*rows: dict, **options) -> pd.DataFrame:
    return contradictions(claims_as_of(claims(*rows)), **options)


def test_default_contradiction_window_is_a_week():
    assert CONTRADICTION_WINDOW_DAYS == 7 and GAP_WINDOW_DAYS == 92


def test_different_claimants_same_time_not_overlapping_contradict():
    found = contradictions_of({"qualifier": "about", "people_low": 300, "claimant": "A", "claimant_id": "C001",
                               "date_reported": "2022-04-01"},
                              {"qualifier": "about", "people_low": 2000, "claimant": "B", "claimant_id": "C002",
                               "date_reported": "2022-04-05"})
    # [270, 330] and [1,800, 2,200] do not overlap; 4 days apart
    assert len(found) == 1
    assert list(found[["claim_a", "claim_b", "stated_a", "stated_b"]].iloc[0]) == [
        "H001", "H002", "about 300", "about 2,000"]
    assert list(found[["claimant_a", "claimant_b"]].iloc[0]) == ["A", "B"]


def test_same_claimant_does_not_contradict_itself_under_another_name():
    # "SOHR" and "SOHR (Rami Abdel Rahman)" are one claimant, C001
    assert contradictions_of({"people_low": 300, "claimant": "SOHR"},
                             {"people_low": 2000, "claimant": "SOHR (Rami Abdel Rahman)",
                              "date_reported": "2022-03-16"}).empty


def test_overlapping_claims_do_not_contradict():
    # about 1,000 = [900, 1,100] overlaps exactly 1,050
    assert contradictions_of({"qualifier": "about", "people_low": 1000},
                             {"people_low": 1050, "claimant_id": "C002"}).empty


def test_claims_exactly_the_window_apart_contradict():
    # 2022-03-01 + 7 days = 2022-03-08
    found = contradictions_of({"people_low": 300, "date_reported": "2022-03-01"},
                              {"people_low": 2000, "claimant_id": "C002", "date_reported": "2022-03-08"})
    assert list(found["claim_a"]) == ["H001"] and list(found["claim_b"]) == ["H002"]


def test_change_over_more_than_the_window_is_not_a_contradiction():
    # "0 arrived (15 Mar) vs about 300 (1 Apr)": 17 days apart, > 7
    assert contradictions_of({"stage": "arrived", "people_low": 0, "date_reported": "2022-03-15"},
                             {"stage": "arrived", "qualifier": "about", "people_low": 300, "claimant_id": "C002",
                              "date_reported": "2022-04-01"}).empty


def test_contradiction_window_is_a_parameter():
    rows = ({"people_low": 300, "date_reported": "2022-03-01"},
            {"people_low": 2000, "claimant_id": "C002", "date_reported": "2022-06-01"})
    # 92 days apart: a contradiction within 100 days, not within 91
    assert len(contradictions_of(*rows, window_days=100)) == 1
    assert contradictions_of(*rows, window_days=91).empty


def test_different_series_do_not_contradict():
    assert contradictions_of({"people_low": 300},
                             {"people_low": 2000, "claimant_id": "C002", "stage": "arrived"}).empty


def test_a_stock_and_a_flow_do_not_contradict():
    assert contradictions_of({"people_low": 300},
                             {**FLOW, "people_low": 2000, "claimant_id": "C002"}).empty


def test_part_and_its_total_do_not_contradict():
    assert contradictions_of({"qualifier": "more_than", "people_low": 40000},
                             {"people_low": 22000, "claimant_id": "C002", "part_of": "H001"}).empty


def test_sibling_parts_do_not_contradict():
    # approved 22,000 and awaiting vetting 18,000: two pieces of one total, not rival estimates
    assert contradictions_of({"qualifier": "more_than", "people_low": 40000},
                             {"people_low": 22000, "claimant_id": "C002", "part_of": "H001"},
                             {"people_low": 18000, "claimant_id": "C003", "part_of": "H001"}).empty


def test_part_does_not_contradict_another_claimants_total():
    # 22,000 of SOHR's 40,000+ is a piece, so another claimant's 45,000 does not contradict it
    assert contradictions_of({"qualifier": "more_than", "people_low": 40000},
                             {"people_low": 22000, "part_of": "H001"},
                             {"people_low": 45000, "claimant_id": "C002"}).empty


# ------------------------------------------------------------------ trends

def trends_of(*rows: dict) -> pd.DataFrame:
    return trends(claims_as_of(claims(*rows)))


def test_zero_then_about_300_is_a_trend_up():
    found = trends_of({"stage": "arrived", "people_low": 0, "date_reported": "2022-03-15"},
                      {"stage": "arrived", "qualifier": "about", "people_low": 300, "claimant_id": "C002",
                       "date_reported": "2022-04-01"})
    # [0, 0] then [270, 330]: 270 > 0, so up
    row = found.iloc[0]
    assert len(found) == 1
    assert (row["first_claim"], row["first_stated"], row["last_claim"], row["last_stated"]) == (
        "H001", "0", "H002", "about 300")
    assert (row["first_known"], row["last_known"]) == (pd.Timestamp("2022-03-15"), pd.Timestamp("2022-04-01"))
    assert (row["n_claims"], row["direction"]) == (2, "up")


def test_trend_down():
    found = trends_of({"people_low": 500, "date_reported": "2022-03-01"},
                      {"people_low": 200, "date_reported": "2022-06-01"})
    assert list(found["direction"]) == ["down"]


def test_trend_that_goes_up_then_down_is_mixed():
    found = trends_of({"people_low": 100, "date_reported": "2022-03-01"},
                      {"people_low": 500, "date_reported": "2022-04-01"},
                      {"people_low": 200, "date_reported": "2022-05-01"})
    # 100 -> 500 up, 500 -> 200 down
    assert list(found["direction"]) == ["mixed"] and list(found["n_claims"]) == [3]


def test_unchanged_steps_do_not_hide_a_direction():
    found = trends_of({"people_low": 100, "date_reported": "2022-03-01"},
                      {"people_low": 100, "date_reported": "2022-04-01"},
                      {"people_low": 500, "date_reported": "2022-05-01"})
    # 100 -> 100 same, 100 -> 500 up
    assert list(found["direction"]) == ["up"]


def test_overlapping_claims_are_no_trend():
    # about 1,000 = [900, 1,100] and 1,050 overlap
    assert trends_of({"qualifier": "about", "people_low": 1000, "date_reported": "2022-03-01"},
                     {"people_low": 1050, "date_reported": "2022-06-01"}).empty


def test_a_single_claim_is_no_trend():
    assert trends_of({}).empty


def test_parts_make_no_trend_with_their_total():
    assert trends_of({"qualifier": "more_than", "people_low": 40000},
                     {"people_low": 22000, "part_of": "H001", "date_reported": "2022-03-01"}).empty


# ------------------------------------------------------------------ properties (hypothesis)

_DAYS = pd.date_range("2022-03-01", "2022-06-30").strftime("%Y-%m-%d").tolist()
_CLAIM = st.fixed_dictionaries({
    "stage": st.sampled_from(["signed_up", "arrived", "deployed", "killed", "applied"]),
    "date_reported": st.sampled_from(_DAYS),
    "claimant_id": st.sampled_from(["C001", "C002", "C003"]),
    "people_low": st.integers(0, 5000),
    "qualifier": st.sampled_from(["exactly", "about", "more_than", "up_to"]),
    "credibility": st.integers(1, 6),
    "count_type": st.sampled_from(["cumulative", "current"]),
})
_FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(st.lists(_CLAIM, min_size=1, max_size=6), st.sampled_from(_DAYS))
def test_latest_claim_is_never_known_after_as_of(rows, as_of):
    latest = latest_claims(claims_as_of(claims(*rows), as_of))
    assert all(pd.Timestamp(k) <= pd.Timestamp(as_of) for k in latest["known_from"])


@_FAST
@given(st.lists(_CLAIM, min_size=1, max_size=6))
def test_latest_claim_is_known_last_in_its_series(rows):
    view = claims_as_of(claims(*rows))
    for _, row in latest_claims(view).iterrows():
        series = view[(view["stage"] == row["stage"]) & (view["count_key"] == row["count_key"])]
        assert row["known_from"] == series["known_from"].max()


@_FAST
@given(st.lists(_CLAIM.filter(lambda c: c["stage"] not in PRESENCE_STAGES), min_size=1, max_size=6))
def test_no_gap_is_computed_without_a_presence_claim(rows):
    gaps = signup_arrival_gap(latest_of(*rows))
    assert all(g is None for g in gaps["gap"])
    assert set(gaps["status"]) <= {"no presence reported"}


@_FAST
@given(st.lists(_CLAIM, min_size=1, max_size=6))
def test_a_gap_always_rests_on_a_presence_claim_within_the_window(rows):
    gaps = signup_arrival_gap(latest_of(*rows))
    for _, row in gaps[gaps["status"] == "gap"].iterrows():
        assert row["present_stage"] in PRESENCE_STAGES
        assert abs(pd.Timestamp(row["present_known"]) - pd.Timestamp(row["signed_up_known"])) <= pd.Timedelta(
            days=GAP_WINDOW_DAYS)
        assert row["gap"].high <= row["signed_up"].high


@_FAST
@given(st.lists(_CLAIM, min_size=2, max_size=6))
def test_contradictions_never_pair_one_claimant_and_stay_within_the_window(rows):
    view = claims_as_of(claims(*rows)).set_index("claim_id")
    for _, pair in contradictions(view.reset_index()).iterrows():
        a, b = view.loc[pair["claim_a"]], view.loc[pair["claim_b"]]
        assert a["claimant_id"] != b["claimant_id"]
        assert abs(b["known_from"] - a["known_from"]) <= pd.Timedelta(days=CONTRADICTION_WINDOW_DAYS)
        assert not a["people"].overlaps(b["people"])


# ------------------------------------------------------------------ the real data answer the brief

def test_real_as_of_view_holds_nothing_reported_later(real_data):
    view = claims_as_of(real_data.headcount_claims, "2022-03-31")
    assert (view["known_from"] <= pd.Timestamp("2022-03-31")).all()
    # H034 (1 April 2022) and H035 (April 2022) were not yet reported
    assert not {"H034", "H035"} & set(view["claim_id"])
    # H006 (1 March 2022) is in view on 31 March
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
