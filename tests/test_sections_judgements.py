"""Page 1's key judgements as a reader checks them: each reference lists the rows behind the
figures its sentence prints and no other (method rule 18), and the words of the drive, not-in-force
and claims-over-time findings say what is true of the record."""

from __future__ import annotations

import re

import pytest
from helpers import DEFAULT_BRIEFINGS

from briefings.briefing import Briefing
from briefings.sections import judgements as words_of
from briefings.sections import timeline

ENTRIES = DEFAULT_BRIEFINGS


@pytest.fixture(scope="module")
def overview():
    return Briefing.from_parameters(**ENTRIES["overview"])


@pytest.fixture(scope="module")
def africa():
    return Briefing.from_parameters(**ENTRIES["africa"])


def _headcount_rows_unprinted(briefing, judgement) -> list[str]:
    """Headcount rows a judgement's reference lists whose figure its words do not print, and which
    agree with no figure it prints."""
    claims = briefing.all_claims.set_index("claim_id")
    heads = [e for e in judgement.evidence if e.claim_ids[0] in claims.index]
    printed = {e.claim_ids[0] for e in heads if claims.loc[e.claim_ids[0], "stated"].lower() in judgement.text.lower()}
    agreeing = {i for e in heads if e.claim_ids[0] in printed for i in e.claim_ids}
    return [i for i in judgement.claim_ids if i in claims.index and i not in agreeing]


@pytest.mark.parametrize("name", ["overview", "africa"])
def test_a_judgement_cites_only_the_rows_of_the_figures_it_prints(name, overview, africa):
    briefing = {"overview": overview, "africa": africa}[name]
    for judgement in briefing.key_judgements():
        if judgement.topic == "law":  # names groups, no figure: it rests on every group's status report
            continue
        assert not _headcount_rows_unprinted(briefing, judgement), judgement.text


def test_overview_side_judgements_leave_out_the_sign_ups_they_do_not_print(overview):
    # H037 (about 50,000 Syrians registered) leads the sign-ups judgement; Russia's side judgement
    # prints H059 (about 15,000 North Koreans, to date) and H050 (11,000-12,000, at one time) only.
    # H004 (20,000+ applied) is Ukraine's largest count at any stage, unsaid where a count of people
    # who reached the war exists (H119, 10,000+).
    sides = {j.topic: j for j in overview.key_judgements() if j.topic.startswith("side:")}
    assert "H037" not in sides["side:russia"].claim_ids and {"H059", "H050"} <= set(sides["side:russia"].claim_ids)
    assert "H004" not in sides["side:ukraine"].claim_ids and "H119" in sides["side:ukraine"].claim_ids


def test_africa_pay_judgements_cite_what_each_prints(africa):
    # Both rest on P027 (up to 350,000 KES a month to Kenyans). The army-pay judgement gives the
    # date of W002 (Russia's army pay, from 31 Jul 2024); the home-pay judgement prints P027 in
    # dollars, converted at X034. So the two references differ, and neither shares [n] by accident.
    found = {j.topic: j for j in africa.key_judgements()}
    army, pull = found["army"], found["pull"]
    assert "31 Jul 2024" in army.text and "W002" in army.claim_ids
    assert "$2,713" in pull.text and "X034" in pull.claim_ids
    assert tuple(army.claim_ids) != tuple(pull.claim_ids)


def test_not_in_force_dates_read_as_a_sentence():
    # 27 Oct 2022 and 1 Feb 2023 fall after the offers they are nearest to; 31 Jul 2024 more than
    # 365 days before one: grouped by side, each date once, no "it applies from ..., after it" chain.
    import pandas as pd
    near = [("W001", pd.Timestamp("2022-10-27"), "after"), ("W001", pd.Timestamp("2022-10-27"), "after"),
            ("W003", pd.Timestamp("2023-02-01"), "after"), ("W002", pd.Timestamp("2024-07-31"), "before")]
    assert words_of._nearest_words(near) == (" (the figures on record apply from 27 Oct 2022 and 1 Feb 2023, "
                                             "after the offers, and from 31 Jul 2024, more than 365 days before "
                                             "the offer)")
    assert words_of._nearest_words([("W002", pd.Timestamp("2024-07-31"), "before")]) == \
        " (the figure on record applies from 31 Jul 2024, more than 365 days before the offer)"


def test_drive_judgement_says_only_of_its_window_not_of_the_record():
    briefing = Briefing.from_parameters(**ENTRIES["pay-focus"])
    cost = next(j for j in briefing.key_judgements() if j.topic == "cost")
    # Eight monthly offers to Syrians are on record (P001-P008); the drive pairs the count (H037,
    # Nov 2022) only with those reported in the 183 days up to it: P008's $3,000.
    assert "only monthly offer on record" not in cost.text
    assert ("at $3,000 a month (Nov 2022, unconfirmed; the one monthly offer to them reported in the 183 days "
            "up to that count) for 6 months assumed" in cost.text)


def test_adversary_only_change_is_said_plainly():
    briefing = Briefing.from_parameters(**ENTRIES["ukraine-volunteers"])
    words, key = timeline.title(briefing)
    # Every change in this selection is in Russia's MoD's counts of Ukraine's foreign fighters.
    assert words.startswith("The only change by ") and "a party's claims about its adversary" in words
    assert "Russian state" in words and key is not None
    assert not re.match(r"No series", words)


def test_headcount_chart_title_covers_the_bars_it_draws():
    from briefings.sections import headcounts

    briefing = Briefing.from_parameters(**ENTRIES["south-asia"])
    stocks = briefing.latest[briefing.latest["count_type"] != "flow"]
    title = headcounts.chart_title(briefing, stocks)
    # The title ranks counts to date graded 1-3 (554 Sri Lankans, H084, B2); the chart also draws
    # CNN's about 15,000 Nepalis (H040, C4) and counts of those present on one day (up to 200, 50).
    assert "the largest is 554 Sri Lankans" in title
    assert title.endswith("bars marked unconfirmed (graded 4–6) or at the time (present on one day) are drawn too, "
                          "never ranked")
