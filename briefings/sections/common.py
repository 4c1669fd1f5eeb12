"""Words and small pieces the sections share: how a group, a date, a grade or a figure reads."""

from __future__ import annotations

import pandas as pd

from analysis import claims as claim
from analysis.intervals import date_text  # noqa: F401
from analysis.judgements import UNCONFIRMED_CREDIBILITY

from ..tables import Html
from ..templating import render
from ..viewmodel import Section
from ..words import (CATEGORY_NOUNS, COUNT_TYPE_WORDS, GLOSSARY, MEASURE_WORDS, PERIOD_WORDS,  # noqa: F401
                     SIDE_NAMES, STAGE_TITLES, STAGE_WORDS, STATUS_WORDS, TREND_WORDS, grade, money_stated, say,
                     when)

#: CSS classes that keep JupyterLab's MathJax off our text ("$200 … $300" is not maths).
NO_MATHS = "tex2jax_ignore mathjax_ignore"


def side_word(side: str) -> str:
    """'Russia', 'Ukraine'."""
    return SIDE_NAMES[side].replace("'s", "")


def origin_word(origin: str) -> str:
    return "All origins" if origin == "all" else origin


def unconfirmed(record) -> bool:
    return int(record["credibility"]) >= UNCONFIRMED_CREDIBILITY


def shows(briefing, part: str) -> bool:
    return briefing.params["focus"] in ("all", part)


def claim_ref(briefing, row, section: str, what: str = "") -> Html:
    """``[n]`` for one headcount claim (and any claims agreeing with it), recorded for the CSV and,
    as printed, in the ledger."""
    ids = [row["claim_id"]] + list(row.get("corroborated_by") or [])
    people = row["people"]
    say(briefing, claim.headcount(row), row["stated"], section)
    return briefing.refs.cite(ids, section=section, figure=row["stated"], what=what or row["stage_detail"],
                              low=round(people.low), high=None if people.open_above else round(people.high),
                              unit="people",
                              date=pd.Timestamp(row["known_from"]).date().isoformat())


def show_section(name: str, view: dict | None) -> Section:
    """The section's template rendered, or nothing when the section does not apply; the output
    also carries ``view`` for the PDF (see :mod:`briefings.viewmodel`)."""
    if view is None:
        return Section("", name, None)
    return Section(render(f"sections/{name}.html.j2", no_maths=NO_MATHS, **view).markup, name, view)


def record_drawn(briefing, rows, chart: str) -> None:
    """Every headcount a chart draws, recorded for the CSV of figures (the CSV holds what the charts show)."""
    for _, row in rows.iterrows():
        people = row["people"]
        briefing.refs.record([row["claim_id"]], section=f"Chart: {chart}", figure=row["stated"],
                             what=row["stage_detail"], low=round(people.low),
                             high=None if people.open_above else round(people.high), unit="people",
                             date=pd.Timestamp(row["known_from"]).date().isoformat())
