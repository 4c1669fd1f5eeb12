"""Mercenaries in law? For each recruited group, the verdict under Art. 47(2) of Additional
Protocol I and the condition that settles it (the full six-condition grid is in the appendix).
Groups of one side and category with the same verdict for the same reason share a row."""

from __future__ import annotations

from analysis.article47 import CONDITIONS
from analysis.assessment import DECISIVE_ORDER, LAW_REASONS
from analysis.judgements import join_words

from .common import CATEGORY_NOUNS, show_section, shows, side_word


def _reason(a) -> str:
    if a.failed:
        letter = next(k for k in DECISIVE_ORDER if k in a.failed)
        return f"({letter}) not met: {LAW_REASONS.get(letter) or a.conditions[letter][1]}"
    return "no condition is known to fail; unknown: " + ", ".join(f"({k}) {CONDITIONS[k]}" for k in a.unknown)


def view(briefing) -> dict | None:
    if not shows(briefing, "pay"):
        return None
    latest = briefing.latest
    groups = {}
    for a in briefing.assessments:
        key = (a.side, a.category, a.verdict, _reason(a))
        claims = latest[(latest["side"] == a.side) & (latest["origin"] == a.origin) & (latest["category"] == a.category)]
        entry = groups.setdefault(key, {"origins": [], "claims": []})
        entry["origins"].append("all origins" if a.origin == "all" else a.origin)
        entry["claims"] += list(claims["claim_id"])
    rows = [{"group": f"{side_word(side)}: {CATEGORY_NOUNS[category]} from {join_words(sorted(g['origins']))}"
             if g["origins"] != ["all origins"] else f"{side_word(side)}: {CATEGORY_NOUNS[category]} of all origins",
             "verdict": verdict, "cannot": verdict.startswith("cannot"), "reason": reason,
             "ref": briefing.refs.cite(g["claims"])}
            for (side, category, verdict, reason), g in groups.items()]
    return {"rows": rows, "threshold": f"{briefing.params['excess_threshold']:g}"}


def show(briefing):
    return show_section("law", view(briefing))
