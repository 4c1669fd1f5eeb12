"""Where recruits come from: origins ranked by the largest figure reported for each."""

from __future__ import annotations

from .. import charts
from .common import show_section, shows


def view(briefing) -> dict | None:
    # A briefing about one origin has nothing to rank.
    if not shows(briefing, "headcounts") or len(briefing.params["origins"]) == 1 or briefing.latest.empty:
        return None
    chart = charts.origins_ranked(briefing.latest)
    return None if chart is None else {"chart": chart}


def show(briefing):
    return show_section("origins", view(briefing))
