"""Mercenaries in law? For each recruited group, the verdict under Art. 47(2) of Additional
Protocol I and the condition that settles it (the full six-condition grid is in the appendix)."""

from __future__ import annotations

from analysis.article47 import CONDITIONS
from analysis.assessment import DECISIVE_ORDER

from .common import CATEGORY_NOUNS, origin_word, show_section, shows, side_word

SECTION = "Mercenaries in law"


def view(briefing) -> dict | None:
    if not shows(briefing, "pay"):
        return None
    rows = []
    latest = briefing.latest
    for a in briefing.assessments:
        group = latest[(latest["side"] == a.side) & (latest["origin"] == a.origin) & (latest["category"] == a.category)]
        if a.failed:
            letter = next(k for k in DECISIVE_ORDER if k in a.failed)
            reason = f"({letter}) {CONDITIONS[letter]}: not met, as {a.conditions[letter][1]}"
        else:
            reason = ("no condition is known to fail; unknown: "
                      + ", ".join(f"({k}) {CONDITIONS[k]}" for k in a.unknown))
        rows.append({"group": f"{side_word(a.side)} · {origin_word(a.origin)}", "category": CATEGORY_NOUNS[a.category],
                     "verdict": a.verdict, "cannot": bool(a.failed), "reason": reason,
                     "ref": briefing.refs.cite(list(group["claim_id"]))})
    return {"rows": rows, "threshold": f"{briefing.params['excess_threshold']:g}"}


def show(briefing):
    return show_section("law", view(briefing))
