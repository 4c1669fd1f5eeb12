"""What a recruitment drive would cost: people × monthly pay × months, plus one-off sums reported
by the same source; what paying everyone in full would cost, not a reported outlay, and a ceiling
only where no higher offer, longer contract or larger count is on record (the cost claim says which)."""

from __future__ import annotations

from analysis import claims as claim
from analysis.judgements import money

from ..words import rate_kind_note, say, usd_words
from .common import PERIOD_WORDS, STAGE_WORDS, date_text, show_section, unconfirmed, when

SECTION = "Cost of recruitment drives"


def view(briefing) -> dict | None:
    if briefing.params["focus"] == "headcounts":
        return None
    if briefing.costs.empty:
        say(briefing, claim.none("drives", {}, 0), "No paid headcount and matching monthly offer of the same time",
            SECTION)
        return {"rows": [], "months": briefing.params["default_contract_months"], "bound": ""}
    offers = briefing.offers.set_index("offer_id", drop=False)
    latest = briefing.latest.set_index("claim_id", drop=False)
    rows = []
    for _, c in briefing.costs.iterrows():
        offer, row = offers.loc[c["offer_id"]], latest.loc[c["claim_id"]]
        cost = c["cost_usd"]
        say(briefing, claim.headcount(row), row["stated"], SECTION)
        say(briefing, claim.pay(offer), usd_words(offer, c["monthly_usd"], briefing.params["fx_kind"]), SECTION)
        total = say(briefing, claim.cost(c), ("about " if c["approximate"] and cost.is_point else "") + money(cost),
                    SECTION)
        rows.append({
            "origin": c["origin"], "people": f"{c['headcount_stated']} {STAGE_WORDS[c['stage']][0]}",
            "people_ref": briefing.refs.cite([c["claim_id"]], section=SECTION, figure=row["stated"],
                                             what=f"recruits from {c['origin']}, {STAGE_WORDS[c['stage']][0]}",
                                             low=round(row["people"].low), unit="people",
                                             high=None if row["people"].open_above else round(row["people"].high),
                                             date=row["known_from"].date().isoformat()),
            "offer": f"{usd_words(offer, c['monthly_usd'])} a month "
                     f"({when(offer)}{rate_kind_note(offer, briefing.params['fx_kind'], bare=True)})",
            "offer_unconfirmed": unconfirmed(offer),
            "offer_ref": briefing.refs.cite([c["offer_id"], offer["fx_rate_id"]] + list(c["one_off_ids"])),
            # Method rule 15: what the same source says a recruit actually got, beside the offer.
            "received": [f"{money(offers.loc[r, 'amount_usd'])} {PERIOD_WORDS[offers.loc[r, 'period']]}"
                         for r in c["received_ids"] if offers.loc[r, "amount_usd"] is not None],
            "received_ref": briefing.refs.cite(list(c["received_ids"])),
            "months": f"{c['months']}" + ("" if c["months_stated"] else " (assumed)"),
            "one_off": "—" if c["one_off_part"] is None else money(c["one_off_part"]),
            "total": total,
            "arithmetic": arithmetic(c),
            "total_ref": briefing.refs.cite([c["claim_id"], c["offer_id"]] + list(c["one_off_ids"]), section=SECTION,
                                            figure=money(cost), what=f"cost of paying {c['headcount_stated']} recruits "
                                                                     f"from {c['origin']} the offer in full",
                                            low=round(cost.low), high=None if cost.open_above else round(cost.high),
                                            unit="USD",
                                            date=row["known_from"].date().isoformat())})
    # Several offers for one group are alternatives: each row prices the same people.
    alternatives = briefing.costs["claim_id"].duplicated().any()
    ceilings = briefing.costs["ceiling"].astype(bool)
    if ceilings.all():
        bound = "No higher offer, longer contract or larger count for these groups is on record, so each total is a ceiling."
    elif ceilings.any():
        bound = ("A total is a ceiling only where no higher offer, longer contract or larger count for its group is on "
                 "record; the others are not.")
    else:
        bound = ("Not a ceiling: for each group a higher offer, a longer contract, another source's one-off sum or a "
                 "count that may be larger is on record; the people are counted as their source stated them "
                 "(an \"about\" figure at its stated number).")
    for _, c in briefing.costs.iterrows():
        say(briefing, claim.cost(c), bound, SECTION)
    return {"rows": rows, "months": briefing.params["default_contract_months"], "as_of": date_text(briefing.as_of),
            "alternatives": bool(alternatives), "bound": bound}


def arithmetic(drive) -> str:
    """The sum behind a total, from the figures the row prints: '554 × $2,100+ × 6' or
    '1,000+ × $2,713 (the most "up to $2,713" promises) × 6 + 1,000+ × $6,976+', so that two equal
    totals are seen to come apart, and an "up to" offer is seen priced at its top (method rule 15)."""
    people = drive["headcount_stated"]
    pay = money(drive["priced_usd"])
    if drive["at_top"]:
        pay += f' (the most "up to {pay}" promises)'
    words = f"{people} × {pay} × {drive['months']}"
    if drive["one_off_part"] is not None:
        words += f" + {people} × {money(drive['one_off_usd'])}"
    return words


def show(briefing):
    return show_section("costs", view(briefing))
