"""Where recruits come from: origins ranked by the largest confirmed figure of people whose source
says they reached the war, counts to date and counts at one time ranked apart."""

from __future__ import annotations

from analysis import claims as claim
from analysis.headcounts import PRESENCE_STAGES, Scope

from .. import charts
from ..words import place, say
from .common import date_text, record_drawn, show_section, shows

SECTION = "Where recruits come from"
KIND_WORDS = {"cumulative": "counted to date", "current": "counted at one time"}


def _block_words(briefing, scope, ranked) -> str:
    made = claim.ranking(scope, ranked)
    kind = KIND_WORDS[scope.count_type]
    names = [f"{place(o)} ({s})" for o, s in zip(ranked["origin"], ranked["stated"])]
    if len(names) == 1:
        words = f"{kind}, only {names[0]} has a figure"
    elif made.value["first_two_overlap"]:
        words = f"{kind}, {names[0]} and {names[1]} lead, with ranges that overlap"
        if len(names) > 2:
            words += f"; next is {names[2]}"
    else:
        words = f"{kind}, the largest is {names[0]}, ahead of " + " and ".join(names[1:3])
    for _, row in ranked.iterrows():
        say(briefing, claim.headcount(row), row["stated"], SECTION)
    return say(briefing, made, words, SECTION)


def view(briefing) -> dict | None:
    # A briefing about one origin has nothing to rank.
    if not shows(briefing, "headcounts") or len(briefing.params["origins"]) == 1 or briefing.latest.empty:
        return None
    side = briefing.params["side"] if briefing.params["side"] != "both" else None
    blocks, words = [], []
    for count_type in ("cumulative", "current"):
        scope = Scope(count_type, tuple(PRESENCE_STAGES), side=side, reached=True, countries=True)
        ranked = briefing.assessment.ranked_origins(scope)
        if len(ranked):
            blocks.append(ranked)
            words.append(_block_words(briefing, scope, ranked))
    if not blocks:
        scope = Scope("cumulative", tuple(PRESENCE_STAGES), side=side, reached=True, countries=True)
        text = (f"No origin has a confirmed figure for people whose source says they reached the war by "
                f"{date_text(briefing.as_of)}: a figure whose stage is only our reading of its source, and a reported "
                "0, are no group to rank.")
        return {"chart": None, "empty": say(briefing, claim.none("ranked_origins", scope.as_dict(), 0), text, SECTION)}
    import pandas as pd

    ranked = pd.concat(blocks, ignore_index=True)
    record_drawn(briefing, ranked, "where recruits come from")
    title = "Of people whose source says they reached the war, " + "; ".join(words)
    regions = briefing.latest[(briefing.latest["origin_scope"] == "region")
                              & briefing.latest["stage"].astype(str).isin(PRESENCE_STAGES)]["origin"].nunique()
    chart = charts.origins_ranked(ranked, title=title, regions=int(regions))
    return None if chart is None else {"chart": chart}


def show(briefing):
    return show_section("origins", view(briefing))
