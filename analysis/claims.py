"""A claim is data before it is a sentence: what a briefing states, typed, with the rows it rests on.

Every sentence, title or table cell of a briefing that states a figure or a comparison ("largest",
"ahead of", "rose", "none", "not on record", "ceiling", "contradict", "in force", a ratio, a
converted amount, a range) is written from a :class:`Claim`: its ``kind``, its ``subject`` (what it
is about), its ``value`` (what it says), the ``rows`` of ``data/`` it rests on and the ``rule`` of
``docs/method.md`` that made it. The words are made from the claim in ``briefings/``; every claim
printed goes into the briefing's ledger (``<name>-ledger.json``), and a checker written apart
(``ledger_check``, plain pandas over the raw CSV rows) re-derives each one before the briefing
is published.

One constructor per kind. Each takes what :mod:`analysis` computed once (a row, a frame, a
notion such as :func:`analysis.headcounts.largest`) and returns the claim; none computes a notion
of its own. Values are plain JSON (numbers, strings, lists, mappings): intervals are
``{"low", "high", "open"}``, dates ISO strings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from .headcounts import leading, ranking_places, reached_the_war, reaches, side_is_read, stage_is_read
from .intervals import Interval, format_claim

#: kind -> the rule of docs/method.md that makes such a claim (tests/test_claims.py checks each exists).
RULES = {
    "headcount": "§1 qualifiers; §21 the source's words", "pay": "§9 pay basis; §10 exchange rates",
    "wage": "§10 exchange rates", "rate": "§10 exchange rates", "status": "§3 series and the latest claim",
    "ratio": "§11 comparators in force", "in_force": "§11 comparators in force; §22 coverage",
    "largest": "§14 largest, ranked", "ranking": "§14 largest, ranked", "trend": "§7 contradictions and trends",
    "trends": "§7 contradictions and trends", "contradictions": "§7 contradictions and trends",
    "threshold": "§12 Article 47", "cost": "§15 cost of a recruitment drive", "gap": "§6 signed up → arrived",
    "none": "§22 coverage", "credit": "§8 who is speaking", "newest": "§17 what changed",
    "window": "§17 what changed; §22 coverage", "revisions": "§17 what changed", "change": "§17 what changed",
    "not_assessed": "§12 Article 47", "conversions": "§10 exchange rates", "extremes": "§11 comparators in force",
    "agree": "§13 confidence and likelihood",
}
KINDS = tuple(RULES)


@dataclass(frozen=True)
class Claim:
    """One statement of a briefing as data (see the module docstring)."""

    kind: str
    subject: dict
    value: object
    rows: tuple = ()
    rule: str = field(default="")

    def __post_init__(self):
        if self.kind not in RULES:
            raise ValueError(f"unknown claim kind {self.kind!r}; allowed: {', '.join(KINDS)}")
        if not self.rule:
            object.__setattr__(self, "rule", RULES[self.kind])
        object.__setattr__(self, "rows", tuple(dict.fromkeys(r for r in self.rows if isinstance(r, str) and r)))

    def as_json(self) -> dict:
        return {"kind": self.kind, "subject": plain(self.subject), "value": plain(self.value),
                "rows": list(self.rows), "rule": self.rule}


def plain(value):
    """``value`` as plain JSON: intervals as {"low", "high", "open"}, timestamps as ISO dates."""
    if isinstance(value, Interval):
        return {"low": float(value.low), "high": float(value.high), "open": bool(value.open_above)}
    if isinstance(value, (pd.Timestamp,)):
        return value.date().isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int,)):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return str(value)


def _day(value) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else \
        pd.Timestamp(value).date().isoformat()


# ------------------------------------------------------------------ one row, as printed

def headcount(claim) -> Claim:
    """A headcount claim's figure as printed: as its source stated it, with what it counts."""
    return Claim("headcount", {"row": claim["claim_id"]},
                 {"stated": claim["stated"], "side": claim["side"], "origin": claim["origin"],
                  "category": claim["category"], "stage": str(claim["stage"]), "count_type": claim["count_type"],
                  "known": _day(claim["known_from"]), "stage_read": stage_is_read(claim["stage_detail"]),
                  "side_read": side_is_read(claim),
                  "reached": reached_the_war(claim), "zero": claim["people"].high == 0,
                  "adversary": bool(claim["adversary"])},
                 (claim["claim_id"],))


def pay(offer) -> Claim:
    """A pay report as printed: as stated, and in USD at the rate used (None: no rate by as_of)."""
    usd = offer["amount_usd"]
    return Claim("pay", {"row": offer["offer_id"]},
                 {"stated": format_claim(offer["qualifier"], offer["amount_low_local"], offer["amount_high_local"]),
                  "currency": offer["currency"], "period": offer["period"], "status": offer["status"],
                  "usd": usd, "rate": offer["fx_rate_id"], "day": _day(offer["day"])},
                 (offer["offer_id"], offer["fx_rate_id"]))


def wage(row, usd: Interval | None, rate_id: str | None, day) -> Claim:
    """A wage as printed, in USD at the rate in force on ``day`` (None: no rate)."""
    return Claim("wage", {"row": row["wage_id"]},
                 {"stated": format_claim(row["qualifier"], row["monthly_low_local"], row["monthly_high_local"]),
                  "currency": row["currency"], "usd": usd, "rate": rate_id, "day": _day(day)},
                 (row["wage_id"], rate_id))


def rate(row) -> Claim:
    """An exchange rate as printed."""
    return Claim("rate", {"row": row["rate_id"]},
                 {"per_usd": Interval(row["per_usd_low"], row["per_usd_high"]), "currency": row["currency"],
                  "kind": row["kind"], "basis": row["basis"], "date": _day(row["date"])}, (row["rate_id"],))


def status(claim_id: str, text: str) -> Claim:
    """Why a claim is or is not its series' figure: 'latest in its series', 'part of H001',
    'superseded by H037'."""
    other = text.split(" ")[-1] if text.startswith(("part of", "superseded by")) else None
    return Claim("status", {"row": claim_id}, {"status": text}, (claim_id, other))


def credit(record, sources: pd.DataFrame, grade: str) -> Claim:
    """Who said a figure and which copy we read: the claimant, the original outlet, the relay."""
    source = sources.set_index("source_id").loc[record["source_id"]]
    row = record.get("claim_id") or record.get("offer_id") or record.get("wage_id")
    via = source["via"] if isinstance(source["via"], str) and source["via"] else ""
    return Claim("credit", {"row": row},
                 {"claimant": record["claimant_name"], "source": record["source_id"], "outlet": source["outlet"],
                  "via": via, "grade": grade}, (row, record["source_id"]))


# ------------------------------------------------------------------ comparisons

def largest(scope, winner, candidates: pd.DataFrame) -> Claim:
    """The largest figure in a scope (:class:`analysis.headcounts.Scope`), every candidate, and
    ``leading``: the candidates that make its place uncertain (rank ranges that reach its own, and
    rivals to it: :func:`analysis.headcounts.leading`), which the words name with it, never below it."""
    return Claim("largest", scope.as_dict(),
                 {"row": None if winner is None else winner["claim_id"],
                  "stated": None if winner is None else winner["stated"],
                  "leading": [] if winner is None else list(leading(candidates)["claim_id"])},
                 ((winner["claim_id"],) if winner is not None else ()) + tuple(candidates["claim_id"]))


def ranking(scope, ranked: pd.DataFrame, contradicted=frozenset()) -> Claim:
    """Origins in order, largest first, each with the claim that places it and whether that figure is
    an open-ended floor (printed "at least X"); whether the first two rank ranges overlap;
    ``leaders``, the largest and every origin whose rank range reaches it, and ``below``, the origins
    ranked below every leader, pairwise (:func:`analysis.headcounts.ranking_places`): "ahead of" is
    said only from a leader to an origin below; and ``contradicted``, the origins placed by a figure
    another claim of the same time contradicts (``contradicted``: claim ids, rule 7), which the words
    mark. The scope's stages are one stage group (:data:`analysis.headcounts.RANK_GROUPS`)."""
    order = [{"origin": o, "row": c, "stated": s, "floor": bool(p.open_above)}
             for o, c, s, p in zip(ranked["origin"], ranked["claim_id"], ranked["stated"], ranked["people"])]
    overlap = len(ranked) > 1 and reaches(ranked.iloc[0]["people"], ranked.iloc[1]["people"])
    leaders, below = ranking_places(ranked)
    disputed = [o["origin"] for o in order if o["row"] in set(contradicted)]
    return Claim("ranking", scope.as_dict(), {"order": order, "first_two_overlap": bool(overlap),
                                              "leaders": [order[i]["origin"] for i in leaders],
                                              "below": [order[i]["origin"] for i in below],
                                              "contradicted": disputed},
                 tuple(ranked["claim_id"]))


def trend(row) -> Claim:
    """One series whose figure changed over time: its first and latest claims and the direction."""
    return Claim("trend", {"series": [row[k] for k in ("side", "origin", "category", "stage", "count_key")]},
                 {"first": row["first_claim"], "last": row["last_claim"], "direction": row["direction"],
                  "first_stated": row["first_stated"], "last_stated": row["last_stated"],
                  "last_contradicted": bool(row.get("last_contradicted", False))},
                 (row["first_claim"], row["last_claim"]))


def trends(rows: pd.DataFrame, own_only: bool) -> Claim:
    """Every series that changed over time in view ([] means none did); ``own_only`` leaves out
    series whose first or latest claim is a party's about its adversary."""
    series = [[r[k] for k in ("side", "origin", "category", "stage", "count_key")] for _, r in rows.iterrows()]
    return Claim("trends", {"own_only": own_only}, {"series": series},
                 tuple(rows["first_claim"]) + tuple(rows["last_claim"]))


def contradictions(headcounts: pd.DataFrame, offers: pd.DataFrame) -> Claim:
    """Every pair of claims about one quantity at one time that cannot both hold ([]: none)."""
    pairs = [[a, b] for a, b in zip(headcounts["claim_a"], headcounts["claim_b"])]
    offer_pairs = [[a, b] for a, b in zip(offers["offer_a"], offers["offer_b"])]
    return Claim("contradictions", {"tables": ["headcount_claims", "pay_offers"]},
                 {"headcounts": pairs, "offers": offer_pairs},
                 tuple(i for p in pairs + offer_pairs for i in p))


def ratio(offer_id: str, measure: str, country: str, day, wage_id: str, wage_usd: Interval,
          wage_rate: str | None, offer_usd: Interval, value: Interval, printed: str, others=()) -> Claim:
    """An offer as a multiple of a wage in force on the offer's day; ``others`` (wage id, USD) are
    other sources' figures in force that disagree, which the multiple spans too (method rule 11)."""
    return Claim("ratio", {"offer": offer_id, "measure": measure, "country": country},
                 {"day": _day(day), "wage": wage_id, "wage_usd": wage_usd, "wage_rate": wage_rate,
                  "offer_usd": offer_usd, "ratio": value, "printed": printed,
                  "others": [{"wage": w, "wage_usd": u} for w, u in others]},
                 (offer_id, wage_id, wage_rate) + tuple(w for w, _ in others))


def in_force(offer_id: str, measure: str, country: str, day, status_: str, wage_id: str | None,
             words: str) -> Claim:
    """What an offer has to be compared with on its day: 'compared', 'no rate' (a wage in force,
    no exchange rate of the day on record), 'not in force' (on record, none in force on the day),
    'not on record' (none on record at all), 'all origins' (no home country)."""
    return Claim("in_force", {"offer": offer_id, "measure": measure, "country": country, "day": _day(day)},
                 {"status": status_, "wage": wage_id, "words": words}, (offer_id, wage_id))


def threshold(army: pd.DataFrame, limit: float) -> Claim:
    """Of the offers set against the army's own pay in force, which reached ``limit`` times it,
    which may have (the range straddles it), and which did not."""
    compared = army[army["ratio"].notna()]
    reached = [o for o, r in zip(compared["offer_id"], compared["ratio"]) if r.low >= limit]
    maybe = [o for o, r in zip(compared["offer_id"], compared["ratio"]) if r.low < limit <= r.upper]
    return Claim("threshold", {"threshold": limit},
                 {"compared": list(compared["offer_id"]), "reached": reached, "maybe": maybe},
                 tuple(compared["offer_id"]) + tuple(compared["army_wage_id"]))


def extremes(origin: str, what: str, confirmed: bool, low_row: str, high_row: str, low: float, high: float,
             open_above: bool, rows) -> Claim:
    """The lowest and highest of a set of figures about one origin: monthly offers in USD
    (``what`` 'usd') or their multiples of a home wage ('ratio:soldier_pay'); ``confirmed``: only
    offers graded 1–3."""
    return Claim("extremes", {"origin": origin, "what": what, "confirmed": confirmed},
                 {"low_row": low_row, "high_row": high_row, "low": low, "high": high, "open": open_above},
                 tuple(rows))


def cost(drive) -> Claim:
    """What paying a group one offer would cost, and whether that is a ceiling."""
    return Claim("cost", {"headcount": drive["claim_id"], "offer": drive["offer_id"]},
                 {"months": int(drive["months"]), "months_stated": bool(drive["months_stated"]),
                  "one_offs": list(drive["one_off_ids"]), "cost": drive["cost_usd"],
                  "approximate": bool(drive["approximate"]), "ceiling": bool(drive["ceiling"]),
                  "higher_offers": list(drive["higher_offers"]), "longer_contracts": list(drive["longer_contracts"])},
                 (drive["claim_id"], drive["offer_id"], *drive["one_off_ids"]))


def gap(row) -> Claim:
    """Signed up against reported present for one group: the status, and the gap and share
    computed on the stated figures."""
    return Claim("gap", {"signed": row["signed_up_claim"], "present": row["present_claim"]},
                 {"status": row["status"], "gap": row["gap"], "share": row["present_share"],
                  "approximate": bool(row.get("approximate", False)),
                  "other_presence": row["other_presence_claim"]},
                 (row["signed_up_claim"], row["present_claim"], row["other_presence_claim"]))


def not_assessed(groups: list[tuple]) -> Claim:
    """Groups in view that the Art. 47 reading leaves out, and why: (side, origin, category, claim
    ids, reason) — see :attr:`analysis.assessment.Assessment.not_assessed`."""
    return Claim("not_assessed", {"rule": "only groups of known status reported to have reached the war are assessed"},
                 {"groups": [[s, o, c, why] for s, o, c, _, why in groups]},
                 tuple(i for *_, ids, _ in groups for i in ids))


def agree(evidence, basis: str) -> Claim:
    """A judgement's confidence basis where it says sources agree: for each figure it rests on, the
    rows of independent claimants counted as agreeing with it (the figure's own row first)."""
    groups = [list(e.claim_ids) for e in evidence if len(e.claimant_ids) >= 2]
    return Claim("agree", {"basis": basis}, {"groups": groups}, tuple(i for g in groups for i in g))


# ------------------------------------------------------------------ absence, age, the window

def none(what: str, selection: dict, count: int = 0) -> Claim:
    """A statement about the record: how many rows of ``what`` it holds for ``selection`` (0: 'no …
    on record'). ``what``: 'monthly_offers', 'offers', 'headcounts', 'sign_ups', 'drives',
    'assessed_groups', 'repeated_series'."""
    return Claim("none", {"what": what, **selection}, {"count": count})


def newest(day, row_id: str | None) -> Claim:
    """The newest figure the briefing rests on (a headcount claim or a pay offer in view)."""
    return Claim("newest", {"of": "headcount claims and pay offers in view"}, {"day": _day(day), "row": row_id},
                 (row_id,))


def window(since, as_of, reach, cover: str, items: int) -> Claim:
    """The 'what changed' window: how much of it the record covers, and how many changes it holds."""
    return Claim("window", {"since": _day(since), "as_of": _day(as_of)},
                 {"reach": _day(reach), "cover": cover, "items": items})


def revisions(since, as_of, days) -> Claim:
    """The dated revisions of data/CHANGELOG.md in the window."""
    return Claim("revisions", {"since": _day(since), "as_of": _day(as_of)}, {"days": [_day(d) for d in days]})


def change(claim_id: str, kind: str, before: str | None, direction: str) -> Claim:
    """One item of 'what changed': a series' new latest claim, new or revised (up, down)."""
    return Claim("change", {"row": claim_id}, {"kind": kind, "before": before, "direction": direction},
                 (claim_id, before))


def conversions(items: list[dict]) -> Claim:
    """How money was converted: for each conversion the amount's row, its day, the rate used and
    that rate's date and kind (what the method note says is checked against these)."""
    return Claim("conversions", {"of": "every conversion printed"}, {"items": items},
                 tuple(i["row"] for i in items) + tuple(i["rate"] for i in items))
