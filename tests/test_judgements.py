"""Tests for analysis.judgements: the confidence rule branch by branch, ICD 203 likelihood words,
plurals and lists by inflect, and the number formats of key judgements."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.intervals import Interval
from analysis.judgements import (
    CONFIDENCE_LEVELS,
    LIKELIHOOD_SCALE,
    Evidence,
    Judgement,
    confidence,
    join_words,
    likelihood_word,
    make,
    money,
    pct,
    plural,
)


def evidence(claimants=("C001",), grades=(("C", 3),), **flags) -> Evidence:
    return Evidence(claim_ids=tuple(f"H{n:03d}" for n in range(1, len(grades) + 1)),
                    claimant_ids=frozenset(claimants), grades=tuple(grades), **flags)


# ------------------------------------------------------------------ confidence: one test per branch

def test_two_independent_agreeing_one_well_graded_is_high():
    # C001 and C002 agree; B2 is reliability A–B with credibility 1–2
    assert confidence([evidence(("C001", "C002"), (("B", 2), ("C", 3)))]) == (
        "high", "two independent sources agree, one well graded")


def test_two_independent_agreeing_none_well_graded_is_moderate():
    # C3 and B3: neither is A–B with credibility 1–2
    assert confidence([evidence(("C001", "C002"), (("C", 3), ("B", 3)))]) == (
        "moderate", "two independent sources agree")


def test_one_well_graded_source_is_moderate():
    assert confidence([evidence(("C001",), (("A", 1),))]) == ("moderate", "one well-graded source")


def test_a_single_source_graded_c_or_worse_is_low():
    # C1: credibility 1 but reliability C is not strong
    assert confidence([evidence(("C001",), (("C", 1),))]) == (
        "low", "a single source, not independently confirmed")


def test_credibility_three_is_not_well_graded_even_from_a_b_source():
    assert confidence([evidence(("C001",), (("B", 3),))])[0] == "low"


def test_a_relay_is_not_a_second_independent_source():
    # two claims (B2 and C3) by one claimant: one source, so 'one well-graded source', not high
    assert confidence([evidence(("C001",), (("B", 2), ("C", 3)))]) == ("moderate", "one well-graded source")


def test_unconfirmed_claim_is_low_whatever_else_holds():
    # credibility 4 on one claim: unconfirmed, though two independent sources and a B2 agree
    item = evidence(("C001", "C002"), (("B", 2), ("C", 4)))
    assert item.unconfirmed is True
    assert confidence([item]) == ("low", "unconfirmed: a figure graded 4–6")


def test_credibility_three_is_not_unconfirmed():
    assert evidence(grades=(("C", 3),)).unconfirmed is False


def test_adversary_claim_is_low():
    assert confidence([evidence(("C001", "C002"), (("A", 1), ("B", 2)), adversary=True)]) == (
        "low", "a party's claim about its adversary")


def test_contradicted_figure_is_low():
    assert confidence([evidence(("C001", "C002"), (("A", 1), ("B", 2)), contradicted=True)]) == (
        "low", "contradicted by another claim of the same time")


def test_the_weakest_figure_sets_the_level():
    high = evidence(("C001", "C002"), (("B", 2), ("C", 3)))
    moderate = evidence(("C003",), (("A", 2),))
    assert confidence([high, moderate]) == ("moderate", "one well-graded source")


def test_no_evidence_is_low():
    assert confidence([]) == ("low", "no figure")


def test_make_carries_level_ids_and_unconfirmed_flag():
    item = evidence(("C001",), (("C", 5),))
    judgement = make("About 8,000 (unconfirmed).", [item], figures=("8,000",), topic="ukraine", extra_ids=("P001",))
    assert isinstance(judgement, Judgement)
    assert (judgement.confidence, judgement.basis) == ("low", "unconfirmed: a figure graded 4–6")
    assert judgement.claim_ids == ("H001", "P001") and judgement.figures == ("8,000",)
    assert judgement.unconfirmed is True and judgement.topic == "ukraine"


@given(st.lists(st.builds(evidence,
                          st.sets(st.sampled_from(["C001", "C002", "C003"]), min_size=1).map(tuple),
                          st.lists(st.tuples(st.sampled_from("ABCDEF"), st.integers(1, 6)), min_size=1, max_size=3),
                          contradicted=st.booleans(), adversary=st.booleans()), max_size=4))
def test_confidence_is_low_when_any_figure_is_unconfirmed_adversary_or_contradicted(items):
    level, _ = confidence(items)
    assert level in CONFIDENCE_LEVELS
    if not items or any(i.unconfirmed or i.adversary or i.contradicted for i in items):
        assert level == "low"
    if level == "high":
        assert all(len(i.claimant_ids) >= 2 for i in items)


# ------------------------------------------------------------------ likelihood words (ICD 203)

@pytest.mark.parametrize("probability, word", [
    (0.0, "almost no chance"), (0.05, "almost no chance"), (0.06, "very unlikely"), (0.20, "very unlikely"),
    (0.21, "unlikely"), (0.45, "unlikely"), (0.5, "roughly even chance"), (0.55, "roughly even chance"),
    (0.56, "likely"), (0.80, "likely"), (0.81, "very likely"), (0.95, "very likely"), (0.96, "almost certain"),
    (0.99, "almost certain"), (1.0, "almost certain"),
])
def test_likelihood_word_on_the_icd_203_scale(probability, word):
    # each band's upper bound belongs to it: 5%, 20%, 45%, 55%, 80%, 95%, 99%
    assert likelihood_word(probability) == word


def test_likelihood_scale_is_icd_203():
    assert [w for w, _, _ in LIKELIHOOD_SCALE] == ["almost no chance", "very unlikely", "unlikely",
                                                  "roughly even chance", "likely", "very likely", "almost certain"]


@given(st.floats(0, 1), st.floats(0, 1))
def test_likelihood_words_never_go_down_as_probability_rises(p, q):
    order = [w for w, _, _ in LIKELIHOOD_SCALE]
    low, high = sorted([p, q])
    assert order.index(likelihood_word(low)) <= order.index(likelihood_word(high))


# ------------------------------------------------------------------ words

@pytest.mark.parametrize("noun, count, text", [
    ("offer", 1, "1 offer"), ("offer", 3, "3 offers"), ("offer", 0, "0 offers"),
    ("person", 2, "2 people"), ("country", 2, "2 countries"),
])
def test_plural_by_inflect(noun, count, text):
    assert plural(noun, count) == text


@pytest.mark.parametrize("words, text", [
    ([], ""), (["Syria"], "Syria"), (["Syria", "Nepal"], "Syria and Nepal"),
    (["Syria", "Nepal", "India"], "Syria, Nepal and India"),
])
def test_join_words(words, text):
    assert join_words(words) == text


# ------------------------------------------------------------------ numbers

def test_pct_range_in_whole_percent():
    # [1,800 / 55,000, 2,200 / 45,000] = [3.27%, 4.89%] -> 3–5%
    assert pct(Interval(1800 / 55000, 2200 / 45000)) == "3–5%"


def test_pct_that_rounds_to_one_figure():
    # [4.1%, 4.4%] -> 4% and 4%
    assert pct(Interval(0.041, 0.044)) == "4%"


def test_pct_below_one_percent():
    # high 0.9% < 1%
    assert pct(Interval(0.001, 0.009)) == "under 1%"


def test_money_below_ten_dollars_keeps_cents():
    # 27,000 SYP / 3,600 = $7.50
    assert money(Interval.exact(7.5)) == "$7.50"


def test_money_below_ten_dollars_range_and_open():
    # 27,000 / 4,000 = 6.75 to 12; open above keeps its '+'
    assert money(Interval(6.75, 12)) == "$6.75–12"
    assert money(Interval(7.5, 7.5, True)) == "$7.50+"


def test_money_of_whole_dollars_and_millions():
    assert money(Interval(200, 300)) == "$200–300"
    assert money(Interval(8, 9)) == "$8–9"
    # 40,000 × $200 × 6 = $48M; × $300 × 6 = $72M; open above
    assert money(Interval(48e6, 72e6, True)) == "$48M–72M+"
