"""How many: a chart of the latest ranges, the stage grid, sign-ups against arrivals, flows, and
what each side says about the other's foreign fighters (kept apart)."""

from __future__ import annotations

from analysis import claims as claim
from analysis.headcounts import GAP_WINDOW_DAYS, STAGES, Scope, flows, leading, stage_is_read
from analysis.intervals import format_derived_people
from analysis.judgements import FIRM_GRADES_WORDS, pct

from .. import charts
from ..words import credit, described, figure_phrase, place, say
from .common import (CATEGORY_NOUNS, COUNT_TYPE_WORDS, STAGE_WORDS, claim_ref, date_text, origin_word, record_drawn,
                     show_section, shows, side_word, unconfirmed, when)

SECTION = "Headcounts"
#: The stages the chart draws, and so the stages its title's "largest" compares.
CHART_STAGES = ("signed_up", "arrived", "deployed")


def _cell(briefing, row, cite) -> dict:
    say(briefing, claim.headcount(row), row["stated"], "Appendix")
    return {"figure": row["stated"], "ref": cite(row), "read": stage_is_read(row["stage_detail"]),
            "single": bool(row["single_source"]), "unconfirmed": unconfirmed(row),
            "date": date_text(row["date_reported"], "month" if row["date_precision"] == "day" else row["date_precision"])}


def grid(briefing, stocks, cite) -> list[dict]:
    """One row per side × category × origin × count type, one cell per stage (None: not reported).
    ``cite(claim)`` gives the link shown beside each figure."""
    rows = []
    for (side, category, origin, count_type), cells in stocks.groupby(
            ["side", "category", "origin", "count_type"], sort=True, observed=True):
        by_stage = {str(c["stage"]): c for _, c in cells.iterrows()}
        rows.append({"group": f"{side_word(side)} · {origin_word(origin)}", "category": CATEGORY_NOUNS[category],
                     "count": COUNT_TYPE_WORDS[count_type],
                     "cells": [_cell(briefing, by_stage[s], cite) if s in by_stage else None for s in STAGES]})
    return rows


def _gap_sentence(briefing, g) -> dict:
    latest = briefing.latest.set_index("claim_id", drop=False)
    signed = latest.loc[g["signed_up_claim"]]
    made = claim.gap(g)
    lead = {"text": figure_phrase(briefing, signed, SECTION), "ref": claim_ref(briefing, signed, SECTION)}
    if g["status"] == "gap":
        present = latest.loc[g["present_claim"]]
        same = figure_phrase(briefing, present, SECTION, same_report_as=signed)
        gap_words = format_derived_people(g["gap"], g["approximate"])
        share = "" if g["present_share"] is None else \
            f", {'about ' if g['approximate'] else ''}{pct(g['present_share'])} of the sign-ups"
        if present["people"].high == 0:
            rest = f"{same}: none is reported to have reached the war by then"
        else:
            rest = (f"{same}{share}: "
                    f"{'' if gap_words.startswith('about') else 'some '}{gap_words} not reported to have reached the war")
        say(briefing, made, rest, SECTION)
        return {**lead, "rest": rest, "rest_ref": claim_ref(briefing, present, SECTION)}
    if g["status"] == "presence exceeds sign-ups":
        rest = f"more were reported present ({g['present_stated']}) than signed up: different groups, so no gap is computed"
    elif g["status"] == "presence reported at another time":
        rest = "those present were counted at another time, so how many have not arrived is not known"
    else:
        rest = "how many arrived has not been reported, so how many have not arrived is not known"
    say(briefing, made, rest, SECTION)
    return {**lead, "rest": rest, "rest_ref": ""}


def claim_line(briefing, row, cite) -> dict:
    """One claim as a line: whose fighters, the figure, what was counted in its source's words, who said it."""
    what = described(row["stage_detail"])
    if row["count_type"] == "flow":
        what += f" (between {date_text(row['period_start'], 'month')} and {date_text(row['period_end'], 'month')})"
    if stage_is_read(row["stage_detail"]):
        what += f" (counted as {STAGE_WORDS[str(row['stage'])][0]}: our reading)"
    return {"whose": f"{side_word(row['side'])} · {origin_word(row['origin'])}",
            "figure": row["stated"], "what": what, "who": credit(briefing, row, SECTION),
            "unconfirmed": unconfirmed(row), "ref": cite(row)}


def chart_title(briefing, stocks) -> str:
    """The headcount chart's finding: the largest count to date graded 1–3 of the stages it draws
    (one notion: :func:`analysis.headcounts.largest`; with figures whose ranges reach it, only the
    highest), and what the gap notion says became of that group."""
    scope = Scope("cumulative", CHART_STAGES, side=briefing.params["side"] if briefing.params["side"] != "both" else None)
    winner, candidates = briefing.assessment.largest(scope)
    made = claim.largest(scope, winner, candidates)
    what = f"Of counts to date {FIRM_GRADES_WORDS} of people who signed up, arrived or were deployed"
    if winner is None:
        return say(briefing, made, f"No count to date {FIRM_GRADES_WORDS} of people who signed up, arrived or were "
                                   "deployed is on record for this selection", SECTION)
    say(briefing, claim.headcount(winner), winner["stated"], SECTION)
    reach = len(leading(candidates)) - 1
    title = (f"{what}, the {'highest' if reach else 'largest'} is {winner['stated']} "
             f"{described(winner['stage_detail'])}")
    if stage_is_read(winner["stage_detail"]):
        title += f" (counted as {STAGE_WORDS[str(winner['stage'])][0]}: our reading)"
    if reach:
        title += (f", but the ranges of {reach} other figures reach it" if reach > 1 else
                  ", but the range of one other figure reaches it") + ", so it is not known to be the largest"
    say(briefing, made, title, SECTION)
    gap = briefing.gap[briefing.gap["signed_up_claim"] == winner["claim_id"]] if len(briefing.gap) else briefing.gap
    if len(gap) and gap.iloc[0]["status"] == "gap":
        g = gap.iloc[0]
        present = briefing.latest.set_index("claim_id").loc[g["present_claim"]]
        gap_words = format_derived_people(g["gap"], g["approximate"])
        if present["people"].high == 0:
            words = f"; a reported 0 of them {STAGE_WORDS[g['present_stage']][0]} ({when(present)})"
        else:
            words = (f"; {g['present_stated']} of the group are reported {STAGE_WORDS[g['present_stage']][0]} "
                     f"({when(present)}), so {gap_words} are not reported to have reached the war")
        say(briefing, claim.gap(g), words, SECTION)
        title += words
    return title + _outside_words(stocks)


def _outside_words(stocks) -> str:
    """What the chart draws beyond the set its title ranks (counts to date graded 1–3), named so the
    title and the bars describe the same set: each such bar is marked, and the title says so."""
    drawn = charts.drawn_headcounts(stocks, CHART_STAGES)
    if drawn.empty:
        return ""
    kinds = []
    if any(int(c) >= 4 for c in drawn["credibility"]):
        kinds.append("unconfirmed (graded 4–6)")
    if (drawn["count_type"] == "current").any():
        kinds.append("at the time (present on one day)")
    if not kinds:
        return ""
    return f"; bars marked {' or '.join(kinds)} are drawn too, never ranked"


def view(briefing) -> dict | None:
    if not shows(briefing, "headcounts"):
        return None
    if briefing.all_claims.empty:
        text = f"No headcount for this selection is on record as of {date_text(briefing.as_of)}."
        say(briefing, claim.none("headcounts", {"as_of": date_text(briefing.as_of)}, 0), text, SECTION)
        return {"empty": text}
    stocks = briefing.latest[briefing.latest["count_type"] != "flow"]
    record_drawn(briefing, stocks[stocks["stage"].astype(str).isin(CHART_STAGES)], "how many")
    adversary = len(briefing.adversary_latest)
    if adversary:
        say(briefing, claim.none("adversary_latest", {}, adversary), f"{adversary} figures", SECTION)
    gaps = [_gap_sentence(briefing, g) for _, g in briefing.gap.iterrows()]
    if not gaps:
        say(briefing, claim.none("sign_ups", {}, 0), "No sign-up figure for this selection is on record", SECTION)
    return {"empty": "",
            "chart": charts.headcount_ranges(stocks, title=chart_title(briefing, stocks),
                                             source=f"Source: the latest claim in each series, as of "
                                                    f"{date_text(briefing.as_of)}; each is in the data annex.",
                                             parts=_own_parts(briefing)),
            "gaps": gaps,
            "gap_window": GAP_WINDOW_DAYS,
            "flows": [claim_line(briefing, c, lambda c: claim_ref(briefing, c, SECTION))
                      for _, c in flows(briefing.latest).iterrows()],
            "adversary": adversary}


def show(briefing):
    return show_section("headcounts", view(briefing))


__all__ = ["claim_line", "grid", "place", "view", "show"]


def _own_parts(briefing):
    """Claims in view, not a party's about its adversary, that break down another claim in view."""
    claims = briefing.all_claims
    parts = claims[claims["part_of"].isin(set(claims["claim_id"])) & ~claims["adversary"].astype(bool)
                   & (claims["count_type"] != "flow")]
    # The chart names the total each part belongs to ("part of the 11,000–12,000"), not just "a larger count".
    return parts.assign(total_stated=[f"the {stated}" for stated in parts["part_of"].map(
        dict(zip(claims["claim_id"], claims["stated"])))])
