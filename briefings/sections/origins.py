"""Where recruits come from: origins ranked by the largest figure graded 1–3 of people whose source
says they reached the war, within one stage group at a time (went to the war, the dead, those who
left) and counts to date and counts at one time ranked apart."""

from __future__ import annotations

import pandas as pd

from analysis import claims as claim
from analysis.headcounts import RANK_GROUPS, REACHED_STAGES, Scope
from analysis.judgements import FIRM_GRADES_WORDS, join_words

from .. import charts
from ..words import place, say
from .common import date_text, record_drawn, show_section, shows

SECTION = "Where recruits come from"
KIND_WORDS = {"cumulative": "counted to date", "current": "counted at one time"}


#: At most this many origins are named per tier; the chart shows them all.
NAMED_PER_TIER = 4


def _names(names: list[str]) -> str:
    shown = names[:NAMED_PER_TIER]
    more = len(names) - len(shown)
    return join_words(shown + ([f"{more} more"] if more else []))


def _contradicted(briefing) -> set:
    """Claim ids in view that another claim of the same time contradicts (rule 7, computed once)."""
    found = briefing.assessment.contradictions
    return set(found["claim_a"]) | set(found["claim_b"]) if len(found) else set()


def _label(origin: str, row, disputed: set) -> str:
    """'Kenya (at least 1,000)', 'Nepal (156, contradicted)': an open-ended floor is said as what it
    states (rule 14)."""
    figure = f"at least {row['stated'][:-1]}" if row["people"].open_above and row["stated"].endswith("+") \
        else row["stated"]
    return f"{place(origin)} ({figure}{', contradicted' if origin in disputed else ''})"


def _block_words(briefing, scope, ranked) -> str:
    """The ranking in words (method rule 14): the leaders (the largest and every origin whose range
    reaches it) are named together; "ahead of" is said only of origins ranked below every leader,
    pairwise (:func:`analysis.headcounts.ranking_places`); an origin placed by a contradicted figure
    says so."""
    made = claim.ranking(scope, ranked, _contradicted(briefing))
    kind = KIND_WORDS[scope.count_type]
    # Counts of those present at one time are of their own days: say so where the days differ.
    days = sorted(set(pd.to_datetime(ranked["known_from"])))
    if scope.count_type == "current" and len(days) > 1:
        kind += f" (each on its own day, {date_text(days[0], 'month')} to {date_text(days[-1], 'month')})"
    disputed = set(made.value["contradicted"])
    label = {o: _label(o, r, disputed) for o, (_, r) in zip(ranked["origin"], ranked.iterrows())}
    leaders = [label[o] for o in made.value["leaders"]]
    below = [label[o] for o in made.value["below"]]
    if len(label) == 1:
        words = f"{kind}, only {leaders[0]} has a figure"
    elif len(leaders) == 1:
        words = f"{kind}, the largest is {leaders[0]}"
    else:
        words = f"{kind}, {_names(leaders)} lead, each range reaching the highest's"
    if below:
        words += ", ahead of " + _names(below)
    for _, row in ranked.iterrows():
        say(briefing, claim.headcount(row), row["stated"], SECTION)
    return say(briefing, made, words, SECTION)


#: The stage groups ranked, each apart (rule 14), and how the title names each.
GROUP_WORDS = {"went": "Of people whose source says they went to the war (arrived or were deployed)",
               "killed": "Of the dead", "left": "Of those who left"}


def view(briefing) -> dict | None:
    # A briefing about one origin has nothing to rank.
    if not shows(briefing, "headcounts") or len(briefing.params["origins"]) == 1 or briefing.latest.empty:
        return None
    side = briefing.params["side"] if briefing.params["side"] != "both" else None
    blocks, sentences = [], []
    contradicted = _contradicted(briefing)
    for group, stages in RANK_GROUPS.items():
        words = []
        for count_type in ("cumulative", "current"):
            scope = Scope(count_type, stages, side=side, reached=True, countries=True)
            ranked = briefing.assessment.ranked_origins(scope)
            if len(ranked):
                blocks.append(ranked.assign(rank_group=group,
                                            contradicted=[c in contradicted for c in ranked["claim_id"]]))
                words.append(_block_words(briefing, scope, ranked))
        if words:
            sentences.append(f"{GROUP_WORDS[group]}, " + "; ".join(words))
    if not blocks:
        scope = Scope("cumulative", tuple(REACHED_STAGES), side=side, reached=True, countries=True)
        text = (f"No origin has a figure {FIRM_GRADES_WORDS} for people whose source says they reached the war by "
                f"{date_text(briefing.as_of)}: a figure whose stage is only our reading of its source, and a reported "
                "0, are no group to rank.")
        return {"chart": None, "empty": say(briefing, claim.none("ranked_origins", scope.as_dict(), 0), text, SECTION)}
    ranked = pd.concat(blocks, ignore_index=True)
    record_drawn(briefing, ranked, "where recruits come from")
    title = ". ".join(sentences)
    regions = briefing.latest[(briefing.latest["origin_scope"] == "region")
                              & briefing.latest["stage"].astype(str).isin(REACHED_STAGES)]["origin"].nunique()
    chart = charts.origins_ranked(ranked, title=title, regions=int(regions))
    return None if chart is None else {"chart": chart}


def show(briefing):
    return show_section("origins", view(briefing))
