"""Page 1: the key judgements with their confidence, and what changed in the window before as_of."""

from __future__ import annotations

import pandas as pd

from analysis.changes import default_since, headcount_changes, offer_changes
from analysis.intervals import date_text

from ..tables import isolated_within
from .common import PERIOD_WORDS, claim_ref, money_stated, origin_word, show_section, shows, unconfirmed, when

#: At most this many changes are listed on page 1; the rest are counted.
CHANGES_SHOWN = 5
DIRECTION_WORDS = {"up": "up", "down": "down", "same": "the same middle, a different range"}


def since(briefing) -> pd.Timestamp:
    value = briefing.params["changes_since"]
    return default_since(briefing.as_of) if value == "auto" else pd.Timestamp(value)


def _judgements(briefing) -> list[dict]:
    names = briefing.data.claimants["name"]
    out = []
    for j in briefing.key_judgements():
        # A judgement quotes several figures of different kinds: recorded as its words, with no bounds.
        ref = briefing.refs.cite(j.claim_ids, section="Key judgements", figure="; ".join(map(str, j.figures)),
                                 what="key judgement") if j.figures else briefing.refs.cite(j.claim_ids)
        out.append({"text": isolated_within(j.text, names), "confidence": j.confidence, "basis": j.basis,
                    "ref": ref})
    return out


def _changes(briefing) -> dict:
    start, end = since(briefing), briefing.as_of
    items = []
    if shows(briefing, "headcounts"):
        claims = briefing.all_claims.set_index("claim_id", drop=False)
        changes = headcount_changes(briefing.all_claims, start, end)
        for _, change in changes[changes["kind"] != "restated"].iterrows():
            claim = claims.loc[change["claim_id"]]
            text = briefing.assessment._figure_phrase(claim)
            if change["kind"] == "revised":
                before = claims.loc[change["before_claim_id"]]
                label = f"Revised {DIRECTION_WORDS[change['direction']]}"
                text += f"; the figure before was {before['stated']} ({before['claimant_name']}, {when(before)})"
            else:
                label = "New"
            if change["adversary"]:
                label += ", a claim by the other side"
            items.append({"known": change["known_from"], "label": label, "text": text,
                          "ref": claim_ref(briefing, claim, "What changed")})
    if shows(briefing, "pay") and len(briefing.offers):
        for _, offer in offer_changes(briefing.offers, start, end).iterrows():
            stated = money_stated(offer["qualifier"], offer["amount_low_local"], offer["amount_high_local"],
                                  offer["currency"])
            mark = ", unconfirmed" if unconfirmed(offer) else ""
            items.append({"known": offer["known_from"], "label": "Pay",
                          "text": f"{stated} {PERIOD_WORDS[offer['period']]} "
                                  f"{'received by' if offer['status'] == 'received' else 'offered to'} recruits from "
                                  f"{origin_word(offer['origin']).lower() if offer['origin'] == 'all' else offer['origin']} "
                                  f"({offer['claimant_name']}, {when(offer)}{mark})",
                          "ref": briefing.refs.cite([offer["offer_id"]], section="What changed", figure=stated,
                                                    what=f"pay {offer['status']} {PERIOD_WORDS[offer['period']]}, "
                                                         f"recruits from {offer['origin']}", unit=offer["currency"],
                                                    low=offer["amount_low_local"], high=offer["amount_high_local"],
                                                    date=offer["known_from"].date().isoformat())})
    items.sort(key=lambda i: i["known"], reverse=True)
    return {"since": date_text(start), "as_of": date_text(end), "items": items[:CHANGES_SHOWN],
            "more": max(0, len(items) - CHANGES_SHOWN), "default": briefing.params["changes_since"] == "auto"}


def view(briefing) -> dict:
    return {"judgements": _judgements(briefing), "changes": _changes(briefing)}


def show(briefing):
    return show_section("summary", view(briefing))
