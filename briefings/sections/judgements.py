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

from ..words import (CATEGORY_NOUNS, LAW_REASONS, SIDE_NAMES, credit, figure_phrase, money_stated, number_words,
                     origins_words, place, say, usd_words, when)
from .common import date_text

SECTION = "Key judgements"


def written(briefing) -> list[Judgement]:
    """The key judgements with their words (``text``) and the figures they print (``figures``)."""
    out = []
    for judgement in briefing.assessment.key_judgements():
        text, figures = WRITERS[judgement.topic.split(":")[0]](briefing, judgement)
        out.append(dataclasses.replace(judgement, text=text, figures=tuple(figures)))
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
    return text, []


def _army(briefing, j):
    army, limit, made = j.parts["army"], j.parts["threshold"], j.parts["claim"]
    compared = army[army["ratio"].notna()]
    offers = briefing.monthly_offers.set_index("offer_id")
    if compared.empty:
        n = len(army)
        text = ((f"For the one monthly offer on record, the recruiting army's own pay of its date is not on record "
                 "with a rate to convert it, so the pay test of Art. 47(2)(c) cannot be applied to it.") if n == 1 else
                (f"For none of the {number_words(n)} monthly offers on record is the recruiting army's own pay of "
                 "its date on record with a rate to convert it, so the pay test of Art. 47(2)(c) cannot be applied "
                 "to any of them."))
        say(briefing, made, text, SECTION)
        return text, []
    parts, figures = [], []
    for _, row in compared.iterrows():
        offer = offers.loc[row["offer_id"]]
        ratio = format_ratio(row["ratio"])
        say(briefing, claim.ratio(row["offer_id"], row["army_measure"], SIDE_COUNTRY[row["side"]], row["day"],
                                  row["army_wage_id"], row["army_pay_usd"], row["army_fx_rate_id"],
                                  row["monthly_usd"], row["ratio"], ratio), ratio, SECTION)
        who = f"recruits from {place(row['origin'])}" if row["origin"] != "all" else "recruits of every origin"
        parts.append(f"{usd_words(offer, row['monthly_usd'])} to {who} ({when(offer)}"
                     f"{', unconfirmed' if int(offer['credibility']) >= 4 else ''}) was {ratio} "
                     f"{SIDE_COUNTRY[row['side']]}'s own pay of that date, {money(row['army_pay_usd'])}")
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
        missing = int((others["army_status"] == "not on record").sum())
        no_rate = int((others["army_status"] == "no rate").sum())
        n = len(others)
        if not no_rate:
            text += f"; the other {number_words(n)} {'offer has' if n == 1 else 'offers have'} no army pay of " \
                    "their date on record"
        elif not missing:
            text += f"; for the other {number_words(n)} the army's pay is on record, but no exchange rate of the " \
                    "offer's date to convert it"
        else:
            text += (f"; the other {number_words(n)} offers have no army pay of their date on record "
                     f"({number_words(missing)}) or no exchange rate to convert it ({number_words(no_rate)})")
        for _, row in others.iterrows():
            say(briefing, claim.in_force(row["offer_id"], row["army_measure"], SIDE_COUNTRY[row["side"]], row["day"],
                                         row["army_status"], row["army_wage_id"], "not on record"
                                         if row["army_status"] == "not on record" else "no rate"), "", SECTION)
    return text + ".", figures


def _pull(briefing, j):
    p = j.parts
    origin, mine, ends, compared, soldier = p["origin"], p["offers"], p["ends"], p["compared"], p["soldier"]
    figures = [usd_words(o, o["monthly_usd"]) for o in ends]
    say(briefing, p["extremes"], " to ".join(figures), SECTION)
    dates = [when(o) + (", unconfirmed" if int(o["credibility"]) >= 4 else "") for o in ends]
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
                                      row["wage_fx_rate_id"], o["monthly_usd"], row["multiple"], printed),
                printed, SECTION)
            multiples.append(printed)
        wages = sorted({money(soldier.loc[o["offer_id"], "wage_usd"]) for o in compared})
        others = sorted({_wage_words(briefing, w, iv) for o in compared for w, iv in soldier.loc[o["offer_id"], "disagreeing"]})
        text += (f": {' and '.join(multiples)} the pay of a soldier in {place(origin)} in force at the time "
                 f"({' and '.join(wages)} a month"
                 + (f"; another source put it at {' and '.join(others)}" if others else "") + ")")
        figures += multiples
    else:
        text += f"; no pay of a soldier in {place(origin)} of those dates is on record"
        for o in ends:
            say(briefing, claim.in_force(o["offer_id"], "soldier_pay", origin, o["day"], "not on record", None,
                                         "not on record"), "not on record", SECTION)
    text += f". {len(mine)} {'offer' if len(mine) == 1 else 'offers'} in all."
    return text, figures


def _wage_words(briefing, wage_id: str, usd) -> str:
    """Another source's figure for a wage as it stated it, with our conversion: '27,000 SYP, or $6.08 at the offer's date'."""
    wage = briefing.wages.set_index("wage_id").loc[wage_id]
    stated = money_stated(wage["qualifier"], wage["monthly_low_local"], wage["monthly_high_local"], wage["currency"])
    return stated if wage["currency"] == "USD" else f"{stated}, or {money(usd)} at the offer's date"


def _cost(briefing, j):
    drives, cheapest, dearest, head = (j.parts[k] for k in ("drives", "cheapest", "dearest", "claim"))
    offers_by_id = briefing.offers.set_index("offer_id")
    figures = [head["stated"]]

    def offer_words(drive) -> str:
        offer = offers_by_id.loc[drive["offer_id"]]
        mark = ", unconfirmed" if int(offer["credibility"]) >= 4 else ""
        months = f"{drive['months']} months" + ("" if drive["months_stated"] else " assumed")
        return f"at {usd_words(offer, drive['monthly_usd'])} a month ({when(offer)}{mark}) for {months}"

    def cost_words(drive) -> str:
        words = ("about " if drive["approximate"] and drive["cost_usd"].is_point else "") + money(drive["cost_usd"])
        say(briefing, claim.cost(drive), words, SECTION)
        return words

    who = figure_phrase(briefing, head, SECTION)
    low = cost_words(cheapest)
    figures.append(low)
    if cheapest["offer_id"] == dearest["offer_id"]:
        text = (f"Paying every one of {who} the only monthly offer reported for them at the time, "
                f"{offer_words(cheapest)[3:]}, would cost {low}")
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
    return text + bound + ".", figures


def _nothing(briefing, j):
    count = len(briefing.all_claims) + (len(briefing.offers) if briefing.params["focus"] != "headcounts" else 0)
    say(briefing, claim.none("figures", {"focus": briefing.params["focus"]}, count), "Nothing had been reported",
        SECTION)
    return f"Nothing had been reported for this selection by {date_text(j.parts['as_of'])}.", []


WRITERS = {"side": _side, "adversary": _adversary, "gap": _gap, "law": _law, "army": _army, "pull": _pull,
           "cost": _cost, "none": _nothing}

__all__ = ["written", "CONDITIONS"]
