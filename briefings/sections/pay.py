"""Pay: each monthly offer against a soldier's pay at home and the recruiting army's own pay in
force on its day (a chart with the Art. 47 mark, and a table of every monthly offer). Every cell
that states a conversion, a multiple or the lack of a comparator is made from a claim."""

from __future__ import annotations

from analysis import claims as claim
from analysis.intervals import Interval, format_ratio
from analysis.judgements import FIRM_GRADES_WORDS, money
from analysis.loading import SIDE_COUNTRY
from analysis.pay import COMPARATOR_MAX_AGE_DAYS, home_comparator_status

from .. import charts
from ..words import conversion_words, number_words, place, say, short_name, usd_words
from .common import MEASURE_WORDS, date_text, show_section, shows, unconfirmed, when

SECTION = "Pay"
#: The words of a missing comparator (method rule 22: a wage missing from the data is never "none in force").
#: Offers graded below this credibility are confirmed: the chart's headline multiples rest on them only.
CONFIRMED_BELOW = 4
#: With more monthly offers than this, the table shows only those the chart's title rests on (the
#: offers set against the army's own pay and the ends of the headline span); the chart draws them all.
PAY_ROWS_SHOWN = 8
MISSING_WORDS = {"not on record": "not on record", "no rate": "in force; no exchange rate of the day on record",
                 "not in force": "not in force on its date: on record only for other dates",
                 "all origins": "no home country: offered to every origin"}


def _wages_words(shown) -> str:
    """Every figure of a wage in force, as shown beside a multiple: '$15–35 and $7.50' (rule 11)."""
    return " and ".join(dict.fromkeys(money(usd) for _, usd in shown))


#: Absence from our data is "not on record" (method rule 22), never "had not been reported".
NO_OFFER_WORDS = "No pay offer for this selection is on record as of {date}."
TITLE_ABSENCE_WORDS = {"not on record": "not on record",
                       "not in force": "not in force on their dates (on record only for other dates)",
                       "no rate": "in force with no exchange rate of the day on record"}


def _bounds(interval) -> tuple:
    return round(interval.low, 2), None if interval.open_above else round(interval.high, 2)


def _rate_note(briefing, rate_id, day, offer_rate: bool = False) -> str:
    """Which rate a conversion used, when it is not of the figure's own day or not of the kind asked for."""
    if rate_id is None:
        return ""
    rates = briefing.data.exchange_rates.set_index("rate_id")
    if rate_id not in rates.index:
        return ""
    rate = rates.loc[rate_id]
    notes = []
    if rate["kind"] != briefing.params["fx_kind"] and not offer_rate:  # an offer's words say it already
        notes.append(f"at the {rate['kind']} rate: no {briefing.params['fx_kind']} rate on record")
    if day is not None and rate["date"].date() != day.date():
        notes.append(f"at the rate of {date_text(rate['date'])}")
    return "; ".join(notes)


def _rows(briefing, only=None) -> list[dict]:
    """The table's rows: every monthly offer, or those whose id is in ``only``."""
    multiples = briefing.multiples.set_index(["offer_id", "measure"])
    offers = briefing.monthly_offers.set_index("offer_id", drop=False)
    rows = []
    for _, row in briefing.army.iterrows():
        if only is not None and row["offer_id"] not in only:
            continue
        offer = offers.loc[row["offer_id"]]
        day = offer["day"]
        low, high = _bounds(row["monthly_usd"])
        usd = say(briefing, claim.pay(offer), usd_words(offer, row["monthly_usd"], briefing.params["fx_kind"]), SECTION)
        whom = "every origin" if offer["origin"] == "all" else offer["origin"]
        # A conversion's reference lists the rate with the row, so the dollar figure can be checked.
        offer_ref = briefing.refs.cite([offer["offer_id"], offer["fx_rate_id"]], section=SECTION,
                                       figure=usd, what=f"monthly pay offered to recruits from {whom}", low=low,
                                       high=high, unit="USD a month", date=day.date().isoformat())
        home, home_none = None, ""
        if (row["offer_id"], "soldier_pay") in multiples.index:
            m = multiples.loc[(row["offer_id"], "soldier_pay")]
            low, high = _bounds(m["wage_usd"])
            shown = [(m["wage_id"], m["wage_usd"])] + list(m["disagreeing"])
            ratio = say(briefing, claim.ratio(row["offer_id"], "soldier_pay", offer["origin"], day, m["wage_id"],
                                              m["wage_usd"], m["wage_fx_rate_id"], row["monthly_usd"], m["multiple"],
                                              format_ratio(m["multiple"]), others=m["disagreeing"]),
                        format_ratio(m["multiple"]), SECTION)
            home = {"ratio": ratio, "wage": _wages_words(shown),
                    "ref": briefing.refs.cite([w for w, _ in shown] + [m["wage_fx_rate_id"]], section=SECTION,
                                              figure=money(m["wage_usd"]),
                                              what=f"a soldier's monthly pay in {offer['origin']} at the offer's date",
                                              low=low, high=high, unit="USD a month", date=day.date().isoformat()),
                    "disputed": bool(m["disagreeing"]), "rate_note": _rate_note(briefing, m["wage_fx_rate_id"], day)}
        else:
            status, wage_id = home_comparator_status(offer, briefing.wages, briefing.data.exchange_rates,
                                                     briefing.params["fx_kind"], max_age_days=COMPARATOR_MAX_AGE_DAYS,
                                                     known_by=briefing.as_of)
            home_none = say(briefing, claim.in_force(row["offer_id"], "soldier_pay", offer["origin"], day, status,
                                                     wage_id, MISSING_WORDS[status]), MISSING_WORDS[status], SECTION)
        army, army_none = None, ""
        if row["army_pay_usd"] is not None:
            low, high = _bounds(row["army_pay_usd"])
            shown = [(row["army_wage_id"], row["army_pay_usd"])] + list(row["disagreeing"])
            ratio = say(briefing, claim.ratio(row["offer_id"], row["army_measure"], SIDE_COUNTRY[row["side"]], day,
                                              row["army_wage_id"], row["army_pay_usd"], row["army_fx_rate_id"],
                                              row["monthly_usd"], row["ratio"], format_ratio(row["ratio"]),
                                              others=row["disagreeing"]),
                        format_ratio(row["ratio"]), SECTION)
            # The army cell has no "sources differ" line of its own: the words carry it.
            army = {"ratio": ratio, "wage": _wages_words(shown) + (", sources differ" if len(shown) > 1 else ""),
                    "disputed": len(shown) > 1,
                    "ref": briefing.refs.cite([w for w, _ in shown] + [row["army_fx_rate_id"]], section=SECTION,
                                              figure=money(row["army_pay_usd"]),
                                              what=f"{MEASURE_WORDS[row['army_measure']]} in the recruiting army "
                                                   "at the offer's date",
                                              low=low, high=high, unit="USD a month", date=day.date().isoformat()),
                    "reading": row["reading"], "rate_note": _rate_note(briefing, row["army_fx_rate_id"], day)}
        else:
            army_none = say(briefing, claim.in_force(row["offer_id"], row["army_measure"], SIDE_COUNTRY[row["side"]],
                                                     day, row["army_status"], row["army_wage_id"],
                                                     MISSING_WORDS[row["army_status"]]),
                            MISSING_WORDS[row["army_status"]], SECTION)
        briefing.refs.record([offer["offer_id"], offer["fx_rate_id"]], section="Chart: pay", figure=usd,
                             what=f"monthly pay offered to recruits from {whom}", low=_bounds(row["monthly_usd"])[0],
                             high=_bounds(row["monthly_usd"])[1], unit="USD a month", date=day.date().isoformat())
        rows.append({"when": when(offer), "origin": "All origins" if offer["origin"] == "all" else offer["origin"],
                     "side": offer["side"], "usd": usd, "ref": offer_ref, "unconfirmed": unconfirmed(offer),
                     "home": home, "army": army, "home_none": home_none, "army_none": army_none,
                     "rate_note": _rate_note(briefing, offer["fx_rate_id"], day, offer_rate=True)})
    return rows


def chart_title(briefing, rests_on: list | None = None) -> str:
    """The pay chart's finding, from claims computed once: which offers set against the army's own
    pay reached the threshold, and the multiples of a soldier's pay at home of confirmed offers.
    ``rests_on``, when given, gets the ids of the offers the finding names."""
    army, limit = briefing.army, briefing.params["excess_threshold"]
    made = claim.threshold(army, limit)
    compared = made.value["compared"]
    parts = []
    if compared:
        sides = sorted(set(army.loc[army["ratio"].notna(), "side"]))
        whose = f"{SIDE_COUNTRY[sides[0]]}'s own army pay" if len(sides) == 1 else "the recruiting army's own pay"
        n, reached, maybe = len(compared), len(made.value["reached"]), len(made.value["maybe"])
        if n == 1:
            verdict = (f"the one offer set against {whose} "
                       + ("reached" if reached else "may reach" if maybe else "did not reach") + f" {limit:g}× it")
        elif reached:
            verdict = f"{number_words(reached)} of the {number_words(n)} offers set against {whose} reached {limit:g}× it"
        else:
            verdict = (f"{'neither' if n == 2 else 'none'} of the {number_words(n)} offers set against {whose} "
                       f"{'surely ' if maybe else ''}reached {limit:g}× it" + (f"; {maybe} may have" if maybe else ""))
        parts.append(say(briefing, made, verdict, SECTION))
        if rests_on is not None:
            rests_on.extend(compared)
    else:
        say(briefing, made, "no offer could be set against the army's own pay of its date", SECTION)
        # Three cases, three words (method rule 11); each offer's case is a claim of the table below.
        cases = [words for status, words in TITLE_ABSENCE_WORDS.items() if (army["army_status"] == status).any()]
        parts.append("no offer can be set against the recruiting army's own pay, which is " + " or ".join(cases))
    soldier = briefing.multiples[briefing.multiples["measure"] == "soldier_pay"]
    offers = briefing.monthly_offers.set_index("offer_id")
    confirmed = soldier[[int(offers.loc[o, "credibility"]) < CONFIRMED_BELOW for o in soldier["offer_id"]]] \
        if len(soldier) else soldier
    if len(confirmed):
        counts = confirmed["origin"].value_counts()
        origin = sorted(counts.index, key=lambda o: (-counts[o], str(o)))[0]
        mine = confirmed[confirmed["origin"] == origin]
        low = mine.assign(_l=[m.low for m in mine["multiple"]]).sort_values(["_l", "offer_id"]).iloc[0]
        high = mine.assign(_h=[m.high for m in mine["multiple"]]).sort_values(["_h", "offer_id"]).iloc[-1]
        span = Interval(low["multiple"].low, high["multiple"].high, bool(high["multiple"].open_above))
        ends = []
        for end in (low, high):
            offer = offers.loc[end["offer_id"]]
            ends.append(f"{usd_words(offer, offer['monthly_usd'])} from {short_name(offer['claimant_name'])}, {when(offer)}")
        words = (f"monthly offers {FIRM_GRADES_WORDS} to recruits from {place(origin)} were {format_ratio(span)} a soldier's "
                 f"pay there ({'; '.join(dict.fromkeys(ends))})")
        if rests_on is not None:
            rests_on.extend([low["offer_id"], high["offer_id"]])
        parts.append(say(briefing, claim.extremes(origin, "ratio:soldier_pay", True, low["offer_id"], high["offer_id"],
                                                  span.low, span.high, span.open_above, mine["offer_id"]),
                         words, SECTION))
    # The chart draws every monthly offer: where the finding speaks of offers graded 1–3 only, the
    # title says the others are drawn too, each marked (a title and its bars describe one set).
    if len(confirmed) and (briefing.monthly_offers["credibility"].astype(int) >= CONFIRMED_BELOW).any():
        parts.append("offers marked unconfirmed (graded 4–6) are drawn too")
    title = "; ".join(parts)
    return title[0].upper() + title[1:]


def view(briefing) -> dict | None:
    if not shows(briefing, "pay"):
        return None
    if briefing.offers.empty:
        text = NO_OFFER_WORDS.format(date=date_text(briefing.as_of))
        say(briefing, claim.none("offers", {}, 0), text, SECTION)
        return {"empty": text}
    threshold = briefing.params["excess_threshold"]
    others = len(briefing.offers) - len(briefing.monthly_offers)
    monthly = len(briefing.army)
    title, rests_on = "", []
    if monthly:
        title = chart_title(briefing, rests_on)
    shown = set(rests_on) if monthly > PAY_ROWS_SHOWN and rests_on else None
    rows = _rows(briefing, shown)
    multiples = set(briefing.multiples.loc[briefing.multiples["measure"] == "soldier_pay", "offer_id"])
    compared = [i for i, pay in zip(briefing.army["offer_id"], briefing.army["army_pay_usd"])
                if pay is not None or i in multiples]
    no_rows = ""
    if not rows:
        on_record = len(briefing.monthly_on_record)
        no_rows = ("No monthly offer for the war in Ukraine is on record for this selection." if not on_record else
                   f"{number_words(on_record).capitalize()} monthly {'offer is' if on_record == 1 else 'offers are'} "
                   "on record, but no exchange rate to convert "
                   f"{'it' if on_record == 1 else 'them'} had been published by then.")
        say(briefing, claim.none("monthly_offers", {}, on_record), no_rows, SECTION)
    if others:
        say(briefing, claim.none("other_pay_reports", {}, others), f"{others} other pay reports", SECTION)
    chart = charts.pay_against_wages(briefing.army, briefing.multiples, briefing.monthly_offers, threshold,
                                     title=title,
                                     source=f"Source: the offers and wages in the data annex, converted at "
                                            f"{briefing.params['fx_kind']} rates in force on each offer's day.")
    return {"empty": "", "threshold": f"{threshold:g}", "chart": chart,
            "rows": rows, "uncompared": monthly - len(compared), "monthly": monthly, "others": others,
            "more": monthly - len(rows),
            "fx_kind": briefing.params["fx_kind"], "max_age": COMPARATOR_MAX_AGE_DAYS,
            "conversions": conversion_words(briefing, SECTION, offers=list(briefing.army["offer_id"])),
            "no_rows": no_rows}


def show(briefing):
    return show_section("pay", view(briefing))
