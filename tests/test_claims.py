"""The notions each claim is made from, computed once in analysis/ (largest, ranked, our reading of a
stage, changed over time, contradicting offers, in force, the ceiling of a cost, coverage, the data's
revisions), the claims themselves, and docs/method.md against what the code does. Small frames
made here; every expected value worked out by hand in the comment beside it."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest
from helpers import CLAIM_DEFAULTS, REPO, typed_rows

from analysis import claims as claim
from analysis import coverage, headcounts, pay
from analysis.changes import data_revisions, revisions_in
from analysis.headcounts import (Scope, claims_as_of, largest, latest_claims, own_trends, ranked_origins,
                                 reached_the_war, source_description, stage_is_read, trends)
from analysis.intervals import DEFAULT_RULE, Interval, format_derived_people, stated_interval

METHOD = (REPO / "docs" / "method.md").read_text("utf-8")
CLAIMANTS = pd.DataFrame({"claimant_id": ["C001", "C002", "C003"], "name": ["Monitor", "Ukrainian state", "Russian state"],
                          "kind": ["ngo", "state", "state"], "party": ["none", "ukraine", "russia"],
                          "country": [None, "Ukraine", "Russia"], "note": [None, None, None]})


def latest(*rows: dict) -> pd.DataFrame:
    frame = typed_rows("headcount_claims", CLAIM_DEFAULTS, rows, id_column="claim_id", id_prefix="H",
                       same_as={"people_high": "people_low"})
    return latest_claims(claims_as_of(frame, claimants=CLAIMANTS))


# ------------------------------------------------------------------ largest and ranked

PRESENCE = tuple(headcounts.PRESENCE_STAGES)


def test_largest_by_the_middle_of_the_range_within_one_count_type():
    rows = latest({"origin": "Nepal", "stage": "arrived", "qualifier": "about", "people_low": 2000},
                  {"origin": "Syria", "stage": "arrived", "qualifier": "range", "people_low": 1000, "people_high": 2800},
                  {"origin": "Cuba", "stage": "arrived", "count_type": "current", "people_low": 9000})
    winner, candidates = largest(rows, Scope("cumulative", PRESENCE))
    # middles: Nepal (1,800 + 2,200) / 2 = 2,000; Syria (1,000 + 2,800) / 2 = 1,900; Cuba's 9,000 is a
    # count at one time: another kind, never a candidate
    assert winner["claim_id"] == "H001" and list(candidates["claim_id"]) == ["H001", "H002"]


def test_largest_never_counts_a_zero_an_unconfirmed_figure_or_an_adversarys():
    rows = latest({"origin": "Syria", "stage": "arrived", "people_low": 0},
                  {"origin": "Nepal", "stage": "arrived", "people_low": 500, "credibility": 4},
                  {"origin": "Cuba", "stage": "arrived", "people_low": 900, "side": "ukraine", "claimant_id": "C003"},
                  {"origin": "India", "stage": "arrived", "people_low": 91})
    winner, candidates = largest(rows, Scope("cumulative", PRESENCE))
    # 0 is no group; credibility 4 is unconfirmed; Russia speaking of Ukraine's fighters is an adversary
    assert winner["claim_id"] == "H004" and list(candidates["claim_id"]) == ["H004"]
    assert largest(rows, Scope("cumulative", PRESENCE, confirmed=False))[0]["claim_id"] == "H002"


def test_a_stage_that_is_our_reading_is_not_reached_the_war():
    rows = latest({"origin": "Nepal", "stage": "arrived", "people_low": 15000,
                   "stage_detail": "Nepalis recruited into the Russian army; entered as arrived, since recruits serve"},
                  {"origin": "India", "stage": "arrived", "people_low": 91,
                   "stage_detail": "Indians counted as having enlisted in Russia's armed forces"})
    nepal, india = rows.iloc[1], rows.iloc[0]
    assert stage_is_read(nepal["stage_detail"]) and not stage_is_read(india["stage_detail"])
    assert source_description(nepal["stage_detail"]) == "Nepalis recruited into the Russian army"
    assert not reached_the_war(nepal) and reached_the_war(india)
    # Reached: India's 91, not Nepal's 15,000 "recruited"
    assert largest(rows, Scope("cumulative", PRESENCE, reached=True))[0]["claim_id"] == "H002"


def test_ranked_origins_one_per_origin_largest_first():
    rows = latest({"origin": "Syria", "stage": "arrived", "people_low": 2000},
                  {"origin": "Syria", "stage": "deployed", "people_low": 300},
                  {"origin": "India", "stage": "arrived", "people_low": 91},
                  {"origin": "all", "origin_scope": "all", "stage": "arrived", "people_low": 20000})
    ranked = ranked_origins(rows, Scope("cumulative", PRESENCE))
    # the total over all origins is no origin; Syria is placed by its larger figure, 2,000
    assert list(zip(ranked["origin"], ranked["claim_id"])) == [("Syria", "H001"), ("India", "H003")]
    made = claim.ranking(Scope("cumulative", PRESENCE, countries=True), ranked)
    assert made.value["first_two_overlap"] is False and made.rows == ("H001", "H003")


# ------------------------------------------------------------------ changed over time: one notion

def test_an_open_figure_that_allows_the_next_is_no_change():
    rows = claims_as_of(typed_rows("headcount_claims", CLAIM_DEFAULTS, [
        {"qualifier": "more_than", "people_low": 1000, "date_reported": "2022-03-01"},
        {"qualifier": "more_than", "people_low": 20000, "date_reported": "2022-03-07"}],
        id_column="claim_id", id_prefix="H", same_as={"people_high": "people_low"}), claimants=CLAIMANTS)
    # 1,000+ is [1,000, inf): it allows 20,000+, so the series did not change (method rule 7); the chart
    # title and the appendix read this one notion, so neither says "rose"
    assert trends(rows).empty and own_trends(trends(rows), rows).empty


def test_own_trends_leave_out_the_adversarys_and_put_the_largest_change_first():
    rows = claims_as_of(typed_rows("headcount_claims", CLAIM_DEFAULTS, [
        {"origin": "Syria", "stage": "arrived", "people_low": 300, "date_reported": "2022-03-15"},
        {"origin": "Syria", "stage": "arrived", "people_low": 2000, "date_reported": "2022-09-15"},
        {"origin": "Nepal", "stage": "arrived", "people_low": 100, "date_reported": "2022-03-15"},
        {"origin": "Nepal", "stage": "arrived", "people_low": 150, "date_reported": "2022-09-15"},
        {"side": "ukraine", "origin": "all", "origin_scope": "all", "category": "unknown", "stage": "arrived",
         "claimant_id": "C003", "people_low": 10, "date_reported": "2022-03-15"},
        {"side": "ukraine", "origin": "all", "origin_scope": "all", "category": "unknown", "stage": "arrived",
         "claimant_id": "C003", "people_low": 10000, "date_reported": "2022-09-15"}],
        id_column="claim_id", id_prefix="H", same_as={"people_high": "people_low"}), claimants=CLAIMANTS)
    mine = own_trends(trends(rows), rows)
    # Syria: ln(2,001 / 301) = 1.89 over 184 days (weight 1); Nepal: ln(151 / 101) = 0.40; Russia on
    # Ukraine's fighters (10 -> 10,000) is an adversary's claim: left out
    assert list(mine["origin"]) == ["Syria", "Nepal"]
    assert mine.iloc[0]["change"] == pytest.approx(1.89, abs=0.01)


# ------------------------------------------------------------------ derived figures on stated bounds

@pytest.mark.parametrize("qualifier, low, high, expected", [
    ("about", 50000, None, (50000, 50000, False)), ("nearly", 3000, None, (3000, 3000, False)),
    ("more_than", 40000, None, (40000, 40000, True)), ("up_to", 550, None, (0, 550, False)),
    ("range", 1000, 3000, (1000, 3000, False)), ("exactly", 91, None, (91, 91, False))])
def test_stated_interval_is_what_the_source_said(qualifier, low, high, expected):
    found = stated_interval(qualifier, low, high)
    assert (found.low, found.high, found.open_above) == expected


def test_derived_people_keep_about():
    assert format_derived_people(Interval.exact(48000), True) == "about 48,000"
    assert format_derived_people(Interval(150, 350), True) == "150–350"
    assert format_derived_people(Interval(40000, 40000, True), False) == "40,000+"


# ------------------------------------------------------------------ pay: contradictions, in force, ceiling

OFFER = {"recruiter": "r", "side": "russia", "origin": "Syria", "category": "paid", "theatre": "Ukraine",
         "period": "month", "component": "total", "status": "offered", "pay_detail": "t", "qualifier": "exactly",
         "amount_low_local": 100, "amount_high_local": None, "currency": "USD", "contract_months": None,
         "benefits": None, "claimant": "c", "claimant_id": "C001", "date_reported": "2022-03-15",
         "date_precision": "day", "credibility": 3, "credibility_reason": "t", "source_id": "S001", "note": None}


def offers(*rows):
    return typed_rows("pay_offers", OFFER, rows, id_column="offer_id", id_prefix="P",
                      same_as={"amount_high_local": "amount_low_local"})


def package(*rows, wages=None, rates=None):
    empty_wages = typed_rows("reference_wages", {}, [], id_column="wage_id", id_prefix="W")
    empty_rates = typed_rows("exchange_rates", {}, [], id_column="rate_id", id_prefix="X")
    return SimpleNamespace(pay_offers=offers(*rows), reference_wages=empty_wages if wages is None else wages,
                           exchange_rates=empty_rates if rates is None else rates, claimants=CLAIMANTS)


def test_monthly_offers_of_different_claimants_within_a_week_that_cannot_both_hold_contradict():
    frame = pay.offers_in_usd(package(
        {"qualifier": "range", "amount_low_local": 200, "amount_high_local": 300},
        {"amount_low_local": 1100, "claimant_id": "C002"},
        {"qualifier": "range", "amount_low_local": 1500, "amount_high_local": 2500},   # same claimant as P001
        {"amount_low_local": 900, "claimant_id": "C002", "date_reported": "2022-03-30"},  # 15 days later
        {"period": "one_off", "amount_low_local": 5000, "claimant_id": "C003"}))       # one-offs may add up
    pairs = pay.offer_contradictions(frame)
    # P001 $200–300 vs P002 $1,100: disjoint, different claimants, same day. P002 vs P003: disjoint and
    # the same day, but P002 is C002 and P003 C001: a pair too. P001 vs P003: one claimant, no pair.
    assert sorted(zip(pairs["offer_a"], pairs["offer_b"])) == [("P001", "P002"), ("P002", "P003")]


def test_the_offers_day_is_the_day_it_counts_as_known():
    frame = pay.offers_in_usd(package({"date_reported": "2024-01-01", "date_precision": "year"}))
    assert frame.iloc[0]["day"] == pd.Timestamp("2024-12-31")


def test_a_cost_is_a_ceiling_only_where_nothing_on_record_is_higher():
    heads = latest({"origin": "Syria", "stage": "signed_up", "people_low": 1000, "date_reported": "2022-04-30"})
    frame = pay.offers_in_usd(package({"amount_low_local": 1000, "contract_months": 6},
                                      {"amount_low_local": 6590, "contract_months": 6}))
    drives = pay.drive_costs(heads, frame, 6).set_index("offer_id")
    # 1,000 people × $1,000 × 6 = $6M: no ceiling, a $6,590 offer is on record; 1,000 × $6,590 × 6
    # = $39.54M: a ceiling, as no offer is higher and no contract longer than its stated 6 months
    assert drives.loc["P001", "cost_usd"].high == 6e6 and not drives.loc["P001", "ceiling"]
    assert drives.loc["P001", "higher_offers"] == ["P002"]
    assert drives.loc["P002", "cost_usd"].high == pytest.approx(39.54e6) and drives.loc["P002", "ceiling"]
    about = latest({"origin": "Syria", "stage": "signed_up", "qualifier": "about", "people_low": 1000,
                    "date_reported": "2022-04-30"})
    # "about 1,000" may be more: then no cost is a ceiling, and it is computed on the stated 1,000
    drive = pay.drive_costs(about, frame, 6).set_index("offer_id").loc["P002"]
    assert not drive["ceiling"] and drive["approximate"] and drive["cost_usd"].high == pytest.approx(39.54e6)


@pytest.mark.parametrize("offer", [{"amount_low_local": 6590},                              # 6 months assumed
                                   {"amount_low_local": 6590, "qualifier": "more_than",       # $6,590+: no top
                                    "contract_months": 6}])
def test_no_ceiling_with_assumed_months_or_an_open_offer(offer):
    heads = latest({"origin": "Syria", "stage": "signed_up", "people_low": 1000, "date_reported": "2022-04-30"})
    drive = pay.drive_costs(heads, pay.offers_in_usd(package(offer)), 6).iloc[0]
    assert not drive["ceiling"]


def test_a_wage_in_force_without_a_rate_is_in_force_not_missing():
    wages = typed_rows("reference_wages", {"country": "Russia", "year": 2024, "measure": "soldier_pay",
                                           "measure_detail": "t", "qualifier": "exactly", "currency": "RUB",
                                           "claimant": "c", "claimant_id": "C001", "date_precision": "day",
                                           "credibility": 2, "credibility_reason": "t", "source_id": "S001"},
                       [{"date_in_force": "2024-07-31", "monthly_low_local": 204000}], id_column="wage_id",
                       id_prefix="W", same_as={"monthly_high_local": "monthly_low_local",
                                               "date_reported": "date_in_force"})
    data = package({"date_reported": "2024-01-01", "date_precision": "year"}, wages=wages)
    offer = pay.offers_in_usd(data).iloc[0]
    army = pay.army_pay_comparison(pay.comparable_offers(pay.offers_in_usd(data)), pay.wages_in_usd(data),
                                   data.exchange_rates, "market")
    # The offer's day, 31 Dec 2024, has W002 (from 31 Jul 2024) in force, but no RUB rate: "no rate"
    assert army.iloc[0]["army_status"] == "no rate" and army.iloc[0]["army_wage_id"] == "W001"
    assert pay.home_comparator_status(offer, pay.wages_in_usd(data), data.exchange_rates, "market") == (
        "not on record", None)


# ------------------------------------------------------------------ coverage and the record's age

def data_with(claim_days, rate_days=()):
    claims_ = typed_rows("headcount_claims", CLAIM_DEFAULTS, [{"date_reported": d} for d in claim_days],
                         id_column="claim_id", id_prefix="H", same_as={"people_high": "people_low"})
    rates = typed_rows("exchange_rates", {"currency": "SYP", "kind": "market", "basis": "quoted", "in_force_until": None,
                                          "per_usd_low": 1, "claimant": "c", "source_id": "S001", "note": None},
                       [{"date": d} for d in rate_days], id_column="rate_id", id_prefix="X",
                       same_as={"per_usd_high": "per_usd_low", "date_reported": "date"})
    empty = package()
    return SimpleNamespace(headcount_claims=claims_, pay_offers=empty.pay_offers,
                           reference_wages=empty.reference_wages, exchange_rates=rates)


def test_the_record_reaches_its_newest_figure_known_by_as_of():
    data = data_with(["2022-03-15", "2025-11-01"], ["2024-07-10", "2026-03-01"])
    assert coverage.record_reach(data, "2026-12-01") == pd.Timestamp("2025-11-01")  # not the rate of 1 Mar 2026
    # As of 1 Jan 2025 the newest claim known is 15 Mar 2022: the rate of 10 Jul 2024 is no figure.
    assert coverage.record_reach(data, "2025-01-01") == pd.Timestamp("2022-03-15")


def test_a_window_after_the_record_stops_is_not_covered():
    reach = pd.Timestamp("2025-11-30")
    assert coverage.window_cover("2025-12-07", "2026-12-07", reach) == "none"
    assert coverage.window_cover("2025-01-01", "2026-12-07", reach) == "part"
    assert coverage.window_cover("2025-01-01", "2025-06-30", reach) == "whole"


def test_a_wage_missing_from_the_data_is_never_none():
    # Pay is never covered (method rule 22): whatever the reach, "not on record".
    assert coverage.absence_words("army_pay", "2022-03-15", "2026-01-01") == "not on record"
    assert coverage.absence_words("offers", "2022-03-15", "2026-01-01") == "none"
    assert coverage.absence_words("offers", "2026-03-15", "2026-01-01") == "not on record"


def test_data_revisions_are_the_changelogs_dated_entries(tmp_path):
    log = tmp_path / "CHANGELOG.md"
    log.write_text("# Data changelog\n\n## 2026-11-27\n\n### Schema change\n- x\n\n## 2025-01-10 — new rows\n", "utf-8")
    found = data_revisions(log)
    assert [(r.day.date().isoformat(), r.title) for r in found] == [("2025-01-10", "new rows"),
                                                                    ("2026-11-27", "Schema change")]
    assert [r.title for r in revisions_in(found, "2025-12-01", "2026-12-01")] == ["Schema change"]
    assert data_revisions(tmp_path / "missing.md") == []


# ------------------------------------------------------------------ the claims, and the method

def test_every_claim_kind_names_a_rule_of_the_method():
    headings = set(re.findall(r"^## (\d+)\.", METHOD, re.M))
    for kind, rule in claim.RULES.items():
        numbers = re.findall(r"§(\d+)", rule)
        assert numbers and set(numbers) <= headings, (kind, rule)


def test_a_claim_is_plain_json_with_its_rows():
    made = claim.cost({"claim_id": "H037", "offer_id": "P008", "months": 6, "months_stated": False,
                       "one_off_ids": [], "cost_usd": Interval.exact(9e8), "approximate": True, "ceiling": False,
                       "higher_offers": ["P005"], "longer_contracts": ["P006"]})
    assert made.as_json() == {"kind": "cost", "subject": {"headcount": "H037", "offer": "P008"},
                              "value": {"months": 6, "months_stated": False, "one_offs": [],
                                        "cost": {"low": 9e8, "high": 9e8, "open": False}, "approximate": True,
                                        "ceiling": False, "higher_offers": ["P005"], "longer_contracts": ["P006"]},
                              "rows": ["H037", "P008"], "rule": "§15 cost of a recruitment drive"}
    with pytest.raises(ValueError, match="unknown claim kind"):
        claim.Claim("rumour", {}, None)


@pytest.mark.parametrize("phrase, value", [
    ("within 7 days of each other (`CONTRADICTION_WINDOW_DAYS`", headcounts.CONTRADICTION_WINDOW_DAYS),
    ("within 92 days of each other (`GAP_WINDOW_DAYS`", headcounts.GAP_WINDOW_DAYS),
    ("known within 31 days of it (`CORROBORATION_WINDOW_DAYS`)", headcounts.CORROBORATION_WINDOW_DAYS),
    ("at most 365\ndays earlier (`COMPARATOR_MAX_AGE_DAYS`", pay.COMPARATOR_MAX_AGE_DAYS),
    ("a quoted rate dated within 7 days before D\n(`QUOTED_RATE_DAYS`)", pay.QUOTED_RATE_DAYS),
    ("up to 183 days before it, or on the same day (`DRIVE_WINDOW_DAYS`)", pay.DRIVE_WINDOW_DAYS),
])
def test_the_methods_numbers_are_the_codes(phrase, value):
    found = re.search(r"\d+", phrase).group(0)
    assert " ".join(phrase.split()) in " ".join(METHOD.split()), phrase
    assert int(found) == value


def test_the_methods_qualifier_table_is_the_codes_rule():
    rows = dict(re.findall(r"^\| (exactly|about|nearly|up to|range) \| (\[[^|]*\]) \|", METHOD, re.M))
    assert rows == {"exactly": "[X, X]", "about": "[0.9X, 1.1X]", "nearly": "[0.9X, X]", "up to": "[0, X]",
                    "range": "[L, H]"}
    assert DEFAULT_RULE["about"] == (0.9, 1.1, False) and DEFAULT_RULE["nearly"] == (0.9, 1.0, False)


def test_the_methods_markers_of_our_reading_are_the_codes():
    for marker in headcounts.STAGE_READING_MARKERS:
        assert f'"{marker}"' in METHOD
