"""The appendix: references, not the record. The rows the body cites, each printed once on one
compact line whose id links to the row in the build's data annex (:mod:`briefings.annex`, which
holds every claim, offer, wage, rate and source, and so what each side says about the other);
the numbered references as lists of those rows; the Art. 47 grid, how figures changed, contradictions, the
exchange rates used, the method and the glossary, each kept short."""

from __future__ import annotations

from analysis import claims as claim
from analysis.article47 import CONDITIONS
from analysis.headcounts import CONTRADICTION_WINDOW_DAYS
from analysis.intervals import DEFAULT_RULE
from analysis.judgements import money
from analysis.speakers import SPEAKER_LABELS

from ..tables import Html, tag
from ..words import conversion_words, say, usd_words
from .common import (CATEGORY_NOUNS, COUNT_TYPE_WORDS, GLOSSARY, MEASURE_WORDS, PERIOD_WORDS, STAGE_TITLES,
                     TREND_WORDS, date_text, grade, money_stated, origin_word, show_section, side_word, unconfirmed,
                     when)

SECTION = "Appendix"


#: Where a cited row's whole record is, from a briefing's HTML (the build writes the annex beside
#: the briefing folders; the PDF links the annex's PDF, briefings/pdf.py).
ANNEX_ROW_HREF = "../annex/annex.html#row-{}"


def _row_link(row_id: str) -> Html:
    """The row's line in this appendix."""
    return tag("a", row_id, href=f"#row-{row_id}", class_="row-id")


def _annex_link(row_id: str) -> Html:
    """The row in the data annex, where its whole record is."""
    return tag("a", row_id, href=ANNEX_ROW_HREF.format(row_id), class_="row-id")


def _source(briefing, source_id) -> Html:
    number = cited_sources(briefing).get(source_id)
    return Html("") if number is None else tag("a", str(number), href=f"#source-{number}", class_="cite")


def _party(claim_row) -> str:
    """' (a party to the war about its adversary)' when a party to the war speaks of its
    adversary; the other kinds of speaker are in the annex (a line here stays short)."""
    kind = claim_row["speaker_type"]
    return f" ({SPEAKER_LABELS[kind]})" if kind == "adversary" else ""


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
                    "who": f"{c['claimant_name']}{_party(c)}, {when(c)}",
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


def _references(briefing, rows: _Rows, listed=frozenset()) -> tuple[list[dict], list[dict]]:
    """The numbered references, each a list of row links, and the rows they cite: every row once,
    in the order first cited, each described on one line, except the rows ``listed`` elsewhere in
    the appendix (the exchange rates used, a line each in their own table)."""
    references, cited = [], {}
    for number, ids in briefing.refs.entries():
        for row_id in ids:
            if row_id not in cited:
                cited[row_id] = {"id": row_id} if row_id in listed else rows.describe(row_id)
        known = [i for i in ids if cited[i]]
        references.append({"number": number, "rows": Html(", ".join(_row_link(i).markup for i in known))})
    lines = [{**d, "link": _annex_link(d["id"]), "anchor": f"row-{d['id']}"} for d in cited.values()
             if d and d["id"] not in listed]
    return references, lines


def cited_rows(briefing) -> list[str]:
    """The ids of the rows the body cites, each once, in the order first cited."""
    return list(dict.fromkeys(i for _, ids in briefing.refs.entries() for i in ids))


def cited_sources(briefing) -> dict[str, int]:
    """Number of every source the briefing prints a row of (the rows cited and the exchange rates
    used), in order of source id: the sources section lists these and no others."""
    rows = set(cited_rows(briefing))
    used = set()
    for table, key in ((briefing.all_claims, "claim_id"), (briefing.offers, "offer_id"),
                       (briefing.wages_shown, "wage_id"), (briefing.data.exchange_rates, "rate_id")):
        used |= set(table.loc[table[key].isin(rows), "source_id"])
    used |= set(briefing.rates_used["source_id"])
    return {source_id: i for i, source_id in enumerate(sorted(used), start=1)}


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
            "conditions": [f"({k}) {v}" for k, v in CONDITIONS.items()], "evidence": evidence,
            "by_condition": _evidence_by_condition(briefing.assessments)}


def _numbers(numbers: list[int]) -> str:
    """'1–4, 6, 8–9' for [1, 2, 3, 4, 6, 8, 9]."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _evidence_by_condition(assessments) -> list[dict]:
    """The grid's evidence, condition by condition: each finding once, with the numbers of the
    groups (rows of the grid, from 1) it holds for; the same evidence as ``evidence``, said once."""
    out = []
    for k in CONDITIONS:
        found: dict = {}
        for number, a in enumerate(assessments, start=1):
            found.setdefault(tuple(a.conditions[k][:2]), []).append(number)
        items = [{"status": status, "text": text, "groups": ("group " if len(groups) == 1 else "groups ")
                  + _numbers(groups), "all": len(groups) == len(assessments)}
                 for (status, text), groups in found.items()]
        out.append({"condition": f"({k})", "findings": items})
    return out


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
                     f"{t['last_stated']}{', contradicted' if t.get('last_contradicted') else ''} "
                     f"({date_text(t['last_known'], 'month')})", TREND_WORDS[t["direction"]],
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


def _method_rule() -> str:
    def bound(factor: float) -> str:
        return "0" if factor == 0 else "X" if factor == 1 else f"{factor:g}X"

    return "; ".join(f"{q.replace('_', ' ')} X → [{bound(lo)}, {bound(hi)}]{' and open above' if op else ''}"
                     for q, (lo, hi, op) in DEFAULT_RULE.items() if q != "range")


def view(briefing) -> dict:
    rows = _Rows(briefing)
    rates = [[_annex_link(r["rate_id"]), r["currency"], r["kind"], r["basis"], date_text(r["date"]),
              say(briefing, claim.rate(r), f"{r['per_usd_low']:g}"
                  + ("" if r["per_usd_low"] == r["per_usd_high"] else f"–{r['per_usd_high']:g}"), SECTION),
              r["claimant"], _source(briefing, r["source_id"])] for _, r in briefing.rates_used.iterrows()]
    rate_ids = list(briefing.rates_used["rate_id"])
    contradictions, no_contradictions = _contradictions(briefing)
    references, cited = _references(briefing, rows, frozenset(rate_ids))
    return {"references": references, "cited": cited, "rate_ids": [f"row-{r}" for r in rate_ids],
            "article47": _article47(briefing) if briefing.params["focus"] != "headcounts" and briefing.assessments else None,
            "trends": _trends(briefing), "contradictions": contradictions, "no_contradictions": no_contradictions,
            "contradiction_window": CONTRADICTION_WINDOW_DAYS, "rates": rates,
            "as_of": date_text(briefing.as_of), "rule": _method_rule(),
            "money_rule": conversion_words(briefing, SECTION) if briefing.money_shown else "",
            "glossary": GLOSSARY}


def show(briefing):
    return show_section("appendix", view(briefing))
