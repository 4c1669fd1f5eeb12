"""Page 1: the key judgements with their confidence, how old the record is, and what changed in
the window before as_of (or that the record stops before it), with the data's own revisions."""

from __future__ import annotations

import pandas as pd

from analysis import claims as claim
from analysis.changes import headcount_changes, offer_changes
from analysis.coverage import reach_precision, window_cover
from analysis.intervals import date_text

from ..tables import isolated_within
from ..words import credit, figure_phrase, say, when
from .common import PERIOD_WORDS, claim_ref, money_stated, origin_word, show_section, shows
from .judgements import written

#: At most this many changes are listed on page 1; the rest are counted.
CHANGES_SHOWN = 3
DIRECTION_WORDS = {"up": "up", "down": "down", "same": "the same middle, a different range"}
SECTION = "What changed"


def since(briefing) -> pd.Timestamp:
    return briefing.assessment.since


def _judgements(briefing) -> list[dict]:
    names = briefing.data.claimants["name"]
    out = []
    for j in written(briefing):
        # A judgement quotes several figures of different kinds: recorded as its words, with no bounds.
        ref = briefing.refs.cite(j.claim_ids, section="Key judgements", figure="; ".join(map(str, j.figures)),
                                 what="key judgement") if j.figures else briefing.refs.cite(j.claim_ids)
        basis = j.basis
        if "agree" in basis:  # which sources agree, and that they state one quantity, is a claim of its own
            basis = say(briefing, claim.agree(j.evidence, basis), basis, "Key judgements")
        out.append({"text": isolated_within(j.text, names), "confidence": j.confidence, "basis": basis,
                    "ref": ref})
    return out


def _newest(briefing) -> str:
    """Page 1's statement of how old the record is: the date of the newest figure it rests on."""
    day, row = briefing.assessment.newest
    if day is None:
        words = "No figure of this selection is on record as of then."
    else:
        frames = [briefing.all_claims.set_index("claim_id"), briefing.offers.set_index("offer_id")]
        record = next(f.loc[row] for f in frames if row in f.index)
        words = (f"The newest figure this briefing rests on was reported {when(record)}"
                 + ("" if pd.Timestamp(day) >= briefing.as_of - pd.Timedelta(days=31)
                    else f", {_age(day, briefing.as_of)} before the as-of date") + ".")
    return say(briefing, claim.newest(day, row), words, SECTION)


def _age(day, as_of) -> str:
    months = (pd.Timestamp(as_of).year - pd.Timestamp(day).year) * 12 + pd.Timestamp(as_of).month - pd.Timestamp(day).month
    if months >= 24:
        years, rest = divmod(months, 12)
        return f"{years} years" + (f" and {rest} {'month' if rest == 1 else 'months'}" if rest else "")
    return f"{months} months" if months > 1 else "a month"


def _items(briefing, start, end) -> list[dict]:
    items = []
    if shows(briefing, "headcounts"):
        claims = briefing.all_claims.set_index("claim_id", drop=False)
        changes = headcount_changes(briefing.all_claims, start, end)
        for _, change in changes[changes["kind"] != "restated"].iterrows():
            row = claims.loc[change["claim_id"]]
            text = figure_phrase(briefing, row, SECTION)
            before_id = change["before_claim_id"]
            say(briefing, claim.change(change["claim_id"], change["kind"], before_id, change["direction"]),
                change["kind"], SECTION)
            if change["kind"] == "revised":
                before = claims.loc[before_id]
                label = f"Revised {DIRECTION_WORDS[change['direction']]}"
                text += f"; the figure before was {before['stated']} ({credit(briefing, before, SECTION)})"
                say(briefing, claim.headcount(before), before["stated"], SECTION)
            else:
                label = "New"
            if change["adversary"]:
                label += ", a claim by the other side"
            items.append({"known": change["known_from"], "label": label, "text": text,
                          "ref": claim_ref(briefing, row, SECTION)})
    if shows(briefing, "pay") and len(briefing.offers):
        for _, offer in offer_changes(briefing.offers, start, end).iterrows():
            stated = money_stated(offer["qualifier"], offer["amount_low_local"], offer["amount_high_local"],
                                  offer["currency"])
            say(briefing, claim.pay(offer), stated, SECTION)
            whom = (origin_word(offer["origin"]).lower() if offer["origin"] == "all" else offer["origin"])
            items.append({"known": offer["known_from"], "label": "Pay",
                          "text": f"{stated} {PERIOD_WORDS[offer['period']]} "
                                  f"{'received by' if offer['status'] == 'received' else 'offered to'} recruits from "
                                  f"{whom} ({credit(briefing, offer, SECTION)})",
                          "ref": briefing.refs.cite([offer["offer_id"]], section=SECTION, figure=stated,
                                                    what=f"pay {offer['status']} {PERIOD_WORDS[offer['period']]}, "
                                                         f"recruits from {offer['origin']}", unit=offer["currency"],
                                                    low=offer["amount_low_local"], high=offer["amount_high_local"],
                                                    date=offer["known_from"].date().isoformat())})
    items.sort(key=lambda i: i["known"], reverse=True)
    return items


def _changes(briefing) -> dict:
    start, end = since(briefing), briefing.as_of
    reach = briefing.assessment.reach
    cover = window_cover(start, end, reach)
    stops_at = date_text(reach, reach_precision(briefing.data, reach)) if reach is not None else ""
    items = _items(briefing, start, end)
    window = claim.window(start, end, reach, cover, len(items))
    if cover == "none":
        nothing = (f"The record stops at {stops_at}: the data holds nothing reported after it, so whether "
                   f"anything changed between {date_text(start)} and {date_text(end)} is not known."
                   if reach is not None else "The data holds nothing reported by then.")
    elif items:
        nothing = ""
    else:
        nothing = (f"Nothing new for this selection: no figure in this briefing became known, or was revised, "
                   f"between {date_text(start)} and {date_text(min(end, reach))}.")
    stops = (f"The record stops at {stops_at}; nothing reported after it is in the data."
             if cover == "part" else "")
    say(briefing, window, " ".join(w for w in (nothing, stops) if w) or f"{len(items)} changes", SECTION)
    revisions = briefing.assessment.revisions
    revised = [f"{date_text(r.day)}: {r.title}" for r in revisions]
    say(briefing, claim.revisions(start, end, [r.day for r in revisions]),
        "; ".join(revised) or "no revision of the data", SECTION)
    return {"since": date_text(start), "as_of": date_text(end), "items": items[:CHANGES_SHOWN],
            "more": max(0, len(items) - CHANGES_SHOWN), "default": briefing.params["changes_since"] == "auto",
            "newest": _newest(briefing), "nothing": nothing, "stops": stops, "revisions": revised}


def view(briefing) -> dict:
    return {"judgements": _judgements(briefing), "changes": _changes(briefing)}


def show(briefing):
    return show_section("summary", view(briefing))
