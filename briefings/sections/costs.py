"""What a recruitment drive would cost: people × monthly pay × months, plus one-off sums reported
by the same source. A ceiling that assumes everyone was paid in full, not a reported outlay."""

from __future__ import annotations

from analysis.judgements import money

from .common import PERIOD_WORDS, STAGE_WORDS, date_text, show_section, unconfirmed, when

SECTION = "Cost of recruitment drives"


def view(briefing) -> dict | None:
    if briefing.params["focus"] == "headcounts":
        return None
    if briefing.costs.empty:
        return {"rows": [], "months": briefing.params["default_contract_months"]}
    offers = briefing.offers.set_index("offer_id", drop=False)
    latest = briefing.latest.set_index("claim_id", drop=False)
    rows = []
    for _, c in briefing.costs.iterrows():
        offer, claim = offers.loc[c["offer_id"]], latest.loc[c["claim_id"]]
        cost = c["cost_usd"]
        rows.append({
            "origin": c["origin"], "people": f"{c['headcount_stated']} {STAGE_WORDS[c['stage']][0]}",
            "people_ref": briefing.refs.cite([c["claim_id"]], section=SECTION, figure=claim["stated"],
                                             what=f"recruits from {c['origin']}, {STAGE_WORDS[c['stage']][0]}",
                                             low=round(claim["people"].low), unit="people",
                                             high=None if claim["people"].open_above else round(claim["people"].high),
                                             date=claim["known_from"].date().isoformat()),
            "offer": f"{money(c['monthly_usd'])} a month ({when(offer)})",
            "offer_unconfirmed": unconfirmed(offer),
            "offer_ref": briefing.refs.cite([c["offer_id"], offer["fx_rate_id"]] + list(c["one_off_ids"])),
            # Method rule 15: what the same source says a recruit actually got, beside the offer.
            "received": [f"{money(offers.loc[r, 'amount_usd'])} {PERIOD_WORDS[offers.loc[r, 'period']]}"
                         for r in c["received_ids"] if offers.loc[r, "amount_usd"] is not None],
            "received_ref": briefing.refs.cite(list(c["received_ids"])),
            "months": f"{c['months']}" + ("" if c["months_stated"] else " (assumed)"),
            "one_off": "—" if c["one_off_part"] is None else money(c["one_off_part"]),
            "total": money(cost),
            "total_ref": briefing.refs.cite([c["claim_id"], c["offer_id"]] + list(c["one_off_ids"]), section=SECTION,
                                            figure=money(cost), what=f"cost of paying {c['headcount_stated']} recruits "
                                                                     f"from {c['origin']} the offer in full",
                                            low=round(cost.low), high=None if cost.open_above else round(cost.high),
                                            unit="USD",
                                            date=claim["known_from"].date().isoformat())})
    # Several offers for one group are alternatives: each row prices the same people.
    alternatives = briefing.costs["claim_id"].duplicated().any()
    return {"rows": rows, "months": briefing.params["default_contract_months"], "as_of": date_text(briefing.as_of),
            "alternatives": bool(alternatives)}


def show(briefing):
    return show_section("costs", view(briefing))
