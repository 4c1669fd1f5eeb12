"""The figures the body cites, one row each, for the briefing's CSV (written by the build)."""

from __future__ import annotations

COLUMNS = ["ref", "section", "figure", "what", "low", "high", "unit", "date", "rows", "sources"]


def view(briefing) -> dict:
    outlets = dict(zip(briefing.data.sources["source_id"], briefing.data.sources["outlet"]))
    by_row = {}
    for frame, key in ((briefing.all_claims, "claim_id"), (briefing.offers, "offer_id"), (briefing.wages, "wage_id")):
        if len(frame):
            by_row.update(dict(zip(frame[key], frame["source_id"])))
    rows = []
    for s in briefing.refs.shown:
        sources = sorted({outlets.get(by_row.get(r), "") for r in s.rows} - {""})
        rows.append([s.ref, s.section, s.figure, s.what, s.low, s.high, s.unit, s.date, " ".join(s.rows),
                     "; ".join(sources)])
    return {"columns": COLUMNS, "rows": rows}


def show(briefing):
    from ..briefing import Figures

    return Figures(**view(briefing))
