"""Pay: each monthly offer against a soldier's pay at home and the recruiting army's own pay in
force on its date (a chart with the Art. 47 mark, and a compact table)."""

from __future__ import annotations

from analysis.intervals import format_ratio
from analysis.judgements import money
from analysis.pay import COMPARATOR_MAX_AGE_DAYS

from .. import charts
from .common import MEASURE_WORDS, date_text, show_section, shows, unconfirmed, when

SECTION = "Pay"


def _usd(interval) -> tuple:
    return interval.low, None if interval.open_above else interval.high


def _rows(briefing) -> list[dict]:
    multiples = briefing.multiples.set_index(["offer_id", "measure"])
    offers = briefing.monthly_offers.set_index("offer_id", drop=False)
    rows = []
    for _, row in briefing.army.iterrows():
        offer = offers.loc[row["offer_id"]]
        low, high = _usd(row["monthly_usd"])
        offer_ref = briefing.refs.cite([offer["offer_id"]], section=SECTION, figure=money(row["monthly_usd"]),
                                       what=f"monthly pay offered to recruits from {offer['origin']}", low=low,
                                       high=high, unit="USD a month",
                                       date=offer["known_from"].date().isoformat() if "known_from" in offer else "")
        home = None
        if (row["offer_id"], "soldier_pay") in multiples.index:
            m = multiples.loc[(row["offer_id"], "soldier_pay")]
            home = {"ratio": format_ratio(m["multiple"]), "wage": money(m["wage_usd"]),
                    "ref": briefing.refs.cite([m["wage_id"]], section=SECTION, figure=money(m["wage_usd"]),
                                              what=f"a soldier's monthly pay in {offer['origin']}",
                                              low=m["wage_usd"].low, high=m["wage_usd"].high, unit="USD a month",
                                              date=str(m["wage_date"])[:10]),
                    "disputed": bool(m["disagreeing"])}
        army = None
        if row["army_pay_usd"] is not None:
            army = {"ratio": format_ratio(row["ratio"]), "wage": money(row["army_pay_usd"]),
                    "ref": briefing.refs.cite([row["army_wage_id"]], section=SECTION, figure=money(row["army_pay_usd"]),
                                              what=f"{MEASURE_WORDS[row['army_measure']]} in the recruiting army",
                                              low=row["army_pay_usd"].low, high=row["army_pay_usd"].high,
                                              unit="USD a month", date=str(row["army_pay_date"])[:10]),
                    "reading": row["reading"]}
        rows.append({"when": when(offer), "origin": offer["origin"], "side": offer["side"], "usd": money(row["monthly_usd"]),
                     "ref": offer_ref, "unconfirmed": unconfirmed(offer), "home": home, "army": army})
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
            "rows": compared, "uncompared": len(rows) - len(compared), "others": others, "fx_kind": briefing.params["fx_kind"],
            "max_age": COMPARATOR_MAX_AGE_DAYS}


def show(briefing):
    return show_section("pay", view(briefing))
