"""The rules of docs/method.md, written a second time, in plain pandas, from the method's text.

Nothing here is imported from ``analysis`` or ``briefings``: each rule is re-stated from the
method so that the briefing's own code and this module must agree for a claim to pass. Where the
two are written alike it is because the method says one thing; where they are written apart
(dictionaries and loops here, frames and Intervals there) it is on purpose.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from .data import Rows

# Method rule 1: qualifier -> (low factor, high factor, open above).
QUALIFIER_RULE = {"exactly": (1.0, 1.0, False), "about": (0.9, 1.1, False), "nearly": (0.9, 1.0, False),
                  "more_than": (1.0, 1.0, True), "at_least": (1.0, 1.0, True), "up_to": (0.0, 1.0, False),
                  "range": (1.0, 1.0, False)}
APPROXIMATE = ("about", "nearly")
# Stages that show someone reached the war (rule 6): missing in action counts, as only those in the fighting go missing.
PRESENCE = ("arrived", "deployed", "killed", "missing", "left")
# Rule 14: a "largest" or a ranking of people who reached the war compares these stages only: a count
# of those missing in action on a day is no count of how many reached the war.
REACHED = ("arrived", "deployed", "killed", "left")
# Rule 14: conscripts are nationals of a party called up by their own state, no foreign recruits: never
# a candidate for a "largest" or a ranking.
NOT_FOREIGN = ("conscript",)
# Rule 14: a ranking stays within one of these groups of stages: went to the war, the dead, those who left.
STAGE_GROUPS = ({"arrived", "deployed"}, {"killed"}, {"left"})
# Rule 14: the countries a region's total covers (geography, written here a second time); a country not
# listed is outside the region.
AFRICA = """Algeria Angola Benin Botswana Burkina_Faso Burundi Cameroon Cape_Verde Central_African_Republic Chad
Comoros Congo Democratic_Republic_of_the_Congo Djibouti Egypt Equatorial_Guinea Eritrea Eswatini Ethiopia Gabon
Gambia Ghana Guinea Guinea-Bissau Ivory_Coast Kenya Lesotho Liberia Libya Madagascar Malawi Mali Mauritania
Mauritius Morocco Mozambique Namibia Niger Nigeria Rwanda Sao_Tome_and_Principe Senegal Seychelles Sierra_Leone
Somalia South_Africa South_Sudan Sudan Tanzania Togo Tunisia Uganda Zambia Zimbabwe"""
CENTRAL_ASIA = "Kazakhstan Kyrgyzstan Tajikistan Turkmenistan Uzbekistan"
MIDDLE_EAST = """Bahrain Egypt Iran Iraq Israel Jordan Kuwait Lebanon Oman Palestine Qatar Saudi_Arabia Syria Turkey
United_Arab_Emirates Yemen"""
REGIONS = {name: {w.replace("_", " ") for w in words.split()} for name, words in (
    ("Africa", AFRICA), ("Central Asia", CENTRAL_ASIA), ("Middle East", MIDDLE_EAST),
    ("Belarus and Central Asia", "Belarus " + CENTRAL_ASIA))}
SIDE_COUNTRY = {"russia": "Russia", "ukraine": "Ukraine"}
ARMY_MEASURE = {"total": "soldier_pay", "base": "soldier_base_pay", "supplement": "soldier_supplement"}
UNCONFIRMED = 4
# Windows of the method, in days.
CONTRADICTION_DAYS, GAP_DAYS, WAGE_AGE_DAYS, FX_GAP_DAYS, QUOTED_DAYS, DRIVE_DAYS = 7, 92, 365, 92, 7, 183
SAME_WAGE_DAYS = 92
# Method rule 21: a stage entered from the source's words by our reading says so in its detail.
READING = re.compile(r"entered as|reads this as|means they", re.IGNORECASE)


# ------------------------------------------------------------------ numbers

@dataclass(frozen=True)
class Span:
    """[low, high], open above or not."""

    low: float
    high: float
    open: bool = False

    @property
    def top(self) -> float:
        return math.inf if self.open else self.high

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2

    def meets(self, other: "Span") -> bool:
        return self.low <= other.top and other.low <= self.top

    @property
    def placed(self) -> "Span":
        """What a ranking places the figure by (rule 14): a floor "X+" at X, anything else by its range."""
        return Span(self.low, self.high)

    def above(self, other: "Span") -> bool:
        """Rule 14: ranked above ``other`` — this figure's placed range wholly above the other's."""
        return self.placed.low > other.placed.high

    def over(self, other: "Span") -> "Span":
        """This divided by ``other`` (both non-negative; other's low above 0)."""
        return Span(self.low / other.top, self.high / other.low, self.open)


def span(qualifier: str, low: float, high: float | None) -> Span:
    high = low if high is None or (isinstance(high, float) and math.isnan(high)) else high
    lo, hi, open_above = QUALIFIER_RULE[qualifier]
    if qualifier == "range":
        return Span(low * lo, high * hi, open_above)
    return Span(low * lo, low * hi, open_above)


def as_stated(qualifier: str, low: float, high: float | None) -> Span:
    """The bounds the source itself gave ("about 50,000" is 50,000)."""
    high = low if high is None or (isinstance(high, float) and math.isnan(high)) else high
    if qualifier == "range":
        return Span(low, high)
    if qualifier in ("more_than", "at_least"):
        return Span(low, low, True)
    if qualifier == "up_to":
        return Span(0.0, low)
    return Span(low, low)


def _number(value: float, unit: str = "") -> str:
    if value >= 999.5e6:
        text = f"{value / 1e9:.3g}B"
    elif value >= 1e6:
        text = f"{value / 1e6:.3g}M"
    elif value >= 100 or value == int(value):
        text = f"{value:,.0f}"
    elif value < 1:
        text = f"{value:.2f}".rstrip("0").rstrip(".") or "0"
    else:
        text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return unit + text


def stated_text(qualifier: str, low: float, high: float | None = None) -> str:
    """A figure as its source stated it, as the method's display rule writes it (rule 1)."""
    high = low if high is None or (isinstance(high, float) and math.isnan(high)) else high
    if qualifier == "range":
        a, b = _number(low), _number(high)
        return a if a == b else f"{a}–{b}"
    if qualifier in ("more_than", "at_least"):
        return _number(low) + "+"
    return {"about": "about ", "nearly": "nearly ", "up_to": "up to "}.get(qualifier, "") + _number(low)


def close(a: float, b: float, rel: float = 0.005) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-6


def same_span(a: Span, value: dict, rel: float = 0.005) -> bool:
    return close(a.low, value["low"], rel) and close(a.high, value["high"], rel) and a.open == bool(value["open"])


def printed_numbers(text: str) -> list[float]:
    """Numbers in a printed ratio or amount: '29–67×' -> [29, 67]; '$1.5M' -> [1500000]."""
    found = []
    for number, scale in re.findall(r"(\d[\d,]*(?:\.\d+)?)\s*([MB]?)", text):
        value = float(number.replace(",", ""))
        found.append(value * {"M": 1e6, "B": 1e9}.get(scale, 1))
    return found


def ratio_printed_ok(printed: str, actual: Span) -> bool:
    """A ratio printed to two significant figures matches its value (rule 1: ratios)."""
    numbers = printed_numbers(printed)
    if not numbers:
        return False
    if printed.startswith("up to"):
        expected = [actual.high]
    else:
        expected = [actual.low, actual.high] if len(numbers) == 2 else [actual.low]
        if len(numbers) == 1 and not close(actual.low, actual.high, 0.06):
            return False
    return all(abs(n - e) <= max(0.06 * e, 0.051) for n, e in zip(numbers, expected))


# ------------------------------------------------------------------ days

def known(date, precision) -> pd.Timestamp:
    """The day a figure counts as known: the end of the month or year it is dated to (rule 2)."""
    day = pd.Timestamp(date)
    if precision == "month":
        return day + pd.offsets.MonthEnd(0)
    if precision == "year":
        return day + pd.offsets.YearEnd(0)
    return day


def with_known(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(known=[known(d, p) for d, p in zip(frame["date_reported"], frame["date_precision"])])


# ------------------------------------------------------------------ the briefing's view of the data

class View:
    """What a briefing with these parameters could see, derived by this module's own rules."""

    def __init__(self, rows: Rows, briefing: dict):
        self.rows = rows
        self.as_of = pd.Timestamp(briefing["as_of"])
        self.sides = ["russia", "ukraine"] if briefing["side"] == "both" else [briefing["side"]]
        self.origins = list(briefing.get("origins") or [])
        self.focus = briefing.get("focus", "all")
        self.fx_kind = briefing.get("fx_kind", "market")
        self.threshold = float(briefing.get("excess_threshold", 1.5))
        self.default_months = int(briefing.get("default_contract_months", 6))
        self.since = pd.Timestamp(briefing["changes_since"]) if briefing.get("changes_since") else None
        self.party = dict(zip(rows.claimants["claimant_id"], rows.claimants["party"]))
        self.claimant_names = dict(zip(rows.claimants["claimant_id"], rows.claimants["name"]))

    @property
    def money_shown(self) -> bool:
        return self.focus != "headcounts"

    def adversary(self, claimant_id, side) -> bool:
        party = self.party.get(claimant_id, "none")
        return party in SIDE_COUNTRY and party != side

    # -------------------------------------------------------------- headcount claims

    @cached_property
    def claims(self) -> pd.DataFrame:
        """Headcount claims in view, with known day, span, stated text, series and speaker."""
        c = with_known(self.rows.headcount_claims)
        c = c[(c["known"] <= self.as_of) & c["side"].isin(self.sides)]
        if self.origins:
            # Named origins: their own rows, a region's total included when the region is named (rule 5).
            c = c[c["origin"].isin(self.origins) & (c["origin_scope"] != "all")]
        c = c.assign(span=[span(q, lo, hi) for q, lo, hi in zip(c["qualifier"], c["people_low"], c["people_high"])],
                     stated=[stated_text(q, lo, hi) for q, lo, hi in zip(c["qualifier"], c["people_low"],
                                                                          c["people_high"])],
                     adversary=pd.Series([self.adversary(i, s) for i, s in zip(c["claimant_id"], c["side"])],
                                         index=c.index, dtype=bool))
        return c.assign(series=[self.series(r) for _, r in c.iterrows()])

    @staticmethod
    def series(row) -> tuple:
        count = row["count_type"]
        if count == "flow":
            count = f"flow {pd.Timestamp(row['period_start']).date()}..{pd.Timestamp(row['period_end']).date()}"
        return (row["side"], row["origin"], row["category"], row["stage"], count)

    @staticmethod
    def _rank(frame: pd.DataFrame) -> pd.DataFrame:
        """First known to last known; on one day the better grade, then the finer date, then the id (rule 3)."""
        precision = {"year": 0, "month": 1, "day": 2}
        return frame.assign(_g=-frame["credibility"], _p=frame["date_precision"].map(precision)).sort_values(
            ["known", "_g", "_p", "claim_id"]).drop(columns=["_g", "_p"])

    @staticmethod
    def whole(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[~frame["part_of"].isin(set(frame["claim_id"]))]

    def latest_of(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The latest claim of each series among ``frame``'s claims that are no part of another."""
        whole = self._rank(self.whole(frame))
        return whole.groupby("series", sort=False).tail(1) if len(whole) else whole

    @cached_property
    def own(self) -> pd.DataFrame:
        return self.claims[~self.claims["adversary"]]

    @cached_property
    def latest(self) -> pd.DataFrame:
        """Latest own (not an adversary's) claim of each series."""
        return self.latest_of(self.own)

    @cached_property
    def latest_adversary(self) -> pd.DataFrame:
        return self.latest_of(self.claims[self.claims["adversary"]])

    @cached_property
    def _claims_by_id(self) -> pd.DataFrame:
        return self.claims.set_index("claim_id", drop=False)

    def status(self, claim_id: str) -> str:
        row = self._claims_by_id.loc[claim_id]
        pool = self.claims[self.claims["adversary"] == row["adversary"]]
        if row["part_of"] in set(pool["claim_id"]):
            return f"part of {row['part_of']}"
        latest = self.latest if not row["adversary"] else self.latest_adversary
        winner = latest[latest["series"] == row["series"]]
        if winner.empty:
            return "not in view"
        return "latest in its series" if winner.iloc[0]["claim_id"] == claim_id else \
            f"superseded by {winner.iloc[0]['claim_id']}"

    def trends(self) -> list[dict]:
        """Computed once per view (see :meth:`_trends`)."""
        if not hasattr(self, "_trends_found"):
            self._trends_found = self._trends()
        return self._trends_found

    def _trends(self) -> list[dict]:
        """Series whose claims changed over time (rule 7): claims of one time that cannot both hold
        are a contradiction, not a change; the rest change when their ranges do not all overlap."""
        out = []
        whole = self.whole(self.claims)
        for key, series in whole.groupby("series", sort=True):
            ordered = self._rank(series)
            kept, disputed = [ordered.iloc[0]], False
            for _, c in ordered.iloc[1:].iterrows():
                if (c["known"] - kept[-1]["known"]).days <= CONTRADICTION_DAYS and not c["span"].meets(kept[-1]["span"]):
                    # Two figures of one time that cannot both hold: the series' figure of that time is the
                    # one its latest claim would be (rule 3's order), so a trend ends on the latest claim.
                    kept[-1], disputed = c, True
                    continue
                kept.append(c)
                disputed = False
            spans = [k["span"] for k in kept]
            if len(kept) < 2 or all(a.meets(b) for a in spans for b in spans):
                continue
            # Rule 7: the way each figure moved to every later one it does not meet.
            moves = {"up" if b.low > a.top else "down" for i, a in enumerate(spans) for b in spans[i + 1:]
                     if not a.meets(b)}
            out.append({"series": list(key), "first": kept[0]["claim_id"], "last": kept[-1]["claim_id"],
                        "direction": moves.pop() if len(moves) == 1 else "mixed", "last_contradicted": disputed,
                        "adversary": bool(kept[0]["adversary"] or kept[-1]["adversary"])})
        return out

    def contradicting_claims(self) -> set:
        pairs = set()
        for _, series in self.whole(self.claims).groupby("series"):
            records = list(self._rank(series).iterrows())
            for i, (_, a) in enumerate(records):
                for _, b in records[i + 1:]:
                    if (a["claimant_id"] != b["claimant_id"] and (b["known"] - a["known"]).days <= CONTRADICTION_DAYS
                            and not a["span"].meets(b["span"])):
                        pairs.add((a["claim_id"], b["claim_id"]))
        return pairs

    # -------------------------------------------------------------- money

    def rate(self, currency: str, day, kind: str | None = None):
        """The rate in force for ``currency`` on ``day`` (rule 10), as a row, or None (looked up once)."""
        key = (currency, pd.Timestamp(day), kind or self.fx_kind)
        memo = self.__dict__.setdefault("_rates_found", {})
        if key not in memo:
            memo[key] = self._rate(*key)
        return memo[key]

    def _rate(self, currency: str, day, kind: str):
        day = pd.Timestamp(day)
        rates = self.rows.exchange_rates
        rates = rates[(rates["currency"] == currency) & (rates["date_reported"] <= self.as_of)]
        for wanted in (kind, "official" if kind == "market" else "market"):
            mine = rates[rates["kind"] == wanted]
            pegged = mine[(mine["date"] <= day) & mine["in_force_until"].notna() & (mine["in_force_until"] >= day)]
            if len(pegged):
                return pegged.sort_values(["date", "rate_id"]).iloc[-1]
            window = pd.Timedelta(days=FX_GAP_DAYS)
            before = mine[(mine["date"] <= day) & (mine["date"] >= day - window)
                          & ~(mine["in_force_until"].notna() & (mine["in_force_until"] < day))]
            quoted = before[(before["basis"] == "quoted") & (before["date"] >= day - pd.Timedelta(days=QUOTED_DAYS))]
            if len(quoted):
                return quoted.sort_values(["date", "rate_id"]).iloc[-1]
            if len(before):
                return before.sort_values(["date", "rate_id"]).iloc[-1]
            after = mine[(mine["date"] > day) & (mine["date"] <= day + window)]
            if len(after):
                return after.sort_values(["date", "rate_id"]).iloc[0]
        return None

    def usd(self, amount: Span, currency: str, day):
        """(amount in USD, rate row or None); (None, None) when no rate qualifies."""
        if currency == "USD":
            return amount, None
        rate = self.rate(currency, day)
        if rate is None:
            return None, None
        return amount.over(Span(rate["per_usd_low"], rate["per_usd_high"])), rate

    @cached_property
    def offers(self) -> pd.DataFrame:
        """Pay offers in view, with the offer's day, USD amount and the rate used."""
        o = with_known(self.rows.pay_offers)
        o = o[(o["known"] <= self.as_of) & o["side"].isin(self.sides)]
        if self.origins:
            # Named origins: their own offers, and monthly pay offered to every origin on a side for a
            # category of recruits the selection holds, which is theirs too (rule 9).
            held = set(zip(self.latest["side"], self.latest["category"]))
            every = [(s, c) in held and p == "month" for s, c, p in zip(o["side"], o["category"], o["period"])]
            o = o[o["origin"].isin(self.origins) | ((o["origin"] == "all") & pd.Series(every, index=o.index,
                                                                                     dtype=bool))]
        usd, rate = [], []
        for _, row in o.iterrows():
            value, used = self.usd(span(row["qualifier"], row["amount_low_local"], row["amount_high_local"]),
                                   row["currency"], row["known"])
            usd.append(value)
            rate.append(None if used is None else used["rate_id"])
        return o.assign(usd=pd.Series(usd, index=o.index, dtype=object), rate=pd.Series(rate, index=o.index, dtype=object),
                        adversary=pd.Series([self.adversary(i, s) for i, s in zip(o["claimant_id"], o["side"])],
                                            index=o.index, dtype=bool))

    @cached_property
    def monthly(self) -> pd.DataFrame:
        """Monthly pay offered for the war in Ukraine, not an adversary's claim, converted."""
        o = self.offers
        return o[(o["period"] == "month") & (o["status"] == "offered") & ~o["adversary"] & (o["theatre"] == "Ukraine")
                 & o["usd"].notna()]

    @cached_property
    def wages(self) -> pd.DataFrame:
        w = with_known(self.rows.reference_wages)
        return w[w["known"] <= self.as_of]

    def wage_in_force(self, country: str, measure: str, day):
        """The wage of ``country`` and ``measure`` in force on ``day`` (rule 11), as a row, or None."""
        day = pd.Timestamp(day)
        w = self.wages
        w = w[(w["country"] == country) & (w["measure"] == measure) & (w["date_in_force"] <= day)
              & (w["date_in_force"] >= day - pd.Timedelta(days=WAGE_AGE_DAYS))]
        w = w[[span(q, lo, hi).low > 0 for q, lo, hi in zip(w["qualifier"], w["monthly_low_local"],
                                                            w["monthly_high_local"])]]
        if w.empty:
            return None
        return w.assign(_g=-w["credibility"]).sort_values(["date_in_force", "_g", "wage_id"]).iloc[-1]

    def wage_usd(self, wage, day):
        return self.usd(span(wage["qualifier"], wage["monthly_low_local"], wage["monthly_high_local"]),
                        wage["currency"], day)

    def absence(self, country: str, measure: str) -> str:
        """Why no wage is in force (rule 11): figures of it on record, none in force on the day ('not in
        force'), or no figure of it on record at all ('not on record')."""
        w = self.wages
        return "not in force" if ((w["country"] == country) & (w["measure"] == measure)).any() else "not on record"

    def other_sources(self, wage, value: Span, country: str, measure: str, day) -> list[tuple]:
        """Other sources' figures for the wage in force on ``day`` that disagree with ``wage``'s (rule 11):
        in force on the day too, from another claimant, no more than SAME_WAGE_DAYS older than it (an
        older one was superseded by a pay rise), convertible on the day, and not meeting it.
        [(wage id, USD span)]."""
        day = pd.Timestamp(day)
        out = []
        w = self.wages
        w = w[(w["country"] == country) & (w["measure"] == measure) & (w["date_in_force"] <= day)
              & (w["date_in_force"] >= day - pd.Timedelta(days=WAGE_AGE_DAYS))]
        for _, other in w.iterrows():
            if other["wage_id"] == wage["wage_id"] or other["claimant_id"] == wage["claimant_id"]:
                continue
            if span(other["qualifier"], other["monthly_low_local"], other["monthly_high_local"]).low <= 0:
                continue
            if (wage["date_in_force"] - other["date_in_force"]).days > SAME_WAGE_DAYS:
                continue
            usd, _ = self.wage_usd(other, day)
            if usd is not None and not usd.meets(value):
                out.append((other["wage_id"], usd))
        return out

    def comparison(self, offer, country: str, measure: str):
        """(status, wage row, wage USD, rate row, ratio) of an offer against a wage in force on its day;
        where other sources' figures in force disagree, the ratio spans every one of them (rule 11)."""
        wage = self.wage_in_force(country, measure, offer["known"])
        if wage is None:
            return self.absence(country, measure), None, None, None, None
        value, rate = self.wage_usd(wage, offer["known"])
        if value is None:
            return "no rate", wage, None, None, None
        figures = [value] + [u for _, u in self.other_sources(wage, value, country, measure, offer["known"])]
        spanning = Span(min(f.low for f in figures), max(f.high for f in figures), any(f.open for f in figures))
        return "compared", wage, value, rate, offer["usd"].over(spanning)

    def army(self, offer):
        return self.comparison(offer, SIDE_COUNTRY[offer["side"]], ARMY_MEASURE[offer["component"]])

    @cached_property
    def offer_contradictions(self) -> set:
        """Contradicting monthly offers of a briefing that shows money (none for one that does not)."""
        return self.contradicting_offers() if self.money_shown else set()

    def contradicting_offers(self) -> set:
        """Every pair of contradicting monthly offers in view, whatever the briefing shows (rule 7)."""
        o = self.offers[(self.offers["period"] == "month") & self.offers["usd"].notna()]
        pairs = set()
        key = ["side", "origin", "category", "theatre", "period", "component", "status"]
        o = o.assign(region=o["region"].fillna("") if "region" in o else "")  # regions set their own sums
        for _, group in o.groupby(key + ["region"]):
            records = list(group.sort_values(["known", "offer_id"]).iterrows())
            for i, (_, a) in enumerate(records):
                for _, b in records[i + 1:]:
                    if (a["claimant_id"] != b["claimant_id"] and (b["known"] - a["known"]).days <= CONTRADICTION_DAYS
                            and not a["usd"].meets(b["usd"])):
                        pairs.add((a["offer_id"], b["offer_id"]))
        return pairs

    # -------------------------------------------------------------- the record's reach

    @cached_property
    def reach(self):
        days = []
        for frame in (self.rows.headcount_claims, self.rows.pay_offers, self.rows.reference_wages):
            k = with_known(frame)["known"]
            days += list(k[k <= self.as_of])
        return max(days) if days else None  # rates are no figure of the record (rule 22)
