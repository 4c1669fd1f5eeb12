"""The title block: marking, title, what the briefing covers, as-of date, data version."""

from __future__ import annotations

from analysis.intervals import date_text

from ..templating import render
from .common import NO_MATHS, SIDE_NAMES


def view(briefing) -> dict:
    p = briefing.params
    as_of_text = date_text(briefing.as_of)
    sides = "both sides" if p["side"] == "both" else f"{SIDE_NAMES[p['side']]} side"
    origins = ", ".join(p["origins"]) or "all origins"
    return {"title": p["title"], "marking": p["marking"], "as_of": briefing.as_of.date().isoformat(),
            "as_of_text": as_of_text, "scope": f"{sides} · {origins} · money at {p['fx_kind']} exchange rates",
            "generated": briefing.generated.isoformat(), "generated_text": f"{briefing.generated:%d %b %Y %H:%M} UTC",
            "data_version": briefing.data.version,
            "subject": f"Foreign-fighter recruitment for {sides}, {origins}, as reported by {as_of_text}; "
                       f"money at {p['fx_kind']} exchange rates."}


def show(briefing):
    from ..briefing import Meta

    v = view(briefing)
    values = {k: v[k] for k in ("title", "as_of", "marking", "generated", "data_version", "subject")}
    return Meta(values, render("sections/header.html.j2", no_maths=NO_MATHS, **v).markup)
