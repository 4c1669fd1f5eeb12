"""The briefing a notebook shows: one object, one method per section, each returning one display.

A notebook cell is one call: ``briefing.headcounts()``. Every number printed comes from the
functions in :mod:`analysis.headcounts` and :mod:`analysis.pay`, formatted by
:mod:`analysis.intervals`, and every piece of text from the data is escaped by
:mod:`briefings.tables`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import charts
from analysis.article47 import CONDITIONS, assess_groups
from analysis.headcounts import (CONTRADICTION_WINDOW_DAYS, GAP_WINDOW_DAYS, PRESENCE_STAGES, STAGES, claim_status,
                         claims_as_of, contradictions, flows, headcount_table, latest_claims, signup_arrival_gap,
                         trends)
from analysis.intervals import (CURRENCY_SYMBOLS, DEFAULT_RULE, Interval, date_text, format_claim, format_people,
                        format_ratio)
from analysis.judgements import (UNCONFIRMED_CREDIBILITY, _inflect, confidence, Evidence, Judgement, join_words, likelihood_word, make, money,
                         pct, plural)
from analysis.loading import SIDE_COUNTRY, DataPackage, known_from, load_data
from .parameters import check_origins, check_parameters
from analysis.pay import (COMPARATOR_MAX_AGE_DAYS, HOME_MEASURES, army_pay_comparison, comparable_offers,
                  drive_costs, home_wage_multiples, offers_in_usd, wages_in_usd)
from analysis.paths import DATA_DIR
from analysis.speakers import SPEAKER_LABELS
from .tables import Html, bullet_list, cite, flag, isolated_within, join, paragraph, section, table, tag

META_MIMETYPE = "application/vnd.briefing.meta+json"
_BREAK = Html("<br>")
SIDE_NAMES = {"russia": "Russia's", "ukraine": "Ukraine's"}
CATEGORY_NOUNS = {"paid": "paid recruits", "contract": "contract soldiers", "volunteer": "volunteers",
                  "conscript": "conscripts", "state_deployed": "state-sent troops",
                  "unknown": "foreign fighters of unstated status"}
STAGE_TITLES = {"applied": "Applied", "signed_up": "Signed up", "arrived": "Arrived", "deployed": "Deployed",
                "killed": "Killed", "left": "Left"}
#: stage -> (words for a count to date, words for a count of those present at one time)
STAGE_WORDS = {"applied": ("applied", "applying"), "signed_up": ("signed up", "signed up"),
               "arrived": ("arrived", "present"), "deployed": ("deployed", "serving"),
               "killed": ("killed", "killed"), "left": ("left", "left")}
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


@dataclass(frozen=True)
class Meta:
    """The briefing's header: shown as HTML, and carried as metadata for the exporters."""

    values: dict
    markup: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": Html(self.markup)._repr_html_(), META_MIMETYPE: self.values, "text/plain": self.values["title"]}


@dataclass
class Briefing:
    """Everything one briefing shows, computed once from validated parameters and data."""

    params: dict
    data: DataPackage
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(microsecond=0))

    # -------------------------------------------------------------------- construction

    @classmethod
    def from_parameters(cls, **values) -> "Briefing":
        """Check the parameters, load and validate the data, and check origins against it.

        Raises :class:`ParameterError` (unknown name or value, listing what is allowed) or
        :class:`analysis.loading.DataError`.
        """
        params = check_parameters(values)
        data = load_data(Path(params["data_dir"]) if params["data_dir"] else DATA_DIR,
                         trusted_version=os.environ.get("BRIEFINGS_VALIDATED_DATA"))
        check_origins(params["origins"], data.origins)
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

    def _cite(self, source_id: str) -> Html:
        return cite(self.source_numbers.get(source_id))

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

    # -------------------------------------------------------------------- key judgements

    def key_judgements(self) -> list[Judgement]:
        """Three to six key judgements for the selection, most important first."""
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
        return found[:6]

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
        context_level, context_basis = confidence([self._evidence(largest, self.claims)])
        text = (f"On {SIDE_NAMES[side]} side the largest figure for people who had arrived or been deployed is "
                f"{self._figure_phrase(lead)}; the largest figure of any kind is "
                f"{self._figure_phrase(largest)}, which counts people who had not necessarily arrived "
                f"({context_level} confidence on its own: {context_basis})")
        return make(text + ".", [self._evidence(lead, self.claims)], figures=[lead["stated"], largest["stated"]],
                    topic=f"side:{side}")

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
                         f"{stage} on {SIDE_NAMES[side]} side ({top['stage_detail'][0].lower()}{top['stage_detail'][1:]}; "
                         f"{date_text(top['date_reported'], top['date_precision'])}, source graded "
                         f"{self._grade(top)}"
                         + (", unconfirmed)" if top["credibility"] >= UNCONFIRMED_CREDIBILITY else ")"))
            evidence.append(self._evidence(top, self.adversary_claims))
            figures.append(top["stated"])
        text = ("Each side's counts of the other's foreign fighters are kept apart from the figures above, as "
                "claims by a party about its adversary: " + "; ".join(parts) + ".")
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
                        f"some {format_people(row['gap'])} are not reported to have reached the war (our arithmetic "
                        "on the stated figures, with 'about' read as ±10%)")
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
                cannot.setdefault((letter, a.side, a.category), []).append(a.origin)
                why[(letter, a.side, a.category)] = a.conditions[letter][1]
            else:
                may.setdefault((a.side, a.category), []).append(a.origin)
        parts = []
        for (letter, side, category), origins in sorted(cannot.items()):
            parts.append(f"{SIDE_NAMES[side]} {CATEGORY_NOUNS[category]} {origins_words(origins)} cannot be "
                         f"mercenaries in law: condition ({letter}) fails, as {why[(letter, side, category)]}")
        for (side, category), origins in sorted(may.items()):
            parts.append(f"{SIDE_NAMES[side]} {CATEGORY_NOUNS[category]} {origins_words(origins)} may meet the "
                         "definition, but only if the conditions still unknown hold")
        text = ("Art. 47 of Additional Protocol I requires all six of its conditions. "
                + "; ".join(p[0].upper() + p[1:] for p in parts)
                + f". Pay alone settles nothing, and our threshold of {self.params['excess_threshold']:g} times the "
                  "army's own pay is an analytic convention, not law.")
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
        return make(text, [self._offer_evidence(mine)], figures=figures, topic="pull")

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
        return make(text + ".", [self._offer_evidence(offer_rows)], figures=figures, topic="army")

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

    # -------------------------------------------------------------------- sections

    def header(self) -> Meta:
        """Title block, marking and dates; also the metadata the exporters read."""
        as_of_text = date_text(self.as_of)
        sides = "both sides" if self.params["side"] == "both" else f"{SIDE_NAMES[self.params['side']]} side"
        origins = ", ".join(self.params["origins"]) or "all origins"
        values = {"title": self.params["title"], "as_of": self.as_of.date().isoformat(),
                  "marking": self.params["marking"], "generated": self.generated.isoformat(),
                  "data_version": self.data.version,
                  "subject": f"Foreign-fighter recruitment for {sides}, {origins}, as reported by {as_of_text}; "
                             f"money at {self.params['fx_kind']} exchange rates."}
        markup = join([
            tag("div", self.params["marking"], class_="marking"),
            tag("h1", self.params["title"]),
            tag("p", join(["As of ", tag("strong", as_of_text), f" · {sides} · {origins} · "
                           f"money at {self.params['fx_kind']} exchange rates"]), class_="as-of"),
            tag("p", f"Generated {self.generated:%d %b %Y %H:%M} UTC from data version {self.data.version}.",
                class_="generated"),
        ])
        return Meta(values, tag("header", Html(markup.markup), class_="briefing-header").markup)

    def bottom_line(self) -> Html:
        """The key judgements, each with its confidence and basis."""
        items = []
        for j in self.key_judgements():
            items.append(join([isolated_within(j.text, self.data.claimants["name"]), " ",
                               tag("span", f"Confidence: {j.confidence}", class_="confidence"), f" — {j.basis}."]))
        note = paragraph("Confidence (low, moderate, high) rates the evidence: independent sources, their grades "
                         "and whether they agree (rule in Method). Likelihood words follow the ICD 203 scale. "
                         "Figures graded 4–6 appear only marked unconfirmed.", class_="source-note")
        return section("Key judgements", tag("div", bullet_list(items), class_="bluf"), note)

    def headcounts(self) -> Html:
        """Headcounts by side × category × stage, the series behind them, the gap, flows and the
        other side's claims, kept apart."""
        if not self._shows("headcounts"):
            return Html("")
        if self.all_claims.empty:
            return section("Headcounts", paragraph(f"No headcount had been reported for this selection by "
                                                   f"{date_text(self.as_of)}."))
        grid_rows = []
        stocks = self.latest[self.latest["count_type"] != "flow"]
        # One row per group: side × category × origin × count type, so a row reads as one funnel and no
        # figures of different origins or dates are added up.
        for (side, category, origin, count_type), cells in stocks.groupby(
                ["side", "category", "origin", "count_type"], sort=True, observed=True):
            by_stage = {str(c["stage"]): c for _, c in cells.iterrows()}
            row = [join([SIDE_NAMES[side].replace("'s", ""), " · ", "All origins" if origin == "all" else origin,
                         _BREAK, CATEGORY_NOUNS[category]]), COUNT_TYPE_WORDS[count_type]]
            for stage in STAGES:
                cell = by_stage.get(stage)
                if cell is None:
                    row.append(tag("span", "not reported", class_="not-reported"))
                    continue
                parts = [cell["stated"], tag("small", date_text(cell["date_reported"], cell["date_precision"]))]
                if cell["single_source"]:
                    parts.append(flag("single source"))
                if cell["credibility"] >= UNCONFIRMED_CREDIBILITY:
                    parts.append(flag("unconfirmed"))
                row.append(join(parts))
            grid_rows.append(row)
        series_rows = [self._claim_row(c) for _, c in self.latest[self.latest["count_type"] != "flow"].iterrows()]
        parts = [paragraph("People by side, category, origin and stage, as each source stated them. 'Not reported' means "
                           "nobody we know of gave a figure; it is not zero. Figures for different origins, and a "
                           "total and its parts, are never added up. Counts to date and counts of those present at "
                           "one time are kept apart, and flows over a period are listed separately. '+' means open "
                           "above. The other side's claims are in their own table below.")]
        if grid_rows:
            parts.append(table(grid_rows, ["Side and category", "Count"] + [STAGE_TITLES[s] for s in STAGES],
                               caption="Foreign fighters by stage (the latest figure in each cell, with its date)",
                               numeric=range(2, 2 + len(STAGES))))
        if series_rows:
            parts.append(table(series_rows, ["Series", "Figure", "What was counted", "Who said it, when", "Grade",
                                             "Source"], caption="The latest claim in each series", numeric=[1],
                               note="Grade: source reliability (A–F) and claim credibility (1–6), Admiralty scale."))
        parts += [tag("h3", "Signed up, then arrived?", id="signed-up-then-arrived"), self._gap_table()]
        flows_found = flows(self.latest)
        if len(flows_found):
            parts += [tag("h3", "Flows over a stated period", id="flows"),
                      table([self._claim_row(c, period=True) for _, c in flows_found.iterrows()],
                            ["Series", "Figure", "What was counted", "Who said it, when", "Grade", "Source"],
                            caption="Counts over a period: never added to, or compared with, counts to date",
                            numeric=[1])]
        if len(self.adversary_latest):
            parts += [tag("h3", "What each side says about the other's foreign fighters", id="adversary-claims"),
                      paragraph("Claims by a party to the war about its adversary's foreign fighters. They are "
                                "unverifiable, often call every foreign fighter a mercenary, and are not used for "
                                "any headline figure above."),
                      table([self._claim_row(c, period=c["count_type"] == "flow")
                             for _, c in self.adversary_latest.iterrows()],
                            ["Series", "Figure", "What was counted", "Who said it, when", "Grade", "Source"],
                            caption="Adversary claims (latest in each series)", numeric=[1])]
        return section("Headcounts", *parts)

    def _wage_words(self, wage_id: str, usd: Interval) -> str:
        """Another source's figure for a wage as it stated it, with our conversion: '27,000 SYP ($6.08)'."""
        wage = self.wages.set_index("wage_id").loc[wage_id]
        stated = money_stated(wage["qualifier"], wage["monthly_low_local"], wage["monthly_high_local"], wage["currency"])
        return stated if wage["currency"] == "USD" else f"{stated}, or {money(usd)} at the offer's date"

    def _claim_row(self, claim, period: bool = False) -> list:
        stage = STAGE_TITLES[str(claim["stage"])].lower()
        if period:
            stage += f", {date_text(claim['period_start'], 'month')} to {date_text(claim['period_end'], 'month')}"
        elif claim["count_type"] == "current":
            stage += ", present at the time"
        origin = "All origins" if claim["origin"] == "all" else claim["origin"]
        return [join([SIDE_NAMES[claim["side"]].replace("'s", ""), " · ", origin, _BREAK,
                      CATEGORY_NOUNS[claim["category"]], ", ", stage]),
                claim["stated"], claim["stage_detail"],
                join([claim["claimant"], ", ", date_text(claim["date_reported"], claim["date_precision"]), _BREAK,
                      tag("small", SPEAKER_LABELS[claim["speaker_type"]])]),
                self._grade(claim),
                join([self._cite(claim["source_id"]), " ", flag("single source") if claim.get("single_source") else "",
                      " ", flag("unconfirmed") if claim["credibility"] >= UNCONFIRMED_CREDIBILITY else ""])]

    def _gap_table(self) -> Html:
        if self.gap.empty:
            return paragraph("No signed-up figure has been reported for this selection, so there is no gap to measure.")
        rows = []
        for _, g in self.gap.iterrows():
            signed = f"{g['signed_up_stated']} ({date_text(g['signed_up_known'], 'month')})"
            if g["status"] == "gap":
                present = f"{g['present_stated']} {STAGE_WORDS[g['present_stage']][0]} ({date_text(g['present_known'], 'month')})"
                gap = format_people(g["gap"])
                share = "—" if g["present_share"] is None else pct(g["present_share"])
            elif g["status"] == "presence exceeds sign-ups":
                present, gap = f"{g['present_stated']} {STAGE_WORDS[g['present_stage']][0]}", "not computed: different groups"
                share = "—"
            elif g["status"] == "presence reported at another time":
                other = self.latest[self.latest["claim_id"] == g["other_presence_claim"]].iloc[0]
                present = f"{other['stated']} {STAGE_WORDS[str(other['stage'])][0]} ({date_text(other['known_from'], 'month')})"
                gap, share = "not computed: figures from different times", "—"
            else:
                present, gap, share = "not reported", "not known", "—"
            rows.append([g["origin"] if g["origin"] != "all" else "All origins", CATEGORY_NOUNS[g["category"]],
                         signed, present, share, gap])
        return table(rows, ["Origin", "Category", "Signed up", "Reported present", "Share of sign-ups",
                            "Not reported present"],
                     caption="From signing up to reaching the war", numeric=[2, 4],
                     note=f"Present means reported arrived, deployed, killed or left, within {GAP_WINDOW_DAYS} days of the "
                          "sign-up figure. The last column is signed up minus the largest such figure: people not "
                          "reported to have reached the war, which is not the same as people who did not.")

    def headcount_chart(self):
        """The latest claim of every series as a range, or nothing when there is none."""
        if not self._shows("headcounts") or self.latest.empty:
            return Html("")
        return charts.headcount_chart(self.latest[self.latest["count_type"] != "flow"],
                                      f"Source: the sources in the appendix; as of {date_text(self.as_of)}. "
                                      "Claims by a party about its adversary are not drawn.")

    def pay(self) -> Html:
        """Offers in USD by basis, home wages and army pay in force, and the Art. 47 assessment."""
        if not self._shows("pay"):
            return Html("")
        if self.offers.empty:
            return section("Pay", paragraph(f"No pay offer had been reported for this selection by "
                                            f"{date_text(self.as_of)}."))
        offer_rows = []
        for _, offer in self.offers.iterrows():
            usd = "no rate published by then" if offer["amount_usd"] is None else money(offer["amount_usd"])
            labels = [flag(STATUS_WORDS[offer["status"]])] if offer["status"] != "offered" else []
            if offer["adversary"]:
                labels.append(flag("claim by the other side"))
            if offer["theatre"] != "Ukraine":
                labels.append(flag(f"{offer['theatre']}, for comparison"))
            offer_rows.append([
                join([date_text(offer["date_reported"], offer["date_precision"]), _BREAK,
                      SIDE_NAMES[offer["side"]].replace("'s", ""), " · ",
                      "all origins" if offer["origin"] == "all" else offer["origin"]]),
                join([offer["pay_detail"], " "] + labels),
                money_stated(offer["qualifier"], offer["amount_low_local"], offer["amount_high_local"], offer["currency"])
                + " " + PERIOD_WORDS[offer["period"]],
                usd + ("" if offer["amount_usd"] is None else " " + PERIOD_WORDS[offer["period"]]),
                "—" if offer["contract_usd"] is None or offer["period"] == "contract" else
                f"{money(offer['contract_usd'])} ({int(offer['contract_months'])} months)",
                self._grade(offer), self._cite(offer["source_id"])])
        wage_rows = [[w["country"], MEASURE_WORDS[w["measure"]], w["measure_detail"],
                      money_stated(w["qualifier"], w["monthly_low_local"], w["monthly_high_local"], w["currency"]),
                      "no rate" if w["monthly_usd"] is None else join(
                          [money(w["monthly_usd"])] + ([" ", flag(f"{w['fx_kind_used']} rate")]
                                                       if pd.notna(w["fx_kind_used"]) and w["fx_kind_used"] != self.params["fx_kind"] else [])),
                      date_text(w["date_in_force"]), self._grade(w), self._cite(w["source_id"])]
                     for _, w in self.wages_shown.iterrows()]
        fallback = self.offers["fx_kind_used"].dropna()
        fallback = fallback[fallback != self.params["fx_kind"]]
        fx_note = (f"Converted at {self.params['fx_kind']} rates in force on the day reported (rates used are listed "
                   "in the appendix)" + (f"; {plural('offer', len(fallback))} used the other kind where no "
                                         f"{self.params['fx_kind']} rate was on record." if len(fallback) else ".")
                   + " Monthly pay, one-off sums and contract totals are different things and are never mixed.")
        parts = [table(offer_rows, ["Reported", "What", "Stated", "USD", "Per contract", "Grade", "Source"],
                       caption="Pay offered, and pay received", numeric=[2, 3, 4], note=fx_note),
                 table(wage_rows, ["Country", "Measure", "What", "Stated", "USD a month", "In force from", "Grade",
                                   "Source"], caption="Reference wages", numeric=[3, 4])]
        parts += [tag("h3", "The pull of the offer, and the recruiting army's own pay", id="pay-comparison"),
                  self._comparison_table()]
        parts += [tag("h3", "Mercenaries in law? Article 47, condition by condition", id="article-47"),
                  self._article47()]
        return section("Pay", *parts)

    def _comparison_table(self) -> Html:
        if self.army.empty:
            return paragraph("No monthly pay offer for this selection can be compared.")
        multiples = self.multiples.set_index(["offer_id", "measure"])
        offers = self.monthly_offers.set_index("offer_id")
        wages = self.wages.set_index("wage_id")
        rows = []
        for _, row in self.army.iterrows():
            offer = offers.loc[row["offer_id"]]
            home = []
            for measure in HOME_MEASURES:
                if (row["offer_id"], measure) not in multiples.index:
                    continue
                m = multiples.loc[(row["offer_id"], measure)]
                text = f"{format_ratio(m['multiple'])} {MEASURE_WORDS[measure]} ({money(m['wage_usd'])}, {date_text(m['wage_date'], 'month')})"
                if m["disagreeing"]:
                    text += "; another source: " + ", ".join(self._wage_words(w, iv) for w, iv in m["disagreeing"])
                home.append(text)
            if row["army_pay_usd"] is None:
                # A month- or year-dated offer is compared at the first day its date allows: never later.
                start = ("" if offer["date_precision"] == "day" else
                         f" at the start of {date_text(offer['date_reported'], offer['date_precision'])}")
                army, ratio = f"none in force on record{start} ({MEASURE_WORDS[row['army_measure']]})", "—"
            else:
                detail = wages.loc[row["army_wage_id"], "measure_detail"]
                army = f"{money(row['army_pay_usd'])} ({detail}, from {date_text(row['army_pay_date'])})"
                ratio = format_ratio(row["ratio"])
            rows.append([join([date_text(offer["date_reported"], offer["date_precision"]), " · ", row["origin"],
                               _BREAK, offer["pay_detail"]]),
                         money(row["monthly_usd"]), "; ".join(home) or "no home wage in force on record",
                         army, ratio, row["reading"]])
        return table(rows, ["Offer", "USD a month", "Multiple of home pay in force", "Recruiting army's own pay in force",
                            "Multiple of army pay", f"At {self.params['excess_threshold']:g}× or more?"],
                     caption="Each offer against pay in force on its date, converted at that day's rate",
                     numeric=[1, 4],
                     note=f"A wage counts as in force from its date for {COMPARATOR_MAX_AGE_DAYS} days; "
                          "a later figure is never used. Base pay is compared with base pay and total with total. "
                          f"{self.params['excess_threshold']:g}× is our convention for 'substantially in excess' "
                          "(a parameter), not a figure from the law.")

    def _article47(self) -> Html:
        if not self.assessments:
            return paragraph("No recruited group of known status is in view.")
        intro = paragraph(
            "Additional Protocol I, Art. 47(2), makes a person a mercenary only if all six conditions hold: "
            + "; ".join(f"({k}) {v}" for k, v in CONDITIONS.items())
            + ". One condition not met settles the question. Contract soldiers and Legion volunteers serve in a "
              "party's armed forces, so (e) fails whatever they are paid.")
        rows, evidence = [], []
        for a in self.assessments:
            label = f"{SIDE_NAMES[a.side].replace(chr(39) + 's', '')} · {'All origins' if a.origin == 'all' else a.origin}"
            cells = [tag("span", a.conditions[k][0], class_="law-" + a.conditions[k][0].replace(" ", "-"))
                     for k in CONDITIONS]
            verdict = "cannot be mercenaries" if a.failed else "may meet the definition"
            rows.append([join([label, _BREAK, CATEGORY_NOUNS[a.category]])] + cells + [verdict])
            decisive = a.failed or a.unknown
            evidence.append(join([tag("strong", f"{label}, {CATEGORY_NOUNS[a.category]}: "),
                                  "; ".join(f"({k}) {a.conditions[k][0]}: {a.conditions[k][1]}" for k in decisive)]))
        return join([intro,
                     table(rows, ["Group"] + [f"({k})" for k in CONDITIONS] + ["Verdict"],
                           caption="Art. 47(2) conditions for each recruited group"),
                     tag("p", "Evidence for conditions not met or unknown:", class_="source-note"),
                     bullet_list(evidence, class_="evidence")])

    def pay_chart(self):
        """Monthly offers as USD ranges, each against the pay in force for it, or nothing."""
        if not self._shows("pay") or self.monthly_offers.empty:
            return Html("")
        offers = self.monthly_offers.assign(label=[
            f"{o.origin} · {date_text(o.date_reported, o.date_precision)}" for o in self.monthly_offers.itertuples()])
        soldier = self.multiples[self.multiples["measure"] == "soldier_pay"].set_index("offer_id")
        army = self.army.set_index("offer_id")
        marks = [{"home": soldier.loc[o, "wage_usd"] if o in soldier.index else None,
                  "army": army.loc[o, "army_pay_usd"] if o in army.index else None} for o in offers["offer_id"]]
        return charts.pay_chart(offers, marks, f"Source: offers and wages in the Pay tables, at "
                                f"{self.params['fx_kind']} rates; as of {date_text(self.as_of)}.",
                                self.params["excess_threshold"])

    def recruitment_costs(self) -> Html:
        """Cost of recruitment drives as ranges: headcount × monthly pay × months, plus one-off sums."""
        if self.params["focus"] == "headcounts":
            return Html("")
        if self.costs.empty:
            return section("Cost of recruitment drives",
                           paragraph("No paid headcount and matching monthly offer of the same time are on record "
                                     "for this selection."))
        offers = self.offers.set_index("offer_id")
        rows = []
        for _, c in self.costs.iterrows():
            offer = offers.loc[c["offer_id"]]
            one_off = "none offered in this source" if c["one_off_usd"] is None else (
                f"{money(c['one_off_usd'])} each → {money(c['one_off_part'])}")
            for received in c["received_ids"]:
                got = offers.loc[received]
                one_off += (f"; the same source reports {money(got['amount_usd'])} {PERIOD_WORDS[got['period']]} "
                            "actually received by one recruit")
            rows.append([c["origin"], f"{c['headcount_stated']} {STAGE_WORDS[c['stage']][0]}",
                         money_stated(offer["qualifier"], offer["amount_low_local"], offer["amount_high_local"],
                                      offer["currency"]) + f" ({date_text(offer['date_reported'], offer['date_precision'])})",
                         f"{c['months']}" + ("" if c["months_stated"] else " (assumed)"),
                         money(c["monthly_part"]), one_off, money(c["cost_usd"])])
        return section("Cost of recruitment drives",
                       paragraph("What paying every person in a group the pay offered would cost: a ceiling, not "
                                 "a reported outlay. People × monthly pay in USD × months, plus one-off sums reported by the same "
                                 "source (separate reports may describe one payment twice, so they are not added). "
                                 f"Where the offer states no contract length, {self.params['default_contract_months']} "
                                 "months is assumed (a parameter). Offers pair with a headcount known within "
                                 "six months of it."),
                       table(rows, ["Origin", "People", "Monthly offer", "Months", "Monthly pay part",
                                    "One-off sums", "Total (USD)"],
                             caption="What a drive would cost", numeric=[1, 3, 4, 6]))

    def timeline(self) -> Html:
        """Every claim and offer in view, in the order it became known."""
        parents = dict(zip(self.all_claims["claim_id"], self.all_claims["stated"]))
        events = [(c["known_from"], c["claim_id"], date_text(c["date_reported"], c["date_precision"]),
                   SIDE_NAMES[c["side"]].replace("'s", ""), c["origin"] if c["origin"] != "all" else "all origins",
                   f"{STAGE_TITLES[str(c['stage'])].lower()}: {c['stated']}"
                   + (f" ({date_text(c['period_start'], 'month')} to {date_text(c['period_end'], 'month')})"
                      if c["count_type"] == "flow" else "")
                   + (" (present at the time)" if c["count_type"] == "current" else "")
                   + (f" (part of {parents[c['part_of']]})" if c["part_of"] in parents else ""),
                   join([c["claimant_name"]] + ([" ", flag("about its adversary")] if c["adversary"] else [])),
                   self._grade(c), c["source_id"]) for _, c in self.all_claims.iterrows()]
        if self._shows("pay"):
            known = known_from(self.offers) if len(self.offers) else []
            events += [(k, o["offer_id"], date_text(o["date_reported"], o["date_precision"]),
                        SIDE_NAMES[o["side"]].replace("'s", ""), o["origin"] if o["origin"] != "all" else "all origins",
                        "pay: " + money_stated(o["qualifier"], o["amount_low_local"], o["amount_high_local"],
                                               o["currency"]) + " " + PERIOD_WORDS[o["period"]]
                        + ("" if o["status"] == "offered" else " (received)")
                        + ("" if o["theatre"] == "Ukraine" else f" (in {o['theatre']}, for comparison)"),
                        join([o["claimant_name"]] + ([" ", flag("about its adversary")] if o["adversary"] else [])),
                        self._grade(o), o["source_id"]) for k, (_, o) in zip(known, self.offers.iterrows())]
        if not events:
            return section("Timeline of claims", paragraph(f"Nothing had been reported by {date_text(self.as_of)}."))
        events.sort(key=lambda e: (e[0], e[1]))
        rows = [list(e[2:8]) + [self._cite(e[8])] for e in events]
        return section("Timeline of claims",
                       table(rows, ["Reported", "Side", "Origin", "Claim", "Claimed by", "Grade", "Source"],
                             caption="Claims in the order they became known",
                             note="A claim dated only to a month is placed at the end of that month, when it had "
                                  "surely been reported; the same rule decides what an as-of date includes."))

    def caveats(self) -> Html:
        """Appendix: how the figures changed, contradictions, every claim with its status, the rates
        used, the rules and the glossary."""
        claims_by_id = self.all_claims.set_index("claim_id")
        trend_rows = []
        for _, t in self.trends.iterrows():
            last = claims_by_id.loc[t["last_claim"]]
            trend_rows.append([
                f"{SIDE_NAMES[t['side']].replace(chr(39) + 's', '')} · {'All origins' if t['origin'] == 'all' else t['origin']}",
                f"{CATEGORY_NOUNS[t['category']]}, {STAGE_TITLES[t['stage']].lower()} ({COUNT_TYPE_WORDS[last['count_type']]})",
                f"{t['first_stated']} ({date_text(t['first_known'], 'month')})",
                f"{t['last_stated']} ({date_text(t['last_known'], 'month')})", TREND_WORDS[t["direction"]],
                join([last["claimant_name"]] + ([" ", flag("about its adversary")] if last["adversary"] else []))])
        contradiction_rows = [[c["origin"], STAGE_TITLES[c["stage"]], f"{c['stated_a']} ({c['claimant_a']})",
                               f"{c['stated_b']} ({c['claimant_b']})"] for _, c in self.contradictions.iterrows()]
        claim_rows = []
        for index, c in self.all_claims.sort_values(["side", "origin", "stage", "known_from"]).iterrows():
            status = self.status.get(index, "")
            claim_rows.append([tag("span", c["claim_id"], id=f"row-{c['claim_id']}"), SIDE_NAMES[c["side"]].replace("'s", ""),
                               c["origin"], f"{STAGE_TITLES[str(c['stage'])]} ({COUNT_TYPE_WORDS[c['count_type']]})",
                               c["stated"], join([c["claimant_name"], f", {date_text(c['date_reported'], c['date_precision'])}"]),
                               SPEAKER_LABELS[c["speaker_type"]], status, self._grade(c), self._cite(c["source_id"])])
        rate_rows = [[r["rate_id"], r["currency"], r["kind"], r["basis"], date_text(r["date"]),
                      f"{r['per_usd_low']:g}" + ("" if r["per_usd_low"] == r["per_usd_high"] else f"–{r['per_usd_high']:g}"),
                      r["claimant"], self._cite(r["source_id"])] for _, r in self.rates_used.iterrows()]
        def bound(factor: float) -> str:
            return "0" if factor == 0 else "X" if factor == 1 else f"{factor:g}X"

        rule = "; ".join(f"{q.replace('_', ' ')} X → [{bound(lo)}, {bound(hi)}]{' and open above' if op else ''}"
                         for q, (lo, hi, op) in DEFAULT_RULE.items() if q != "range")
        noted = self.all_claims[["claim_id", "note"]].rename(columns={"claim_id": "id"})
        if self.money_shown:
            noted = pd.concat([noted, self.offers[["offer_id", "note"]].rename(columns={"offer_id": "id"})])
        noted = noted[noted["note"].notna()]
        return section(
            "Appendix: evidence and method",
            tag("h3", "How figures changed over time", id="trends"),
            table(trend_rows, ["Series", "Counted", "First claim", "Latest claim", "Change", "Latest from"],
                  caption="Series whose figure moved: a change over time, not a contradiction") if trend_rows
            else paragraph("No series changed over time in this selection."),
            tag("h3", "Contradictions", id="contradictions"),
            table(contradiction_rows, ["Origin", "Stage", "One claim", "Against"],
                  caption=f"Claims about one quantity, known within {CONTRADICTION_WINDOW_DAYS} days of each other, "
                          "that cannot both be true") if contradiction_rows
            else paragraph(f"No two claims about the same quantity made within {CONTRADICTION_WINDOW_DAYS} days of "
                           "each other contradict each other."),
            tag("h3", "All claims", id="all-claims"),
            table(claim_rows, ["Row", "Side", "Origin", "Stage", "Figure", "Claimant, reported", "Speaker", "Status",
                               "Grade", "Source"], caption="Every headcount claim in view, with its status"),
            tag("h3", "Exchange rates used", id="exchange-rates"),
            table(rate_rows, ["Row", "Currency", "Kind", "Basis", "Date", "Units per USD", "Who gave it", "Source"],
                  caption="Rates used for the conversions in this briefing") if rate_rows
            else paragraph("No conversion was needed."),
            tag("h3", "Method", id="method"),
            bullet_list([
                "Every figure is a claim by someone with an interest. Grades combine the source's reliability "
                "(A completely reliable … F cannot be judged) and the claim's credibility (1 confirmed … 6 cannot be "
                "judged).",
                f"Qualifiers become ranges by one rule: {rule}; a stated range is kept. Exchange rates are points, "
                "or the range their source gave.",
                f"'As of' means reported by {date_text(self.as_of)}: a figure dated to a month counts from the month's "
                "end; an exchange rate counts from the day it was published.",
                "Claims by one claimant count as one source however many outlets relay them. A party's claim about "
                "its adversary is shown apart and never used for a headline figure.",
                "Confidence: high when two or more independent sources agree and one is graded A–B with "
                "credibility 1–2; moderate when two independent sources agree or one is that well graded; low "
                "otherwise, or when the figure is contradicted, unconfirmed (credibility 4–6) or an adversary's.",
                "The full rules, with the parameters that change them, are in docs/method.md.",
            ]),
            tag("h3", "Glossary", id="glossary"),
            bullet_list([join([tag("strong", term), ": ", meaning]) for term, meaning in GLOSSARY]),
            tag("h3", "Notes on particular figures", id="notes"),
            table([[r.id, r.note] for r in noted.itertuples()], ["Row", "Note"]) if len(noted)
            else paragraph("No notes."),
        )

    def sources(self) -> Html:
        """The numbered sources appendix, with addresses."""
        sources = self.data.sources.set_index("source_id")
        items, ids = [], []
        for source_id, number in self.source_numbers.items():
            s = sources.loc[source_id]
            # Each value from the data is its own part, so join() isolates it (see briefings.tables):
            # a right-to-left override in a title cannot reverse the words that follow it.
            outlet = join([s["outlet"]] + ([", via ", s["via"]] if s["via"] else []))
            published = date_text(s["date_published"]) if pd.notna(s["date_published"]) else "date unknown"
            url = s["url"]
            link = tag("a", url, href=url) if str(url).startswith(("https://", "http://")) else url
            items.append(join([tag("strong", outlet), " — ", s["title"], f". Published {published}; accessed "
                               f"{date_text(s['date_accessed'])}. ", tag("span", f"Reliability {s['reliability']}",
                                                                         class_="grade"),
                               ": ", s["reliability_reason"], " ", tag("span", link, class_="url")]))
            ids.append(f"source-{number}")
        if not items:
            return section("Sources", paragraph("No sources are cited in this selection."))
        return section("Sources", bullet_list(items, ordered=True, class_="sources", ids=ids))
