"""Claims over time: each series's claims by the date they became known (a chart; the full list
with dates is the appendix's claims table)."""

from __future__ import annotations

from .. import charts
from .common import show_section, shows


def view(briefing) -> dict | None:
    if not shows(briefing, "headcounts") or briefing.all_claims.empty:
        return None
    chart = charts.claims_over_time(briefing.all_claims, briefing.as_of,
                                    source="Source: every claim in view, listed in the appendix with its date.")
    return None if chart is None else {"chart": chart}


def show(briefing):
    return show_section("timeline", view(briefing))
