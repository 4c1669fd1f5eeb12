"""Claims over time: each series's claims by the date they became known (a chart; the full list
with dates is the appendix's claims table). Its title is the one notion of a change over time
(:func:`analysis.headcounts.trends`), the same the appendix's table of trends lists."""

from __future__ import annotations

import math

from analysis import claims as claim

from .. import charts
from analysis.loading import SIDE_COUNTRY

from ..words import CATEGORY_NOUNS, STAGE_PHRASES, TREND_WORDS, described, place, say, short_name
from .common import date_text, record_drawn, show_section, shows, when

SECTION = "Claims over time"


def _group(row) -> str:
    noun = CATEGORY_NOUNS[row["category"]]
    if row["origin"] == "all":
        return noun if noun.startswith("foreign") else f"foreign {noun}"
    return f"{noun} from {place(row['origin'])}"


#: Said of a series' latest figure that another claim of the same time contradicts (rule 7).
DISPUTED = "contradicted by another claim of the same time; "


def _change_words(briefing, top) -> str:
    """One series's change over time, each end in its source's words (a reported 0 may count
    something narrower than the later figure), with who said each."""
    claims = briefing.all_claims.set_index("claim_id")
    first, last = claims.loc[top["first_claim"]], claims.loc[top["last_claim"]]
    stage = STAGE_PHRASES[top["stage"]].format(side=SIDE_COUNTRY[top["side"]])
    if top["count_key"] == "current":
        stage += " at the time"
    return (f"the reported number of {_group(top)} {stage} {TREND_WORDS[top['direction']]} from "
            f"{first['stated']} ({described(first['stage_detail'])}; {short_name(first['claimant_name'])}, "
            f"{when(first)}) to {last['stated']} ({DISPUTED if top.get('last_contradicted') else ''}"
            f"{described(last['stage_detail'])}; "
            f"{short_name(last['claimant_name'])}, {when(last)})")


def _largest_change(briefing, trends):
    """The trend whose middle moved most (on a log scale), then the first in series order."""
    people = dict(zip(briefing.all_claims["claim_id"], briefing.all_claims["people"]))

    def moved(row) -> float:
        a, b = people[row["first_claim"]], people[row["last_claim"]]
        return abs(math.log(((b.low + b.high) / 2 + 1) / ((a.low + a.high) / 2 + 1)))

    sizes = [moved(r) for _, r in trends.iterrows()]
    return trends.iloc[max(range(len(sizes)), key=lambda i: (sizes[i], -i))]


def _key(top) -> tuple:
    return tuple(top[k] for k in ("side", "origin", "category", "stage", "count_key"))


def title(briefing) -> tuple[str, tuple | None]:
    """(the chart's finding, the series it names or None). A change in a party's claims about its
    adversary is said as that, plainly, never folded into "no series changed" (method rules 7 and 8)."""
    trends = briefing.assessment.own_trends
    made = claim.trends(trends, own_only=True)
    if trends.empty:
        every = briefing.assessment.trends
        if every.empty:
            words = (f"No series's reported figure moved outside the range of an earlier claim by "
                     f"{date_text(briefing.as_of)}: each series has one claim or claims that overlap")
            say(briefing, claim.trends(every, own_only=False), words, SECTION)
            return words, None
        # Every change on record is in a party's claims about its adversary: the chart draws it, so the
        # title names it, and says that nothing else changed.
        say(briefing, made, "no other series", SECTION)
        top = _largest_change(briefing, every)
        words = (f"The only change by {date_text(briefing.as_of)} is in a party's claims about its adversary: "
                 + _change_words(briefing, top))
        if len(every) > 1:
            words += f"; {len(every) - 1} other such {'series' if len(every) > 2 else 'series'} also changed (appendix)"
        words += "; no other series's figure moved outside the range of an earlier claim"
        say(briefing, claim.trend(top), words, SECTION)
        return words, _key(top)
    say(briefing, made, f"{len(trends)} series changed", SECTION)
    top = trends.iloc[0]
    words = _change_words(briefing, top)
    words = words[0].upper() + words[1:]
    if len(trends) > 1:
        words += f"; {len(trends) - 1} other {'series' if len(trends) > 2 else 'series'} also changed (appendix)"
    say(briefing, claim.trend(top), words, SECTION)
    return words, _key(top)


def view(briefing) -> dict | None:
    if not shows(briefing, "headcounts") or briefing.all_claims.empty:
        return None
    words, key = title(briefing)
    claims = briefing.all_claims
    record_drawn(briefing, claims[~claims["part_of"].isin(set(claims["claim_id"]))], "claims over time")
    chart = charts.claims_over_time(briefing.all_claims, briefing.as_of, title=words, highlight=key,
                                    source="Source: every claim in view, listed in the data annex with its date.")
    return None if chart is None else {"chart": chart}


def show(briefing):
    return show_section("timeline", view(briefing))
