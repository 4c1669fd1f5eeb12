"""The numbered sources of the rows the briefing prints (the rows cited and the exchange rates used;
the annex lists every source): original outlet, the relay it came through, title, dates, reliability."""

from __future__ import annotations

import pandas as pd

from .appendix import cited_sources
from .common import date_text, show_section


def view(briefing) -> dict:
    sources = briefing.data.sources.set_index("source_id")
    items = []
    for source_id, number in cited_sources(briefing).items():
        s = sources.loc[source_id]
        url = str(s["url"])
        items.append({"number": number, "outlet": s["outlet"], "via": s["via"] or "", "title": s["title"],
                      "published": date_text(s["date_published"]) if pd.notna(s["date_published"]) else "date unknown",
                      "accessed": date_text(s["date_accessed"]), "reliability": s["reliability"],
                      "reason": s["reliability_reason"], "url": url,
                      "linkable": url.startswith(("https://", "http://"))})
    return {"items": items}


def show(briefing):
    return show_section("sources", view(briefing))
