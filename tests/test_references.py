"""Tests for briefings.references: numbering in order of first citation, and the figures kept for the CSV."""

from __future__ import annotations

from briefings.references import References


def test_numbers_run_in_order_of_first_citation_and_repeat_for_the_same_rows():
    refs = References()
    assert refs.number(["H031"]) == 1
    assert refs.number(["P006", "W002"]) == 2
    assert refs.number(["H031"]) == 1          # the same rows: the same number
    assert refs.number(["W002", "P006"]) == 3  # another order is another figure's list of rows
    assert refs.number(["H031", "H031", "", None, float("nan")]) == 1  # repeats and blanks (no rate row) dropped
    assert refs.number([]) is None
    assert refs.entries() == [(1, ("H031",)), (2, ("P006", "W002")), (3, ("W002", "P006"))]


def test_cite_links_to_the_appendix_entry_and_records_the_figure():
    refs = References()
    link = refs.cite(["H037", "H036"], section="Headcounts", figure="about 50,000", what="signed up",
                     low=45000, high=55000, unit="people", date="2022-11-30")
    assert link.markup == '<a href="#ref-1" class="ref">[1]</a>'
    assert refs.cite(["H037", "H036"]).markup == link.markup  # no figure given: nothing recorded
    assert len(refs.shown) == 1
    shown = refs.shown[0]
    assert (shown.ref, shown.figure, shown.low, shown.high, shown.rows) == (1, "about 50,000", 45000, 55000,
                                                                          ("H037", "H036"))
    assert refs.cite([]).markup == ""
