"""The title block: marking, title, what the briefing covers, as-of date, data version.

Built once: :func:`view` turns the briefing's meta values into the view-model, and the same
template renders it in the notebook (:func:`show`) and in the exported HTML and PDF (the
exporter's preprocessor calls :func:`render_header` with the meta it read from the notebook).
"""

from __future__ import annotations

import datetime as dt
import re

from analysis.intervals import date_text

from ..templating import render
from .common import NO_MATHS, SIDE_NAMES

#: Longest value put into the PDF page margins: each margin box is a third of the page wide, so a
#: 10,000-character marking would otherwise fill the margin and run into the text.
RUN_MAX = 60
# Bidi controls: kept in the body (wrapped in <bdi>), stripped from the one-line page margins
# where they could reorder "Page x of y" and the marking.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
META_KEYS = ("title", "subject", "as_of", "marking", "generated", "data_version", "author")


def short(value: str) -> str:
    """A one-line, bidi-neutral, length-capped copy for page margins."""
    value = _BIDI_CONTROLS.sub("", " ".join(value.split()))
    return value if len(value) <= RUN_MAX else value[: RUN_MAX - 1].rstrip() + "…"


def as_of_display(as_of: str) -> tuple[str, str]:
    """(ISO date or '', reader-facing date) for an as-of string."""
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        return "", as_of
    return day.isoformat(), f"{day.day} {day:%B %Y}"


def generated_display(value: str) -> tuple[str, str]:
    """(W3C date for PDF metadata or '', reader-facing text).

    PDF metadata takes a time only with a zone; a naive datetime keeps its date only rather
    than claiming a zone it does not have.
    """
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return "", value
    if when.tzinfo is None:
        return when.date().isoformat(), f"{when:%Y-%m-%d %H:%M}"
    offset = when.utcoffset()
    zone = "UTC" if offset == dt.timedelta(0) else when.strftime("UTC%z")
    created = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return created, f"{when:%Y-%m-%d %H:%M} {zone}"


def view(meta: dict, figures_href: str = "", annex_href: str = "") -> dict:
    """The header's view-model from the seven meta values (text, '' when absent), the link to
    the briefing's CSV of figures ('' when it has none, as in a notebook) and the link to the
    build's data annex, the whole record ('' when rendered outside a build)."""
    iso, as_of_text = as_of_display(meta["as_of"])
    created, generated_text = generated_display(meta["generated"])
    return {**{k: meta.get(k, "") for k in META_KEYS}, "as_of_iso": iso, "as_of_display": as_of_text,
            "created": created, "generated_display": generated_text, "figures_href": figures_href,
            "annex_href": annex_href,
            # Page-margin texts, labels included, so an absent value leaves the margin empty.
            "run": {"title": short(meta["title"]), "marking": short(meta["marking"]),
                    "as_of": short(f"As of {as_of_text}") if as_of_text else "",
                    "data_version": short(f"Data version {meta['data_version']}") if meta["data_version"] else ""}}


def render_header(meta: dict, figures_href: str = "", annex_href: str = "") -> str:
    return render("sections/header.html.j2", no_maths=NO_MATHS, **view(meta, figures_href, annex_href)).markup


def meta(briefing) -> dict:
    """The briefing's meta values, as the exporters read them from the notebook."""
    p = briefing.params
    sides = "both sides" if p["side"] == "both" else f"{SIDE_NAMES[p['side']]} side"
    origins = ", ".join(p["origins"]) or "all origins"
    return {"title": p["title"], "as_of": briefing.as_of.date().isoformat(), "marking": p["marking"],
            "author": p["author"],
            "generated": briefing.generated.isoformat(), "data_version": briefing.data.version,
            "subject": f"Foreign-fighter recruitment for {sides}, {origins}, as reported by "
                       f"{date_text(briefing.as_of)}; money at {p['fx_kind']} exchange rates."}


def show(briefing):
    from ..briefing import Meta

    values = meta(briefing)
    return Meta(values, render_header(values))
