"""One briefing's analysis: the selection's claims, offers, comparisons and key judgements.

:class:`Assessment` computes everything once from checked parameters and validated data; it
holds no markup. The presentation (``briefings/``) turns it into sections. Words used in the
judgements' sentences (nouns for categories, stages and sides) live here with them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .article47 import assess_groups
from .headcounts import (PRESENCE_STAGES, claim_status, claims_as_of, contradictions, headcount_table,
                         latest_claims, signup_arrival_gap, trends)
from .intervals import CURRENCY_SYMBOLS, Interval, date_text, format_claim, format_people, format_ratio
from .judgements import (UNCONFIRMED_CREDIBILITY, Evidence, Judgement, _inflect, join_words, likelihood_word, make,
                         money, pct, plural)
from .loading import SIDE_COUNTRY, DataPackage, load_data
from .pay import (COMPARATOR_MAX_AGE_DAYS, army_pay_comparison, comparable_offers, drive_costs, home_wage_multiples,
                  offers_in_usd, wages_in_usd)
from .paths import DATA_DIR

SIDE_NAMES = {"russia": "Russia's", "ukraine": "Ukraine's"}
CATEGORY_NOUNS = {"paid": "paid recruits", "contract": "contract soldiers", "volunteer": "volunteers",
                  "conscript": "conscripts", "state_deployed": "state-sent troops",
                  "unknown": "foreign fighters of unstated status"}
STAGE_TITLES = {"applied": "Applied", "signed_up": "Signed up", "arrived": "Arrived", "deployed": "Deployed",
                "killed": "Killed", "missing": "Missing in action", "left": "Left"}
#: stage -> (words for a count to date, words for a count of those present at one time)
STAGE_WORDS = {"applied": ("applied", "applying"), "signed_up": ("signed up", "signed up"),
               "arrived": ("arrived", "present"), "deployed": ("deployed", "serving"),
               "killed": ("killed", "killed"), "missing": ("missing in action", "missing in action"),
               "left": ("left", "left")}
COUNT_TYPE_WORDS = {"cumulative": "to date", "current": "present at the time", "flow": "over a period"}
PERIOD_WORDS = {"month": "a month", "one_off": "once", "contract": "per contract"}
STATUS_WORDS = {"offered": "offered", "received": "received, not an offer"}
MEASURE_WORDS = {"soldier_pay": "soldier pay", "soldier_base_pay": "soldier base pay",
                 "soldier_supplement": "soldier supplement", "minimum_wage": "minimum wage",
                 "public_sector_average": "public-sector average", "average_wage": "average wage"}
TREND_WORDS = {"up": "rose", "down": "fell", "mixed": "moved both ways", "same": "unchanged"}
GLOSSARY = [
    ("Volunteer", "a foreigner who came forward to fight, whatever he is later paid; Ukraine's International "
                  "Legion volunteers serve in its armed forces on its pay scales."),
    ("Paid recruit", "a foreigner recruited with pay on offer through a company or intermediary, such as Syrians "
                     "recruited for Russia through Wagner or security firms."),
    ("Contract soldier", "a foreigner who signs a contract with the army he fights for, and so is a member of "
                         "that party's armed forces."),
    ("State-sent troops", "soldiers sent by their own state as members of its armed forces, such as North "
                          "Korea's troops in Russia."),
    ("Mercenary (in law)", "a person who meets all six conditions of Art. 47(2) of Additional Protocol I; "
                           "the word as used by the parties or the press means much less."),
    ("Signed up", "registered or recruited, not known to have travelled."),
    ("Arrived / deployed", "reached the recruiting side or its forces (training included) / sent to, or serving "
                           "in, the war."),
    ("To date / present at the time / over a period", "a cumulative count; a count of those present on one "
                                                      "day; a flow between two dates. They are never added or compared."),
    ("Adversary claim", "a party to the war speaking about the other side's fighters."),
    ("Confidence", "how good the evidence is (low, moderate, high), by the rule in Method; not a probability."),
]


def money_stated(qualifier: str, low: float, high: float, currency: str) -> str:
    """An amount as its source stated it: '$200–300', '£5,000', '160,000 RUB'."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return format_claim(qualifier, low, high, symbol)
    return f"{format_claim(qualifier, low, high)} {currency}"


DECISIVE_ORDER = ("e", "f", "d", "a", "c", "b")
#: Why a group fails a condition, in a few words, for the key judgement (the evidence is in the appendix).
LAW_REASONS = {"e": "they serve in a party's armed forces", "f": "their own state sent them on official duty",
               "d": "they are nationals or residents of a party"}


_THE = {"United States", "United Kingdom", "Middle East", "Netherlands", "Philippines", "Czech Republic",
        "Central African Republic", "Dominican Republic", "Gulf"}


def place(name: str) -> str:
    """A country or region as a sentence names it: 'the United States', 'Syria'."""
    return f"the {name}" if name in _THE else name


def origin_words(record) -> str:
    """'from Syria', 'from the Middle East', '' for all origins (the noun then says 'foreign')."""
    if record["origin"] == "all":
        return ""
    return f"from {place(record['origin'])}"


def group_words(stated: str, category: str, record) -> str:
    """'20,000+ foreign volunteers', 'about 50,000 paid recruits from Syria'."""
    noun = CATEGORY_NOUNS[category]
    if record["origin"] == "all":
        return f"{stated} {noun}" if noun.startswith("foreign") else f"{stated} foreign {noun}"
    return f"{stated} {noun} {origin_words(record)}"


def origins_words(origins) -> str:
    named = [place(o) for o in origins if o != "all"]
    if not named or "all" in origins:  # a count over all origins covers the named ones too
        return "of all origins"
    return "from " + join_words(sorted(named))


def count_words(count: int, noun: str) -> str:
    """'Eight offers', 'One offer' (inflect)."""
    words = _inflect.number_to_words(count)
    return f"{words[0].upper()}{words[1:]} {_inflect.plural(noun, count)}"


@dataclass
class Assessment:
    """Everything one briefing shows, computed once from checked parameters and validated data."""

    params: dict
    data: DataPackage
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(microsecond=0))

    # -------------------------------------------------------------------- construction

    @classmethod
    def load(cls, params: dict) -> "Assessment":
        """Load and validate the data the (already checked) parameters name.

        Raises :class:`analysis.loading.DataError`.
        """
        data = load_data(Path(params["data_dir"]) if params["data_dir"] else DATA_DIR,
                         trusted_version=os.environ.get("BRIEFINGS_VALIDATED_DATA"))
        return cls(params, data)

    @property
    def as_of(self) -> pd.Timestamp:
        """The day the briefing looks from (today's date when as_of is 'latest')."""
        if self.params["as_of"] == "latest":
            return pd.Timestamp(self.generated.date())
        return pd.Timestamp(self.params["as_of"])

    @property
    def sides(self):
        return None if self.params["side"] == "both" else [self.params["side"]]

    def _shows(self, part: str) -> bool:
        return self.params["focus"] in ("all", part)

    # -------------------------------------------------------------------- computed once

    @cached_property
    def all_claims(self) -> pd.DataFrame:
        """Every headcount claim in view, own, neutral and adversary alike."""
        return claims_as_of(self.data.headcount_claims, self.as_of, sides=self.sides, origins=self.params["origins"],
                            claimants=self.data.claimants)

    @cached_property
    def claims(self) -> pd.DataFrame:
        """Claims that may carry headline figures: every speaker but a party about its adversary."""
        return self.all_claims[~self.all_claims["adversary"].astype(bool)]

    @cached_property
    def adversary_claims(self) -> pd.DataFrame:
        return self.all_claims[self.all_claims["adversary"].astype(bool)]

    @cached_property
    def latest(self) -> pd.DataFrame:
        return latest_claims(self.claims)

    @cached_property
    def adversary_latest(self) -> pd.DataFrame:
        return latest_claims(self.adversary_claims)

    @cached_property
    def totals(self) -> pd.DataFrame:
        return headcount_table(self.latest)

    @cached_property
    def gap(self) -> pd.DataFrame:
        return signup_arrival_gap(self.latest)

    @cached_property
    def contradictions(self) -> pd.DataFrame:
        return contradictions(self.all_claims)

    @cached_property
    def trends(self) -> pd.DataFrame:
        return trends(self.all_claims)

    @cached_property
    def status(self) -> pd.Series:
        """Why each claim in view is or is not a headline figure (for the claims appendix)."""
        own = claim_status(self.claims, self.latest)
        other = claim_status(self.adversary_claims, self.adversary_latest)
        return pd.concat([own, other])

    @cached_property
    def offers(self) -> pd.DataFrame:
        return offers_in_usd(self.data, as_of=self.as_of, fx_kind=self.params["fx_kind"], sides=self.sides,
                             origins=self.params["origins"])

    @cached_property
    def wages(self) -> pd.DataFrame:
        return wages_in_usd(self.data, as_of=self.as_of, fx_kind=self.params["fx_kind"])

    @cached_property
    def monthly_offers(self) -> pd.DataFrame:
        """Monthly pay offered for the war in Ukraine by anyone but an adversary: what is compared."""
        return comparable_offers(self.offers)

    def _comparison_options(self) -> dict:
        return {"max_age_days": COMPARATOR_MAX_AGE_DAYS, "known_by": self.as_of}

    @cached_property
    def multiples(self) -> pd.DataFrame:
        return home_wage_multiples(self.monthly_offers, self.wages, self.data.exchange_rates, self.params["fx_kind"],
                                   **self._comparison_options())

    @cached_property
    def army(self) -> pd.DataFrame:
        return army_pay_comparison(self.monthly_offers, self.wages, self.data.exchange_rates, self.params["fx_kind"],
                                   threshold=self.params["excess_threshold"], **self._comparison_options())

    @cached_property
    def assessments(self) -> list:
        return assess_groups(self.latest, self.army, self.params["excess_threshold"])

    @cached_property
    def costs(self) -> pd.DataFrame:
        return drive_costs(self.latest, self.offers, self.params["default_contract_months"])

    @cached_property
    def money_shown(self) -> bool:
        """Whether any money appears: the pay section or the drive costs."""
        return self._shows("pay") or self.params["focus"] != "headcounts"

    @cached_property
    def wages_shown(self) -> pd.DataFrame:
        """Reference wages of the countries this briefing is about: its sides' and its offers' origins."""
        if not self.money_shown:
            return self.wages.iloc[0:0]
        countries = {SIDE_COUNTRY[s] for s in (self.sides or SIDE_COUNTRY)} | set(self.offers["origin"])
        return self.wages[self.wages["country"].isin(countries)]

    @cached_property
    def rates_used(self) -> pd.DataFrame:
        """Every exchange rate a figure in this briefing was converted at."""
        if not self.money_shown:
            return self.data.exchange_rates.iloc[0:0]
        ids = (set(self.offers["fx_rate_id"].dropna()) | set(self.wages_shown["fx_rate_id"].dropna())
               | set(self.multiples["wage_fx_rate_id"].dropna()) | set(self.army["army_fx_rate_id"].dropna()))
        rates = self.data.exchange_rates
        return rates[rates["rate_id"].isin(ids)].sort_values(["currency", "date", "rate_id"])

    @cached_property
    def source_numbers(self) -> dict[str, int]:
        """Appendix number of every source this briefing cites, in order of source id."""
        used = set(self.all_claims["source_id"]) | set(self.rates_used["source_id"])
        if self.money_shown:
            used |= set(self.offers["source_id"]) | set(self.wages_shown["source_id"])
        return {source_id: i for i, source_id in enumerate(sorted(used), start=1)}

    @cached_property
    def _reliability(self) -> dict[str, str]:
        return dict(zip(self.data.sources["source_id"], self.data.sources["reliability"]))

    def _grade(self, record) -> str:
        """Source reliability and claim credibility, e.g. 'C3'."""
        return f"{self._reliability[record['source_id']]}{record['credibility']}"

    # -------------------------------------------------------------------- evidence for judgements

    def _evidence(self, claim, claims: pd.DataFrame) -> Evidence:
        """What one latest claim rests on: itself and the agreeing claims of other claimants."""
        ids = [claim["claim_id"]] + list(claim.get("corroborated_by") or [])
        rows = claims[claims["claim_id"].isin(ids)]
        contradicted = bool(len(self.contradictions)) and claim["claim_id"] in set(
            self.contradictions["claim_a"]) | set(self.contradictions["claim_b"])
        return Evidence(tuple(ids), frozenset(rows["claimant_id"]),
                        tuple((self._reliability[s], int(c)) for s, c in zip(rows["source_id"], rows["credibility"])),
                        contradicted, bool(claim["adversary"]))

    def _offer_evidence(self, offers: pd.DataFrame) -> Evidence:
        return Evidence(tuple(offers["offer_id"]), frozenset(offers["claimant_id"]),
                        tuple((self._reliability[s], int(c)) for s, c in zip(offers["source_id"], offers["credibility"])),
                        False, bool(offers["adversary"].any()))

    def _figure_phrase(self, claim, with_source: bool = True) -> str:
        """'about 50,000 paid recruits from Syria signed up (SOHR, Nov 2022)'."""
        stage = STAGE_WORDS[str(claim["stage"])][claim["count_type"] == "current"]
        if str(claim["stage"]) == "arrived" and claim["count_type"] == "current":
            stage = f"in {SIDE_COUNTRY[claim['side']]} at the time"
        text = f"{group_words(claim['stated'], claim['category'], claim)} {stage}"
        if not with_source:
            return text
        when = date_text(claim["date_reported"], claim["date_precision"])
        mark = ", unconfirmed" if claim["credibility"] >= UNCONFIRMED_CREDIBILITY else ""
        return f"{text} ({claim['claimant_name']}, {when}{mark})"

    def _wage_words(self, wage_id: str, usd: Interval) -> str:
        """Another source's figure for a wage as it stated it, with our conversion: '27,000 SYP, or $6.08 at the offer's date'."""
        wage = self.wages.set_index("wage_id").loc[wage_id]
        stated = money_stated(wage["qualifier"], wage["monthly_low_local"], wage["monthly_high_local"], wage["currency"])
        return stated if wage["currency"] == "USD" else f"{stated}, or {money(usd)} at the offer's date"

    # -------------------------------------------------------------------- key judgements

    def key_judgements(self) -> list[Judgement]:
        """Three to five key judgements for the selection, most important first."""
        found = []
        if self._shows("headcounts"):
            for side in (self.sides or ["russia", "ukraine"]):
                found.append(self._side_judgement(side))
            found.append(self._adversary_judgement())
            found.append(self._gap_judgement())
        if self._shows("pay"):
            found.append(self._law_judgement())
            found.append(self._army_pay_judgement())
            found.append(self._pull_judgement())
        if self.params["focus"] != "headcounts":
            found.append(self._cost_judgement())
        found = [j for j in found if j is not None]
        if not found:
            found = [make(f"Nothing had been reported for this selection by {date_text(self.as_of)}.", [],
                          topic="none")]
        # Five at most: with "what changed" they must fit on page 1; the rest of the story is in the body.
        return found[:5]

    def _side_judgement(self, side: str):
        rows = self.latest[(self.latest["side"] == side) & (self.latest["count_type"] != "flow")
                           & (self.latest["credibility"] < UNCONFIRMED_CREDIBILITY)]
        if rows.empty:
            return None
        # Largest by the middle of its range, so a wide range does not outrank a firmer, similar figure.
        rows = rows.assign(_size=[(p.low + p.high) / 2 for p in rows["people"]]).sort_values(["_size", "claim_id"])
        largest = rows.iloc[-1]
        present = rows[rows["stage"].astype(str).isin(PRESENCE_STAGES) & (rows["_size"] > 0)]
        if present.empty or present.iloc[-1]["claim_id"] == largest["claim_id"]:
            lead = largest
            text = f"On {SIDE_NAMES[side]} side the largest figure reported is {self._figure_phrase(lead)}"
            return make(text + ".", [self._evidence(lead, self.claims)], figures=[lead["stated"]],
                        topic=f"side:{side}")
        lead = present.iloc[-1]
        # The judgement is about those who reached the war; the larger figure is context, attributed.
        text = (f"On {SIDE_NAMES[side]} side the largest figure for people who had arrived or been deployed is "
                f"{self._figure_phrase(lead)}; the largest of any kind, {self._figure_phrase(largest)}, "
                "counts people who had not necessarily arrived")
        return make(text + ".", [self._evidence(lead, self.claims)], figures=[lead["stated"], largest["stated"]],
                    topic=f"side:{side}", extra_ids=[largest["claim_id"]])

    def _adversary_judgement(self):
        rows = self.adversary_latest[self.adversary_latest["count_type"] != "flow"]
        if rows.empty:
            return None
        parts, evidence, figures = [], [], []
        for side, group in rows.groupby("side"):
            group = group.assign(_size=[(p.low + p.high) / 2 for p in group["people"]],
                                 _firm=[int(c < UNCONFIRMED_CREDIBILITY) for c in group["credibility"]],
                                 _present=[int(str(s) in ("arrived", "deployed")) for s in group["stage"]])
            # The firmest figure (credibility 1-3), counting people who arrived or were deployed, the latest
            # known, the largest.
            top = group.sort_values(["_firm", "_present", "known_from", "_size", "claim_id"]).iloc[-1]
            stage = STAGE_WORDS[str(top["stage"])][top["count_type"] == "current"]
            parts.append(f"the {top['claimant_name']} says {group_words(top['stated'], top['category'], top)} "
                         f"{stage} on {SIDE_NAMES[side]} side ({date_text(top['date_reported'], top['date_precision'])}, "
                         f"graded {self._grade(top)}"
                         + (", unconfirmed)" if top["credibility"] >= UNCONFIRMED_CREDIBILITY else ")"))
            evidence.append(self._evidence(top, self.adversary_claims))
            figures.append(top["stated"])
        text = ("Claims by a party about its adversary's foreign fighters are kept apart from the figures above: "
                + "; ".join(parts) + ".")
        return make(text, evidence, figures=figures, topic="adversary")

    def _gap_judgement(self):
        gaps = self.gap
        if gaps.empty:
            return None
        sizes = [g["signed_up"].high for _, g in gaps.iterrows()]
        row = gaps.assign(_size=sizes).sort_values(["_size", "signed_up_claim"]).iloc[-1]
        signed = self.latest[self.latest["claim_id"] == row["signed_up_claim"]].iloc[0]
        mark = ", unconfirmed" if signed["credibility"] >= UNCONFIRMED_CREDIBILITY else ""
        lead = (f"{group_words(row['signed_up_stated'], row['category'], row)} were reported "
                f"signed up ({signed['claimant_name']}, "
                f"{date_text(signed['date_reported'], signed['date_precision'])}{mark})")
        lead = lead[0].upper() + lead[1:]
        evidence = [self._evidence(signed, self.claims)]
        figures = [row["signed_up_stated"]]
        if row["status"] == "gap":
            present = self.latest[self.latest["claim_id"] == row["present_claim"]].iloc[0]
            evidence.append(self._evidence(present, self.claims))
            figures += [row["present_stated"], format_people(row["gap"])]
            stage = STAGE_WORDS[row["present_stage"]][present["count_type"] == "current"]
            if row["present_share"] is not None and row["present_share"].high == 0:
                text = (f"{lead}; at the same time {present['claimant_name']} reported 0 "
                        f"({present['stage_detail']}; "
                        f"{date_text(present['date_reported'], present['date_precision'])}).")
            else:
                text = (f"{lead}, against {row['present_stated']} reported {stage} "
                        f"({present['claimant_name']}, {date_text(present['date_reported'], present['date_precision'])}): "
                        f"some {format_people(row['gap'])} are not reported to have reached the war")
                share = row["present_share"]
                if share is not None and share.high <= 0.2:
                    # Reports of arrivals lag and undercount, so a small share makes "most never went" likely,
                    # not certain: the ICD 203 word for 55-80%.
                    text += (f"; those reported present are {pct(share)} of sign-ups, so we judge it "
                             f"{likelihood_word(0.7)} that most of those signed up had not reached the war by then, "
                             "though arrivals may be under-reported")
                    figures.append(pct(share))
                text += "."
        elif row["status"] == "presence exceeds sign-ups":
            text = (f"{lead}, but more were reported present ({row['present_stated']}) than signed up: "
                    "the two figures count different groups, so no gap is computed.")
        elif row["status"] == "presence reported at another time":
            other = self.latest[self.latest["claim_id"] == row["other_presence_claim"]].iloc[0]
            text = (f"{lead}; the latest figure for those of this group present dates from another time "
                    f"({other['stated']}, {date_text(other['date_reported'], other['date_precision'])}), "
                    "so how many have not arrived is not known.")
        else:
            text = f"{lead}; how many arrived has not been reported, so how many have not arrived is not known."
        return make(text, evidence, figures=figures, topic="gap")

    def _law_judgement(self):
        if not self.assessments:
            return None
        cannot, may, why = {}, {}, {}
        for a in self.assessments:
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
                + f". Our threshold of {self.params['excess_threshold']:g} times the army's own pay is an analytic "
                  "convention, not law.")
        # A reading of the law against each group's reported status: the status reports carry it.
        claims = self.latest[self.latest["category"].isin([a.category for a in self.assessments])]
        evidence = [self._evidence(c, self.claims) for _, c in claims.iterrows()]
        level = "moderate" if cannot and all(e.claimant_ids for e in evidence) and not may else "low"
        basis = ("a reading of the Protocol against how each group was reported recruited"
                 + ("" if level == "moderate" else "; some conditions rest on unknown facts"))
        return Judgement(text, level, basis, (), tuple(c for e in evidence for c in e.claim_ids), "law")

    def _pull_judgement(self):
        offers = self.monthly_offers
        offers = offers[offers["origin"] != "all"]
        if offers.empty:
            return None
        origin = offers["origin"].value_counts().sort_index().idxmax()
        mine = offers[offers["origin"] == origin]
        lowest = mine.assign(_low=[o.low for o in mine["monthly_usd"]]).sort_values(["_low", "offer_id"]).iloc[0]
        highest = mine.assign(_high=[o.high for o in mine["monthly_usd"]]).sort_values(["_high", "offer_id"]).iloc[-1]
        by = "to date" if self.params["as_of"] == "latest" else f"by {date_text(self.as_of)}"
        ends = [lowest] if lowest["offer_id"] == highest["offer_id"] else [lowest, highest]
        figures = [money(o["monthly_usd"]) for o in ends]
        when = [date_text(o["date_reported"], o["date_precision"])
                + (", unconfirmed" if o["credibility"] >= UNCONFIRMED_CREDIBILITY else "") for o in ends]
        text = (f"Monthly offers to recruits from {origin} reported {by} "
                + (f"run from {figures[0]} ({when[0]}) to {figures[1]} ({when[1]})" if len(ends) == 2
                   else f"are {figures[0]} ({when[0]})"))
        soldier = self.multiples[(self.multiples["measure"] == "soldier_pay")].set_index("offer_id")
        compared = [o for o in ends if o["offer_id"] in soldier.index]
        if compared:
            multiples = [format_ratio(soldier.loc[o["offer_id"], "multiple"]) for o in compared]
            wages = sorted({money(soldier.loc[o["offer_id"], "wage_usd"]) for o in compared})
            others = sorted({self._wage_words(w, iv) for o in compared for w, iv in soldier.loc[o["offer_id"], "disagreeing"]})
            text += (f": {' and '.join(multiples)} the pay of a soldier in {place(origin)} in force at the time "
                     f"({' and '.join(wages)} a month"
                     + (f"; another source put it at {' and '.join(others)}" if others else "") + ")")
            figures += multiples
        else:
            text += f"; no pay of a soldier in {origin} in force on those dates is on record"
        text += f". {count_words(len(mine), 'offer')} in all."
        # The wages quoted (and any other source's figure for them) are part of what it rests on.
        wages = []
        for o in compared:
            row = soldier.loc[o["offer_id"]]
            wages += [row["wage_id"], row["wage_fx_rate_id"]] + [w for w, _ in row["disagreeing"]]
        return make(text, [self._offer_evidence(mine)], figures=figures, topic="pull",
                    extra_ids=[w for w in wages if w])

    def _army_pay_judgement(self):
        """Offers against the recruiting army's own pay in force: the pay side of Art. 47(2)(c)."""
        compared = self.army[self.army["ratio"].notna()]
        if compared.empty:
            if self.army.empty:
                return None
            text = (f"For none of the {_inflect.number_to_words(len(self.army))} monthly offers compared is the recruiting "
                    "army's own pay in force at the time on record, so the pay test of Art. 47(2)(c) cannot be "
                    "applied to any of them.")
            return make(text, [self._offer_evidence(self.monthly_offers)], topic="army")
        offers = self.monthly_offers.set_index("offer_id")
        parts, figures = [], []
        for _, row in compared.iterrows():
            offer = offers.loc[row["offer_id"]]
            ratio = format_ratio(row["ratio"])
            mark = ", unconfirmed" if offer["credibility"] >= UNCONFIRMED_CREDIBILITY else ""
            parts.append(f"{money(row['monthly_usd'])} to recruits from {place(row['origin'])} "
                         f"({date_text(offer['date_reported'], offer['date_precision'])}{mark}) was {ratio} "
                         f"{SIDE_COUNTRY[row['side']]}'s own pay in force, {money(row['army_pay_usd'])}")
            figures += [ratio]
        readings = compared["reading"].value_counts()
        verdict = ("none reaches" if "in excess" not in readings else
                   "some reach" if readings.get("in excess", 0) < len(compared) else "all reach")
        text = ("Where the recruiting army's own pay in force at the time is on record, offers were close to it: "
                + "; ".join(parts) + f". {verdict[0].upper() + verdict[1:]} our {self.params['excess_threshold']:g}× "
                "convention for 'substantially in excess'")
        n_without = len(self.army) - len(compared)
        if n_without:
            text += (f"; for the other {_inflect.number_to_words(n_without)} offers no army pay in force at the time "
                     "is on record")
        offer_rows = self.monthly_offers[self.monthly_offers["offer_id"].isin(compared["offer_id"])]
        # The judgement quotes the army's pay too: its rows and the rates they were converted at.
        comparators = [i for pair in zip(compared["army_wage_id"], compared["army_fx_rate_id"]) for i in pair if i]
        return make(text + ".", [self._offer_evidence(offer_rows)], figures=figures, topic="army",
                    extra_ids=comparators)

    def _cost_judgement(self):
        costs = self.costs
        if costs.empty:
            return None
        head = costs.assign(_size=[h.high for h in costs["headcount"]]).sort_values(["_size", "claim_id"]).iloc[-1]
        drives = costs[costs["claim_id"] == head["claim_id"]]
        cheapest = drives.assign(_c=[c.low for c in drives["cost_usd"]]).sort_values(["_c", "offer_id"]).iloc[0]
        dearest = drives.assign(_c=[c.high for c in drives["cost_usd"]]).sort_values(["_c", "offer_id"]).iloc[-1]
        claim = self.latest[self.latest["claim_id"] == head["claim_id"]].iloc[0]
        who = (f"the {CATEGORY_NOUNS[claim['category']]} from {head['origin']} reported "
               f"{STAGE_WORDS[head['stage']][0]} ({head['headcount_stated']})")
        figures = [head["headcount_stated"], money(cheapest["cost_usd"])]
        offers_by_id = self.offers.set_index("offer_id")

        def offer_words(drive) -> str:
            offer = offers_by_id.loc[drive["offer_id"]]
            mark = ", unconfirmed" if offer["credibility"] >= UNCONFIRMED_CREDIBILITY else ""
            months = f"{drive['months']} months" + ("" if drive["months_stated"] else " assumed")
            return (f"at {money(drive['monthly_usd'])} a month ({date_text(offer['date_reported'], offer['date_precision'])}"
                    f"{mark}) for {months}")

        if cheapest["offer_id"] == dearest["offer_id"]:
            text = (f"Paying {who} the only monthly offer reported for them at the time would cost "
                    f"{money(cheapest['cost_usd'])}, {offer_words(cheapest)}")
        else:
            text = (f"Paying {who} the monthly pay offered to them would cost from {money(cheapest['cost_usd'])} "
                    f"{offer_words(cheapest)} to {money(dearest['cost_usd'])} {offer_words(dearest)}, "
                    f"across {plural('offer', len(drives))}")
            figures.append(money(dearest["cost_usd"]))
        if claim["qualifier"] in ("about", "nearly"):
            text += (" ('about' read as ±10%, our rule)" if claim["qualifier"] == "about"
                     else " ('nearly' read as up to a tenth below, our rule)")
        text += (": a ceiling that assumes every one of them was paid in full, with the months and one-off sums set "
                 "out in the cost table.")
        offers = self.offers[self.offers["offer_id"].isin(drives["offer_id"])]
        return make(text, [self._evidence(claim, self.claims), self._offer_evidence(offers)],
                    figures=figures, topic="cost")
