"""Mercenaries in law? For each recruited group, the verdict under Art. 47(2) of Additional
Protocol I and the condition that settles it (the full six-condition grid is in the appendix).
Groups of one side and category with the same verdict for the same reason share a row; groups in
view that no one reports reached the war are named as not assessed, with their figures."""

from __future__ import annotations

from analysis import claims as claim
from analysis.article47 import CONDITIONS
from analysis.assessment import DECISIVE_ORDER
from analysis.judgements import join_words

from analysis.headcounts import stage_is_read

from ..words import LAW_REASONS, STAGE_WORDS, place, say
from .common import CATEGORY_NOUNS, date_text, show_section, shows, side_word

SECTION = "Mercenaries in law"


def _reason(a) -> str:
    if a.failed:
        letter = next(k for k in DECISIVE_ORDER if k in a.failed)
        return f"({letter}) not met: {LAW_REASONS.get(letter) or a.conditions[letter][1]}"
    return "no condition is known to fail; unknown: " + ", ".join(f"({k}) {CONDITIONS[k]}" for k in a.unknown)


#: Why a group is left out of the Art. 47 reading, after its names (method rule 12).
NOT_ASSESSED_WHY = {
    "not reached": "none of them is reported to have reached the war by {as_of}",
    "our reading": "reported to have reached the war only by our reading of the source's words, never "
                   "by the source itself",
    "status unknown": "reported to have reached the war, but whether as volunteers, paid recruits or contract "
                      "soldiers is not reported, so the conditions cannot be read",
    "conscripts": "reported to have reached the war as conscripts called up by a party, not as recruits"}


def _not_assessed(briefing) -> str:
    groups = briefing.assessment.not_assessed
    made = claim.not_assessed(groups)
    if not groups:
        return say(briefing, made, "", SECTION)
    latest = briefing.latest.set_index("claim_id")
    by_reason = {}
    for side, origin, category, ids, reason in groups:
        figures = []
        for i in ids:
            if latest.loc[i, "people"].high > 0:
                read = " (our reading)" if stage_is_read(latest.loc[i, "stage_detail"]) else ""
                figures.append(f"{latest.loc[i, 'stated']} {STAGE_WORDS[str(latest.loc[i, 'stage'])][0]}{read}")
        zeros = [i for i in ids if latest.loc[i, "people"].high == 0]
        who = f"{side_word(side)}'s {CATEGORY_NOUNS[category]} " + (
            "of all origins" if origin == "all" else f"from {place(origin)}")
        detail = ", ".join(figures) + ("; a reported 0 arrived" if zeros else "")
        by_reason.setdefault(reason, []).append(f"{who} ({detail})" if detail else who)
    parts = [f"{join_words(named)}: {NOT_ASSESSED_WHY[reason].format(as_of=date_text(briefing.as_of))}"
             for reason, named in by_reason.items()]
    words = "Not assessed — " + "; ".join(parts) + "."
    return say(briefing, made, words, SECTION)


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

    def who(side, category, origins) -> str:
        named = sorted(o for o in origins if o != "all origins")
        if not named:
            return f"{side_word(side)}: {CATEGORY_NOUNS[category]} of all origins"
        text = f"{side_word(side)}: {CATEGORY_NOUNS[category]} from {join_words(named)}"
        # A count over all origins is a group of its own, not one more origin beside the countries.
        return text + (f", and {CATEGORY_NOUNS[category]} counted over all origins" if "all origins" in origins else "")

    rows = [{"group": who(side, category, g["origins"]),
             "verdict": verdict, "cannot": verdict.startswith("cannot"), "reason": reason,
             "ref": briefing.refs.cite(g["claims"])}
            for (side, category, verdict, reason), g in groups.items()]
    if not rows:
        say(briefing, claim.none("assessed_groups", {}, 0),
            "No recruited group of known status is reported to have reached the war", SECTION)
    return {"rows": rows, "threshold": f"{briefing.params['excess_threshold']:g}",
            "not_assessed": _not_assessed(briefing)}


def show(briefing):
    return show_section("law", view(briefing))
