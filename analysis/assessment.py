"""One briefing's analysis: the selection's claims, offers, comparisons and key judgements.

:class:`Assessment` computes everything once from checked parameters and validated data; it
holds no markup and writes no sentence. Each notion ("largest", "changed over time", "in force",
"contradicts", the rate a conversion used) is computed here once, and every section reads it.
Key judgements are data: what each rests on (rows, typed claims of :mod:`analysis.claims`) and
its confidence; the presentation (``briefings/``) writes their words.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import claims as claim
from .article47 import assess_groups
from .changes import data_revisions, default_since, revisions_in
from .coverage import record_reach
from .headcounts import (REACHED_STAGES, Scope, claim_status, claims_as_of, contradictions, headcount_table,
                         largest, latest_claims, leading, own_trends, ranked_origins, signup_arrival_gap, trends)
from .judgements import UNCONFIRMED_CREDIBILITY, Evidence, Judgement, likelihood_word, make
from .loading import SIDE_COUNTRY, DataPackage, known_from, load_data
from .pay import (COMPARATOR_MAX_AGE_DAYS, army_pay_comparison, comparable_offers, drive_costs, home_wage_multiples,
                  monthly_offers_on_record, offer_contradictions, offer_corroboration, offers_in_usd, wages_in_usd)
from .paths import DATA_DIR

#: Share of sign-ups reported present at or below which "most had not reached the war" is judged likely.
MOST_NOT_ARRIVED_SHARE = 0.2
#: The ICD 203 probability behind that judgement: reports of arrivals lag and undercount, so likely, not certain.
MOST_NOT_ARRIVED_PROBABILITY = 0.7

#: The Art. 47 condition that settles a group's verdict when several fail, most decisive first.
DECISIVE_ORDER = ("e", "f", "d", "a", "c", "b")


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
        # With named origins, the monthly pay offered to every origin for a group in view is theirs too.
        groups = set(zip(self.latest["side"], self.latest["category"])) if self.params["origins"] else None
        return offers_in_usd(self.data, as_of=self.as_of, fx_kind=self.params["fx_kind"], sides=self.sides,
                             origins=self.params["origins"], groups=groups)

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

    def _offer_evidence(self, offers: pd.DataFrame) -> list[Evidence]:
        """One Evidence per offer: the offer and the offers of other claimants that state the same
        quantity and agree with it (method rule 13). Offers to different origins never agree."""
        agreeing = self.offer_corroboration
        everything = self.offers.set_index("offer_id", drop=False)
        contradicted = set(self.offer_contradictions["offer_a"]) | set(self.offer_contradictions["offer_b"]) \
            if len(self.offer_contradictions) else set()
        out = []
        for _, offer in offers.iterrows():
            ids = [offer["offer_id"]] + list(agreeing.get(offer["offer_id"], []))
            rows = everything.loc[ids]
            out.append(Evidence(tuple(ids), frozenset(rows["claimant_id"]),
                                tuple((self._reliability[s], int(c)) for s, c in zip(rows["source_id"],
                                                                                      rows["credibility"])),
                                offer["offer_id"] in contradicted, bool(offer["adversary"])))
        return out

    @cached_property
    def offer_corroboration(self) -> dict:
        """offer id -> ids of other claimants' offers that agree with it (the same quantity)."""
        return offer_corroboration(self.offers)


    # -------------------------------------------------------------------- notions, computed once

    @cached_property
    def offer_contradictions(self) -> pd.DataFrame:
        """Pairs of pay offers about one quantity at one time that cannot both hold."""
        return offer_contradictions(self.offers) if self.money_shown else offer_contradictions(self.offers.iloc[0:0])

    @cached_property
    def own_trends(self) -> pd.DataFrame:
        """The series that changed over time whose claims are not an adversary's, largest change first."""
        return own_trends(self.trends, self.all_claims)

    def largest(self, scope: Scope):
        """(the largest latest claim in ``scope``, every candidate): one notion for every section."""
        return largest(self.latest, scope)

    def ranked_origins(self, scope: Scope) -> pd.DataFrame:
        return ranked_origins(self.latest, scope)

    @cached_property
    def monthly_on_record(self) -> pd.DataFrame:
        """Every monthly offer for the war in Ukraine on record in view (not an adversary's), converted or not."""
        return monthly_offers_on_record(self.offers)

    @cached_property
    def not_assessed(self) -> list[tuple]:
        """Every group in view the Art. 47 reading leaves out, and why: (side, origin, category, claim
        ids, reason). Reasons: 'not reached' (no figure of people who reached the war), 'our reading'
        (such figures only by our reading of the source's verb, method rule 21), 'status unknown'
        (reached the war, but whether volunteers, paid or contract is not reported), 'conscripts'
        (called up by a party, not recruited)."""
        from .headcounts import PRESENCE_STAGES, stage_is_read  # rule 12: missing in action counts too

        assessed = {(a.side, a.origin, a.category) for a in self.assessments}
        out = []
        for key, group in self.latest.groupby(["side", "origin", "category"], sort=True):
            if key in assessed:
                continue
            there = [c for _, c in group.iterrows() if c["people"].high > 0 and str(c["stage"]) in PRESENCE_STAGES]
            reached = [c for c in there if not stage_is_read(c["stage_detail"])]  # rule 21: our reading is no presence
            reason = ("not reached" if not there else "our reading" if not reached
                      else "conscripts" if key[2] == "conscript" else "status unknown")
            out.append((*key, tuple(group["claim_id"]), reason))
        return out

    @cached_property
    def reach(self) -> pd.Timestamp | None:
        """The newest day of any figure in the data known by as_of: where the record stops."""
        return record_reach(self.data, self.as_of)

    @cached_property
    def newest(self) -> tuple:
        """(day, row id) of the newest figure this briefing rests on: a headcount claim or (where
        money is shown) a pay offer in view, by the day it counts as known. (None, None) for none."""
        rows = [(d, i) for d, i in zip(self.all_claims["known_from"], self.all_claims["claim_id"])]
        if self.money_shown and len(self.offers):
            rows += list(zip(known_from(self.offers), self.offers["offer_id"]))
        if not rows:
            return None, None
        return max(rows, key=lambda r: (pd.Timestamp(r[0]), r[1]))

    @property
    def since(self) -> pd.Timestamp:
        """The day the "what changed" window opens."""
        value = self.params["changes_since"]
        return default_since(self.as_of) if value == "auto" else pd.Timestamp(value)

    @cached_property
    def revisions(self) -> list:
        """Dated revisions of the data (its CHANGELOG.md) inside the "what changed" window."""
        return revisions_in(data_revisions(Path(self.data.path) / "CHANGELOG.md"), self.since, self.as_of)

    # -------------------------------------------------------------------- key judgements, as data

    def key_judgements(self) -> list[Judgement]:
        """Three to five key judgements for the selection, most important first, as data: each
        carries its evidence, confidence and ``parts`` (the rows and claims its words are made
        from); the words are written by ``briefings``."""
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
            found = [make("", [], topic="none", parts={"as_of": self.as_of})]
        # Five at most: with "what changed" they must fit on page 1; the rest of the story is in the body.
        return found[:5]

    #: The three "largest" of a side's judgement: people who reached the war, counted to date and
    #: at one time (never ranked against each other), and the largest count to date at any stage.
    SIDE_SCOPES = (("reached_to_date", "cumulative", "presence", True),
                   ("reached_at_one_time", "current", "presence", True),
                   ("any_to_date", "cumulative", "all", False))

    def _side_judgement(self, side: str):
        parts, evidence = {}, []
        for name, count_type, which, reached in self.SIDE_SCOPES:
            stages = tuple(REACHED_STAGES) if which == "presence" else ()
            scope = Scope(count_type, stages, side=side, reached=reached)
            winner, candidates = self.largest(scope)
            # With figures whose ranges reach the largest's, it is only the highest (rule 14).
            parts[name] = {"claim": claim.largest(scope, winner, candidates), "row": winner,
                           "leading": leading(candidates)}
        leads = [parts[n]["row"] for n in ("reached_to_date", "reached_at_one_time", "any_to_date")
                 if parts[n]["row"] is not None]
        if not leads:
            return None
        if len(leads) == 1 and leads[0]["claim_id"] == self.gap_lead:
            return None  # only the sign-ups the gap judgement leads with: nothing of its own to say
        # The judgement rests on every figure it names, and takes the lowest confidence of them
        # (rule 13): the largest (or highest) figure counted to date and at one time, and the largest
        # count at any stage where it is named (no count to date of people who reached the war).
        named = [parts["reached_to_date"]["leading"], parts["reached_at_one_time"]["leading"]]
        any_stage = parts["any_to_date"]["row"]
        if parts["reached_to_date"]["row"] is None and any_stage is not None and any_stage["claim_id"] != self.gap_lead:
            named.append(parts["any_to_date"]["leading"])
        for frame in named:
            if len(frame):
                evidence.append(self._evidence(frame.iloc[0], self.claims))
        # Its reference lists the rows of the figures it names and no other (rule 18): a largest it
        # does not print (the sign-ups the gap judgement leads with) is no row of it.
        return make("", evidence, topic=f"side:{side}", parts={"side": side, **parts})

    def _adversary_judgement(self):
        rows = self.adversary_latest[self.adversary_latest["count_type"] != "flow"]
        if rows.empty:
            return None
        chosen, evidence = [], []
        for side, group in rows.groupby("side"):
            group = group.assign(_size=[(p.low + p.high) / 2 for p in group["people"]],
                                 _firm=[int(c < UNCONFIRMED_CREDIBILITY) for c in group["credibility"]],
                                 _present=[int(str(s) in ("arrived", "deployed")) for s in group["stage"]])
            # The firmest figure (credibility 1-3), counting people who arrived or were deployed, the latest
            # known, the largest (method rule 14): chosen, never called the largest.
            top = group.sort_values(["_firm", "_present", "known_from", "_size", "claim_id"]).iloc[-1]
            chosen.append(top)
            evidence.append(self._evidence(top, self.adversary_claims))
        return make("", evidence, topic="adversary", parts={"rows": chosen})

    @cached_property
    def gap_lead(self) -> str | None:
        """The sign-up claim the key judgement on sign-ups against arrivals leads with: the largest."""
        if self.gap.empty:
            return None
        sizes = [g["signed_up"].high for _, g in self.gap.iterrows()]
        return self.gap.assign(_size=sizes).sort_values(["_size", "signed_up_claim"]).iloc[-1]["signed_up_claim"]

    def _gap_judgement(self):
        gaps = self.gap
        if gaps.empty:
            return None
        row = gaps[gaps["signed_up_claim"] == self.gap_lead].iloc[0]
        latest = self.latest.set_index("claim_id", drop=False)
        signed = latest.loc[row["signed_up_claim"]]
        evidence = [self._evidence(signed, self.claims)]
        present = other = None
        if row["status"] in ("gap", "presence exceeds sign-ups"):
            present = latest.loc[row["present_claim"]]
            evidence.append(self._evidence(present, self.claims))
        if row["status"] == "presence reported at another time":
            other = latest.loc[row["other_presence_claim"]]
        share = row["present_share"]
        most_not = (row["status"] == "gap" and share is not None and share.high <= MOST_NOT_ARRIVED_SHARE
                    and share.high > 0)
        return make("", evidence, topic="gap",
                    parts={"gap": row, "claim": claim.gap(row), "signed": signed, "present": present, "other": other,
                           "likely_most_not": likelihood_word(MOST_NOT_ARRIVED_PROBABILITY) if most_not else None})

    def _law_judgement(self):
        if not self.assessments:
            return None
        # A reading of the law against each group's reported status: the status reports carry it.
        claims = self.latest[self.latest["category"].isin([a.category for a in self.assessments])]
        evidence = [self._evidence(c, self.claims) for _, c in claims.iterrows()]
        cannot = any(a.failed for a in self.assessments)
        may = any(not a.failed for a in self.assessments)
        level = "moderate" if cannot and all(e.claimant_ids for e in evidence) and not may else "low"
        basis = ("a reading of the Protocol against how each group was reported recruited"
                 + ("" if level == "moderate" else "; some conditions rest on unknown facts"))
        return Judgement("", level, basis, (), tuple(c for e in evidence for c in e.claim_ids), "law",
                         parts={"assessments": self.assessments, "threshold": self.params["excess_threshold"]})

    def _army_pay_judgement(self):
        """Offers against the recruiting army's own pay in force: the pay side of Art. 47(2)(c)."""
        if self.army.empty:
            return None
        compared = self.army[self.army["ratio"].notna()]
        offers = self.monthly_offers
        rows = offers if compared.empty else offers[offers["offer_id"].isin(compared["offer_id"])]
        # The judgement quotes the army's pay too: its rows and the rates they were converted at.
        comparators = [i for pair in zip(compared["army_wage_id"], compared["army_fx_rate_id"]) for i in pair if i]
        return make("", self._offer_evidence(rows), topic="army", extra_ids=comparators,
                    parts={"army": self.army, "threshold": self.params["excess_threshold"],
                           "claim": claim.threshold(self.army, self.params["excess_threshold"])})

    def _pull_judgement(self):
        offers = self.monthly_offers
        offers = offers[offers["origin"] != "all"]
        if offers.empty:
            return None
        origin = offers["origin"].value_counts().sort_index().idxmax()
        mine = offers[offers["origin"] == origin]
        lowest = mine.assign(_low=[o.low for o in mine["monthly_usd"]]).sort_values(["_low", "offer_id"]).iloc[0]
        highest = mine.assign(_high=[o.high for o in mine["monthly_usd"]]).sort_values(
            ["_high", "offer_id"], ascending=[True, False]).iloc[-1]
        extremes = claim.extremes(origin, "usd", False, lowest["offer_id"], highest["offer_id"],
                                  lowest["monthly_usd"].low, highest["monthly_usd"].high,
                                  bool(highest["monthly_usd"].open_above), mine["offer_id"])
        soldier = self.multiples[self.multiples["measure"] == "soldier_pay"].set_index("offer_id")
        ends = [lowest] if lowest["offer_id"] == highest["offer_id"] else [lowest, highest]
        compared = [o for o in ends if o["offer_id"] in soldier.index]
        # The wages quoted (and any other source's figure for them) are part of what it rests on.
        wages = []
        for o in compared:
            row = soldier.loc[o["offer_id"]]
            wages += [row["wage_id"], row["wage_fx_rate_id"]] + [w for w, _ in row["disagreeing"]]
        return make("", self._offer_evidence(mine), topic="pull", extra_ids=[w for w in wages if w],
                    parts={"origin": origin, "offers": mine, "ends": ends, "compared": compared, "soldier": soldier,
                           "extremes": extremes})

    def _cost_judgement(self):
        costs = self.costs
        if costs.empty:
            return None
        head = costs.assign(_size=[h.high for h in costs["headcount"]]).sort_values(["_size", "claim_id"]).iloc[-1]
        drives = costs[costs["claim_id"] == head["claim_id"]]
        cheapest = drives.assign(_c=[c.low for c in drives["cost_usd"]]).sort_values(["_c", "offer_id"]).iloc[0]
        dearest = drives.assign(_c=[c.high for c in drives["cost_usd"]]).sort_values(["_c", "offer_id"]).iloc[-1]
        head_claim = self.latest[self.latest["claim_id"] == head["claim_id"]].iloc[0]
        offers = self.offers[self.offers["offer_id"].isin(drives["offer_id"])]
        return make("", [self._evidence(head_claim, self.claims)] + self._offer_evidence(offers), topic="cost",
                    parts={"drives": drives, "cheapest": cheapest, "dearest": dearest, "claim": head_claim})

    # -------------------------------------------------------------------- conversions

    @cached_property
    def conversions(self) -> list[dict]:
        """Every conversion to USD this briefing prints: the amount's row, its currency, the day it
        was converted for, the rate used (id, date, kind) and the kind asked for. Wages compared
        with an offer are converted on the offer's day; wages shown alone on the day they applied."""
        if not self.money_shown:
            return []
        rates = self.data.exchange_rates.set_index("rate_id")
        wanted = self.params["fx_kind"]
        items = []

        def add(row_id, currency, day, rate_id, use):
            if rate_id is None or (isinstance(rate_id, float) and pd.isna(rate_id)) or currency == "USD":
                return
            rate = rates.loc[rate_id]
            items.append({"row": row_id, "currency": currency, "day": pd.Timestamp(day).date().isoformat(),
                          "rate": rate_id, "rate_date": pd.Timestamp(rate["date"]).date().isoformat(),
                          "kind": rate["kind"], "wanted": wanted, "use": use})

        for _, o in self.offers.iterrows():
            add(o["offer_id"], o["currency"], o["day"], o["fx_rate_id"], "offer")
        wages = self.wages.set_index("wage_id")
        days = dict(zip(self.offers["offer_id"], self.offers["day"]))
        for _, m in self.multiples[self.multiples["measure"] == "soldier_pay"].iterrows():  # the one printed
            add(m["wage_id"], wages.loc[m["wage_id"], "currency"], days[m["offer_id"]], m["wage_fx_rate_id"],
                f"home wage for {m['offer_id']}")
        for _, a in self.army[self.army["army_fx_rate_id"].notna()].iterrows():
            add(a["army_wage_id"], wages.loc[a["army_wage_id"], "currency"], a["day"], a["army_fx_rate_id"],
                f"army pay for {a['offer_id']}")
        for _, w in self.wages_shown.iterrows():
            add(w["wage_id"], w["currency"], w["date_in_force"], w["fx_rate_id"], "wage")
        unique = {(i["row"], i["day"], i["rate"]): i for i in items}
        return list(unique.values())
