"""Tests for analysis.judgements: the key-judgement sentences carry the numbers as the tables format them."""

from __future__ import annotations

from analysis.intervals import Interval
from analysis.judgements import (
    article47_judgement,
    confidence_judgement,
    cost_judgement,
    gap_judgement,
    largest_figures_judgement,
    pay_judgement,
)

# ------------------------------------------------------------------ gap

def test_gap_without_arrivals():
    text = gap_judgement("Syria", "russia", "40,000+", None, Interval(40000, 40000, True), None)
    assert text == ("Recruits from Syria for Russia: 40,000+ reported signed up, and no arrivals reported; "
                    "the whole 40,000+ remains unaccounted for.")


def test_gap_when_none_arrived():
    text = gap_judgement("Syria", "russia", "40,000+", "0", Interval(40000, 40000, True), Interval(0, 0))
    assert text == "Recruits from Syria for Russia: 40,000+ reported signed up, but none reported arrived: a gap of 40,000+."


def test_gap_with_arrivals_gives_range_and_rate():
    # signed [45,000, 55,000], arrived [1,800, 2,200]: gap [42,800, 53,200];
    # share [1,800 / 55,000, 2,200 / 45,000] = [3.27%, 4.89%] -> rounded 3–5%
    text = gap_judgement("Syria", "russia", "about 50,000", "about 2,000", Interval(42800, 53200),
                         Interval(1800 / 55000, 2200 / 45000))
    assert text == ("Recruits from Syria for Russia: about 50,000 reported signed up against about 2,000 reported "
                    "arrived: 42,800–53,200 not (yet) arrived, an arrival rate of 3–5%.")


def test_gap_rate_that_rounds_to_one_figure():
    # [0.041, 0.044] -> 4% and 4%
    text = gap_judgement("Nepal", "russia", "15,000", "600", Interval(14400, 14400), Interval(0.041, 0.044))
    assert text.endswith("an arrival rate of 4%.")


def test_gap_rate_open_above_keeps_its_plus():
    # arrived "more than 2,000": [2,000 / 55,000, 2,000 / 45,000] = [3.6%, 4.4%] -> 4% and 4%, open above
    text = gap_judgement("Syria", "russia", "about 50,000", "2,000+", Interval(0, 53000),
                         Interval(2000 / 55000, 2000 / 45000, True))
    assert text.endswith("an arrival rate of 4%+.")


def test_gap_without_a_share():
    text = gap_judgement("Syria", "russia", "up to 500", "10", Interval(0, 490), None)
    assert text.endswith("0–490 not (yet) arrived.")


# ------------------------------------------------------------------ largest figures

def test_largest_figures_none_without_figures():
    assert largest_figures_judgement({}) is None


def test_largest_figures_sorted_by_side_with_words():
    text = largest_figures_judgement({"ukraine": ("20,000+", "applied", "volunteer"),
                                      "russia": ("11,000–12,000", "arrived", "state_deployed")})
    assert text == ("Largest reported figures — Russia: 11,000–12,000 state-deployed troops arrived; "
                    "Ukraine: 20,000+ volunteers applied. Most are claims by interested parties.")


def test_largest_figures_stage_words():
    text = largest_figures_judgement({"russia": ("40,000+", "signed_up", "paid")})
    assert "Russia: 40,000+ paid recruits signed up" in text
    assert "Ukraine: 200 fighters of unstated status arrived" in largest_figures_judgement(
        {"ukraine": ("200", "arrived", "unknown")})


# ------------------------------------------------------------------ pay

def test_pay_against_home_soldier_pay():
    # offers $200–3,000; soldier pay $15–35; multiple [200 / 35, 3,000 / 15] = [5.7, 200]
    text = pay_judgement("Syria", Interval(200, 3000), Interval(15, 35), Interval(200 / 35, 200))
    assert text == ("Monthly offers to recruits from Syria span $200–3,000, 5.7–200 times the $15–35 a month "
                    "a soldier is paid at home.")


def test_pay_without_home_soldier_pay():
    text = pay_judgement("Nepal", Interval(2000, 2000, True), None, None)
    assert text == "Monthly offers to recruits from Nepal span $2,000+; no home soldier pay is on record to compare."


# ------------------------------------------------------------------ Art. 47

def test_article47_without_army_pay_counts_offers():
    text = article47_judgement("ukraine", {"no army pay known": 3}, None, 1.5)
    assert text == ("No pay for Ukraine's own soldiers had been reported, so the Art. 47(2)(c) pay test cannot "
                    "be applied to its 3 offer(s) yet.")


def test_article47_none_in_excess():
    # 2 + 1 readings; army pay 160,000 RUB / 59.26 = $2,700
    text = article47_judgement("russia", {"undetermined": 1, "not in excess": 2}, Interval.exact(2700), 1.5)
    assert text == ("Against Russia's own soldier pay at the time ($2,700 a month), with 'substantially in excess' set at "
                    "1.5×: 2 not in excess, 1 undetermined — none is a mercenary in law on pay: they are paid "
                    "foreign recruits.")


def test_article47_some_in_excess_with_custom_threshold():
    text = article47_judgement("russia", {"in excess": 1, "not in excess": 4}, Interval(1000, 1200), 2)
    assert "set at 2×: 1 in excess, 4 not in excess" in text
    assert "($1,000–1,200 a month)" in text
    assert text.endswith("some offers exceed it substantially; those recruits may meet the pay test of a mercenary.")


# ------------------------------------------------------------------ cost and confidence

def test_cost_sentence():
    # 40,000 × $200 × 6 = $48M; 40,000 × $300 × 6 = $72M; open above
    text = cost_judgement("recruits from Syria", "40,000+", "$200–300", 6, Interval(48e6, 72e6, True))
    assert text == "Paying 40,000+ recruits from Syria $200–300 a month for 6 months would cost $48M–72M+."


def test_confidence_sentence():
    text = confidence_judgement(30, 12, 2)
    assert text == ("12 of 30 headcount figures rest on a single source and 2 pair(s) of claims contradict each "
                    "other; treat the figures as claims, not counts.")
