"""Tests for analysis.changes: the 'what changed' window, on hand-made claims.

Dates: a claim dated to a day is known that day; one dated to a month is known at the month's end.
"""

from __future__ import annotations

import pandas as pd
from helpers import CLAIM_DEFAULTS, typed_rows

from analysis.changes import DEFAULT_WINDOW_DAYS, default_since, headcount_changes, offer_changes
from analysis.headcounts import claims_as_of

DEFAULTS = {**CLAIM_DEFAULTS, "origin": "Syria", "category": "paid", "claimant": "Claimant A"}


def claims(*rows: dict) -> pd.DataFrame:
    frame = typed_rows("headcount_claims", DEFAULTS, rows, id_column="claim_id", id_prefix="H",
                       same_as={"people_high": "people_low"})
    return claims_as_of(frame, "2023-12-31")


def test_default_window_is_a_year_before_as_of():
    # 2023-06-30 minus 365 days = 2022-06-30
    assert DEFAULT_WINDOW_DAYS == 365
    assert default_since("2023-06-30") == pd.Timestamp("2022-06-30")


def test_new_revised_and_restated_series_and_what_stays_out():
    frame = claims(
        {"people_low": 100, "date_reported": "2022-03-15"},                       # H001 Syria signed up, before
        {"people_low": 300, "date_reported": "2022-05-10"},                       # H002 same series, in window: up
        {"origin": "Nepal", "people_low": 50, "date_reported": "2022-04-01"},     # H003 Nepal: new series
        {"origin": "India", "people_low": 20, "date_reported": "2022-03-01"},     # H004 India, before
        {"origin": "India", "people_low": 20, "date_reported": "2022-04-20"},     # H005 same figure again: restated
        {"origin": "Cuba", "people_low": 10, "date_reported": "2022-07-01"},      # H006 after as_of: out
        {"origin": "Iraq", "people_low": 5, "date_reported": "2022-02-01"},       # H007 before since only: out
    )
    changes = headcount_changes(frame, "2022-03-31", "2022-06-30").set_index("claim_id")
    assert sorted(changes.index) == ["H002", "H003", "H005"]
    assert (changes.loc["H002", "kind"], changes.loc["H002", "direction"], changes.loc["H002", "before_claim_id"]) \
        == ("revised", "up", "H001")
    assert (changes.loc["H003", "kind"], changes.loc["H003", "before_claim_id"]) == ("new", None)
    assert (changes.loc["H005", "kind"], changes.loc["H005", "direction"]) == ("restated", "same")


def test_most_recently_known_first_and_month_dates_count_from_the_month_end():
    frame = claims({"people_low": 100, "date_reported": "2022-05-01"},                      # H001, known 1 May
                   {"origin": "Nepal", "people_low": 7, "date_reported": "2022-06-01",
                    "date_precision": "month"})                                              # H002, known 30 Jun
    changes = headcount_changes(frame, "2022-03-31", "2022-06-30")
    assert list(changes["claim_id"]) == ["H002", "H001"]
    # As of 29 June, a figure dated "June 2022" is not yet known.
    assert list(headcount_changes(frame, "2022-03-31", "2022-06-29")["claim_id"]) == ["H001"]


def test_a_lower_figure_is_revised_down():
    frame = claims({"people_low": 500, "date_reported": "2022-01-10"},
                   {"people_low": 200, "date_reported": "2022-05-10"})
    change = headcount_changes(frame, "2022-03-31", "2022-06-30").iloc[0]
    assert (change["kind"], change["direction"]) == ("revised", "down")


def test_nothing_in_the_window_gives_no_rows():
    frame = claims({"date_reported": "2022-01-10"})
    assert headcount_changes(frame, "2022-03-31", "2022-06-30").empty


def test_offers_known_inside_the_window_only():
    offers = pd.DataFrame({"offer_id": ["P001", "P002", "P003"],
                           "date_reported": pd.to_datetime(["2022-03-31", "2022-04-01", "2022-06-01"]),
                           "date_precision": ["day", "day", "month"]})
    # P001 is known on 31 Mar (the window opens after it); P002 on 1 Apr; P003 at the end of June.
    assert list(offer_changes(offers, "2022-03-31", "2022-06-30")["offer_id"]) == ["P003", "P002"]
    assert list(offer_changes(offers, "2022-03-31", "2022-06-29")["offer_id"]) == ["P002"]


def test_the_data_changelogs_titles_are_written_for_readers():
    """Each dated entry's title is printed in the 'What changed' box of page 1 (analysis.changes.
    data_revisions): no commit, helper, engineer or issue number there (the reader review of
    2026-12-08 found 'Schema change (commit a4009de, lead engineer)' and 'helper C1' on page 1)."""
    import re

    from analysis.changes import data_revisions
    from analysis.paths import DATA_DIR

    titles = [r.title for r in data_revisions(DATA_DIR / "CHANGELOG.md")]
    assert len(titles) >= 3  # 27 Nov, 7 Dec, 8 Dec 2026 at least
    internal = re.compile(r"\b(?:commit|helper|engineer|issue)\b|\b[0-9a-f]{7,40}\b", re.I)
    assert [t for t in titles if not t or internal.search(t)] == []
