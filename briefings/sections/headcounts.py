"""How many: a chart of the latest ranges, the stage grid, sign-ups against arrivals, flows, and
what each side says about the other's foreign fighters (kept apart)."""

from __future__ import annotations

from analysis.headcounts import GAP_WINDOW_DAYS, STAGES, flows
from analysis.assessment import place
from analysis.judgements import pct
from analysis.intervals import format_people

from .. import charts
from .common import (CATEGORY_NOUNS, COUNT_TYPE_WORDS, STAGE_WORDS, claim_ref, date_text,
                     origin_word, show_section, shows, side_word, unconfirmed, when)

SECTION = "Headcounts"


def _cell(briefing, claim, cite) -> dict:
    return {"figure": claim["stated"], "ref": cite(claim),
            "single": bool(claim["single_source"]), "unconfirmed": unconfirmed(claim),
            "date": date_text(claim["date_reported"], "month" if claim["date_precision"] == "day" else claim["date_precision"])}


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


def _gap_sentence(briefing, g) -> str:
    latest = briefing.latest.set_index("claim_id", drop=False)
    signed = latest.loc[g["signed_up_claim"]]
    who = f"{CATEGORY_NOUNS[g['category']]} {'of all origins' if g['origin'] == 'all' else 'from ' + place(g['origin'])}"
    mark = ", unconfirmed" if unconfirmed(signed) else ""
    lead = {"text": f"{g['signed_up_stated']} {who} signed up ({signed['claimant_name']}, {when(signed)}{mark})",
            "ref": claim_ref(briefing, signed, SECTION)}
    if g["status"] == "gap":
        present = latest.loc[g["present_claim"]]
        stage = STAGE_WORDS[g["present_stage"]][present["count_type"] == "current"]
        share = "" if g["present_share"] is None else f", {pct(g['present_share'])} of sign-ups"
        rest = (f"{g['present_stated']} reported {stage} ({present['claimant_name']}, {when(present)}{share}): "
                f"some {format_people(g['gap'])} not reported to have reached the war")
        return {**lead, "rest": rest, "rest_ref": claim_ref(briefing, present, SECTION)}
    if g["status"] == "presence exceeds sign-ups":
        rest = f"more were reported present ({g['present_stated']}) than signed up: different groups, so no gap is computed"
    elif g["status"] == "presence reported at another time":
        rest = "those present were counted at another time, so how many have not arrived is not known"
    else:
        rest = "how many arrived has not been reported, so how many have not arrived is not known"
    return {**lead, "rest": rest, "rest_ref": ""}


def claim_line(briefing, claim, cite) -> dict:
    """One claim as a line: whose fighters, the figure, what was counted, who said it."""
    stage = STAGE_WORDS[str(claim["stage"])][claim["count_type"] == "current"]
    if claim["count_type"] == "flow":
        stage += f" between {date_text(claim['period_start'], 'month')} and {date_text(claim['period_end'], 'month')}"
    return {"whose": f"{side_word(claim['side'])} · {origin_word(claim['origin'])}",
            "figure": claim["stated"], "what": f"{CATEGORY_NOUNS[claim['category']]} {stage}",
            "who": f"{claim['claimant_name']}, {when(claim)}", "unconfirmed": unconfirmed(claim),
            "ref": cite(claim)}


def view(briefing) -> dict | None:
    if not shows(briefing, "headcounts"):
        return None
    if briefing.all_claims.empty:
        return {"empty": f"No headcount had been reported for this selection by {date_text(briefing.as_of)}."}
    stocks = briefing.latest[briefing.latest["count_type"] != "flow"]
    return {"empty": "",
            "chart": charts.headcount_ranges(stocks, source=f"Source: the latest claim in each series, as of "
                                                            f"{date_text(briefing.as_of)}; each is in the appendix."),
            "gaps": [_gap_sentence(briefing, g) for _, g in briefing.gap.iterrows()],
            "gap_window": GAP_WINDOW_DAYS,
            "flows": [claim_line(briefing, c, lambda c: claim_ref(briefing, c, SECTION))
                      for _, c in flows(briefing.latest).iterrows()],
            "adversary": len(briefing.adversary_latest)}


def show(briefing):
    return show_section("headcounts", view(briefing))
