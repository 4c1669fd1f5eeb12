"""One check per kind of claim: re-derive what the claim states from the rows it names and from
the data as of the briefing's date, and say where the two disagree.

Each check takes the claim (a dict from the ledger) and a :class:`ledger_check.rules.View`, and
returns a list of problems (empty: the claim holds). A problem says what the briefing stated and
what the data gives.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .rules import (APPROXIMATE, NOT_FOREIGN, PRESENCE, REACHED, READING, REGIONS, SIDE_COUNTRY, STAGE_GROUPS, UNCONFIRMED, GAP_DAYS, DRIVE_DAYS, Span,
                    as_stated, close, known, ratio_printed_ok, same_span, span, stated_text)


def _day(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _row(frame: pd.DataFrame, key: str, row_id: str):
    found = frame[frame[key] == row_id]
    return None if found.empty else found.iloc[0]


def _describe(detail) -> str:
    return " ".join(str(detail or "").split(";")[0].split())


# ------------------------------------------------------------------ one row, as printed

def headcount(c, v) -> list[str]:
    row_id, value, words = c["subject"]["row"], c["value"], c.get("words", "")
    row = _row(v.claims, "claim_id", row_id)
    if row is None:
        return [f"{row_id} is not a headcount claim in view as of {v.as_of.date()} for this selection"]
    problems = []
    expected = {"stated": row["stated"], "side": row["side"], "origin": row["origin"], "category": row["category"],
                "stage": row["stage"], "count_type": row["count_type"], "known": _day(row["known"]),
                "stage_read": bool(READING.search(str(row["stage_detail"] or ""))),
                "side_read": str(row.get("side_basis") or "") == "inferred", "zero": row["span"].high == 0,
                "adversary": bool(row["adversary"])}
    for key, want in expected.items():
        if value.get(key) != want:
            problems.append(f"{row_id}: {key} printed as {value.get(key)!r}, the row gives {want!r}")
    if words and words != row["stated"]:
        # A sentence names the figure with the source's own description of who was counted, and
        # says so where the stage is our reading of the source (rule 21).
        if row["stated"] not in words:
            problems.append(f"{row_id}: the words do not state its figure {row['stated']!r}")
        description = _describe(row["stage_detail"])
        if description and description[1:].lower() not in words.lower():
            problems.append(f"{row_id}: the words do not give its source's description ({description!r})")
        if expected["stage_read"] and "our reading" not in words:
            problems.append(f"{row_id}: its stage ({row['stage']}) is our reading of the source, and the words "
                            "present it as the source's own")
        if expected["side_read"] and "names no side" not in words:
            problems.append(f"{row_id}: its source names no side (rule 20), and the words present {row['side']}'s "
                            "side as the source's")
    return problems


def pay(c, v) -> list[str]:
    row_id, value = c["subject"]["row"], c["value"]
    row = _row(v.offers, "offer_id", row_id)
    if row is None:
        return [f"{row_id} is not a pay offer in view as of {v.as_of.date()} for this selection"]
    problems = []
    stated = stated_text(row["qualifier"], row["amount_low_local"], row["amount_high_local"])
    if value.get("stated") != stated:
        problems.append(f"{row_id}: stated as {value.get('stated')!r}, the row gives {stated!r}")
    if value.get("day") != _day(row["known"]):
        problems.append(f"{row_id}: its day is {value.get('day')}, but it counts as known on {_day(row['known'])}")
    if row["qualifier"] == "up_to" and re.search(r"\$0\b|\$0–", c.get("words", "")):
        problems.append(f"{row_id}: the source said 'up to'; the words print a range from $0")
    if (value.get("usd") is None) != (row["usd"] is None):
        problems.append(f"{row_id}: converted {'without' if value.get('usd') is None else 'with'} a rate, but the data "
                        f"{'has one' if row['usd'] is not None else 'has none'} by {v.as_of.date()}")
    elif row["usd"] is not None:
        if not same_span(row["usd"], value["usd"]):
            problems.append(f"{row_id}: {value['usd']} USD printed, the data gives {row['usd']}")
        if value.get("rate") != row["rate"]:
            problems.append(f"{row_id}: converted at {value.get('rate')}, the rate in force is {row['rate']}")
        rate_row = _row(v.rows.exchange_rates, "rate_id", row["rate"]) if row["rate"] else None
        words = c.get("words", "")
        if rate_row is not None and rate_row["kind"] != v.fx_kind and "$" in words and rate_row["kind"] not in words:
            # Rule 10: where no rate of the kind asked for is on record, the amount says which it used.
            problems.append(f"{row_id}: converted at the {rate_row['kind']} rate ({row['rate']}), no {v.fx_kind} rate "
                            f"being on record, and the words {words!r} do not say so")
    return problems


def wage(c, v) -> list[str]:
    row_id, value = c["subject"]["row"], c["value"]
    row = _row(v.wages, "wage_id", row_id)
    if row is None:
        return [f"{row_id} is not a wage known by {v.as_of.date()}"]
    problems = []
    stated = stated_text(row["qualifier"], row["monthly_low_local"], row["monthly_high_local"])
    if value.get("stated") != stated:
        problems.append(f"{row_id}: stated as {value.get('stated')!r}, the row gives {stated!r}")
    if value.get("day"):
        usd, rate = v.wage_usd(row, value["day"])
        if (usd is None) != (value.get("usd") is None):
            problems.append(f"{row_id}: conversion on {value['day']} does not match the rates on record")
        elif usd is not None and (not same_span(usd, value["usd"]) or value.get("rate") != rate.get("rate_id", None)
                                  if rate is not None else not same_span(usd, value["usd"])):
            problems.append(f"{row_id}: {value['usd']} USD at {value.get('rate')}, the data gives {usd} at "
                            f"{None if rate is None else rate['rate_id']}")
    return problems


def rate(c, v) -> list[str]:
    row_id, value = c["subject"]["row"], c["value"]
    row = _row(v.rows.exchange_rates, "rate_id", row_id)
    if row is None or row["date_reported"] > v.as_of:
        return [f"{row_id} is not an exchange rate published by {v.as_of.date()}"]
    problems = []
    if not same_span(Span(row["per_usd_low"], row["per_usd_high"]), value["per_usd"], 1e-9):
        problems.append(f"{row_id}: {value['per_usd']} per USD printed, the row gives {row['per_usd_low']}")
    for key in ("currency", "kind", "basis"):
        if value.get(key) != row[key]:
            problems.append(f"{row_id}: {key} {value.get(key)!r}, the row gives {row[key]!r}")
    if value.get("date") != _day(row["date"]):
        problems.append(f"{row_id}: dated {value.get('date')}, the row gives {_day(row['date'])}")
    return problems


def status(c, v) -> list[str]:
    row_id, said = c["subject"]["row"], c["value"]["status"]
    if row_id not in set(v.claims["claim_id"]):
        return [f"{row_id} is not in view"]
    want = v.status(row_id)
    return [] if said == want else [f"{row_id}: status printed {said!r}, the data gives {want!r}"]


def credit(c, v) -> list[str]:
    value, words = c["value"], c.get("words", "")
    source = _row(v.rows.sources, "source_id", value["source"])
    if source is None:
        return [f"{value['source']} is not a source"]
    problems = []
    via = source["via"] or ""
    if value.get("via", "") != via or value.get("outlet") != source["outlet"]:
        problems.append(f"{value['source']}: outlet/relay printed as {value.get('outlet')!r}/{value.get('via')!r}, the "
                        f"source gives {source['outlet']!r}/{via!r}")
    if via and f"via {via}" not in words:
        problems.append(f"{c['subject']['row']}: the copy read was {via!r} (a relay of {source['outlet']}), and the "
                        "words do not say so")
    row_id = c["subject"]["row"]
    record = None
    for frame, key in ((v.rows.headcount_claims, "claim_id"), (v.rows.pay_offers, "offer_id"),
                       (v.rows.reference_wages, "wage_id")):
        record = _row(frame, key, row_id) if record is None else record
    if record is None:
        return problems + [f"{row_id} is not a row of the data"]
    grade = f"{source['reliability']}{int(record['credibility'])}"
    if value.get("grade") != grade or (words and grade not in words):
        problems.append(f"{row_id}: graded {value.get('grade')!r} in the words, the data gives {grade}")
    return problems


# ------------------------------------------------------------------ comparisons

def _scope_candidates(v, scope: dict) -> pd.DataFrame:
    latest = v.latest
    keep = (latest["count_type"] == scope["count_type"]) & latest["stage"].isin(scope["stages"]) \
        & pd.Series([s.high > 0 for s in latest["span"]], index=latest.index, dtype=bool) \
        & ~latest["category"].isin(NOT_FOREIGN)
    if scope.get("side") not in (None, "both"):
        keep &= latest["side"] == scope["side"]
    if scope.get("confirmed"):
        keep &= latest["credibility"] < UNCONFIRMED
    if scope.get("reached"):
        keep &= latest["stage"].isin(REACHED) & ~latest["stage_detail"].fillna("").str.contains(READING)
    if scope.get("countries"):
        keep &= latest["origin_scope"] == "country"
    found = latest[keep]
    return found.assign(middle=[s.middle for s in found["span"]], high=[s.high for s in found["span"]])


def _top(frame: pd.DataFrame):
    return frame.sort_values(["middle", "high", "known", "claim_id"], ascending=[False, False, False, True])


def _holds(total, part) -> bool:
    """Rule 14: ``total`` is a total over a group holding ``part``'s origin (every origin of its side,
    or a region's own countries)."""
    if total["side"] != part["side"] or total["origin"] == part["origin"]:
        return False
    if total["origin_scope"] == "all":
        return part["origin_scope"] != "all"
    return total["origin_scope"] == "region" and part["origin_scope"] == "country" and \
        part["origin"] in REGIONS.get(total["origin"], set())


def _no_rival(a, b) -> bool:
    """Rule 14: ``b`` never makes ``a``'s place uncertain when it counts the same side and origin and
    comes from the same claimant or counts another stage (one group: its parts, its account), or when
    one is a total holding the other's origin."""
    one_group = (a["side"], a["origin"]) == (b["side"], b["origin"]) and (
        a["claimant_id"] == b["claimant_id"] or a["stage"] != b["stage"])
    return one_group or _holds(a, b) or _holds(b, a)


def _leading_group(candidates: pd.DataFrame) -> set:
    """Claim ids of the candidates that make the largest's place uncertain (itself included): placed
    ranges that meet its own (a floor at its floor), from a rival (rule 14)."""
    if candidates.empty:
        return set()
    top = _top(candidates).iloc[0]
    return {top["claim_id"]} | {r["claim_id"] for _, r in candidates.iterrows()
                                if r["span"].placed.meets(top["span"].placed) and not _no_rival(top, r)}


def largest(c, v) -> list[str]:
    scope, value = c["subject"], c["value"]
    candidates = _scope_candidates(v, scope)
    problems = []
    named = set(c["rows"])
    if set(candidates["claim_id"]) != named:
        extra, missing = sorted(named - set(candidates["claim_id"])), sorted(set(candidates["claim_id"]) - named)
        problems.append(f"largest ({scope['count_type']}, {', '.join(scope['stages'])}): compared "
                        f"{', '.join(extra) or 'nothing extra'} that the scope leaves out and left out "
                        f"{', '.join(missing) or 'nothing'}")
    if candidates.empty:
        return problems + ([] if value.get("row") is None else [f"largest: {value['row']} named, no candidate exists"])
    top = _top(candidates).iloc[0]
    chosen = candidates[candidates["claim_id"] == value.get("row")]
    if chosen.empty or (chosen.iloc[0]["middle"], chosen.iloc[0]["high"]) != (top["middle"], top["high"]):
        problems.append(f"largest ({scope['count_type']}, {', '.join(scope['stages'])}): {value.get('row')} "
                        f"({value.get('stated')}) named, but {top['claim_id']} ({top['stated']}) is larger")
    kinds = set(v.latest[v.latest["claim_id"].isin(named)]["count_type"])
    if len(kinds) > 1:
        problems.append(f"largest ranks counts of different kinds against each other: {sorted(kinds)}")
    together = _leading_group(candidates)
    if "leading" in value and set(value["leading"]) != together:
        problems.append(f"largest ({scope['count_type']}): named with it {sorted(value['leading'])}, the figures that "
                        f"reach the largest's are {sorted(together)}")
    words = c.get("words", "")
    if words and len(together) > 1 and not re.search(r"overlap|not known to be the largest", words):
        problems.append(f"largest ({scope['count_type']}): the words name one largest, but the ranges of "
                        f"{', '.join(sorted(together))} overlap, so none is known to be larger (rule 14)")
    return problems


def ranking(c, v) -> list[str]:
    scope, order = c["subject"], c["value"]["order"]
    candidates = _top(_scope_candidates(v, {**scope, "countries": True}))
    best = candidates.drop_duplicates("origin", keep="first")
    problems = []
    if not any(set(scope["stages"]) <= group for group in STAGE_GROUPS):
        problems.append(f"ranking ranks stages of different groups against each other: {sorted(scope['stages'])} "
                        "(rule 14: went to the war, the dead and those who left are ranked apart)")
    if [o["origin"] for o in order] != list(best["origin"]):
        by_origin = dict(zip(best["origin"], best["middle"]))
        printed = [o["origin"] for o in order]
        if set(printed) != set(best["origin"]) or any(
                by_origin[a] < by_origin[b] for a, b in zip(printed, printed[1:])):
            problems.append(f"ranking ({scope['count_type']}): printed {printed}, the data ranks {list(best['origin'])}")
    rows = dict(zip(best["origin"], best["claim_id"]))
    for o in order:
        if rows.get(o["origin"]) is not None and o["row"] != rows[o["origin"]]:
            mine = best[best["origin"] == o["origin"]].iloc[0]
            theirs = candidates[candidates["claim_id"] == o["row"]]
            if theirs.empty or theirs.iloc[0]["middle"] != mine["middle"]:
                problems.append(f"ranking: {o['origin']} placed by {o['row']}, its largest figure is {mine['claim_id']}")
    zero = v.latest[v.latest["claim_id"].isin([o["row"] for o in order])
                    & pd.Series([s.high == 0 for s in v.latest["span"]], index=v.latest.index, dtype=bool)]
    if len(zero):
        problems.append(f"ranking counts a reported 0 as a group: {list(zero['claim_id'])}")
    kinds = set(v.latest[v.latest["claim_id"].isin([o["row"] for o in order])]["count_type"])
    if len(kinds) > 1:
        problems.append(f"ranking ranks counts of different kinds against each other: {sorted(kinds)}")
    spans = dict(zip(best["origin"], best["span"]))
    if len(best) > 1:
        overlap = not best.iloc[0]["span"].above(best.iloc[1]["span"])
        if bool(c["value"].get("first_two_overlap")) != bool(overlap):
            problems.append(f"ranking: the first two ranges {'overlap' if overlap else 'do not overlap'}, the words "
                            "say otherwise")
    # Rule 14, pairwise: the leaders are the largest and every origin whose placed range meets its own; below
    # are the origins every leader lies wholly above.
    origins = list(best["origin"])
    leaders = [o for o in origins if o == origins[0] or not spans[origins[0]].above(spans[o])] if origins else []
    below = [o for o in origins if o not in leaders and all(spans[a].above(spans[o]) for a in leaders)]
    for key, mine in (("leaders", leaders), ("below", below)):
        if key in c["value"] and sorted(c["value"][key]) != sorted(mine):
            problems.append(f"ranking: printed {key} {sorted(c['value'][key])}, the ranges give {sorted(mine)} (rule 14)")
    problems += _ahead_of_words(c.get("words", ""), spans, leaders, below)
    if "contradicted" in c["value"]:
        disputed = {i for pair in v.contradicting_claims() for i in pair}
        mine = sorted(o["origin"] for o in order if o["row"] in disputed)
        if sorted(c["value"]["contradicted"]) != mine:
            problems.append(f"ranking: origins placed by a contradicted figure are {mine or 'none'}, printed "
                            f"{sorted(c['value']['contradicted']) or 'none'} (rule 7)")
        for origin in mine:
            named = re.search(rf"\b{re.escape(origin)} \(([^)]*)\)", c.get("words", ""))
            if named and "contradicted" not in named.group(1):
                problems.append(f"ranking: {origin} is placed by a figure another claim of the same time "
                                "contradicts, and the words do not say so")
    for o in order:
        # Rule 14: a floor is said as what it states, "at least X".
        named = re.search(rf"\b{re.escape(o['origin'])} \(([^)]*)\)", c.get("words", ""))
        if named and o["origin"] in spans and spans[o["origin"]].open and "at least" not in named.group(1):
            problems.append(f"ranking: {o['origin']}'s figure is a floor, placed at it, and the words do not say "
                            "'at least'")
    return problems


def _ahead_of_words(words: str, spans: dict, leaders: list, below: list) -> list[str]:
    """Rule 14 in the words, pairwise: an origin printed before "ahead of" must lie wholly above every
    origin printed after it; "and N more" after it counts only origins below every leader; "the
    largest is X" alone only when no other origin's range reaches X's."""
    problems = []

    def named(text: str) -> list[str]:
        found = [(text.find(o), o) for o in spans if re.search(rf"\b{re.escape(o)}\b", text)]
        return [o for _, o in sorted(found)]

    words = re.sub(r";\s*next (?:is|are)\b", " ahead of", words)  # "A and B lead …; next is C" ranks C below
    for before, after in zip(words.split("ahead of")[:-1], words.split("ahead of")[1:]):
        clause = after.split(";")[0].split(". ")[0]
        for a in named(before.split(";")[-1].split(". ")[-1]):
            for b in named(clause):
                if not spans[a].above(spans[b]):
                    problems.append(f"ranking: {a} is printed ahead of {b}, but their ranges overlap, so neither is "
                                    "ranked above the other (rule 14)")
        more = re.search(r"and (\d+) more", clause)
        if more and len(named(clause)) + int(more.group(1)) > len(below):
            problems.append(f"ranking: {len(named(clause))} named and {more.group(1)} more are printed behind the "
                            f"leaders, but only {len(below)} origins lie below every leader (rule 14)")
    lead = re.search(r"the largest is ([^,;]+)", words)
    if lead and len(spans) > 1:
        first = named(lead.group(1))
        if first and any(o != first[0] and not spans[first[0]].above(spans[o]) for o in spans):
            problems.append(f"ranking: {first[0]} is printed as the largest alone, but other origins' ranges reach it")
    return problems


def _trend_map(v) -> dict:
    return {tuple(t["series"]): t for t in v.trends()}


def trend(c, v) -> list[str]:
    key, value = tuple(c["subject"]["series"]), c["value"]
    mine = _trend_map(v).get(key)
    if mine is None:
        return [f"series {key} did not change over time by rule 7, but is printed as {value['direction']} "
                f"({value.get('first_stated')} to {value.get('last_stated')})"]
    problems = []
    for k in ("first", "last", "direction"):
        if value.get(k) != mine[k]:
            problems.append(f"series {key}: {k} printed {value.get(k)!r}, the data gives {mine[k]!r}")
    if "last_contradicted" in value and bool(value["last_contradicted"]) != mine["last_contradicted"]:
        problems.append(f"series {key}: its latest figure is {'' if mine['last_contradicted'] else 'not '}contradicted "
                        "by another claim of the same time (rule 7), the claim says otherwise")
    words = c.get("words", "")
    if mine["last_contradicted"] and value.get("last_stated") and f"to {value['last_stated']}" in words \
            and "contradicted" not in words:
        problems.append(f"series {key}: the words end on {value['last_stated']}, which another claim of the same "
                        "time contradicts, and do not say so (rule 7)")
    return problems


def trends(c, v) -> list[str]:
    mine = v.trends()
    if c["subject"].get("own_only"):
        mine = [t for t in mine if not t["adversary"]]
    printed = {tuple(s) for s in c["value"]["series"]}
    found = {tuple(t["series"]) for t in mine}
    if printed == found:
        return []
    return [f"changed over time: printed {sorted(printed) or 'none'}, the data gives {sorted(found) or 'none'}"]


def contradictions(c, v) -> list[str]:
    problems = []
    printed = {tuple(p) for p in c["value"]["headcounts"]}
    found = v.contradicting_claims()
    if printed != found:
        problems.append(f"contradicting headcount claims: printed {sorted(printed) or 'none'}, the data gives "
                        f"{sorted(found) or 'none'}")
    printed = {tuple(p) for p in c["value"]["offers"]}
    # Words about pay offers are about every offer in view, whatever the briefing shows.
    found = v.contradicting_offers() if "pay offer" in c.get("words", "") else v.offer_contradictions
    if printed != found:
        problems.append(f"contradicting pay offers: printed {sorted(printed) or 'none'}, the data gives "
                        f"{sorted(found) or 'none'}")
    return problems


def ratio(c, v) -> list[str]:
    subject, value = c["subject"], c["value"]
    offer = _row(v.offers, "offer_id", subject["offer"])
    if offer is None or offer["usd"] is None:
        return [f"{subject['offer']}: not a converted offer in view"]
    problems = []
    if value["day"] != _day(offer["known"]):
        problems.append(f"{subject['offer']}: compared on {value['day']}, but the offer's day is {_day(offer['known'])}")
    status, wage, usd, rate_row, mine = v.comparison(offer, subject["country"], subject["measure"])
    if status != "compared":
        return problems + [f"{subject['offer']}: compared with {value['wage']}, but the data has {status} for "
                           f"{subject['country']} {subject['measure']} on {_day(offer['known'])}"]
    if value["wage"] != wage["wage_id"]:
        problems.append(f"{subject['offer']}: compared with {value['wage']}, the wage in force on "
                        f"{_day(offer['known'])} is {wage['wage_id']}")
    if not same_span(usd, value["wage_usd"], 0.005):
        problems.append(f"{subject['offer']}: the wage in USD is {value['wage_usd']}, the data gives {usd}")
    others = v.other_sources(wage, usd, subject["country"], subject["measure"], offer["known"])
    printed_others = sorted(o["wage"] for o in value.get("others", []))
    if printed_others != sorted(w for w, _ in others):
        problems.append(f"{subject['offer']}: set against {', '.join([value['wage']] + printed_others)}, but the "
                        f"figures in force on {_day(offer['known'])} that disagree are "
                        f"{', '.join([wage['wage_id']] + sorted(w for w, _ in others))}: each is shown (rule 11)")
    if not same_span(mine, value["ratio"], 0.005):
        problems.append(f"{subject['offer']}: ratio {value['ratio']}, the data gives {mine} (against every figure in "
                        "force)")
    if not ratio_printed_ok(value["printed"], mine):
        problems.append(f"{subject['offer']}: printed {value['printed']!r} for a ratio of {mine.low:.3g}–{mine.high:.3g}")
    return problems


def in_force(c, v) -> list[str]:
    subject, value = c["subject"], c["value"]
    problems = []
    words = value.get("words", "") + " " + c.get("words", "")
    if re.search(r"\bnone in force\b|\bhad none\b", words):
        problems.append(f"{subject['offer']}: says no {subject['measure']} was in force, but a wage missing from the "
                        "data is only 'not on record' (rule 22)")
    offer = _row(v.offers, "offer_id", subject["offer"])
    if offer is None:
        return problems + [f"{subject['offer']}: not an offer in view"]
    if value["status"] == "all origins":
        return problems if offer["origin"] == "all" else problems + [f"{subject['offer']}: has an origin"]
    status = v.comparison(offer, subject["country"], subject["measure"])[0] if offer["usd"] is not None else (
        v.absence(subject["country"], subject["measure"])
        if v.wage_in_force(subject["country"], subject["measure"], offer["known"]) is None else "no rate")
    if status != value["status"]:
        problems.append(f"{subject['offer']}: {subject['measure']} of {subject['country']} on {_day(offer['known'])} "
                        f"printed as {value['status']!r}, the data gives {status!r}")
    # Three cases, three words (rule 11): never merged.
    said = {"not on record": "not on record", "not in force": "not in force", "no rate": "exchange rate"}
    if status in said and said[status] not in value.get("words", ""):
        problems.append(f"{subject['offer']}: the words {value.get('words', '')!r} do not say {said[status]!r}, "
                        f"which is the case ({status})")
    return problems


def threshold(c, v) -> list[str]:
    limit = float(c["subject"]["threshold"])
    compared, reached, maybe = [], [], []
    for _, offer in v.monthly.iterrows():
        status, *_, mine = v.army(offer)
        if status == "compared":
            compared.append(offer["offer_id"])
            if mine.low >= limit:
                reached.append(offer["offer_id"])
            elif mine.top >= limit:
                maybe.append(offer["offer_id"])
    problems = []
    for name, mine in (("compared", compared), ("reached", reached), ("maybe", maybe)):
        if sorted(c["value"][name]) != sorted(mine):
            problems.append(f"offers against the army's own pay, {name}: printed {sorted(c['value'][name])}, the data "
                            f"gives {sorted(mine)}")
    return problems


def extremes(c, v) -> list[str]:
    subject, value = c["subject"], c["value"]
    offers = v.monthly[v.monthly["origin"] == subject["origin"]]
    if subject.get("confirmed"):
        offers = offers[offers["credibility"] < UNCONFIRMED]
    if subject["what"] == "usd":
        values = {o: u for o, u in zip(offers["offer_id"], offers["usd"])}
    else:
        measure = subject["what"].split(":")[1]
        values = {}
        for _, offer in offers.iterrows():
            status, *_, mine = v.comparison(offer, subject["origin"], measure)
            if status == "compared":
                values[offer["offer_id"]] = mine
    if not values:
        return [f"extremes for {subject['origin']}: none in the data"]
    low = min(s.low for s in values.values())
    high = max(s.high for s in values.values())
    problems = []
    if set(c["rows"]) != set(values):
        problems.append(f"extremes for {subject['origin']}: over {sorted(c['rows'])}, the data gives {sorted(values)}")
    if not (close(low, value["low"]) and close(high, value["high"])):
        problems.append(f"extremes for {subject['origin']} ({subject['what']}): {value['low']:.3g}–{value['high']:.3g} "
                        f"printed, the data gives {low:.3g}–{high:.3g}")
    for end, want in (("low_row", low), ("high_row", high)):
        got = values.get(value[end])
        if got is None or not close(got.low if end == "low_row" else got.high, want):
            problems.append(f"extremes for {subject['origin']}: {value[end]} is not the {end.split('_')[0]} end")
    return problems


# ------------------------------------------------------------------ derived figures

def _drives(v) -> list[dict]:
    """Every drive the data prices for this selection (rule 15), by this module's own reading (once per view)."""
    if not hasattr(v, "_drives_found"):
        v._drives_found = _find_drives(v)
    return v._drives_found


def _find_drives(v) -> list[dict]:
    stages = ["signed_up", "arrived", "deployed"]
    heads = v.latest[v.latest["category"].isin(("paid", "contract")) & (v.latest["origin_scope"] == "country")
                     & v.latest["stage"].isin(stages) & (v.latest["count_type"] == "cumulative")]
    heads = heads.assign(_o=heads["stage"].map(stages.index)).sort_values(["_o", "claim_id"]).drop_duplicates(
        ["side", "origin"])
    offers = v.offers
    one_offs = offers[(offers["period"] == "one_off") & (offers["status"] == "offered") & ~offers["adversary"]
                      & offers["usd"].notna()]
    out = []
    for _, head in heads.iterrows():
        mine = v.monthly[(v.monthly["side"] == head["side"]) & (v.monthly["origin"] == head["origin"])]
        if mine.empty:
            continue
        top_pay = max(u.top for u in mine["usd"])
        top_months = max([int(m) for m in mine["contract_months"].dropna()] + [v.default_months])
        people = as_stated(head["qualifier"], head["people_low"], head["people_high"])
        for _, offer in mine.iterrows():
            lag = (head["known"] - offer["known"]).days
            if not 0 <= lag <= DRIVE_DAYS:
                continue
            stated = pd.notna(offer["contract_months"])
            months = int(offer["contract_months"]) if stated else v.default_months
            extra = one_offs[(one_offs["source_id"] == offer["source_id"]) & (one_offs["side"] == offer["side"])
                             & one_offs["origin"].isin([offer["origin"], "all"])]
            others = one_offs[(one_offs["source_id"] != offer["source_id"]) & (one_offs["side"] == offer["side"])
                              & one_offs["origin"].isin([offer["origin"], "all"])]
            # An "up to X" offer is priced at X: the most it promises, not a pay that may be nothing.
            pay_low = offer["usd"].high if offer["qualifier"] == "up_to" else offer["usd"].low
            per_head_low = pay_low * months + sum(u.low for u in extra["usd"])
            per_head_high = offer["usd"].high * months + sum(u.high for u in extra["usd"])
            cost = Span(people.low * per_head_low, people.high * per_head_high,
                        (people.open and per_head_high > 0) or (offer["usd"].open and people.high > 0))
            approximate = head["qualifier"] in APPROXIMATE
            out.append({"headcount": head["claim_id"], "offer": offer["offer_id"], "months": months,
                        "one_offs": sorted(extra["offer_id"]), "cost": cost, "approximate": approximate,
                        "ceiling": (not approximate and not people.open and not offer["usd"].open
                                    and offer["usd"].top >= top_pay and stated and months >= top_months
                                    and others.empty)})
    return out


def cost(c, v) -> list[str]:
    subject, value, words = c["subject"], c["value"], c.get("words", "")
    mine = next((d for d in _drives(v) if d["headcount"] == subject["headcount"] and d["offer"] == subject["offer"]),
                None)
    if mine is None:
        return [f"cost of paying {subject['headcount']} the offer {subject['offer']}: no such drive in the data"]
    problems = []
    if not same_span(mine["cost"], value["cost"]):
        problems.append(f"cost of {subject['headcount']} × {subject['offer']}: {value['cost']} printed, the data gives "
                        f"{mine['cost']} (people as stated × USD a month × {mine['months']} months + one-off sums)")
    if value["ceiling"] != mine["ceiling"]:
        problems.append(f"cost of {subject['headcount']} × {subject['offer']}: printed as "
                        f"{'a ceiling' if value['ceiling'] else 'no ceiling'}, the data gives "
                        f"{'a ceiling' if mine['ceiling'] else 'no ceiling: a higher offer, longer contract, other one-off sum or larger count is on record'}")
    said_ceiling = re.search(r"(?<!not )(?<!Not )\b(?:a|is a|each total is a) ceiling\b", words) and not re.search(
        r"[Nn]ot a ceiling|only where", words)
    if said_ceiling and not mine["ceiling"]:
        problems.append(f"cost of {subject['headcount']} × {subject['offer']}: the words call it a ceiling, the data "
                        "holds a higher offer, a longer contract or a count that may be larger")
    if value.get("approximate") != mine["approximate"]:
        problems.append(f"cost of {subject['headcount']}: its headcount is {'' if mine['approximate'] else 'not '}"
                        "approximate")
    return problems


def gap(c, v) -> list[str]:
    subject, value = c["subject"], c["value"]
    latest = v.latest.set_index("claim_id", drop=False)
    if subject["signed"] not in latest.index:
        return [f"gap: {subject['signed']} is not a latest claim in view"]
    signed = latest.loc[subject["signed"]]
    group = v.latest[(v.latest["side"] == signed["side"]) & (v.latest["origin"] == signed["origin"])
                     & (v.latest["origin_scope"] == signed["origin_scope"]) & (v.latest["category"] == signed["category"])
                     & (v.latest["count_type"] != "flow")]
    presence = group[group["stage"].isin(PRESENCE)]
    near = presence[[abs((k - signed["known"]).days) <= GAP_DAYS for k in presence["known"]]]
    problems = []
    if presence.empty:
        status = "no presence reported"
    elif near.empty:
        status = "presence reported at another time"
    else:
        best = near.assign(_l=[s.low for s in near["span"]]).sort_values(["_l", "claim_id"]).iloc[-1]
        status = "presence exceeds sign-ups" if best["span"].low > signed["span"].top else "gap"
        if subject.get("present") != best["claim_id"]:
            problems.append(f"gap: set against {subject.get('present')}, the presence figure of the time is "
                            f"{best['claim_id']}")
        if status == "gap":
            s = as_stated(signed["qualifier"], signed["people_low"], signed["people_high"])
            p = as_stated(best["qualifier"], best["people_low"], best["people_high"])
            mine = Span(max(0.0, s.low - p.top), max(0.0, s.high - p.low), s.open)
            if value["gap"] is None or not same_span(mine, value["gap"]):
                problems.append(f"gap {subject['signed']} − {best['claim_id']}: {value['gap']} printed, the stated "
                                f"figures give {mine}")
            if value["gap"] is not None and not value["gap"]["open"] and value["gap"]["high"] > s.high + 1e-6:
                problems.append(f"gap {subject['signed']}: its top ({value['gap']['high']:,.0f}) runs past the "
                                f"{s.high:,.0f} it comes from")
            approximate = signed["qualifier"] in APPROXIMATE or best["qualifier"] in APPROXIMATE
            if bool(value.get("approximate")) != approximate:
                problems.append(f"gap {subject['signed']}: printed {'about' if value.get('approximate') else 'exact'}, "
                                f"its figures are {'approximate' if approximate else 'exact'}")
    if value["status"] != status:
        problems.append(f"gap for {subject['signed']}: printed {value['status']!r}, the data gives {status!r}")
    return problems


def _groups_left_out(v) -> list[list]:
    """Every group in view (side, origin, category) the Art. 47 reading leaves out, with why (rule 12):
    'not reached', 'our reading' (presence only by our reading of the source, rule 21), 'conscripts',
    'status unknown' (category unknown)."""
    out = []
    for key, group in v.latest.groupby(["side", "origin", "category"], sort=True):
        there = group[group["stage"].isin(PRESENCE) & pd.Series([s.high > 0 for s in group["span"]], index=group.index,
                                                                dtype=bool)]
        reached = there[~there["stage_detail"].fillna("").str.contains(READING)]
        if there.empty:
            out.append([*key, "not reached"])
        elif reached.empty:
            out.append([*key, "our reading"])
        elif key[2] == "conscript":
            out.append([*key, "conscripts"])
        elif key[2] == "unknown":
            out.append([*key, "status unknown"])
    return out


def not_assessed(c, v) -> list[str]:
    mine = sorted(_groups_left_out(v))
    printed = sorted(c["value"]["groups"])
    problems = [] if printed == mine else [f"groups not assessed: printed {printed}, the data gives {mine}"]
    words = c.get("words", "")
    if words and any(g[3] == "our reading" for g in mine) and "our reading" not in words:
        problems.append("groups counted as reaching the war only by our reading are not said to be so (rule 21)")
    return problems


NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
CORROBORATION_DAYS = 31


def _one_quantity(v, ids: list) -> str | None:
    """Why the rows ``ids`` (a figure and those said to agree with it) are not one quantity stated alike
    by independent claimants within 31 days (rule 13), or None when they are."""
    claims = v.claims.set_index("claim_id", drop=False)
    offers = v.offers.set_index("offer_id", drop=False)
    if all(i in claims.index for i in ids):
        rows = [claims.loc[i] for i in ids]
        keys = {r["series"] for r in rows}
        amounts = [r["span"] for r in rows]
    elif all(i in offers.index for i in ids):
        rows = [offers.loc[i] for i in ids]
        keys = {(r["side"], r["origin"], r["category"], r["theatre"], r["period"], r["component"], r["status"],
                 r.get("region") or "") for r in rows}
        amounts = [r["usd"] for r in rows]
        if any(a is None for a in amounts):
            return f"{', '.join(ids)}: some are not converted, so they cannot be said to agree"
    else:
        return f"{', '.join(ids)}: not all rows of one table in view"
    if len(keys) > 1:
        return f"{', '.join(ids)} state different quantities ({sorted(map(str, keys))}), so they cannot agree"
    first = rows[0]
    for row, amount in zip(rows[1:], amounts[1:]):
        if abs((row["known"] - first["known"]).days) > CORROBORATION_DAYS or not amount.meets(amounts[0]):
            return f"{ids[0]} and {row.get('claim_id') or row.get('offer_id')} are not of one time or do not overlap"
    return None


def agree(c, v) -> list[str]:
    groups, basis = c["value"]["groups"], c["subject"]["basis"]
    problems = [p for p in (_one_quantity(v, g) for g in groups) if p]
    found = re.search(r"(\w+) independent sources agree", basis)
    said = NUMBER_WORDS.get(found.group(1), 0) if found else 0
    claimants = []
    for g in groups:
        who = set(v.claims[v.claims["claim_id"].isin(g)]["claimant_id"]) | set(
            v.offers[v.offers["offer_id"].isin(g)]["claimant_id"])
        claimants.append(len(who))
    if said and said not in claimants:
        problems.append(f"the basis says {said} independent sources agree; the figures' agreeing claimants number "
                        f"{claimants or 'none'}")
    return problems


# ------------------------------------------------------------------ absence, age, window

def none(c, v) -> list[str]:
    what, count = c["subject"]["what"], c["value"]["count"]
    offers = v.offers
    if what == "monthly_offers":
        mine = len(offers[(offers["period"] == "month") & (offers["status"] == "offered") & ~offers["adversary"]
                          & (offers["theatre"] == "Ukraine")])
    elif what == "offers":
        mine = len(offers)
    elif what == "monthly_offers_elsewhere":
        mine = len(offers[(offers["period"] == "month") & (offers["status"] == "offered") & ~offers["adversary"]
                          & (offers["theatre"] != "Ukraine")])
    elif what == "headcounts":
        mine = len(v.claims)
    elif what == "figures":
        mine = len(v.claims) + (len(offers) if v.money_shown else 0)
    elif what == "sign_ups":
        mine = int(((v.latest["stage"] == "signed_up") & (v.latest["count_type"] != "flow")).sum())
    elif what == "adversary_latest":
        mine = len(v.latest_adversary)
    elif what == "drives":
        mine = len(_drives(v))
    elif what == "assessed_groups":
        mine = v.latest.groupby(["side", "origin", "category"]).ngroups - len(_groups_left_out(v))
    elif what == "other_pay_reports":
        mine = len(offers) - len(v.monthly)
    elif what == "ranked_origins":
        scope = {k: c["subject"][k] for k in ("stages", "side", "confirmed", "reached")}
        mine = sum(len(_scope_candidates(v, {**scope, "count_type": kind, "countries": True}))
                   for kind in ("cumulative", "current"))
    else:
        return [f"an absence of {what!r} the checker does not know"]
    if mine != count:
        return [f"{what}: the briefing counts {count} on record ({c.get('words', '')!r}), the data holds {mine}"]
    if not count and re.search(r"\b(?:had|has|have) been reported\b", c.get("words", "")):
        # Absence from our data is absence from the record, not from the world (rule 22).
        return [f"{what}: none on record, and the words say none had been reported: 'not on record' (rule 22)"]
    return []


def newest(c, v) -> list[str]:
    rows = [(k, i) for k, i in zip(v.claims["known"], v.claims["claim_id"])]
    if v.money_shown:
        rows += [(k, i) for k, i in zip(v.offers["known"], v.offers["offer_id"])]
    mine = max(rows, key=lambda r: (r[0], r[1])) if rows else (None, None)
    if c["value"]["day"] != _day(mine[0]):
        return [f"newest figure: printed {c['value']['day']}, the data's newest in view is {_day(mine[0])} ({mine[1]})"]
    return []


def window(c, v) -> list[str]:
    since, as_of = pd.Timestamp(c["subject"]["since"]), pd.Timestamp(c["subject"]["as_of"])
    value, words = c["value"], c.get("words", "")
    reach = v.reach
    problems = []
    if value["reach"] != _day(reach):
        problems.append(f"the record reaches {_day(reach)} as of {v.as_of.date()}, printed {value['reach']}")
    cover = "none" if reach is None or reach <= since else "whole" if reach >= as_of else "part"
    if value["cover"] != cover:
        problems.append(f"what changed: the record covers {cover} of the window, printed {value['cover']}")
    if "Nothing new" in words and cover == "none":
        problems.append("what changed says 'nothing new', but the record stops before the window opens: whether "
                        "anything changed is not known")
    if cover != "whole" and reach is not None and "record stops" not in words:
        problems.append(f"what changed does not say the record stops at {_day(reach)}")
    mine = _changes(v, since, as_of)
    if value["items"] != len(mine):
        problems.append(f"what changed lists {value['items']} changes, the data gives {len(mine)}")
    return problems


def _changes(v, since, as_of) -> list[tuple]:
    out = []
    if v.focus in ("all", "headcounts"):
        now = v.latest_of(v.claims[v.claims["known"] <= as_of])
        then = {s: r for s, r in zip(v.latest_of(v.claims[v.claims["known"] <= since])["series"],
                                     v.latest_of(v.claims[v.claims["known"] <= since]).itertuples())}
        for _, row in now.iterrows():
            if not since < row["known"] <= as_of:
                continue
            before = then.get(row["series"])
            if before is not None and before.stated == row["stated"]:
                continue  # restated: no news
            out.append(("claim", row["claim_id"], None if before is None else before.claim_id))
    if v.focus in ("all", "pay"):
        o = v.offers
        out += [("offer", i, None) for i in o[(o["known"] > since) & (o["known"] <= as_of)]["offer_id"]]
    return out


def change(c, v) -> list[str]:
    row_id, value = c["subject"]["row"], c["value"]
    since = v.since
    found = {i: b for kind, i, b in _changes(v, since, v.as_of) if kind == "claim"}
    if row_id not in found:
        return [f"{row_id} is listed as a change between {_day(since)} and {v.as_of.date()}, the data gives none"]
    if found[row_id] != value["before"]:
        return [f"{row_id}: the figure before was {found[row_id]}, printed {value['before']}"]
    if (value["kind"] == "new") != (found[row_id] is None):
        return [f"{row_id}: printed {value['kind']}"]
    return []


def revisions(c, v) -> list[str]:
    since, as_of = pd.Timestamp(c["subject"]["since"]), pd.Timestamp(c["subject"]["as_of"])
    days = []
    if v.rows.changelog.is_file():
        for line in v.rows.changelog.read_text(encoding="utf-8").splitlines():
            found = re.match(r"##\s+(\d{4}-\d{2}-\d{2})", line)
            if found and not line.startswith("###"):
                day = pd.Timestamp(found.group(1))
                if since < day <= as_of:
                    days.append(day.date().isoformat())
    # One per dated entry: two entries of one day are two revisions, each with its own title.
    if sorted(days) != sorted(c["value"]["days"]):
        return [f"data revisions in the window: printed {c['value']['days']}, data/CHANGELOG.md gives {sorted(days)}"]
    return []


def conversions(c, v) -> list[str]:
    items, words = c["value"]["items"], c.get("words", "")
    problems = []
    same = before = after = other = 0
    for item in items:
        mine = v.rate(item["currency"], item["day"])
        if mine is None or mine["rate_id"] != item["rate"]:
            problems.append(f"{item['row']}: converted on {item['day']} at {item['rate']}, the rate in force is "
                            f"{None if mine is None else mine['rate_id']}")
            continue
        rate_day = _day(mine["date"])
        if item["rate_date"] != rate_day or item["kind"] != mine["kind"]:
            problems.append(f"{item['row']}: rate {item['rate']} is a {mine['kind']} rate of {rate_day}")
        same += rate_day == item["day"]
        before += rate_day < item["day"]
        after += rate_day > item["day"]
        other += mine["kind"] != v.fx_kind
    stated = {"same": re.search(r"(\d+) at a rate of that very day", words),
              "before": re.search(r"(\d+) at the latest earlier rate", words),
              "after": re.search(r"(\d+) at a later rate", words)}
    for name, count in (("same", same), ("before", before), ("after", after)):
        said = int(stated[name].group(1)) if stated[name] else 0
        if words and items and said != count:
            problems.append(f"conversions: the method note says {said} used a rate {name.replace('same', 'of the same day')}"
                            f", the data gives {count}")
    total = re.search(r"^(\d+) conversions? to US dollars", words)
    if words and items and (not total or int(total.group(1)) != len(items)):
        problems.append(f"conversions: the note counts {total.group(1) if total else 'none'}, {len(items)} were made")
    if words and "of the offer's day" in words and (before or after):
        problems.append("conversions: the words say 'rates of the offer's day', but some rates are of other days")
    said_other = re.search(r"(\d+) used an? (\w+) rate", words)
    if words and items and other != (int(said_other.group(1)) if said_other else 0):
        problems.append(f"conversions: {other} used a rate of another kind than {v.fx_kind}, the words say "
                        f"{said_other.group(1) if said_other else 'none'}")
    return problems


CHECKS = {"headcount": headcount, "pay": pay, "wage": wage, "rate": rate, "status": status, "credit": credit,
          "largest": largest, "ranking": ranking, "trend": trend, "trends": trends, "contradictions": contradictions,
          "ratio": ratio, "in_force": in_force, "threshold": threshold, "extremes": extremes, "cost": cost, "gap": gap,
          "not_assessed": not_assessed, "none": none, "newest": newest, "window": window, "change": change,
          "revisions": revisions, "conversions": conversions, "agree": agree}

__all__ = ["CHECKS", "SIDE_COUNTRY", "known", "span", "dt"]
