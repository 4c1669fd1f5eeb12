"""The briefing a notebook shows: one object, one method per section, each returning one display.

A notebook cell is one call: ``briefing.headcounts()``. Every number printed comes from the
functions in :mod:`analysis.headcounts` and :mod:`analysis.pay`, formatted by
:mod:`analysis.intervals`, and every piece of text from the data is escaped by
:mod:`analysis.tables`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import charts, judgements
from .headcounts import claims_as_of, contradictions, headcount_table, latest_claims, signup_arrival_gap
from .intervals import DEFAULT_RULE, Interval, format_claim, format_interval
from .loading import SIDE_COUNTRY, DataPackage, load_data
from .parameters import check_origins, check_parameters
from .pay import (army_pay_comparison, home_wage_multiples, latest_wage, offers_in_usd,
                  recruitment_cost, wages_in_usd)
from .paths import DATA_DIR
from .tables import Html, bullet_list, cite, flag, join, paragraph, section, table, tag

META_MIMETYPE = "application/vnd.briefing.meta+json"
CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}
HOME_MEASURES = ("soldier_pay", "minimum_wage", "public_sector_average", "average_wage")
_PAID = ("paid", "contract")
_BREAK = Html("<br>")
_DRIVE_STAGES = ["signed_up", "deployed", "arrived"]


def date_text(day, precision: str = "day") -> str:
    """'15 Mar 2022', 'Mar 2022' or '2022' according to how precisely the date is known."""
    day = pd.Timestamp(day)
    return {"day": f"{day.day} {day:%b %Y}", "month": f"{day:%b %Y}", "year": f"{day:%Y}"}[precision]


def money_stated(qualifier: str, low: float, high: float, currency: str) -> str:
    """An amount as its source stated it: '$200–300', '£5,000', '160,000 RUB'."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return format_claim(qualifier, low, high, symbol)
    return f"{format_claim(qualifier, low, high)} {currency}"


def _words(code: str) -> str:
    return str(code).replace("_", " ")


@dataclass(frozen=True)
class Meta:
    """The briefing's header: shown as HTML, and carried as metadata for the exporters."""

    values: dict
    markup: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.markup, META_MIMETYPE: self.values, "text/plain": self.values["title"]}


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

    @cached_property
    def claims(self) -> pd.DataFrame:
        return claims_as_of(self.data.headcount_claims, self.as_of, sides=self.sides, origins=self.params["origins"])

    @cached_property
    def latest(self) -> pd.DataFrame:
        return latest_claims(self.claims)

    @cached_property
    def totals(self) -> pd.DataFrame:
        return headcount_table(self.latest)

    @cached_property
    def gap(self) -> pd.DataFrame:
        return signup_arrival_gap(self.latest)

    @cached_property
    def contradictions(self) -> pd.DataFrame:
        return contradictions(self.claims)

    @cached_property
    def offers(self) -> pd.DataFrame:
        return offers_in_usd(self.data, as_of=self.as_of, fx_kind=self.params["fx_kind"], sides=self.sides,
                             origins=self.params["origins"])

    @cached_property
    def wages(self) -> pd.DataFrame:
        return wages_in_usd(self.data, as_of=self.as_of, fx_kind=self.params["fx_kind"])

    @cached_property
    def monthly_offers(self) -> pd.DataFrame:
        """Monthly offers for the war in Ukraine (comparison offers from elsewhere left out)."""
        offers = self.offers
        return offers[offers["monthly_usd"].notna() & (offers["theatre"] == "Ukraine")]

    @cached_property
    def multiples(self) -> pd.DataFrame:
        return home_wage_multiples(self.monthly_offers, self.wages, HOME_MEASURES)

    @cached_property
    def army(self) -> pd.DataFrame:
        return army_pay_comparison(self.monthly_offers, self.wages, self.params["excess_threshold"])

    @cached_property
    def costs(self) -> pd.DataFrame:
        """Recruitment-drive costs: each paid headcount series × each monthly offer to the same recruits."""
        rows = []
        heads = self.latest[self.latest["category"].isin(_PAID) & (self.latest["origin_scope"] == "country")
                            & self.latest["stage"].isin(_DRIVE_STAGES)]
        # One drive per origin: the furthest-back stage recorded (signed up before deployed before arrived).
        heads = heads.assign(_order=heads["stage"].astype(str).map(_DRIVE_STAGES.index)).sort_values("_order")
        heads = heads.drop_duplicates(["side", "origin", "category"])
        for _, head in heads.iterrows():
            offers = self.monthly_offers[(self.monthly_offers["side"] == head["side"])
                                         & (self.monthly_offers["origin"] == head["origin"])]
            for _, offer in offers.iterrows():
                stated_months = pd.notna(offer["contract_months"])
                months = int(offer["contract_months"]) if stated_months else self.params["default_contract_months"]
                rows.append({"side": head["side"], "origin": head["origin"], "stage": str(head["stage"]),
                             "claim_id": head["claim_id"], "headcount": head["people"],
                             "headcount_stated": head["stated"], "offer_id": offer["offer_id"],
                             "offer_stated": money_stated(offer["qualifier"], offer["amount_low_local"],
                                                          offer["amount_high_local"], offer["currency"]),
                             "monthly_usd": offer["monthly_usd"], "months": months, "months_stated": stated_months,
                             "cost_usd": recruitment_cost(head["people"], offer["monthly_usd"], months)})
        return pd.DataFrame(rows, columns=["side", "origin", "stage", "claim_id", "headcount", "headcount_stated",
                                           "offer_id", "offer_stated", "monthly_usd", "months", "months_stated",
                                           "cost_usd"])

    @cached_property
    def source_numbers(self) -> dict[str, int]:
        """Appendix number of every source this briefing cites, in order of source id."""
        used = set(self.claims["source_id"]) | set(self.offers["source_id"]) | set(self.wages["source_id"])
        rate_ids = set(self.offers["fx_rate_id"].dropna()) | set(self.wages["fx_rate_id"].dropna())
        rates = self.data.exchange_rates
        used |= set(rates.loc[rates["rate_id"].isin(rate_ids), "source_id"])
        return {source_id: i for i, source_id in enumerate(sorted(used), start=1)}

    def _cite(self, source_id: str) -> Html:
        return cite(self.source_numbers.get(source_id))

    @cached_property
    def _reliability(self) -> dict[str, str]:
        return dict(zip(self.data.sources["source_id"], self.data.sources["reliability"]))

    def _grade(self, record) -> str:
        """Source reliability and claim credibility, e.g. 'C3'."""
        return f"{self._reliability[record['source_id']]}{record['credibility']}"

    # -------------------------------------------------------------------- sections

    def header(self) -> Meta:
        """Title block, marking and dates; also the metadata the exporters read."""
        as_of_text = date_text(self.as_of)
        sides = "both sides" if self.params["side"] == "both" else f"{self.params['side'].title()}'s side"
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
        """Three to five key judgements written from the numbers."""
        sentences = [s for s in self._judgements() if s]
        if not sentences:
            sentences = [f"Nothing had been reported for this selection by {date_text(self.as_of)}."]
        return section("Bottom line up front", tag("div", bullet_list(sentences[:5]), class_="bluf"))

    def _judgements(self):
        out = []
        if self._shows("headcounts") and len(self.gap):
            biggest = self.gap.assign(size=[g.high for g in self.gap["gap"]]).sort_values("size").iloc[-1]
            out.append(judgements.gap_judgement(biggest["origin"], biggest["side"], biggest["signed_up_stated"],
                                                biggest["arrived_stated"], biggest["gap"], biggest["arrived_share"]))
        if self._shows("headcounts") and len(self.latest):
            by_side = {}
            for side, rows in self.latest.groupby("side"):
                top = rows.assign(size=[p.high for p in rows["people"]]).sort_values("size").iloc[-1]
                by_side[side] = (top["stated"], str(top["stage"]), top["category"])
            out.append(judgements.largest_figures_judgement(by_side))
        if self._shows("pay") and len(self.monthly_offers):
            origin = self.monthly_offers["origin"].value_counts().index[0]
            offers = self.monthly_offers[self.monthly_offers["origin"] == origin]["monthly_usd"]
            span = Interval(min(o.low for o in offers), max(o.high for o in offers))
            home = latest_wage(self.wages, origin, "soldier_pay")
            multiple = None if home is None else span / home["monthly_usd"]
            out.append(judgements.pay_judgement(origin, span, None if home is None else home["monthly_usd"], multiple))
            for side, rows in self.army.groupby("side"):
                # Each offer was compared with the army pay of its own time; state their span.
                used = [p for p in rows["army_pay_usd"] if p is not None]
                army = Interval(min(p.low for p in used), max(p.high for p in used)) if used else None
                out.append(judgements.article47_judgement(side, rows["reading"].value_counts().to_dict(), army,
                                                          self.params["excess_threshold"]))
                break  # one side's reading is enough for the bottom line; the section has both
        if len(self.costs):
            first = self.costs.sort_values(["offer_id"]).iloc[0]
            out.append(judgements.cost_judgement(f"recruits from {first['origin']}", first["headcount_stated"],
                                                 first["offer_stated"], first["months"], first["cost_usd"]))
        if self._shows("headcounts") and len(self.latest):
            out.append(judgements.confidence_judgement(len(self.latest), int(self.latest["single_source"].sum()),
                                                       len(self.contradictions)))
        return out

    def headcounts(self) -> Html:
        """Headcount totals by side × category × stage, the series behind them, and the gap."""
        if not self._shows("headcounts"):
            return Html("")
        if self.latest.empty:
            return section("Headcounts", paragraph(f"No headcount had been reported for this selection by "
                                                   f"{date_text(self.as_of)}."))
        total_rows = []
        for _, cell in self.totals.iterrows():
            flags = [flag("single source")] if cell["single_source"] else []
            if cell["parts_exceed_total"]:
                flags.append(flag("parts exceed total"))
            named = "" if cell["named_origins"] is None else f"named origins: {format_interval(cell['named_origins'])}"
            total_rows.append([cell["side"].title(), _words(cell["category"]), _words(cell["stage"]),
                               format_interval(cell["figure"]), cell["basis"], named, join(flags)])
        series_rows = []
        for _, claim in self.latest.iterrows():
            # Few, wide columns: narrow ones wrap text into tall rows and add pages to the PDF.
            series_rows.append([join([claim["side"].title(), " · ", claim["origin"], _BREAK, _words(claim["category"]),
                                      ", ", _words(claim["stage"])]),
                                claim["stated"], claim["stage_detail"],
                                join([claim["claimant"], ", ", date_text(claim["date_reported"], claim["date_precision"])]),
                                self._grade(claim),
                                join([self._cite(claim["source_id"]),
                                      flag("single source") if claim["single_source"] else ""])])
        gap_rows = [[g["side"].title(), g["origin"], _words(g["category"]), g["signed_up_stated"],
                     g["arrived_stated"] if g["arrived_stated"] is not None else "none reported", format_interval(g["gap"]),
                     "—" if g["arrived_share"] is None else judgements._pct(g["arrived_share"])]
                    for _, g in self.gap.iterrows()]
        return section(
            "Headcounts",
            paragraph("Totals by side, category and stage. A total claimed for all origins is never added to "
                      "the per-country figures; those are shown beside it. Ranges follow the qualifier rule in "
                      "Confidence and caveats; '+' means open above."),
            table(total_rows, ["Side", "Category", "Stage", "People", "Basis", "Per-country sum", "Flags"],
                  caption="Foreign fighters by side, category and stage", numeric=[3]),
            table(series_rows, ["Series", "Figure", "What was counted", "Claimed by, reported", "Grade", "Source"],
                  caption="Latest claim in each series", numeric=[1],
                  note="Grade: source reliability (A–F) and claim credibility (1–6), Admiralty scale."),
            tag("h3", "Signed up but not arrived", id="signed-up-but-not-arrived"),
            table(gap_rows, ["Side", "Origin", "Category", "Signed up", "Arrived", "Not arrived", "Arrived share"],
                  caption="The gap between signing up and arriving", numeric=[3, 4, 5, 6])
            if gap_rows else paragraph("No signed-up figure has been reported for this selection."),
        )

    def headcount_chart(self):
        """The latest claim of every series as a range, or nothing when there is none."""
        if not self._shows("headcounts") or self.latest.empty:
            return Html("")
        return charts.headcount_chart(self.latest, f"Source: {len(self.source_numbers)} sources listed in the "
                                      f"appendix; data version {self.data.version}; as of {date_text(self.as_of)}.")

    def pay(self) -> Html:
        """Offers in USD, per month and per contract, against home wages and the army's own pay."""
        if not self._shows("pay"):
            return Html("")
        if self.offers.empty:
            return section("Pay", paragraph(f"No pay offer had been reported for this selection by "
                                            f"{date_text(self.as_of)}."))
        offer_rows = []
        for _, offer in self.offers.iterrows():
            per_month = "—" if offer["monthly_usd"] is None else format_interval(offer["monthly_usd"], "$")
            offer_rows.append([
                join([tag("strong", offer["offer_id"]), " ", date_text(offer["date_reported"], offer["date_precision"]),
                      _BREAK, offer["side"].title(), " · ", offer["origin"]]),
                offer["pay_detail"] + ("" if offer["theatre"] == "Ukraine" else f" ({offer['theatre']})"),
                money_stated(offer["qualifier"], offer["amount_low_local"], offer["amount_high_local"], offer["currency"])
                + (" a month" if offer["period"] == "month" else " once"),
                per_month if offer["period"] == "month" else format_interval(offer["amount_usd"], "$") + " once",
                "—" if offer["contract_usd"] is None else
                f"{format_interval(offer['contract_usd'], '$')} ({int(offer['contract_months'])} mo)",
                self._grade(offer), self._cite(offer["source_id"])])
        compare_rows = []
        multiples = self.multiples.set_index(["offer_id", "measure"])
        for _, row in self.army.iterrows():
            home = [f"{format_interval(multiples.loc[(row['offer_id'], m), 'multiple'])}× {_words(m)}"
                    for m in HOME_MEASURES if (row["offer_id"], m) in multiples.index]
            compare_rows.append([row["offer_id"], row["origin"], format_interval(row["monthly_usd"], "$"),
                                 "; ".join(home) or "no home wage on record",
                                 "—" if row["army_pay_usd"] is None else
                                 f"{format_interval(row['army_pay_usd'], '$')} ({date_text(row['army_pay_date'], 'month')})",
                                 "—" if row["ratio"] is None else f"{format_interval(row['ratio'])}×",
                                 row["reading"]])
        wage_rows = [[w["country"], _words(w["measure"]), w["measure_detail"],
                      money_stated(w["qualifier"], w["monthly_low_local"], w["monthly_high_local"], w["currency"]),
                      format_interval(w["monthly_usd"], "$"), date_text(w["date_in_force"]), self._grade(w),
                      self._cite(w["source_id"])] for _, w in self.wages.iterrows()]
        fallback = self.offers["fx_kind_used"].dropna()
        fallback = fallback[fallback != self.params["fx_kind"]]
        fx_note = (f"Converted at {self.params['fx_kind']} rates in force on the day reported"
                   + (f"; {len(fallback)} offer(s) used the other kind where no {self.params['fx_kind']} rate "
                      "was on record." if len(fallback) else "."))
        return section(
            "Pay",
            table(offer_rows, ["Offer, reported", "What", "Stated", "USD", "Per contract", "Grade", "Source"],
                  caption="Pay offers and payments", numeric=[2, 3, 4], note=fx_note),
            table(wage_rows, ["Country", "Measure", "What", "Stated", "USD a month", "In force", "Grade", "Source"],
                  caption="Reference wages", numeric=[3, 4]),
            tag("h3", "Pull and the Article 47 test", id="article-47"),
            paragraph("Additional Protocol I, Art. 47(2)(c), counts a fighter as a mercenary only if promised pay "
                      "substantially in excess of what the recruiting party pays its own combatants of similar rank. "
                      f"Here 'substantially' means at least {self.params['excess_threshold']:g}× (a parameter). "
                      "A recruit paid less is a paid foreign recruit, not a mercenary in law; the pay test is one "
                      "of six conditions, all of which must hold."),
            table(compare_rows, ["Offer", "Origin", "USD a month", "Multiple of home wage", "Army's own pay",
                                 "Multiple of army pay", "Art. 47(2)(c) pay test"],
                  caption="Offers against home wages (the pull) and the recruiting army's own pay (the legal test)",
                  numeric=[2, 4, 5]),
        )

    def pay_chart(self):
        """Monthly offers as USD ranges against reference wage bands, or nothing."""
        if not self._shows("pay") or self.monthly_offers.empty:
            return Html("")
        offers = self.monthly_offers.assign(label=[
            f"{o.origin} · {date_text(o.date_reported, o.date_precision)} · {o.offer_id}"
            for o in self.monthly_offers.itertuples()])
        references = []
        for origin in dict.fromkeys(offers["origin"]):
            wage = latest_wage(self.wages, origin, "soldier_pay")
            if wage is not None:
                references.append((f"{origin} soldier pay", wage["monthly_usd"]))
        for side in dict.fromkeys(offers["side"]):
            country = SIDE_COUNTRY[side]
            wage = latest_wage(self.wages, country, "soldier_pay")
            if wage is not None:
                references.append((f"{country}'s own soldier pay", wage["monthly_usd"]))
        return charts.pay_chart(offers, references, f"Source: offers and wages as listed in the Pay tables, "
                                f"at {self.params['fx_kind']} rates; as of {date_text(self.as_of)}.")

    def recruitment_costs(self) -> Html:
        """Cost of recruitment drives as ranges: headcount × monthly pay × months."""
        if self.params["focus"] == "headcounts":
            return Html("")
        if self.costs.empty:
            return section("Cost of recruitment drives",
                           paragraph("No paid headcount and matching monthly offer are on record for this selection."))
        rows = [[c["origin"], f"{c['headcount_stated']} {_words(c['stage'])}", c["offer_stated"],
                 format_interval(c["monthly_usd"], "$"), f"{c['months']}" + ("" if c["months_stated"] else " (assumed)"),
                 format_interval(c["cost_usd"], "$")] for _, c in self.costs.iterrows()]
        return section("Cost of recruitment drives",
                       paragraph("Headcount × monthly pay in USD × months. Where the offer states no contract length, "
                                 f"{self.params['default_contract_months']} months is assumed (a parameter)."),
                       table(rows, ["Origin", "Headcount", "Offer", "USD a month", "Months", "Cost (USD)"],
                             caption="What a drive would cost", numeric=[3, 4, 5]))

    def timeline(self) -> Html:
        """Every claim and offer in view, in the order it became known."""
        events = [(c["known_from"], date_text(c["date_reported"], c["date_precision"]), c["side"].title(), c["origin"],
                   f"{_words(c['stage'])}: {c['stated']}", c["claimant"], self._grade(c), c["source_id"])
                  for _, c in self.claims.iterrows()]
        if self._shows("pay"):
            events += [(o["date_reported"], date_text(o["date_reported"], o["date_precision"]), o["side"].title(),
                        o["origin"], "pay: " + money_stated(o["qualifier"], o["amount_low_local"], o["amount_high_local"],
                                                            o["currency"]) + (" a month" if o["period"] == "month" else " once"),
                        o["claimant"], self._grade(o), o["source_id"]) for _, o in self.offers.iterrows()]
        if not events:
            return section("Timeline of claims", paragraph(f"Nothing had been reported by {date_text(self.as_of)}."))
        events.sort(key=lambda e: (e[0], e[1]))
        rows = [list(e[1:7]) + [self._cite(e[7])] for e in events]
        return section("Timeline of claims", table(rows, ["Reported", "Side", "Origin", "Claim", "Claimant", "Grade", "Source"],
                                                   caption="Claims in the order they were made"))

    def caveats(self) -> Html:
        """Grades, single-source flags, contradictions, notes and the rules behind the numbers."""
        single = self.latest[self.latest["single_source"]] if len(self.latest) else self.latest
        rule = ", ".join(f"{q.replace('_', ' ')} X → [{lo:g}X, {hi:g}X{' open' if op else ''}]"
                         for q, (lo, hi, op) in DEFAULT_RULE.items() if q != "range")
        contradiction_rows = [[c["origin"], _words(c["stage"]), f"{c['stated_a']} ({c['claimant_a']})",
                               f"{c['stated_b']} ({c['claimant_b']})"] for _, c in self.contradictions.iterrows()]
        noted = pd.concat([self.claims[["claim_id", "note"]].rename(columns={"claim_id": "id"}),
                           self.offers[["offer_id", "note"]].rename(columns={"offer_id": "id"})])
        noted = noted[noted["note"].notna()]
        return section(
            "Confidence and caveats",
            bullet_list([
                "Every figure is a claim by a party with an interest; the grade beside it combines the source's "
                "reliability (A completely reliable … F cannot be judged) and the claim's credibility "
                "(1 confirmed … 6 cannot be judged).",
                f"Qualifiers become ranges by one rule: {rule}; a stated range is kept as stated.",
                f"'As of' means reported by {date_text(self.as_of)}; a figure dated only to a month or year counts "
                "from the end of that period.",
                f"{len(single)} of {len(self.latest)} headcount figures rest on a single source: "
                + (", ".join(f"{r.origin} {str(r.stage).replace('_', ' ')}" for r in single.itertuples()) or "none") + ".",
            ]),
            tag("h3", "Contradictions", id="contradictions"),
            table(contradiction_rows, ["Origin", "Stage", "One claim", "Against"],
                  caption="Claims in one series that cannot both be true") if contradiction_rows
            else paragraph("No two claims in view contradict each other."),
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
            # Each value from the data is its own part, so join() isolates it (see analysis.tables):
            # a right-to-left override in a title cannot reverse the words that follow it.
            outlet = join([s["outlet"]] + ([" (relaying ", s["original_outlet"], ")"] if s["original_outlet"] else []))
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
