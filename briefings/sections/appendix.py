"""The appendix: the references behind every cited figure (with their row ids), all claims,
pay offers and wages, the Art. 47 grid, how figures changed, contradictions, the exchange
rates used, the method, a glossary and the notes on particular figures (each said once)."""

from __future__ import annotations

import pandas as pd

from analysis import claims as claim
from analysis.article47 import CONDITIONS
from analysis.headcounts import CONTRADICTION_WINDOW_DAYS, STAGES, stage_is_read
from analysis.intervals import DEFAULT_RULE
from analysis.judgements import money
from analysis.speakers import SPEAKER_LABELS

from ..tables import Html, tag
from ..words import conversion_words, say, usd_words
from .headcounts import claim_line, grid
from .common import (CATEGORY_NOUNS, COUNT_TYPE_WORDS, GLOSSARY, MEASURE_WORDS, PERIOD_WORDS, STAGE_TITLES,
                     TREND_WORDS, date_text, grade, money_stated, origin_word, show_section, side_word, unconfirmed,
                     when)

SECTION = "Appendix"


def _row_link(row_id: str) -> Html:
    return tag("a", row_id, href=f"#row-{row_id}", class_="row-id")


def _source(briefing, source_id) -> Html:
    number = briefing.source_numbers.get(source_id)
    return Html("") if number is None else tag("a", f"source {number}", href=f"#source-{number}", class_="cite")


class _Rows:
    """Every row a reference can point to, described for a reader, by row id."""

    def __init__(self, briefing):
        self.b = briefing
        self.claims = briefing.all_claims.set_index("claim_id", drop=False)
        self.offers = briefing.offers.set_index("offer_id", drop=False)
        self.wages = briefing.wages.set_index("wage_id", drop=False)
        self.rates = briefing.data.exchange_rates.set_index("rate_id", drop=False)

    def describe(self, row_id: str) -> dict | None:
        b = self.b
        if row_id in self.claims.index:
            c = self.claims.loc[row_id]
            say(b, claim.headcount(c), c["stated"], SECTION)
            what = (f"{side_word(c['side'])} · {origin_word(c['origin'])}: {CATEGORY_NOUNS[c['category']]}, "
                    f"{STAGE_TITLES[str(c['stage'])].lower()} ({COUNT_TYPE_WORDS[c['count_type']]})")
            return {"id": row_id, "figure": c["stated"], "what": what, "detail": c["stage_detail"],
                    "who": f"{c['claimant_name']} ({SPEAKER_LABELS[c['speaker_type']]}), {when(c)}",
                    "grade": grade(b, c), "source": _source(b, c["source_id"]), "unconfirmed": unconfirmed(c)}
        if row_id in self.offers.index:
            o = self.offers.loc[row_id]
            stated = money_stated(o["qualifier"], o["amount_low_local"], o["amount_high_local"], o["currency"])
            from ..words import rate_kind_note  # the kind of rate a conversion used (rule 10)

            usd = "" if o["amount_usd"] is None or o["currency"] == "USD" else \
                f" ({usd_words(o, o['amount_usd'])}{rate_kind_note(o, b.params['fx_kind'], bare=True)})"
            say(b, claim.pay(o), f"{stated}{usd}", SECTION)
            return {"id": row_id, "figure": f"{stated}{usd} {PERIOD_WORDS[o['period']]}",
                    "what": f"pay {o['status']}: {side_word(o['side'])} · {origin_word(o['origin'])}",
                    "detail": o["pay_detail"], "who": f"{o['claimant_name']}, {when(o)}", "grade": grade(b, o),
                    "source": _source(b, o["source_id"]), "unconfirmed": unconfirmed(o)}
        if row_id in self.wages.index:
            w = self.wages.loc[row_id]
            # In local money only: a wage is converted at each offer's date, so its dollars vary by
            # comparison; the rate used is the other row of the same reference.
            stated = money_stated(w["qualifier"], w["monthly_low_local"], w["monthly_high_local"], w["currency"])
            say(b, claim.wage(w, None, None, None), stated, SECTION)
            return {"id": row_id, "figure": f"{stated} a month",
                    "what": f"{w['country']}: {MEASURE_WORDS[w['measure']]}, in force from {date_text(w['date_in_force'])}",
                    "detail": w["measure_detail"], "who": f"{w['claimant_name'] if 'claimant_name' in w else ''}",
                    "grade": grade(b, w), "source": _source(b, w["source_id"]), "unconfirmed": unconfirmed(w)}
        if row_id in self.rates.index:
            r = self.rates.loc[row_id]
            per = f"{r['per_usd_low']:g}" + ("" if r["per_usd_low"] == r["per_usd_high"] else f"–{r['per_usd_high']:g}")
            say(b, claim.rate(r), per, SECTION)
            return {"id": row_id, "figure": f"{per} {r['currency']} per US dollar",
                    "what": f"{r['kind']} exchange rate ({r['basis']}) of {date_text(r['date'])}",
                    "detail": "the rate this figure was converted at", "who": str(r["claimant"]),
                    "grade": "", "source": _source(b, r["source_id"]), "unconfirmed": False}
        return None


def _references(briefing, rows: _Rows) -> list[dict]:
    out = []
    for number, ids in briefing.refs.entries():
        described = [d for d in (rows.describe(i) for i in ids) if d]
        out.append({"number": number, "rows": [{**d, "link": _row_link(d["id"])} for d in described]})
    return out


def _claims_table(briefing) -> dict:
    status = briefing.status
    rows, ids = [], []
    for index, c in briefing.all_claims.sort_values(["side", "origin", "stage", "known_from"]).iterrows():
        say(briefing, claim.headcount(c), c["stated"], SECTION)
        text = say(briefing, claim.status(c["claim_id"], status.get(index, "")), status.get(index, ""), SECTION)
        read = "; our reading" if stage_is_read(c["stage_detail"]) else ""
        rows.append([c["claim_id"], f"{side_word(c['side'])} · {origin_word(c['origin'])}",
                     f"{STAGE_TITLES[str(c['stage'])]} ({COUNT_TYPE_WORDS[c['count_type']]}{read})", c["stated"],
                     f"{c['claimant_name']}, {when(c)}", SPEAKER_LABELS[c["speaker_type"]], text,
                     grade(briefing, c), _source(briefing, c["source_id"])])
        ids.append(f"row-{c['claim_id']}")
    return {"columns": ["Row", "Whose fighters", "Stage", "Figure", "Said by, when", "Speaker", "Status", "Grade",
                        "Source"], "rows": rows, "ids": ids}


def _offers_table(briefing) -> dict:
    from ..words import rate_kind_note  # the kind of rate a conversion used (rule 10)

    rows, ids = [], []
    for _, o in briefing.offers.iterrows():
        usd = "no rate published by then" if o["amount_usd"] is None else f"{usd_words(o, o['amount_usd'])} {PERIOD_WORDS[o['period']]}{rate_kind_note(o, briefing.params['fx_kind'])}"
        say(briefing, claim.pay(o), usd, SECTION)
        labels = [] if o["status"] == "offered" else ["received, not an offer"]
        if o["adversary"]:
            labels.append("claim by the other side")
        if o["theatre"] != "Ukraine":
            labels.append(f"{o['theatre']}, for comparison")
        rows.append([o["offer_id"], f"{when(o)} · {side_word(o['side'])} · {origin_word(o['origin'])}",
                     o["pay_detail"] + (f" ({'; '.join(labels)})" if labels else ""),
                     money_stated(o["qualifier"], o["amount_low_local"], o["amount_high_local"], o["currency"])
                     + f" {PERIOD_WORDS[o['period']]}", usd, grade(briefing, o), _source(briefing, o["source_id"])])
        ids.append(f"row-{o['offer_id']}")
    return {"columns": ["Row", "Reported", "What", "Stated", "USD", "Grade", "Source"], "rows": rows, "ids": ids}


def _wages_table(briefing) -> dict:
    rows, ids = [], []
    for _, w in briefing.wages_shown.iterrows():
        say(briefing, claim.wage(w, w["monthly_usd"], w["fx_rate_id"], w["date_in_force"]),
            "no rate" if w["monthly_usd"] is None else money(w["monthly_usd"]), SECTION)
        rows.append([w["wage_id"], w["country"], MEASURE_WORDS[w["measure"]], w["measure_detail"],
                     money_stated(w["qualifier"], w["monthly_low_local"], w["monthly_high_local"], w["currency"]),
                     "no rate" if w["monthly_usd"] is None else money(w["monthly_usd"]),
                     date_text(w["date_in_force"]), grade(briefing, w), _source(briefing, w["source_id"])])
        ids.append(f"row-{w['wage_id']}")
    return {"columns": ["Row", "Country", "Measure", "What", "Stated a month", "USD a month", "In force from",
                        "Grade", "Source"], "rows": rows, "ids": ids}


def _article47(briefing) -> dict:
    rows = []
    for a in briefing.assessments:
        cells = [Html(f'<span class="law-{a.conditions[k][0].replace(" ", "-")}">{a.conditions[k][0]}</span>')
                 for k in CONDITIONS]
        rows.append([f"{side_word(a.side)} · {origin_word(a.origin)}, {CATEGORY_NOUNS[a.category]}"] + cells + [a.verdict])
    # Every cell's evidence, "met" included: a grid cell promises the evidence printed here.
    evidence = [f"{side_word(a.side)} · {origin_word(a.origin)}, {CATEGORY_NOUNS[a.category]}: "
                + "; ".join(f"({k}) {a.conditions[k][0]}: {a.conditions[k][1]}" for k in CONDITIONS)
                for a in briefing.assessments]
    return {"columns": ["Group"] + [f"({k})" for k in CONDITIONS] + ["Verdict"], "rows": rows,
            "conditions": [f"({k}) {v}" for k, v in CONDITIONS.items()], "evidence": evidence}


def _trends(briefing) -> list[list]:
    claims = briefing.all_claims.set_index("claim_id")
    rows = []
    say(briefing, claim.trends(briefing.trends, own_only=False),
        f"{len(briefing.trends)} series changed" if len(briefing.trends) else "No series changed over time", SECTION)
    for _, t in briefing.trends.iterrows():
        last = claims.loc[t["last_claim"]]
        say(briefing, claim.trend(t), TREND_WORDS[t["direction"]], SECTION)
        rows.append([f"{side_word(t['side'])} · {origin_word(t['origin'])}",
                     f"{CATEGORY_NOUNS[t['category']]}, {STAGE_TITLES[t['stage']].lower()} "
                     f"({COUNT_TYPE_WORDS[last['count_type']]})",
                     f"{t['first_stated']} ({date_text(t['first_known'], 'month')})",
                     f"{t['last_stated']} ({date_text(t['last_known'], 'month')})", TREND_WORDS[t["direction"]],
                     last["claimant_name"] + (" (about its adversary)" if last["adversary"] else "")])
    return rows


def _contradictions(briefing) -> tuple[list[list], str]:
    """Rows of the contradictions table (headcount claims and pay offers), and the sentence for none."""
    rows = [[f"{side_word(c['side'])} · {origin_word(c['origin'])}",
             f"{CATEGORY_NOUNS[c['category']]}, {STAGE_TITLES[c['stage']].lower()}",
             f"{c['stated_a']} ({c['claimant_a']}) {c['claim_a']}", f"{c['stated_b']} ({c['claimant_b']}) {c['claim_b']}"]
            for _, c in briefing.contradictions.iterrows()]
    names = dict(zip(briefing.data.claimants["claimant_id"], briefing.data.claimants["name"]))
    for _, c in briefing.offer_contradictions.iterrows():
        rows.append([f"{side_word(c['side'])} · {origin_word(c['origin'])}",
                     f"pay {c['status']} {PERIOD_WORDS[c['period']]}",
                     f"{money(c['usd_a'])} ({names.get(c['claimant_a'], c['claimant_a'])}) {c['offer_a']}",
                     f"{money(c['usd_b'])} ({names.get(c['claimant_b'], c['claimant_b'])}) {c['offer_b']}"])
    which = "No two headcount claims, and no two pay offers," if briefing.money_shown else "No two headcount claims"
    none = ("" if rows else f"{which} about the same quantity made within {CONTRADICTION_WINDOW_DAYS} days of each "
                            "other by different claimants contradict each other.")
    say(briefing, claim.contradictions(briefing.contradictions, briefing.offer_contradictions),
        none or f"{len(rows)} contradictions", SECTION)
    return rows, none


def _notes(briefing) -> list[dict]:
    """Each distinct note once, with the rows it applies to (one note often covers many rows)."""
    noted = briefing.all_claims[["claim_id", "note"]].rename(columns={"claim_id": "id"})
    if briefing.money_shown:
        noted = pd.concat([noted, briefing.offers[["offer_id", "note"]].rename(columns={"offer_id": "id"})])
    noted = noted[noted["note"].notna() & (noted["note"].astype(str).str.strip() != "")]
    grouped = {}
    for row_id, note in zip(noted["id"], noted["note"]):
        grouped.setdefault(str(note), []).append(row_id)
    return [{"note": note, "rows": Html(", ".join(_row_link(r).markup for r in ids))} for note, ids in grouped.items()]


def _method_rule() -> str:
    def bound(factor: float) -> str:
        return "0" if factor == 0 else "X" if factor == 1 else f"{factor:g}X"

    return "; ".join(f"{q.replace('_', ' ')} X → [{bound(lo)}, {bound(hi)}]{' and open above' if op else ''}"
                     for q, (lo, hi, op) in DEFAULT_RULE.items() if q != "range")


def view(briefing) -> dict:
    rows = _Rows(briefing)
    rates = [[r["rate_id"], r["currency"], r["kind"], r["basis"], date_text(r["date"]),
              say(briefing, claim.rate(r), f"{r['per_usd_low']:g}"
                  + ("" if r["per_usd_low"] == r["per_usd_high"] else f"–{r['per_usd_high']:g}"), SECTION),
              r["claimant"], _source(briefing, r["source_id"])] for _, r in briefing.rates_used.iterrows()]
    rate_ids = [f"row-{r}" for r in briefing.rates_used["rate_id"]]
    contradictions, no_contradictions = _contradictions(briefing)
    link = lambda claim: _row_link(claim["claim_id"])  # noqa: E731 - the appendix links rows, not references
    stocks = briefing.latest[briefing.latest["count_type"] != "flow"]
    adversary = briefing.adversary_latest
    return {"references": _references(briefing, rows),
            "stages": [STAGE_TITLES[s] for s in STAGES],
            "grid": grid(briefing, stocks, link) if not stocks.empty else [],
            "adversary": [claim_line(briefing, c, link) for _, c in adversary.iterrows()],
            "claims": _claims_table(briefing),
            "offers": _offers_table(briefing) if briefing.money_shown and len(briefing.offers) else None,
            "wages": _wages_table(briefing) if briefing.money_shown and len(briefing.wages_shown) else None,
            "article47": _article47(briefing) if briefing.params["focus"] != "headcounts" and briefing.assessments else None,
            "trends": _trends(briefing), "contradictions": contradictions, "no_contradictions": no_contradictions,
            "contradiction_window": CONTRADICTION_WINDOW_DAYS, "rates": rates, "rate_ids": rate_ids,
            "as_of": date_text(briefing.as_of), "rule": _method_rule(),
            "money_rule": conversion_words(briefing, SECTION) if briefing.money_shown else "",
            "glossary": GLOSSARY, "notes": _notes(briefing)}


def show(briefing):
    return show_section("appendix", view(briefing))
