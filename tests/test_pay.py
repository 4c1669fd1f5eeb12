"""Tests for analysis.pay: the rate in force, USD conversion, offers, wage multiples, Art. 47, costs."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest
from helpers import typed_rows

from analysis.headcounts import claims_as_of
from analysis.intervals import Interval, format_interval, from_claim
from analysis.pay import (
    SUBSTANTIAL_EXCESS,
    army_pay_comparison,
    article47_reading,
    home_wage_multiples,
    latest_wage,
    offers_in_usd,
    rate_in_force,
    recruitment_cost,
    to_usd,
    wages_in_usd,
)

approx = pytest.approx


def bounds(interval: Interval) -> tuple:
    return (interval.low, interval.high, interval.open_above)


RATE_DEFAULTS = {"currency": "RUB", "kind": "market", "date": "2022-03-15", "in_force_until": None,
                 "qualifier": "exactly", "per_usd_high": None, "claimant": "test", "source_id": "S001", "note": None}
OFFER_DEFAULTS = {"recruiter": "test", "side": "russia", "origin": "Syria", "category": "paid", "theatre": "Ukraine",
                  "period": "month", "pay_detail": "test", "qualifier": "exactly", "amount_low_local": 100,
                  "amount_high_local": None, "currency": "USD", "contract_months": None, "benefits": None,
                  "claimant": "test", "date_reported": "2022-03-15", "date_precision": "day", "credibility": 3,
                  "credibility_reason": "test", "source_id": "S001", "note": None}
WAGE_DEFAULTS = {"country": "Syria", "year": 2022, "date_in_force": "2022-03-15", "measure": "soldier_pay",
                 "measure_detail": "test", "qualifier": "exactly", "monthly_high_local": None, "currency": "USD",
                 "claimant": "test", "date_reported": None, "date_precision": "day", "credibility": 3,
                 "credibility_reason": "test", "source_id": "S001", "note": None}


def rates(*rows: dict) -> pd.DataFrame:
    """An exchange_rates frame typed as load_data types it."""
    return typed_rows("exchange_rates", RATE_DEFAULTS, rows, id_column="rate_id", id_prefix="X",
                      same_as={"per_usd_high": "per_usd_low"})


def offers(*rows: dict) -> pd.DataFrame:
    """A pay_offers frame typed as load_data types it."""
    return typed_rows("pay_offers", OFFER_DEFAULTS, rows, id_column="offer_id", id_prefix="P",
                      same_as={"amount_high_local": "amount_low_local"})


def wages(*rows: dict) -> pd.DataFrame:
    """A reference_wages frame typed as load_data types it (reported the day it applied, unless given)."""
    return typed_rows("reference_wages", WAGE_DEFAULTS, rows, id_column="wage_id", id_prefix="W",
                      same_as={"monthly_high_local": "monthly_low_local", "date_reported": "date_in_force"})


def package(pay_offers=None, reference_wages=None, exchange_rates=None):
    """The parts of a DataPackage that pay.py reads."""
    return SimpleNamespace(pay_offers=offers() if pay_offers is None else pay_offers,
                           reference_wages=reference_wages, exchange_rates=rates() if exchange_rates is None
                           else exchange_rates)


# ------------------------------------------------------------------ rate_in_force

def test_prior_rate_within_the_gap():
    table = rates({"date": "2022-01-01", "per_usd_low": 100}, {"date": "2022-03-01", "per_usd_low": 120},
                  {"date": "2022-03-20", "per_usd_low": 140})
    rate = rate_in_force(table, "RUB", "2022-03-10", "market")
    # the latest on or before 10 March is 1 March (9 days old)
    assert (rate.rate_id, bounds(rate.per_usd), rate.kind) == ("X002", (120, 120, False), "market")
    assert rate.date == pd.Timestamp("2022-03-01")


def test_rate_dated_on_the_day_counts_as_prior():
    table = rates({"date": "2022-03-10", "per_usd_low": 100}, {"date": "2022-03-01", "per_usd_low": 120})
    assert rate_in_force(table, "RUB", "2022-03-10", "market").rate_id == "X001"


def test_falls_forward_to_a_later_rate_within_the_gap():
    # 2021-01-01 is 433 days before 2022-03-10 (too old); 2022-04-01 is 22 days after
    table = rates({"date": "2021-01-01", "per_usd_low": 100}, {"date": "2022-04-01", "per_usd_low": 120})
    assert rate_in_force(table, "RUB", "2022-03-10", "market").rate_id == "X002"


def test_prior_rate_at_exactly_the_gap_is_used():
    # 2022-03-10 - 92 days = 2021-12-08
    table = rates({"date": "2021-12-08", "per_usd_low": 100})
    assert rate_in_force(table, "RUB", "2022-03-10", "market").rate_id == "X001"


def test_none_when_nothing_within_the_gap():
    # 2021-12-07 is 93 days before; 2022-06-11 is 93 days after
    table = rates({"date": "2021-12-07", "per_usd_low": 100}, {"date": "2022-06-11", "per_usd_low": 120})
    assert rate_in_force(table, "RUB", "2022-03-10", "market") is None


def test_gap_is_a_parameter():
    table = rates({"date": "2022-03-01", "per_usd_low": 100})
    # 9 days old: within 10, beyond 5
    assert rate_in_force(table, "RUB", "2022-03-10", "market", max_gap_days=10).rate_id == "X001"
    assert rate_in_force(table, "RUB", "2022-03-10", "market", max_gap_days=5) is None


def test_pegged_rate_holds_until_its_end_beyond_the_gap():
    # fixed 29.25 from 2022-02-24 until 2022-07-20; 2022-07-01 is 127 days after it was set
    table = rates({"currency": "UAH", "kind": "official", "date": "2022-02-24", "in_force_until": "2022-07-20",
                   "per_usd_low": 29.25})
    rate = rate_in_force(table, "UAH", "2022-07-01", "official")
    assert (rate.rate_id, rate.per_usd.low) == ("X001", 29.25)


def test_pegged_rate_is_preferred_to_a_newer_floating_rate_of_its_kind():
    table = rates({"kind": "official", "date": "2022-02-24", "in_force_until": "2022-07-20", "per_usd_low": 29.25},
                  {"kind": "official", "date": "2022-06-01", "per_usd_low": 35})
    assert rate_in_force(table, "RUB", "2022-06-10", "official").rate_id == "X001"


def test_expired_peg_is_not_used():
    # the peg ended 2022-03-05; on 2022-03-10 it is no longer in force, though set only 14 days before
    table = rates({"kind": "official", "date": "2022-02-24", "in_force_until": "2022-03-05", "per_usd_low": 29.25})
    assert rate_in_force(table, "RUB", "2022-03-10", "official") is None


def test_next_rate_after_an_expired_peg():
    table = rates({"kind": "official", "date": "2022-02-24", "in_force_until": "2022-07-20", "per_usd_low": 29.25},
                  {"kind": "official", "date": "2022-07-21", "per_usd_low": 36.5686})
    assert rate_in_force(table, "RUB", "2022-07-21", "official").rate_id == "X002"


def test_falls_back_to_the_other_kind():
    table = rates({"kind": "market", "date": "2022-03-01", "per_usd_low": 100})
    rate = rate_in_force(table, "RUB", "2022-03-10", "official")
    assert (rate.rate_id, rate.kind) == ("X001", "market")


def test_chosen_kind_wins_over_the_other():
    table = rates({"kind": "market", "date": "2022-03-09", "per_usd_low": 100},
                  {"kind": "official", "date": "2022-03-01", "per_usd_low": 80})
    assert rate_in_force(table, "RUB", "2022-03-10", "official").rate_id == "X002"
    assert rate_in_force(table, "RUB", "2022-03-10", "market").rate_id == "X001"


def test_other_currencies_are_ignored():
    table = rates({"currency": "SYP", "date": "2022-03-01", "per_usd_low": 3600})
    assert rate_in_force(table, "RUB", "2022-03-10", "market") is None


def test_unknown_kind_is_refused_naming_the_kinds():
    with pytest.raises(ValueError) as error:
        rate_in_force(rates({"date": "2022-03-01", "per_usd_low": 100}), "RUB", "2022-03-10", "black")
    assert "'black'" in str(error.value) and "official, market" in str(error.value)


def test_rate_stated_about_is_an_interval():
    table = rates({"date": "2022-10-27", "qualifier": "about", "per_usd_low": 59.26})
    rate = rate_in_force(table, "RUB", "2022-10-27", "market")
    # about 59.26 -> [0.9 × 59.26, 1.1 × 59.26] = [53.334, 65.186]
    assert (rate.per_usd.low, rate.per_usd.high) == (approx(53.334), approx(65.186))


# ------------------------------------------------------------------ to_usd

def test_to_usd_divides_by_the_rate():
    table = rates({"date": "2022-10-27", "per_usd_low": 59.26})
    usd, rate = to_usd(Interval.exact(160000), "RUB", "2022-10-27", table, "market")
    # 160,000 RUB / 59.26 RUB per USD = 2,699.97 USD
    assert usd.low == approx(2699.97, abs=0.01) and usd.high == approx(2699.97, abs=0.01)
    assert format_interval(usd, "$") == "$2,700"
    assert rate.rate_id == "X001"


def test_to_usd_with_a_rate_range():
    table = rates({"date": "2022-06-01", "qualifier": "range", "per_usd_low": 40, "per_usd_high": 50})
    usd, _ = to_usd(Interval(100, 200), "RUB", "2022-06-01", table, "market")
    # [100 / 50, 200 / 40] = [2, 5]
    assert bounds(usd) == (2, 5, False)


def test_usd_passes_through():
    amount = Interval(200, 300)
    usd, rate = to_usd(amount, "USD", "2022-03-15", rates(), "market")
    assert usd is amount and rate is None


def test_to_usd_without_a_rate_raises():
    with pytest.raises(LookupError, match="no RUB rate within 92 days of 2022-03-10"):
        to_usd(Interval.exact(1), "RUB", "2022-03-10", rates({"date": "2020-01-01", "per_usd_low": 70}), "market")


# ------------------------------------------------------------------ offers_in_usd

def test_monthly_offer_with_a_contract_length():
    data = package(offers({"qualifier": "range", "amount_low_local": 200, "amount_high_local": 300,
                           "contract_months": 6}))
    row = offers_in_usd(data).iloc[0]
    # $200–300 a month; × 6 months = [1,200, 1,800]
    assert bounds(row["monthly_usd"]) == (200, 300, False)
    assert bounds(row["contract_usd"]) == (1200, 1800, False)
    assert row["fx_rate_id"] is None and row["fx_kind_used"] is None


def test_monthly_offer_without_a_contract_length_has_no_contract_total():
    row = offers_in_usd(package(offers({"amount_low_local": 1100}))).iloc[0]
    assert bounds(row["monthly_usd"]) == (1100, 1100, False)
    assert row["contract_usd"] is None


def test_one_off_payment_is_not_monthly():
    row = offers_in_usd(package(offers({"period": "one_off", "amount_low_local": 500, "contract_months": 12}))).iloc[0]
    assert bounds(row["amount_usd"]) == (500, 500, False)
    assert row["monthly_usd"] is None and row["contract_usd"] is None


def test_offer_in_roubles_converts_on_its_date_with_the_kind_used():
    data = package(offers({"currency": "RUB", "amount_low_local": 120000, "date_reported": "2022-10-27"}),
                   exchange_rates=rates({"kind": "official", "date": "2022-10-01", "per_usd_low": 60},
                                        {"kind": "market", "date": "2022-10-27", "per_usd_low": 80}))
    official = offers_in_usd(data, fx_kind="official").iloc[0]
    market = offers_in_usd(data, fx_kind="market").iloc[0]
    # 120,000 / 60 = 2,000 USD (official); 120,000 / 80 = 1,500 USD (market)
    assert (bounds(official["monthly_usd"]), official["fx_rate_id"], official["fx_kind_used"]) == (
        (2000, 2000, False), "X001", "official")
    assert (bounds(market["monthly_usd"]), market["fx_rate_id"], market["fx_kind_used"]) == (
        (1500, 1500, False), "X002", "market")


def test_offers_as_of_exclude_what_was_reported_later():
    data = package(offers({"date_reported": "2022-03-15"}, {"date_reported": "2022-04-01"},
                          {"date_reported": "2022-03-01", "date_precision": "month"}))
    # P003 ("March 2022") is known from 31 March, so it is out on the 30th and in on the 31st
    assert list(offers_in_usd(data, as_of="2022-03-30")["offer_id"]) == ["P001"]
    assert list(offers_in_usd(data, as_of="2022-03-31")["offer_id"]) == ["P003", "P001"]


def test_offers_sorted_by_date_reported():
    data = package(offers({"date_reported": "2022-05-01"}, {"date_reported": "2022-03-01"}))
    assert list(offers_in_usd(data)["offer_id"]) == ["P002", "P001"]


def test_offers_side_and_origin_filters():
    data = package(offers({"side": "russia", "origin": "Syria"}, {"side": "russia", "origin": "Nepal"},
                          {"side": "ukraine", "origin": "all"}))
    assert list(offers_in_usd(data, sides=["ukraine"])["offer_id"]) == ["P003"]
    assert list(offers_in_usd(data, origins=["Nepal"])["offer_id"]) == ["P002"]


def test_offers_of_nothing_is_an_empty_frame_with_the_added_columns():
    data = package(offers({"date_reported": "2022-04-01"}))
    result = offers_in_usd(data, as_of="2022-03-01")
    assert result.empty and {"amount_usd", "monthly_usd", "contract_usd", "fx_kind_used"} <= set(result.columns)


# ------------------------------------------------------------------ wages

def test_wages_convert_at_the_date_in_force():
    data = package(reference_wages=wages({"currency": "SYP", "monthly_low_local": 27000,
                                          "date_in_force": "2022-01-28", "date_reported": "2022-06-01"}),
                   exchange_rates=rates({"currency": "SYP", "date": "2022-01-28", "per_usd_low": 3600},
                                        {"currency": "SYP", "date": "2022-06-01", "per_usd_low": 4000}))
    row = wages_in_usd(data).iloc[0]
    # 27,000 SYP / 3,600 = 7.5 USD (the rate of 28 January, when the wage applied)
    assert bounds(row["monthly_usd"]) == (7.5, 7.5, False)
    assert row["fx_rate_id"] == "X001"


def test_wages_as_of_follow_date_reported():
    data = package(reference_wages=wages({"monthly_low_local": 20, "date_in_force": "2022-01-01",
                                          "date_reported": "2022-06-01"}))
    assert wages_in_usd(data, as_of="2022-05-31").empty
    assert len(wages_in_usd(data, as_of="2022-06-01")) == 1


def test_latest_wage_is_the_most_recent_in_force():
    table = wages_in_usd(package(reference_wages=wages({"monthly_low_local": 20, "date_in_force": "2021-01-01"},
                                                       {"monthly_low_local": 30, "date_in_force": "2022-01-01"})))
    assert latest_wage(table, "Syria", "soldier_pay")["wage_id"] == "W002"


def test_latest_wage_on_the_same_day_prefers_better_credibility():
    table = wages_in_usd(package(reference_wages=wages({"monthly_low_local": 20, "credibility": 2},
                                                       {"monthly_low_local": 30, "credibility": 4})))
    assert latest_wage(table, "Syria", "soldier_pay")["wage_id"] == "W001"


def test_latest_wage_skips_a_wage_that_may_be_zero():
    table = wages_in_usd(package(reference_wages=wages(
        {"monthly_low_local": 20, "date_in_force": "2021-01-01"},
        {"qualifier": "up_to", "monthly_low_local": 30, "date_in_force": "2022-01-01"})))
    # up to 30 -> [0, 30] cannot divide; the older exact 20 is used
    assert latest_wage(table, "Syria", "soldier_pay")["wage_id"] == "W001"


def test_wage_on_a_date_is_the_one_in_force_then_or_the_first_after():
    table = wages_in_usd(package(reference_wages=wages({"monthly_low_local": 20, "date_in_force": "2021-01-01"},
                                                       {"monthly_low_local": 30, "date_in_force": "2022-01-01"})))
    # 2021-06-30: W001 (from 2021-01-01) is in force; W002 starts later
    assert latest_wage(table, "Syria", "soldier_pay", on="2021-06-30")["wage_id"] == "W001"
    # 2022-01-01: W002 starts that day
    assert latest_wage(table, "Syria", "soldier_pay", on="2022-01-01")["wage_id"] == "W002"
    # 2020-01-01: nothing yet in force, so the first recorded after it (W001)
    assert latest_wage(table, "Syria", "soldier_pay", on="2020-01-01")["wage_id"] == "W001"


def test_latest_wage_none_when_missing():
    table = wages_in_usd(package(reference_wages=wages({"monthly_low_local": 20})))
    assert latest_wage(table, "Nepal", "soldier_pay") is None
    assert latest_wage(table, "Syria", "minimum_wage") is None


# ------------------------------------------------------------------ multiples and Art. 47

def test_home_wage_multiples():
    offers_usd = offers_in_usd(package(offers(
        {"qualifier": "range", "amount_low_local": 200, "amount_high_local": 300},
        {"period": "one_off", "amount_low_local": 500},
        {"origin": "Nepal", "amount_low_local": 1000})))
    wages_usd = wages_in_usd(package(reference_wages=wages(
        {"measure": "soldier_pay", "qualifier": "range", "monthly_low_local": 15, "monthly_high_local": 35},
        {"measure": "minimum_wage", "monthly_low_local": 20})))
    result = home_wage_multiples(offers_usd, wages_usd)
    # the one-off P002 and Nepal (no wages on record) give no rows
    assert list(zip(result["offer_id"], result["measure"], result["wage_id"])) == [
        ("P001", "soldier_pay", "W001"), ("P001", "minimum_wage", "W002")]
    soldier, minimum = result["multiple"]
    # [200, 300] / [15, 35] = [200 / 35, 300 / 15] = [5.714, 20]
    assert (soldier.low, soldier.high) == (approx(200 / 35), approx(20))
    # [200, 300] / 20 = [10, 15]
    assert bounds(minimum) == (10, 15, False)


def test_army_pay_comparison():
    offers_usd = offers_in_usd(package(offers(
        {"side": "russia", "qualifier": "range", "amount_low_local": 2000, "amount_high_local": 3000},
        {"side": "russia", "amount_low_local": 1200},
        {"side": "ukraine", "origin": "all", "amount_low_local": 1000},
        {"side": "russia", "period": "one_off", "amount_low_local": 5000})))
    wages_usd = wages_in_usd(package(reference_wages=wages({"country": "Russia", "monthly_low_local": 1000})))
    result = army_pay_comparison(offers_usd, wages_usd)
    assert list(result["offer_id"]) == ["P001", "P002", "P003"]
    first, second, third = (result.iloc[i] for i in range(3))
    # [2,000, 3,000] / 1,000 = [2, 3] >= 1.5 throughout
    assert (bounds(first["ratio"]), first["reading"], first["army_wage_id"]) == ((2, 3, False), "in excess", "W001")
    # 1,200 / 1,000 = 1.2 < 1.5
    assert (bounds(second["ratio"]), second["reading"]) == ((1.2, 1.2, False), "not in excess")
    # no Ukrainian soldier pay on record
    assert (third["ratio"], third["army_pay_usd"], third["reading"]) == (None, None, "no army pay known")


def test_army_pay_comparison_custom_threshold():
    offers_usd = offers_in_usd(package(offers({"amount_low_local": 2000})))
    wages_usd = wages_in_usd(package(reference_wages=wages({"country": "Russia", "monthly_low_local": 1000})))
    # 2,000 / 1,000 = 2 < 3
    assert army_pay_comparison(offers_usd, wages_usd, threshold=3)["reading"].iloc[0] == "not in excess"


def test_default_threshold_is_one_and_a_half():
    assert SUBSTANTIAL_EXCESS == 1.5


def test_article47_in_excess_from_the_threshold_up():
    # [1.5, 2]: the whole range is >= 1.5
    assert article47_reading(Interval(1.5, 2)) == "in excess"


def test_article47_not_in_excess_below():
    assert article47_reading(Interval(1.0, 1.4)) == "not in excess"


def test_article47_straddling_is_undetermined():
    assert article47_reading(Interval(1.0, 2.0)) == "undetermined"


def test_article47_touching_the_threshold_from_below_is_undetermined():
    # [1.0, 1.5]: the high end reaches 1.5, so it may be in excess
    assert article47_reading(Interval(1.0, 1.5)) == "undetermined"


def test_article47_open_ratio_below_threshold_is_undetermined():
    # [1.0, 1.4]+ may exceed 1.5
    assert article47_reading(Interval(1.0, 1.4, True)) == "undetermined"


def test_article47_without_army_pay():
    assert article47_reading(None) == "no army pay known"


def test_article47_custom_threshold():
    assert article47_reading(Interval(2, 2.5), threshold=3) == "not in excess"
    assert article47_reading(Interval(3, 4), threshold=3) == "in excess"
    assert article47_reading(Interval(1.2, 1.3), threshold=1.1) == "in excess"


# ------------------------------------------------------------------ recruitment cost

def test_recruitment_cost_is_open_above_for_more_than():
    cost = recruitment_cost(from_claim("more_than", 40000), from_claim("range", 200, 300), 6)
    # 40,000 × $200 × 6 = $48,000,000; 40,000 × $300 × 6 = $72,000,000; open above because "more than"
    assert bounds(cost) == (48e6, 72e6, True)


def test_recruitment_cost_with_an_interval_of_months():
    cost = recruitment_cost(Interval.exact(100), Interval.exact(1000), Interval(6, 12))
    # 100 × 1,000 × [6, 12] = [600,000, 1,200,000]
    assert bounds(cost) == (600000, 1200000, False)


def test_recruitment_cost_of_nobody_is_zero():
    assert bounds(recruitment_cost(Interval.exact(0), Interval(200, 300, True), 6)) == (0, 0, False)


def test_real_data_syrian_drive_costs_48m_to_72m_open_above(real_data):
    claims = claims_as_of(real_data.headcount_claims, "2022-03-31").set_index("claim_id")
    offer = offers_in_usd(real_data, as_of="2022-03-31").set_index("offer_id").loc["P001"]
    # SOHR's 40,000+ Syrian sign-ups; $200–300 a month for 6 months (P001)
    assert claims.loc["H001", "stated"] == "40,000+"
    assert offer["contract_months"] == 6
    # $200–300 × 6 = $1,200–1,800 a contract
    assert bounds(offer["contract_usd"]) == (1200, 1800, False)
    cost = recruitment_cost(claims.loc["H001", "people"], offer["monthly_usd"], int(offer["contract_months"]))
    # 40,000 × $200 × 6 = $48M; 40,000 × $300 × 6 = $72M; open above
    assert bounds(cost) == (48e6, 72e6, True)
    assert format_interval(cost, "$") == "$48M–72M+"
