"""Pay: each monthly offer against a soldier's pay at home and the recruiting army's own pay in
force on its date (a chart with the Art. 47 mark, and a compact table of the comparisons)."""

from __future__ import annotations

from analysis.intervals import format_ratio
from analysis.judgements import money
from analysis.loading import known_from
from analysis.pay import COMPARATOR_MAX_AGE_DAYS

from .. import charts
from .common import MEASURE_WORDS, date_text, show_section, shows, unconfirmed, when

SECTION = "Pay"


def _bounds(interval) -> tuple:
    return round(interval.low, 2), None if interval.open_above else round(interval.high, 2)


def _rate_note(briefing, rate_id) -> str:
    """'' when the rate is of the briefing's kind; else which kind stood in (method rule 10)."""
    if rate_id is None:
        return ""
    rates = briefing.data.exchange_rates.set_index("rate_id")
    kind = rates.loc[rate_id, "kind"] if rate_id in rates.index else None
    return "" if kind in (None, briefing.params["fx_kind"]) else f"at a {kind} rate: no {briefing.params['fx_kind']} rate on record"


def _rows(briefing) -> list[dict]:
    multiples = briefing.multiples.set_index(["offer_id", "measure"])
    offers = briefing.monthly_offers.assign(known_from=known_from(briefing.monthly_offers)).set_index(
        "offer_id", drop=False)
    rows = []
    for _, row in briefing.army.iterrows():
        offer = offers.loc[row["offer_id"]]
        day = offer["known_from"].date().isoformat()
        low, high = _bounds(row["monthly_usd"])
        # A conversion's reference lists the rate with the row, so the dollar figure can be checked.
        offer_ref = briefing.refs.cite([offer["offer_id"], offer["fx_rate_id"]], section=SECTION,
                                       figure=money(row["monthly_usd"]),
                                       what=f"monthly pay offered to recruits from {offer['origin']}", low=low,
                                       high=high, unit="USD a month", date=day)
        home = None
        if (row["offer_id"], "soldier_pay") in multiples.index:
            m = multiples.loc[(row["offer_id"], "soldier_pay")]
            low, high = _bounds(m["wage_usd"])
            home = {"ratio": format_ratio(m["multiple"]), "wage": money(m["wage_usd"]),
                    "ref": briefing.refs.cite([m["wage_id"], m["wage_fx_rate_id"]], section=SECTION,
                                              figure=money(m["wage_usd"]),
                                              what=f"a soldier's monthly pay in {offer['origin']} at the offer's date",
                                              low=low, high=high, unit="USD a month", date=day),
                    "disputed": bool(m["disagreeing"]), "rate_note": _rate_note(briefing, m["wage_fx_rate_id"])}
        army = None
        if row["army_pay_usd"] is not None:
            low, high = _bounds(row["army_pay_usd"])
            army = {"ratio": format_ratio(row["ratio"]), "wage": money(row["army_pay_usd"]),
                    "ref": briefing.refs.cite([row["army_wage_id"], row["army_fx_rate_id"]], section=SECTION,
                                              figure=money(row["army_pay_usd"]),
                                              what=f"{MEASURE_WORDS[row['army_measure']]} in the recruiting army "
                                                   "at the offer's date",
                                              low=low, high=high, unit="USD a month", date=day),
                    "reading": row["reading"], "rate_note": _rate_note(briefing, row["army_fx_rate_id"])}
        rows.append({"when": when(offer), "origin": offer["origin"], "side": offer["side"], "usd": money(row["monthly_usd"]),
                     "ref": offer_ref, "unconfirmed": unconfirmed(offer), "home": home, "army": army,
                     "rate_note": _rate_note(briefing, offer["fx_rate_id"])})
    return rows


def view(briefing) -> dict | None:
    if not shows(briefing, "pay"):
        return None
    if briefing.offers.empty:
        return {"empty": f"No pay offer had been reported for this selection by {date_text(briefing.as_of)}."}
    threshold = briefing.params["excess_threshold"]
    others = len(briefing.offers) - len(briefing.monthly_offers)
    rows = _rows(briefing)
    # An offer with no pay in force to set it against is in the chart and the appendix; the table
    # is for comparisons.
    compared = [r for r in rows if r["home"] or r["army"]]
    return {"empty": "", "threshold": f"{threshold:g}",
            "chart": charts.pay_against_wages(briefing.army, briefing.multiples, briefing.monthly_offers, threshold,
                                              source=f"Source: the offers and wages in the appendix, converted at "
                                                     f"{briefing.params['fx_kind']} rates of the offer's day."),
            "rows": compared, "uncompared": len(rows) - len(compared), "monthly": len(rows), "others": others,
            "fx_kind": briefing.params["fx_kind"], "max_age": COMPARATOR_MAX_AGE_DAYS}


def show(briefing):
    return show_section("pay", view(briefing))
