"""The words of the key judgements, written from the judgements' data (:meth:`Assessment.key_judgements`).

Each judgement's figures and comparisons come from typed claims computed once in ``analysis``
(the largest figure of a scope, a gap, the offers against the army's pay); every phrase that
states one is recorded in the briefing's ledger as it is written.
"""

from __future__ import annotations

import dataclasses

from analysis import claims as claim
from analysis.article47 import CONDITIONS
from analysis.assessment import DECISIVE_ORDER
from analysis.headcounts import reached_the_war
from analysis.intervals import format_derived_people, format_ratio
from analysis.judgements import FIRM_GRADES_WORDS, Judgement, join_words, money, pct
from analysis.loading import SIDE_COUNTRY
from analysis.pay import COMPARATOR_MAX_AGE_DAYS, DRIVE_WINDOW_DAYS, home_comparator_status, nearest_not_in_force

from ..words import (CATEGORY_NOUNS, LAW_REASONS, SIDE_NAMES, credit, figure_phrase, money_stated, number_words,
                     origins_words, place, rate_kind_note, say, usd_words, when)
from .common import date_text

SECTION = "Key judgements"
#: Why an offer has no home wage to compare with, in a sentence (method rule 11: never merged).
HOME_ABSENCE_WORDS = {"not on record": "not on record", "not in force": "not in force: on record only for other dates",
                      "no rate": "in force, but no exchange rate of the day is on record to convert it"}


def written(briefing) -> list[Judgement]:
    """The key judgements with their words (``text``) and the figures they print (``figures``).

    ``claim_ids`` are the rows its reference lists (method rule 18): what the analysis says it rests
    on, plus the rows the words print that it does not name — the exchange rate an offer was
    converted at, the army's pay whose date is given — so no printed figure lacks its row and two
    judgements share a number only when they print the figures of the same rows."""
    out = []
    for judgement in briefing.assessment.key_judgements():
        text, figures, *printed = WRITERS[judgement.topic.split(":")[0]](briefing, judgement)
        ids = tuple(dict.fromkeys(list(judgement.claim_ids) + [i for i in (printed[0] if printed else ())
                                                                 if isinstance(i, str) and i]))
        out.append(dataclasses.replace(judgement, text=text, figures=tuple(figures), claim_ids=ids))
    return out


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _side(briefing, j):
    parts, side = j.parts, j.parts["side"]
    figures, clauses = [], []
    to_date, at_time, any_stage = (parts[n]["row"] for n in ("reached_to_date", "reached_at_one_time", "any_to_date"))
    # Each "largest" is a claim of its own, recorded with the words that state it.
    said = {}
    if to_date is not None:
        said["reached_to_date"] = _largest_words(briefing, parts["reached_to_date"]["leading"], "count to date of "
                                                 "people reported to have reached the war", figures)
        clauses.append(said["reached_to_date"])
    if at_time is not None:
        said["reached_at_one_time"] = _largest_words(briefing, parts["reached_at_one_time"]["leading"],
                                                     "count at one time", figures)
        clauses.append(said["reached_at_one_time"])
    if to_date is None and at_time is None:
        clauses.append(f"no count {FIRM_GRADES_WORDS} of people who reached the war is on record")
    text = f"On {SIDE_NAMES[side]} side, " + "; ".join(clauses) + "."
    # The largest count at any stage, unless the sign-ups judgement below leads with it already.
    gap_lead = briefing.assessment.gap_lead
    # Said only where no count to date of people who reached the war is on record (page 1 is short).
    if any_stage is not None and to_date is None and any_stage["claim_id"] != gap_lead:
        said["any_to_date"] = _largest_words(briefing, parts["any_to_date"]["leading"], "count to date at any stage",
                                             figures)
        text += " " + _sentence(said["any_to_date"])
        if not reached_the_war(any_stage) and len(parts["any_to_date"]["leading"]) == 1:
            text = text[:-1] + ", people not reported to have reached the war."
    for name in ("reached_to_date", "reached_at_one_time", "any_to_date"):
        say(briefing, parts[name]["claim"], said.get(name, ""), SECTION)
    return text, figures


def _largest_words(briefing, tier, what: str, figures: list) -> str:
    """'the largest … is X' when the largest stands alone; when other figures' ranges reach it
    (:func:`analysis.headcounts.leading`), X is the highest figure but not known to be the largest
    (method rule 14), as the ranking in the body says."""
    rows = [r for _, r in tier.iterrows()]
    figures.append(rows[0]["stated"])
    phrase = figure_phrase(briefing, rows[0], SECTION)
    if len(rows) == 1:
        return f"the largest {what} is {phrase}"
    others = len(rows) - 1
    reach = (f"the ranges of {number_words(others)} other figures reach it" if others > 1 else
             "the range of one other figure reaches it")
    return f"the highest {what} is {phrase}, but {reach}, so it is not known to be the largest"


def _adversary(briefing, j):
    parts, figures = [], []
    for top in j.parts["rows"]:
        parts.append(f"on {SIDE_NAMES[top['side']]} side, {figure_phrase(briefing, top, SECTION)}")
        figures.append(top["stated"])
    return ("Claims by a party about its adversary's foreign fighters are kept apart from the figures above: "
            + "; ".join(parts) + "."), figures


def _gap(briefing, j):
    row, signed, present, other = (j.parts[k] for k in ("gap", "signed", "present", "other"))
    figures = [signed["stated"]]
    lead = figure_phrase(briefing, signed, SECTION)
    if row["status"] == "gap":
        gap_words = format_derived_people(row["gap"], row["approximate"])
        figures += [present["stated"]]
        same = figure_phrase(briefing, present, SECTION, same_report_as=signed)
        if present["people"].high == 0:
            say(briefing, j.parts["claim"], "none is reported to have reached the war", SECTION)
            text = f"{lead}; at the same time {same}: none is reported to have reached the war by then."
        else:
            say(briefing, j.parts["claim"], gap_words, SECTION)
            text = (f"{lead}, against {same}: "
                    f"{'some ' if not gap_words.startswith('about') else ''}{gap_words} are not reported to have "
                    "reached the war")
            figures.append(gap_words)
            share = row["present_share"]
            if share is not None:
                share_words = ("about " if row["approximate"] else "") + pct(share)
                text += f"; those reported present are {share_words} of those signed up"
                figures.append(pct(share))
                if j.parts["likely_most_not"]:
                    text += (f": we judge it {j.parts['likely_most_not']} that most had not reached the war by then "
                             "(arrivals may be under-reported)")
            text += "."
    elif row["status"] == "presence exceeds sign-ups":
        say(briefing, j.parts["claim"], "no gap is computed", SECTION)
        text = (f"{lead}, but more were reported present ({present['stated']}, {when(present)}) than signed up: the "
                "two figures count different groups, so no gap is computed.")
    elif row["status"] == "presence reported at another time":
        say(briefing, j.parts["claim"], "how many have not arrived is not known", SECTION)
        text = (f"{lead}; the latest figure for those of this group present dates from another time "
                f"({other['stated']}, {when(other)}), so how many have not arrived is not known.")
    else:
        say(briefing, j.parts["claim"], "how many arrived has not been reported", SECTION)
        text = f"{lead}; how many arrived has not been reported, so how many have not arrived is not known."
    return _sentence(text), figures


def _law(briefing, j):
    cannot, may, why = {}, {}, {}
    for a in j.parts["assessments"]:
        if a.failed:
            letter = next(k for k in DECISIVE_ORDER if k in a.failed)
            why.setdefault(letter, a.conditions[letter][1])
            cannot.setdefault(letter, {}).setdefault((a.side, a.category), []).append(a.origin)
        else:
            may.setdefault((a.side, a.category), []).append(a.origin)

    def groups(found) -> str:
        return join_words([f"{SIDE_NAMES[side]} {CATEGORY_NOUNS[category]} {origins_words(origins)}"
                           for (side, category), origins in sorted(found.items())])

    parts = [f"{groups(found)} cannot be mercenaries in law, as {LAW_REASONS.get(letter) or why[letter]} "
             f"(condition {letter})" for letter, found in sorted(cannot.items())]
    if may:
        parts.append(f"{groups(may)} may meet the definition, but only if the conditions still unknown hold")
    text = ("Art. 47 of Additional Protocol I requires all six of its conditions. "
            + "; ".join(p[0].upper() + p[1:] for p in parts)
            + f". Our threshold of {j.parts['threshold']:g} times the army's own pay is an analytic "
              "convention, not law.")
    # Groups reported at the war but not assessed are named as such, never passed over (method rule 12).
    groups = briefing.assessment.not_assessed
    at_war = [g for g in groups if g[4] != "not reached"]
    if at_war:
        why = {"conscripts": "conscripts", "status unknown": "status not reported",
               "our reading": "at the war only by our reading of the source"}
        reasons = join_words([why[r] for r in why if any(g[4] == r for g in at_war)])
        n = len(at_war)
        words = (f" {number_words(n).capitalize()} other {'group' if n == 1 else 'groups'} reported at the war "
                 f"{'is' if n == 1 else 'are'} not assessed ({reasons}): see Mercenaries in law.")
        text += say(briefing, claim.not_assessed(groups), words, SECTION)
    return text, []


def _army(briefing, j):
    army, limit, made = j.parts["army"], j.parts["threshold"], j.parts["claim"]
    compared = army[army["ratio"].notna()]
    offers = briefing.monthly_offers.set_index("offer_id")
    if compared.empty:
        n = len(army)
        what = (f"the one monthly offer for the war in Ukraine on record" if n == 1 else
                f"the {number_words(n)} monthly offers for the war in Ukraine on record")
        text = (f"None of {what} can be set against the recruiting army's own pay of the offer's date: "
                if n > 1 else f"For {what}, the pay test of Art. 47(2)(c) cannot be applied against the recruiting "
                              "army's own pay: ")
        printed = []
        text += _army_absence(briefing, army, n, printed) + _elsewhere(briefing) + _pay_settled(briefing) + "."
        say(briefing, made, text, SECTION)
        return text, [], printed
    parts, figures, printed = [], [], []
    for _, row in compared.iterrows():
        offer = offers.loc[row["offer_id"]]
        printed.append(offer["fx_rate_id"])  # the offer is printed in USD: the rate it was converted at
        ratio = format_ratio(row["ratio"])
        say(briefing, claim.ratio(row["offer_id"], row["army_measure"], SIDE_COUNTRY[row["side"]], row["day"],
                                  row["army_wage_id"], row["army_pay_usd"], row["army_fx_rate_id"],
                                  row["monthly_usd"], row["ratio"], ratio, others=row["disagreeing"]), ratio, SECTION)
        who = f"recruits from {place(row['origin'])}" if row["origin"] != "all" else "recruits of every origin"
        # Where sources disagree on the army's pay in force, each figure is shown and the multiple spans them.
        pay = " and ".join(dict.fromkeys(money(u) for u in [row["army_pay_usd"]] + [u for _, u in row["disagreeing"]]))
        pay += " (sources differ)" if len(row["disagreeing"]) else ""
        parts.append(f"{usd_words(offer, row['monthly_usd'])} to {who} ({when(offer)}"
                     f"{rate_kind_note(offer, briefing.params['fx_kind'], bare=True)}"
                     f"{', unconfirmed' if int(offer['credibility']) >= 4 else ''}) was {ratio} "
                     f"{SIDE_COUNTRY[row['side']]}'s own pay of that date, {pay}")
        figures.append(ratio)
    reached, maybe = made.value["reached"], made.value["maybe"]
    n = len(compared)
    verdict = (f"{'all' if len(reached) == n else number_words(len(reached))} of the {number_words(n)} "
               f"{'reaches' if len(reached) == 1 else 'reach'}" if reached else
               (f"none surely reaches, {number_words(len(maybe))} may reach" if maybe else
                ("it does not reach" if n == 1 else "neither reaches" if n == 2 else
                 f"none of the {number_words(n)} reaches")))
    text = ("Where the recruiting army's own pay of an offer's date is on record, offers were set against it: "
            + "; ".join(parts) + f". {verdict[0].upper() + verdict[1:]} our {limit:g}× convention for "
            "'substantially in excess'")
    say(briefing, made, verdict, SECTION)
    others = army[army["ratio"].isna()]
    if len(others):
        text += f"; for the other {number_words(len(others))}, " + _army_absence(briefing, others, len(others),
                                                                                  printed)
    text += _elsewhere(briefing) + _pay_settled(briefing)
    return text + ".", figures, printed


#: Why an offer has no army pay to be set against, in a sentence (method rule 11: three cases, never merged).
ARMY_ABSENCE_WORDS = {
    "not on record": "the army's own pay of the same kind is not on record",
    "not in force": "the army's own pay on record is not in force on the offer's date (it dates from more than 365 "
                    "days before, or from after)",
    "no rate": "the army's own pay in force is on record, but no exchange rate of the day to convert it"}


def _army_absence(briefing, rows, n: int, printed: list) -> str:
    """Why offers were not set against the army's own pay: each case in its own words, with its count;
    every offer's case is a claim of its own. The army pay rows whose dates it gives are added to
    ``printed`` (they belong in the judgement's reference)."""
    parts = []
    for status, words in ARMY_ABSENCE_WORDS.items():
        mine = rows[rows["army_status"] == status]
        for _, row in mine.iterrows():
            say(briefing, claim.in_force(row["offer_id"], row["army_measure"], SIDE_COUNTRY[row["side"]], row["day"],
                                         status, row["army_wage_id"], words), "", SECTION)
        if len(mine):
            if status == "not in force":
                # Which figure is on record, and on which side of the offer's date it falls.
                near = [nearest_not_in_force(briefing.wages, SIDE_COUNTRY[r["side"]], r["army_measure"], r["day"])
                        for _, r in mine.iterrows()]
                near = [x for x in near if x is not None]
                printed += [wage for wage, _, _ in near]
                words = words.split(" (")[0] + _nearest_words(near)
            parts.append(words if len(mine) == n else f"{words} for {number_words(len(mine))}")
    return "; ".join(parts)


def _nearest_words(near) -> str:
    """Where the army's pay on record falls against the offers it is not in force for, in one clause:
    ' (the figures on record apply from 27 Oct 2022 and 1 Feb 2023, after the offers, and from
    31 Jul 2024, more than 365 days before the offer)'. ``near`` holds (wage id,
    date in force, 'before' or 'after') from :func:`analysis.pay.nearest_not_in_force`, one per
    offer; '' when empty."""
    if not near:
        return ""
    n = len({wage for wage, _, _ in near})
    clauses = []
    for side in ("after", "before"):
        mine = [d for _, d, s in near if s == side]
        if not mine:
            continue
        days = sorted(set(mine))
        offers = "offers" if len(mine) > 1 else "offer"
        tail = (f"after the {offers}" if side == "after" else
                f"more than {COMPARATOR_MAX_AGE_DAYS} days before the {offers}")
        clauses.append("from " + join_words([date_text(d) for d in days]) + ", " + tail)
    return (f" (the {'figure' if n == 1 else 'figures'} on record {'applies' if n == 1 else 'apply'} "
            + ", and ".join(clauses) + ")")


def _elsewhere(briefing) -> str:
    """Monthly offers for another war (Syrians hired for Libya) are on record too, and not compared (rule 9)."""
    offers = briefing.offers
    elsewhere = offers[(offers["period"] == "month") & (offers["status"] == "offered")
                       & ~offers["adversary"].astype(bool) & (offers["theatre"] != "Ukraine")]
    say(briefing, claim.none("monthly_offers_elsewhere", {}, len(elsewhere)), "", SECTION)
    if elsewhere.empty:
        return ""
    where = join_words(sorted(set(elsewhere["theatre"])))
    n = len(elsewhere)
    return (f"; {number_words(n)} more monthly {'offer' if n == 1 else 'offers'}, for {where}, "
            f"{'is' if n == 1 else 'are'} not set against it: another war")


def _pay_settled(briefing) -> str:
    """Where condition (c) is settled without the pay test (Ukraine's volunteers are paid on its own
    servicemen's scale), page 1 says so, as the appendix's grid does."""
    settled = {}
    for a in briefing.assessments:
        status, why = a.conditions["c"]
        if status == "not met":
            settled.setdefault((a.side, a.category, why), []).append(a.origin)
    return "".join(f"; for {SIDE_NAMES[side]} {CATEGORY_NOUNS[category]} {origins_words(origins)}, condition (c) "
                   f"is not met all the same: {why}" for (side, category, why), origins in sorted(settled.items()))


def _pull(briefing, j):
    p = j.parts
    origin, mine, ends, compared, soldier = p["origin"], p["offers"], p["ends"], p["compared"], p["soldier"]
    figures = [usd_words(o, o["monthly_usd"]) for o in ends]
    say(briefing, p["extremes"], " to ".join(figures), SECTION)
    kind = briefing.params["fx_kind"]
    dates = [when(o) + (", unconfirmed" if int(o["credibility"]) >= 4 else "") + rate_kind_note(o, kind, bare=True)
             for o in ends]  # with the rate's kind where it differs from the one asked for
    by = "to date" if briefing.params["as_of"] == "latest" else f"by {date_text(briefing.as_of)}"
    text = (f"Monthly offers to recruits from {place(origin)} reported {by} "
            + (f"run from {figures[0]} ({dates[0]}) to {figures[1]} ({dates[1]})" if len(ends) == 2
               else f"are {figures[0]} ({dates[0]})"))
    if compared:
        multiples = []
        for o in compared:
            row = soldier.loc[o["offer_id"]]
            printed = format_ratio(row["multiple"])
            say(briefing, claim.ratio(o["offer_id"], "soldier_pay", origin, o["day"], row["wage_id"], row["wage_usd"],
                                      row["wage_fx_rate_id"], o["monthly_usd"], row["multiple"], printed,
                                      others=row["disagreeing"]),
                printed, SECTION)
            multiples.append(printed)
        wages = sorted({money(soldier.loc[o["offer_id"], "wage_usd"]) for o in compared})
        others = sorted({_wage_words(briefing, w, iv) for o in compared for w, iv in soldier.loc[o["offer_id"], "disagreeing"]})
        text += (f": {' and '.join(multiples)} the pay of a soldier in {place(origin)} in force at the time "
                 f"({' and '.join(wages)} a month"
                 + (f"; another source put it at {' and '.join(others)}" if others else "") + ")")
        figures += multiples
    else:
        # Three cases, three words (method rule 11): none on record, on record but not in force, no rate.
        found = {}
        for o in ends:
            status, wage_id = home_comparator_status(o, briefing.wages, briefing.data.exchange_rates,
                                                     briefing.params["fx_kind"], known_by=briefing.as_of)
            words = HOME_ABSENCE_WORDS[status]
            found.setdefault(words, None)
            say(briefing, claim.in_force(o["offer_id"], "soldier_pay", origin, o["day"], status, wage_id, words),
                words, SECTION)
        text += f"; the pay of a soldier in {place(origin)} at those dates is " + " or ".join(found)
    text += f". {len(mine)} {'offer' if len(mine) == 1 else 'offers'} in all."
    return text, figures, [o["fx_rate_id"] for o in ends]


def _wage_words(briefing, wage_id: str, usd) -> str:
    """Another source's figure for a wage as it stated it, with our conversion: '27,000 SYP, or $6.08 at the offer's date'."""
    wage = briefing.wages.set_index("wage_id").loc[wage_id]
    stated = money_stated(wage["qualifier"], wage["monthly_low_local"], wage["monthly_high_local"], wage["currency"])
    return stated if wage["currency"] == "USD" else f"{stated}, or {money(usd)} at the offer's date"


def _cost(briefing, j):
    drives, cheapest, dearest, head = (j.parts[k] for k in ("drives", "cheapest", "dearest", "claim"))
    offers_by_id = briefing.offers.set_index("offer_id")
    figures = [head["stated"]]

    def offer_words(drive, aside: str = "") -> str:
        offer = offers_by_id.loc[drive["offer_id"]]
        mark = ", unconfirmed" if int(offer["credibility"]) >= 4 else ""
        months = f"{drive['months']} months" + ("" if drive["months_stated"] else " assumed")
        note = rate_kind_note(offer, briefing.params["fx_kind"], bare=True)
        top = f", priced at {money(drive['priced_usd'])}, the most it promises" if drive["at_top"] else ""
        return (f"at {usd_words(offer, drive['monthly_usd'])} a month ({when(offer)}{mark}{note}{aside}){top} "
                f"for {months}")

    def cost_words(drive) -> str:
        words = ("about " if drive["approximate"] and drive["cost_usd"].is_point else "") + money(drive["cost_usd"])
        say(briefing, claim.cost(drive), words, SECTION)
        return words

    who = figure_phrase(briefing, head, SECTION)
    low = cost_words(cheapest)
    figures.append(low)
    if cheapest["offer_id"] == dearest["offer_id"]:
        # "Only" of the offers that pair with this count (method rule 15: reported on the count's day or
        # up to DRIVE_WINDOW_DAYS before it), never of the record: other offers to them may be on record.
        aside = f"; the one monthly offer to them reported in the {DRIVE_WINDOW_DAYS} days up to that count"
        text = f"Paying every one of {who} {offer_words(cheapest, aside)} would cost {low}"
    else:
        high = cost_words(dearest)
        text = (f"Paying every one of {who} the monthly pay offered to them would cost from {low} "
                f"{offer_words(cheapest)} to {high} {offer_words(dearest)}, across {len(drives)} offers")
        figures.append(high)
    text += ": what paying them in full would cost, not a reported outlay"
    if bool(dearest["ceiling"]):
        bound = "; no offer or contract on record for them is higher, so it is a ceiling"
    elif list(dearest["higher_offers"]) or list(dearest["longer_contracts"]):
        bound = "; not a ceiling, as higher offers or longer contracts for them are on record"
    else:
        bound = "; not a ceiling, as the count may be larger or another source's one-off sum is left out"
    say(briefing, claim.cost(dearest), bound, SECTION)
    rates = offers_by_id.loc[list(dict.fromkeys([cheapest["offer_id"], dearest["offer_id"]])), "fx_rate_id"]
    return text + bound + ".", figures, list(rates)


def _nothing(briefing, j):
    count = len(briefing.all_claims) + (len(briefing.offers) if briefing.params["focus"] != "headcounts" else 0)
    say(briefing, claim.none("figures", {"focus": briefing.params["focus"]}, count), "Nothing is on record",
        SECTION)
    return f"Nothing for this selection is on record as of {date_text(j.parts['as_of'])}.", []


WRITERS = {"side": _side, "adversary": _adversary, "gap": _gap, "law": _law, "army": _army, "pull": _pull,
           "cost": _cost, "none": _nothing}

__all__ = ["written", "CONDITIONS"]
