"""What a recruitment drive would cost: people × monthly pay × months, plus one-off sums reported
by the same source. A ceiling that assumes everyone was paid in full, not a reported outlay."""

from __future__ import annotations

from analysis.judgements import money

from .common import STAGE_WORDS, date_text, show_section, when

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
            "people_ref": briefing.refs.cite([c["claim_id"]]),
            "offer": f"{money(c['monthly_usd'])} a month ({when(offer)})",
            "offer_ref": briefing.refs.cite([c["offer_id"]] + list(c["one_off_ids"])),
            "months": f"{c['months']}" + ("" if c["months_stated"] else " (assumed)"),
            "one_off": "—" if c["one_off_part"] is None else money(c["one_off_part"]),
            "total": money(cost),
            "total_ref": briefing.refs.cite([c["claim_id"], c["offer_id"]] + list(c["one_off_ids"]), section=SECTION,
                                            figure=money(cost), what=f"cost of paying {c['headcount_stated']} recruits "
                                                                     f"from {c['origin']} the offer in full",
                                            low=cost.low, high=None if cost.open_above else cost.high, unit="USD",
                                            date=claim["known_from"].date().isoformat())})
    return {"rows": rows, "months": briefing.params["default_contract_months"], "as_of": date_text(briefing.as_of)}


def show(briefing):
    return show_section("costs", view(briefing))
